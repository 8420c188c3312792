//! SARIF 2.1.0: one `rule` per rule (with full help from the rule docs), one `result` per finding.

use serde_json::{Value, json};

use crate::report::locate;
use crate::rules::{Finding, RuleMeta, Severity};
use crate::source::SourceMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = crate::rules::REPOSITORY;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The text of a `## Section` of a rule's docs (up to the next heading), if present.
fn section(docs: &str, name: &str) -> Option<String> {
    let mut lines = docs.lines().skip_while(|l| l.trim() != format!("## {name}"));
    lines.next()?;
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
    let body = body.join("\n").trim().to_string();
    (!body.is_empty()).then_some(body)
}

fn rule_json(m: &RuleMeta) -> Value {
    let docs = m.docs_text();
    let full = section(&docs, "What it does").unwrap_or_else(|| m.summary.to_string());
    json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": full},
        "help": {"text": docs, "markdown": docs},
        "helpUri": m.help_uri(),
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {"tags": [m.family.name()]},
    })
}

/// Percent-encodes what may not appear in a URI reference path; keeps `/`.
fn uri_path(p: &str) -> String {
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

fn artifact_location(path: &str) -> Value {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        json!({"uri": format!("file://{}", uri_path(path))})
    } else {
        let rel = path.strip_prefix("./").unwrap_or(path);
        json!({"uri": uri_path(rel), "uriBaseId": "%SRCROOT%"})
    }
}

/// Renders the SARIF log. `rules` is every rule of the run (so the rule list is complete);
/// `fingerprints` are the baseline fingerprints, one per finding.
pub fn render(
    findings: &[Finding],
    sources: &SourceMap,
    rules: &[RuleMeta],
    fingerprints: &[String],
) -> String {
    let results: Vec<Value> = locate(findings, sources)
        .into_iter()
        .zip(fingerprints)
        .map(|(l, fp)| {
            let f = l.finding;
            let mut message = f.message.clone();
            if let Some(h) = &f.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let mut r = json!({
                "ruleId": f.code.as_ref(),
                "level": level(f.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&l.path),
                        "region": {
                            "startLine": l.start.line,
                            "startColumn": l.start.column,
                            "endLine": l.end.line,
                            "endColumn": l.end.column,
                        }
                    }
                }],
                "partialFingerprints": {"trustlint/v1": fp},
            });
            if let Some(i) = rules.iter().position(|m| m.code == f.code) {
                r["ruleIndex"] = json!(i);
            }
            if let Some(s) = &f.subject {
                r["properties"] = json!({"subject": s});
            }
            r
        })
        .collect();
    let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    let mut root = uri_path(&cwd);
    if !root.ends_with('/') {
        root.push('/');
    }
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "trustlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules.iter().map(rule_json).collect::<Vec<_>>(),
                }
            },
            "originalUriBaseIds": {"%SRCROOT%": {"uri": format!("file://{root}")}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_uris() {
        let docs = "## What it does\nChecks X.\n\n## Why is this bad?\nBecause.";
        assert_eq!(section(docs, "What it does").as_deref(), Some("Checks X."));
        assert_eq!(uri_path("a b/c#d.json"), "a%20b/c%23d.json");
    }
}
