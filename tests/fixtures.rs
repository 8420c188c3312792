//! Fixtures decide expectations: every `fixtures/<CODE>-<name>/bad/*` entry must produce at least
//! one finding of that rule, every `good/*` entry none. Each entry's report (every finding, of
//! every rule, as human code frames) is a snapshot, so noise from other rules shows in review as
//! much as a change in wording or span.
//!
//! One test per rule code, so `cargo test TL101` runs that rule's fixtures only;
//! `every_fixture_directory_has_a_test` keeps the list below complete.

mod common;

use common::{FixtureDir, fixture_dirs, fixture_settings};
use trustlint::report::human::{HumanOptions, render_findings};
use trustlint::{CheckOptions, check};

/// Runs the fixtures of one rule code and returns what went wrong.
fn run_fixtures(fx: &FixtureDir) -> Vec<String> {
    let settings = fixture_settings(&fx.dir);
    let mut failures = Vec::new();
    for (entry, bad) in fx.bad.iter().map(|e| (e, true)).chain(fx.good.iter().map(|e| (e, false))) {
        let opts =
            CheckOptions { paths: vec![entry.clone()], settings: settings.clone(), ..Default::default() };
        let report = match check(&opts) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: check failed: {e}", entry.display()));
                continue;
            }
        };
        let own: Vec<&str> =
            report.findings.iter().filter(|f| f.code == fx.code).map(|f| f.message.as_str()).collect();
        if bad && own.is_empty() {
            failures.push(format!("{}: expected a {} finding, got none", entry.display(), fx.code));
        }
        if !bad && !own.is_empty() {
            failures.push(format!(
                "{}: expected no {} finding, got: {}",
                entry.display(),
                fx.code,
                own.join("; ")
            ));
        }
        if report.findings.is_empty() {
            continue;
        }
        let mut out = Vec::new();
        let human = HumanOptions { color: false, width: 100, summary: false };
        render_findings(&mut out, &report.findings, &report.sources, &human).expect("render");
        let file = entry.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
        let name = if bad {
            format!("{}-{}__{file}", fx.code, fx.name)
        } else {
            format!("{}-{}__good__{file}", fx.code, fx.name)
        };
        insta::assert_snapshot!(name, String::from_utf8_lossy(&out));
    }
    failures
}

fn fixtures_of(code: &str) {
    let dirs = fixture_dirs();
    let fx =
        dirs.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("no fixtures/{code}-*/ directory"));
    assert!(!fx.bad.is_empty() || !fx.good.is_empty(), "fixtures/{code}-{}/ has no entries", fx.name);
    let failures = run_fixtures(fx);
    assert!(failures.is_empty(), "{} fixture failures:\n{}", failures.len(), failures.join("\n"));
}

macro_rules! fixture_tests {
    ($($code:ident),* $(,)?) => {
        $(
            #[test]
            #[allow(non_snake_case)]
            fn $code() {
                fixtures_of(stringify!($code));
            }
        )*
        const TESTED: &[&str] = &[$(stringify!($code)),*];
    };
}

fixture_tests!(
    TL000, TL001, TL002, TL003, TL004, TL005, TL006, TL007, TL008, TL009, TL010, TL011, TL101, TL102, TL103,
    TL104, TL105, TL106, TL107, TL108, TL109, TL110, TL111, TL112, TL113, TL114, TL115, TL116, TL117, TL201,
    TL202, TL203, TL204, TL205, TL301, TL302, TL303, TL304, TL305, TL306, TL307, TL308, TL401, TL402, TL403,
    TL404, TL405, TL406, TL501, TL502, TL503, TL504, TL505, TL506, TL507, TL508, TL509, TL601, TL602, TL603,
    TL604, TL605, TL701, TL702, TL703, TL704,
);

#[test]
fn every_fixture_directory_has_a_test() {
    let missing: Vec<String> =
        fixture_dirs().into_iter().map(|f| f.code).filter(|c| !TESTED.contains(&c.as_str())).collect();
    assert!(missing.is_empty(), "add these codes to fixture_tests! in tests/fixtures.rs: {missing:?}");
}
