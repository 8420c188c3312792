//! Entry points for fuzzing, shared by the cargo-fuzz targets in `fuzz/` and by the stable test
//! `tests/fuzz_corpus.rs`, which replays the seed corpora and every committed crash or timeout
//! input (`fuzz/regressions/`) through the same functions: CI checks the regressions without a
//! nightly toolchain and without building the crate a second time.
//!
//! Each function takes raw bytes, runs the real pipeline (decode, parse, every rule, the human
//! and JSON reporters) and panics only when an invariant breaks, which the fuzzer reports.

use std::sync::OnceLock;

use crate::analysis::external_id::{self, Grammar};
use crate::analysis::reason::{Lang, PatternKind, VarMode};
use crate::config::Settings;
use crate::report::human::{HumanOptions, render_findings};
use crate::rules::Rule;

/// One fuzz target's body: raw bytes in, a panic on a broken invariant.
pub type Target = fn(&[u8]);

/// The fuzz targets, by name (the name of the file in `fuzz/fuzz_targets/` and of the corpus
/// directory): `(name, function)`.
pub const TARGETS: &[(&str, Target)] = &[
    ("policy_json", policy_json),
    ("terraform_hcl", terraform_hcl),
    ("terraform_json", terraform_json),
    ("plan_json", plan_json),
    ("auth_details", auth_details),
    ("aws_config", aws_config),
    ("external_id", external_id),
    ("pattern", pattern),
];

fn rules() -> &'static [Box<dyn Rule>] {
    static RULES: OnceLock<Vec<Box<dyn Rule>>> = OnceLock::new();
    // The embedded rules failing to load is a bug the fuzzer must report, not zero rules.
    RULES.get_or_init(|| crate::rule_set(None).expect("the embedded rule set loads"))
}

/// Lints `data` as a file called `name` and renders the findings; checks that every span lies
/// in its source and that the reports render. Returns the decoded text and the human and JSON
/// reports (empty when the bytes do not decode).
fn document(name: &str, data: &[u8]) -> (String, String) {
    let text = match crate::load::decode(data.to_vec()) {
        Ok(decoded) => decoded.text,
        Err(_) => return (String::new(), String::new()),
    };
    let settings = Settings::default();
    let (findings, sources) = crate::engine::lint_named(name, &text, &settings, rules());
    for f in &findings {
        let len = sources.get(f.span.src).map_or(0, |s| s.text.len());
        assert!(
            f.span.start <= f.span.end && f.span.end <= len,
            "{}: span {:?} outside its source",
            f.code,
            f.span
        );
    }
    let mut out = Vec::new();
    let opts = HumanOptions { color: false, width: 100, summary: false };
    render_findings(&mut out, &findings, &sources, &opts).expect("rendering into memory cannot fail");
    let mut report = String::from_utf8_lossy(&out).into_owned();
    report.push_str(&crate::report::json::render(&findings, &sources, 1, 0));
    (text, report)
}

/// An IAM policy document (`*.json`, kind inferred).
pub fn policy_json(data: &[u8]) {
    document("policy.json", data);
}

/// A Terraform module of one `main.tf`.
pub fn terraform_hcl(data: &[u8]) {
    // A directory that does not exist: `file()` in a fuzz input finds nothing to read.
    document("fuzz-no-such-dir/main.tf", data);
}

/// A Terraform module of one `main.tf.json`.
pub fn terraform_json(data: &[u8]) {
    document("fuzz-no-such-dir/main.tf.json", data);
}

/// A `terraform show -json` plan (detected by content, like every `*.json`).
pub fn plan_json(data: &[u8]) {
    document("plan.json", data);
}

/// A `get-account-authorization-details` dump (detected by content).
pub fn auth_details(data: &[u8]) {
    document("account.json", data);
}

/// An AWS shared config or credentials file: whatever it holds, no secret value may appear in
/// any finding's message, label or help (they are masked before they are stored).
pub fn aws_config(data: &[u8]) {
    let (text, report) = document(".aws/config", data);
    // A value that also appears elsewhere in the file (as a profile name, say) may be quoted
    // from there; only a value found nowhere else must never be printed.
    for secret in secret_values(&text).filter(|v| text.matches(v).count() == 1) {
        assert!(!report.contains(secret), "a secret value reached the report");
    }
}

/// The values of secret keys long enough that they cannot appear in a report by chance.
fn secret_values(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let (key, value) = line.split_once('=')?;
        let key = key.trim().to_ascii_lowercase();
        let secret = key == "aws_secret_access_key" || key == "aws_session_token";
        let value = value.trim();
        let shaped = value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+');
        (secret && value.len() >= 16 && shaped).then_some(value)
    })
}

fn grammar() -> Option<&'static Grammar> {
    crate::analysis::trust::grammar()
}

/// The external id parser: a parsed id must print back as its input.
pub fn external_id(data: &[u8]) {
    let Ok(id) = std::str::from_utf8(data) else { return };
    let Some(g) = grammar() else { return };
    if let Ok(parsed) = external_id::parse(id, g) {
        assert!(!parsed.account().is_empty(), "parsed `{id}` without an account");
    }
}

/// Pattern analysis: the first byte picks the operator, the rest is one condition value per
/// line. The languages are analysed against the Spacelift grammar, and every witness must be
/// in the language it was drawn from.
pub fn pattern(data: &[u8]) {
    let Some((&op, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let kind = match op % 4 {
        0 => PatternKind::Like,
        1 => PatternKind::Equals,
        2 => PatternKind::EqualsIgnoreCase,
        _ => PatternKind::ArnLike,
    };
    let values: Vec<&str> = text.split('\n').take(32).collect();
    let Ok(lang) = Lang::patterns(kind, &values, VarMode::AnyValue) else { return };
    if let Ok(Some(w)) = lang.shortest_witness() {
        assert!(lang.contains(&w), "witness {w:?} is not in its language");
    }
    if let Ok(Some(w)) = lang.complement().shortest_witness() {
        assert!(!lang.contains(&w), "complement witness {w:?} is in the language");
    }
    if let Some(g) = grammar() {
        let _ = external_id::analyse(&lang, g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_check_sees_secrets_and_the_reports_do_not() {
        let text = "[default]\naws_access_key_id = AKIA2FXTR7QW3RT5YB4N\naws_secret_access_key = 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\n";
        assert_eq!(secret_values(text).collect::<Vec<_>>(), ["Zr8pQ2vLxN4mT6bY1cK9dF3hJ5sW7aE0gU2iO4eR"]);
        let (_, report) = document(".aws/config", text.as_bytes());
        assert!(report.contains("TL605"), "the committed key is reported: {report}");
        assert!(!report.contains("Zr8pQ2vL"), "{report}");
    }
}
