//! Fixtures decide expectations: every `fixtures/<CODE>-<name>/bad/*` entry must produce at least
//! one finding of that rule, every `good/*` entry none; the code frames of each bad entry are
//! snapshots, so a change in wording or span shows in review.

mod common;

use common::{fixture_dirs, fixture_settings};
use trustlint::report::human::{HumanOptions, render_findings};
use trustlint::{CheckOptions, check};

#[test]
fn fixtures_decide_expectations() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for fx in fixture_dirs() {
        let settings = fixture_settings(&fx.dir);
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
            checked += 1;
            let own: Vec<_> = report.findings.iter().filter(|f| f.code == fx.code).cloned().collect();
            if bad && own.is_empty() {
                failures.push(format!("{}: expected a {} finding, got none", entry.display(), fx.code));
            }
            if !bad && !own.is_empty() {
                failures.push(format!(
                    "{}: expected no {} finding, got: {}",
                    entry.display(),
                    fx.code,
                    own.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")
                ));
            }
            if bad && !own.is_empty() {
                let mut out = Vec::new();
                let human = HumanOptions { color: false, width: 100, summary: false };
                render_findings(&mut out, &own, &report.sources, &human).expect("render");
                let name = format!(
                    "{}-{}__{}",
                    fx.code,
                    fx.name,
                    entry.file_name().and_then(|n| n.to_str()).unwrap_or("entry")
                );
                insta::assert_snapshot!(name, String::from_utf8_lossy(&out));
            }
        }
    }
    assert!(checked > 0, "no fixtures found");
    assert!(failures.is_empty(), "{} fixture failures:\n{}", failures.len(), failures.join("\n"));
}
