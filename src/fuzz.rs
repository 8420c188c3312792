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
    ("external_id", external_id),
    ("pattern", pattern),
];

fn rules() -> &'static [Box<dyn Rule>] {
    static RULES: OnceLock<Vec<Box<dyn Rule>>> = OnceLock::new();
    RULES.get_or_init(|| crate::rule_set(None).unwrap_or_default())
}

/// Lints `data` as a file called `name` and renders the findings; checks that every span lies
/// in its source and that the reports render.
fn document(name: &str, data: &[u8]) {
    let text = match crate::load::decode(data.to_vec()) {
        Ok(decoded) => decoded.text,
        Err(_) => return,
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
    let _ = crate::report::json::render(&findings, &sources, 1, 0);
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
