//! SARIF 2.1.0: one `rule` per rule (with full help from the rule docs), one `result` per finding.
//! Paths are relative to `%SRCROOT%`, the repository root (`--root`, else the git work tree),
//! so GitHub code scanning maps them to files whichever directory trustlint ran in.

use serde_json::{Value, json};

use crate::report::paths::Rebase;
use crate::report::{Run, locate};
use crate::rules::{Family, RuleMeta, Severity};

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

/// GitHub's `security-severity` (a CVSS-like score: 9.0+ critical, 7.0+ high, 4.0+ medium, else
/// low). Grammar rules are correctness problems, not vulnerabilities: they get none, and GitHub
/// shows their error/warning/note level instead. An error in who may assume a role (trust,
/// external ids) lets another party in: critical; other errors grant too much: high.
pub fn security_severity(m: &RuleMeta) -> Option<&'static str> {
    match (m.family, m.severity) {
        (Family::Grammar, _) => None,
        (Family::Trust | Family::ExternalId, Severity::Error) => Some("9.1"),
        (_, Severity::Error) => Some("8.0"),
        (_, Severity::Warning) => Some("5.0"),
        (_, Severity::Info) => Some("2.0"),
    }
}

/// How often a finding of the rule is a true problem (SARIF `precision`, shown by GitHub):
/// grammar and errors come from exact checks; info notes are advice.
fn precision(m: &RuleMeta) -> &'static str {
    match (m.family, m.severity) {
        (Family::Grammar, _) | (_, Severity::Error) => "very-high",
        (_, Severity::Warning) => "high",
        (_, Severity::Info) => "medium",
    }
}

fn rule_json(m: &RuleMeta, help_uri: Option<String>) -> Value {
    let docs = m.docs_text();
    let full = section(&docs, "What it does").unwrap_or_else(|| m.summary.to_string());
    let mut tags = vec![if m.family == Family::Grammar { "correctness" } else { "security" }, "iam"];
    tags.push(m.family.name());
    let mut properties = json!({
        "tags": tags,
        "precision": precision(m),
        "problem.severity": match m.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "recommendation",
        },
    });
    if let Some(s) = security_severity(m) {
        properties["security-severity"] = json!(s);
    }
    let mut rule = json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": full},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": properties,
    });
    if let Some(uri) = help_uri {
        rule["helpUri"] = json!(uri);
    }
    rule
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

fn artifact_location(path: &str, root: &Rebase) -> Value {
    if let Some(rel) = root.relative(path) {
        return json!({"uri": uri_path(&rel), "uriBaseId": "%SRCROOT%"});
    }
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        json!({"uri": format!("file://{}", uri_path(path))})
    } else {
        // Outside the root (or standard input): a relative reference GitHub cannot map, but
        // the path as the user reported it.
        json!({"uri": uri_path(path)})
    }
}

fn result_json(run: &Run, l: &crate::report::Located, fingerprint: &str, root: &Rebase) -> Value {
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
                "artifactLocation": artifact_location(&l.path, root),
                "region": {
                    "startLine": l.start.line,
                    "startColumn": l.start.column,
                    "endLine": l.end.line,
                    "endColumn": l.end.column,
                }
            }
        }],
        "partialFingerprints": {"trustlint/v1": fingerprint},
    });
    if let Some(i) = run.rules.iter().position(|m| m.code == f.code) {
        r["ruleIndex"] = json!(i);
    }
    if let Some(s) = &f.subject {
        r["properties"] = json!({"subject": s});
    }
    if let Some(fixes) = crate::report::sarif_fixes::fixes(run.sources, f, &|p| artifact_location(p, root)) {
        r["fixes"] = fixes;
    }
    r
}

/// Renders the SARIF log: every rule of the run (so the rule list is complete), one result per
/// finding with its baseline fingerprint.
pub fn render(run: &Run, root: &Rebase) -> String {
    let results: Vec<Value> = locate(run.findings, run.sources)
        .iter()
        .zip(run.fingerprints)
        .map(|(l, fp)| result_json(run, l, fp, root))
        .collect();
    let mut base = uri_path(&root.root.to_string_lossy());
    if !base.ends_with('/') {
        base.push('/');
    }
    let rules: Vec<Value> = run.rules.iter().map(|m| rule_json(m, run.docs_url(m.code))).collect();
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
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {"%SRCROOT%": {"uri": format!("file://{base}")}},
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
