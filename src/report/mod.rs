//! Reporters: the same findings as code frames, JSON, and the CI formats.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::rules::Finding;
use crate::source::{LineCol, SourceMap};

/// A finding with its path and 1-based positions resolved, as every format needs them.
pub struct Located<'a> {
    pub finding: &'a Finding,
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
}

pub fn locate<'a>(findings: &'a [Finding], sources: &SourceMap) -> Vec<Located<'a>> {
    findings
        .iter()
        .map(|f| match sources.get(f.span.src) {
            Some(src) => Located {
                finding: f,
                path: src.name.clone(),
                start: src.line_col(f.span.start),
                end: src.line_col(f.span.end),
            },
            None => Located {
                finding: f,
                path: String::new(),
                start: LineCol { line: 1, column: 1 },
                end: LineCol { line: 1, column: 1 },
            },
        })
        .collect()
}
