//! SARIF 2.1.0: one `rule` per rule (with full help from the rule docs), one `result` per finding.
//! Paths are relative to `%SRCROOT%`, the repository root (`--root`, else the git work tree),
//! so GitHub code scanning maps them to files whichever directory trustlint ran in.

use serde::Serialize;

use crate::report::paths::Rebase;
use crate::report::sarif_location::{ArtifactLocation, Region, artifact_location, uri_path};
use crate::report::{Located, Run, located};
use crate::rules::{Family, Finding, RuleMeta, Severity};

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

/// A SARIF object's fields, declared in the byte order of their keys: the log used to be a
/// `serde_json::Value` tree, which sorts keys, and the typed log keeps that output exactly.
#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct RuleOut<'a> {
    #[serde(rename = "defaultConfiguration")]
    default_configuration: Level,
    #[serde(rename = "fullDescription")]
    full_description: OwnedText,
    help: RuleHelp<'a>,
    #[serde(rename = "helpUri", skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    id: &'a str,
    name: &'a str,
    properties: RuleProperties,
    #[serde(rename = "shortDescription")]
    short_description: Text<'a>,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct RuleHelp<'a> {
    markdown: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct RuleProperties {
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    tags: Vec<&'static str>,
}

fn rule_out<'a>(m: &'a RuleMeta, docs: &'a str, help_uri: Option<String>) -> RuleOut<'a> {
    let full = section(docs, "What it does").unwrap_or_else(|| m.summary.to_string());
    let mut tags = vec![if m.family == Family::Grammar { "correctness" } else { "security" }, "iam"];
    tags.push(m.family.name());
    RuleOut {
        default_configuration: Level { level: level(m.severity) },
        full_description: OwnedText { text: full },
        help: RuleHelp { markdown: docs, text: docs },
        help_uri,
        id: m.code,
        name: m.name,
        properties: RuleProperties {
            precision: precision(m),
            problem_severity: match m.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
            security_severity: security_severity(m),
            tags,
        },
        short_description: Text { text: m.summary },
    }
}

#[derive(Serialize)]
struct ResultOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<Vec<crate::report::sarif_fixes::FixOut<'a>>>,
    level: &'static str,
    locations: [Location; 1],
    message: OwnedText,
    #[serde(rename = "partialFingerprints")]
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Subject<'a>>,
    #[serde(rename = "ruleId")]
    rule_id: &'a str,
    #[serde(rename = "ruleIndex", skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

#[derive(Serialize)]
struct Location {
    #[serde(rename = "physicalLocation")]
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
struct PhysicalLocation {
    #[serde(rename = "artifactLocation")]
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "trustlint/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
struct Subject<'a> {
    subject: &'a str,
}

fn result_out<'a>(
    run: &Run,
    f: &'a Finding,
    l: &Located,
    artifact: ArtifactLocation,
    fingerprint: &'a str,
    rule_index: Option<usize>,
    root: &Rebase,
) -> ResultOut<'a> {
    let mut message = f.message.to_string();
    if let Some(h) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    ResultOut {
        fixes: crate::report::sarif_fixes::fixes(run.sources, f, &|p| artifact_location(p, root)),
        level: level(f.severity),
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact,
                region: Region::new(l.start, l.end),
            },
        }],
        message: OwnedText { text: message },
        partial_fingerprints: Fingerprints { v1: fingerprint },
        properties: f.subject.as_deref().map(|subject| Subject { subject }),
        rule_id: f.code,
        rule_index,
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [RunOut<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
struct RunOut<'a> {
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    #[serde(rename = "originalUriBaseIds")]
    original_uri_base_ids: BaseIds,
    results: Results<'a>,
    tool: Tool<'a>,
}

#[derive(Serialize)]
struct BaseIds {
    #[serde(rename = "%SRCROOT%")]
    src_root: Uri,
}

#[derive(Serialize)]
struct Uri {
    uri: String,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
struct Driver<'a> {
    #[serde(rename = "informationUri")]
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<RuleOut<'a>>,
    #[serde(rename = "semanticVersion")]
    semantic_version: &'static str,
    version: &'static str,
}

/// The results, serialised one finding at a time (never all records at once).
struct Results<'a> {
    run: &'a Run<'a>,
    root: &'a Rebase,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let run = self.run;
        // Findings come sorted by file: each file's location is made once (rebasing a path
        // and percent-encoding it cost more than the rest of a result).
        let mut last: Option<(crate::source::SourceId, ArtifactLocation)> = None;
        // Each rule's place in the log's rule list (the first of a code), looked up per result.
        let mut rule_index = std::collections::HashMap::with_capacity(run.rules.len());
        for (i, m) in run.rules.iter().enumerate() {
            rule_index.entry(m.code).or_insert(i);
        }
        s.collect_seq(run.findings.iter().zip(run.fingerprints).map(|(f, fp)| {
            let l = located(f, run.sources);
            let artifact = match &last {
                Some((id, a)) if *id == f.span.src => a.clone(),
                _ => {
                    let a = artifact_location(&l.path, self.root);
                    last = Some((f.span.src, a.clone()));
                    a
                }
            };
            result_out(run, f, &l, artifact, fp, rule_index.get(f.code).copied(), self.root)
        }))
    }
}

/// Writes the SARIF log (pretty-printed, with a final newline) to `out`: every rule of the run
/// (so the rule list is complete), one result per finding with its baseline fingerprint.
pub fn write(out: &mut dyn std::io::Write, run: &Run, root: &Rebase) -> std::io::Result<()> {
    let mut base = uri_path(&root.root.to_string_lossy());
    if !base.ends_with('/') {
        base.push('/');
    }
    let docs: Vec<String> = run.rules.iter().map(|m| m.docs_text()).collect();
    let rules: Vec<RuleOut> =
        run.rules.iter().zip(&docs).map(|(m, d)| rule_out(m, d, run.docs_url(m.code))).collect();
    let log = Log {
        schema: SCHEMA_URI,
        runs: [RunOut {
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: BaseIds { src_root: Uri { uri: format!("file://{base}") } },
            results: Results { run, root },
            tool: Tool {
                driver: Driver {
                    information_uri: INFORMATION_URI,
                    name: "trustlint",
                    rules,
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    // serde_json writes in many small pieces: a statically dispatched buffer takes them as
    // plain copies, where each was a `dyn Write` call.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &log).map_err(std::io::Error::other)?;
    std::io::Write::write_all(&mut buffered, b"\n")?;
    std::io::Write::flush(&mut buffered)
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
