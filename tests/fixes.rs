//! Fix pairs: `fixtures/<CODE>-<name>/fix/<case>.in.<ext>` and `<case>.out.<ext>` (`ext` is
//! what the input needs: `json`, `tf`, `tf.json`). For each pair the `.in` file is copied alone
//! into a fresh directory as `<case>.<ext>` and fixed as `check --fix` does (with
//! `--unsafe-fixes` for a rule whose fixes are unsafe), with only that rule selected and the
//! fixture's `trustlint.toml` settings. The result must be the `.out` file exactly, must have no
//! finding of the rule left, and fixing it again must change nothing.
//!
//! One test per fixable rule, so `cargo test --test fixes TL105` runs that rule's pairs;
//! `every_fixable_rule_has_a_fix_pair` keeps rule metadata and pairs in step.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture_dirs, fixture_settings, manifest_dir};
use trustlint::config::{LintOptions, Settings};
use trustlint::fixer::{self, Request};
use trustlint::rules::Applicability;
use trustlint::{CheckOptions, rule_set};

/// `(case, ext, in, out)` of a rule's `fix/` directory.
fn pairs(dir: &Path) -> Vec<(String, String, PathBuf, PathBuf)> {
    let fix = manifest_dir().join(dir).join("fix");
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&fix) else { return out };
    let mut names: Vec<String> = rd.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    names.sort();
    for name in names {
        let Some((case, ext)) = name.split_once(".in.") else { continue };
        let out_file = fix.join(format!("{case}.out.{ext}"));
        out.push((case.to_string(), ext.to_string(), fix.join(&name), out_file));
    }
    out
}

fn options(dir: &Path, code: &str, settings: &Settings) -> CheckOptions {
    CheckOptions {
        paths: vec![dir.to_path_buf()],
        settings: settings.clone(),
        lint: LintOptions { select: vec![code.to_string()], ..Default::default() },
        ..Default::default()
    }
}

/// Fixes the file in `dir` and returns its new text and how many findings were fixed.
fn fix_once(dir: &Path, file: &Path, code: &str, settings: &Settings, unsafe_fixes: bool) -> (String, usize) {
    let req = Request { unsafe_fixes, write: true };
    let (_, fixed) = fixer::run(&options(dir, code, settings), req).expect("fix runs");
    assert!(fixed.dropped.is_empty(), "dropped fixes: {:?}", fixed.dropped);
    (std::fs::read_to_string(file).expect("fixed file"), fixed.fixed)
}

fn check_pairs(code: &str) {
    let fx = fixture_dirs().into_iter().find(|f| f.code == code).expect("fixture directory");
    let meta = *rule_set(None).expect("rules").iter().find(|r| r.meta().code == code).expect("rule").meta();
    let unsafe_fixes = meta.fix == Some(Applicability::Unsafe);
    let settings = fixture_settings(&fx.dir);
    let mut failures = Vec::new();
    for (case, ext, input, output) in pairs(&fx.dir) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join(format!("{case}.{ext}"));
        std::fs::copy(&input, &file).expect("copy .in");
        let Ok(want) = std::fs::read_to_string(&output) else {
            failures.push(format!("{}: no {}", input.display(), output.display()));
            continue;
        };
        if unsafe_fixes {
            let (text, _) = fix_once(tmp.path(), &file, code, &settings, false);
            if text != std::fs::read_to_string(&input).expect("in") {
                failures.push(format!("{case}: an unsafe rule's fix was made without --unsafe-fixes"));
            }
        }
        let (got, n) = fix_once(tmp.path(), &file, code, &settings, unsafe_fixes);
        if got != want {
            failures.push(format!(
                "{case}: fixed text differs from {}\n--- got ---\n{got}\n--- want ---\n{want}",
                output.display()
            ));
            continue;
        }
        if n == 0 {
            failures.push(format!("{case}: no finding was fixed"));
        }
        let report = trustlint::check(&options(tmp.path(), code, &settings)).expect("check");
        let left: Vec<&str> =
            report.findings.iter().filter(|f| f.code == code).map(|f| f.message.as_str()).collect();
        if !left.is_empty() {
            failures.push(format!("{case}: fixed text still has {code}: {}", left.join("; ")));
        }
        let (again, n) = fix_once(tmp.path(), &file, code, &settings, unsafe_fixes);
        if again != got || n != 0 {
            failures.push(format!("{case}: fixing again changed the text (not idempotent)"));
        }
    }
    assert!(failures.is_empty(), "{} fix pair failures:\n{}", failures.len(), failures.join("\n"));
}

macro_rules! fix_tests {
    ($($code:ident),* $(,)?) => {
        $(
            #[test]
            #[allow(non_snake_case)]
            fn $code() {
                check_pairs(stringify!($code));
            }
        )*
        const TESTED: &[&str] = &[$(stringify!($code)),*];
    };
}

fix_tests!(TL002, TL101, TL103, TL105, TL106, TL110, TL111, TL113, TL202, TL204);

#[test]
fn every_fixable_rule_has_a_fix_pair() {
    let fixtures = fixture_dirs();
    for r in rule_set(None).expect("rules load") {
        let m = r.meta();
        let fx = fixtures.iter().find(|f| f.code == m.code).expect("fixture directory");
        let n = pairs(&fx.dir).len();
        match m.fix {
            Some(_) => {
                assert!(
                    n > 0,
                    "{} is marked fixable but fixtures/{}-{}/fix/ has no pair",
                    m.code,
                    m.code,
                    m.name
                );
                assert!(TESTED.contains(&m.code), "add {} to fix_tests! in tests/fixes.rs", m.code);
            }
            None => assert_eq!(
                n, 0,
                "{} has fix pairs but is not marked fixable (`fix:` in declare_rule!)",
                m.code
            ),
        }
    }
}

// ---------------------------------------------------------------- fixes that break the text

mod breaking {
    use trustlint::model::{Policy, Unit};
    use trustlint::rules::{Context, Edit, Fix, HasMeta, Rule, RuleMeta, Sink};
    use trustlint::source::Span;

    /// A rule whose first fix deletes the document's closing brace (the text no longer parses)
    /// and whose second renames `Allow` to `Deny` harmlessly.
    pub struct Breaks;

    pub const META: RuleMeta = RuleMeta {
        code: "TL900",
        name: "breaks",
        ..trustlint::rules::grammar::parse_error::ParseError::META
    };

    impl HasMeta for Breaks {
        fn meta(&self) -> &RuleMeta {
            &META
        }
    }

    impl Rule for Breaks {
        fn check_policy(&self, cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
            let Some(src) = cx.sources.get(policy.span.src) else { return };
            let close = Span::new(src.id, policy.span.end - 1, policy.span.end);
            if src.slice(close) == "}" {
                out.emit(close, "closing brace").fix(Some(Fix::safe("Delete it", vec![Edit::delete(close)])));
            }
            for st in &policy.statements {
                let Some(effect) = &st.effect else { continue };
                let Some(at) = src.slice(effect.value.span).find("Allow") else { continue };
                let start = effect.value.span.start + at;
                let span = Span::new(src.id, start, start + "Allow".len());
                out.emit(span, "allow")
                    .fix(Some(Fix::safe("Deny instead", vec![Edit::replace(span, "Deny")])));
            }
        }
    }
}

fn breaking_options(dir: &Path) -> CheckOptions {
    let mut rules = trustlint::rule_set(None).expect("rules");
    rules.push(Box::new(breaking::Breaks));
    CheckOptions {
        paths: vec![dir.to_path_buf()],
        rules: Some(trustlint::RuleSet::from_rules(rules)),
        lint: LintOptions { select: vec!["TL900".into()], ..Default::default() },
        ..Default::default()
    }
}

#[test]
fn a_fix_that_makes_the_file_unparsable_is_dropped_and_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("p.json");
    std::fs::write(
        &file,
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}\n",
    )
    .expect("write");
    let (report, fixed) =
        fixer::run(&breaking_options(tmp.path()), Request { unsafe_fixes: false, write: true })
            .expect("fix runs");
    let text = std::fs::read_to_string(&file).expect("read");
    assert_eq!(
        text,
        "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}\n"
    );
    assert_eq!(fixed.fixed, 1);
    assert_eq!(fixed.dropped.len(), 1, "{:?}", fixed.dropped);
    assert!(
        fixed.dropped[0].contains("p.json:1:") && fixed.dropped[0].contains("would not parse"),
        "{:?}",
        fixed.dropped
    );
    // The finding whose fix was dropped is still reported; TL001 (not selected) is not.
    assert!(report.findings.iter().any(|f| f.message == "closing brace"));
    assert!(report.findings.iter().all(|f| f.code == "TL900"));
}

#[test]
fn a_round_that_breaks_an_embedded_policy_is_undone() {
    // The HCL still parses after the brace is deleted, but the heredoc's policy does not: the
    // whole round is undone for the file, and its fixes are reported as dropped.
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("main.tf");
    let original = "resource \"aws_iam_policy\" \"p\" {\n  name   = \"p\"\n  policy = <<EOT\n{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}\nEOT\n}\n";
    std::fs::write(&file, original).expect("write");
    let (_, fixed) = fixer::run(&breaking_options(tmp.path()), Request { unsafe_fixes: false, write: true })
        .expect("fix runs");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), original);
    assert_eq!(fixed.fixed, 0);
    assert_eq!(fixed.dropped.len(), 2, "{:?}", fixed.dropped);
    assert!(fixed.changed.is_empty());
}

#[test]
fn a_computed_value_gets_no_fix() {
    // `test = local.op` and `"${local.op}"` evaluate to StringEquals, but the text at their
    // spans is not the operator: rewriting it would change the local (or break the reference).
    let tmp = tempfile::tempdir().expect("tempdir");
    let text =
        std::fs::read_to_string(manifest_dir().join("tests/data/fixes/computed-operator.tf")).expect("data");
    std::fs::write(tmp.path().join("main.tf"), &text).expect("write");
    let report = trustlint::check(&options(tmp.path(), "TL105", &Settings::default())).expect("check");
    let tl105: Vec<_> = report.findings.iter().filter(|f| f.code == "TL105").collect();
    assert_eq!(tl105.len(), 2, "{:?}", report.findings);
    assert!(tl105.iter().all(|f| f.fix.is_none()));
    let (_, fixed) = fixer::run(
        &options(tmp.path(), "TL105", &Settings::default()),
        Request { unsafe_fixes: true, write: true },
    )
    .expect("fix");
    assert!(fixed.changed.is_empty());
    assert_eq!(std::fs::read_to_string(tmp.path().join("main.tf")).expect("read"), text);
}

#[test]
fn renaming_into_an_existing_block_is_not_offered() {
    // StringLike already exists in the statement: StringEquals -> StringLike would write a
    // duplicate key, which IAM reads as one of the two.
    let tmp = tempfile::tempdir().expect("tempdir");
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole",
  "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops*"}, "StringLike": {"sts:ExternalId": "acme@*@app@*"}}}]}
"#;
    std::fs::write(tmp.path().join("p.json"), text).expect("write");
    let report = trustlint::check(&options(tmp.path(), "TL105", &Settings::default())).expect("check");
    let f = report.findings.iter().find(|f| f.code == "TL105").expect("TL105");
    assert!(f.fix.is_none());
}
