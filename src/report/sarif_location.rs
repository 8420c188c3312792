//! SARIF 2.1.0 locations shared by results and fixes: `artifactLocation` (repository-relative
//! URIs under `%SRCROOT%`) and `region` (1-based lines and code-point columns).

use serde::Serialize;

use crate::report::paths::Rebase;
use crate::source::LineCol;

/// Percent-encodes what may not appear in a URI reference path; keeps `/`.
pub fn uri_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A SARIF `artifactLocation`.
#[derive(Clone, Serialize)]
pub struct ArtifactLocation {
    uri: String,
    #[serde(rename = "uriBaseId", skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// A SARIF `region` by 1-based line and column.
#[derive(Serialize)]
pub struct Region {
    #[serde(rename = "endColumn")]
    pub end_column: usize,
    #[serde(rename = "endLine")]
    pub end_line: usize,
    #[serde(rename = "startColumn")]
    pub start_column: usize,
    #[serde(rename = "startLine")]
    pub start_line: usize,
}

impl Region {
    pub fn new(start: LineCol, end: LineCol) -> Region {
        Region {
            end_column: end.column,
            end_line: end.line,
            start_column: start.column,
            start_line: start.line,
        }
    }
}

pub fn artifact_location(path: &str, root: &Rebase) -> ArtifactLocation {
    if let Some(rel) = root.relative(path) {
        return ArtifactLocation { uri: uri_path(&rel), uri_base_id: Some("%SRCROOT%") };
    }
    let p = std::path::Path::new(path);
    let uri = if p.is_absolute() {
        format!("file://{}", uri_path(path))
    } else {
        // Outside the root (or standard input): a relative reference GitHub cannot map, but
        // the path as the user reported it.
        uri_path(path)
    };
    ArtifactLocation { uri, uri_base_id: None }
}
