//! One mistake, one finding: where one element of a policy has several consequences, the
//! root cause is reported once and its message names the consequences. Each case lists every
//! finding (all rules) its fixture must produce, so a consequence reported again by another
//! rule fails here.

mod common;

use common::fixture_settings;
use std::path::{Path, PathBuf};
use trustlint::{CheckOptions, check};

/// (fixture directory, entry, every code it yields in order of position).
const CASES: &[(&str, &str, &[&str])] = &[
    // `*` under StringEquals on the external id: not also TL112, TL201, TL205.
    ("TL105-wildcard-in-exact-match", "bad/spacelift-star-under-string-equals.json", &["TL105"]),
    // IfExists / ForAllValues on the external id: not also TL101 (`acme@*` is a second
    // mistake: every stack).
    ("TL103-external-id-if-exists", "bad/string-like-if-exists.json", &["TL103", "TL204"]),
    ("TL106-set-operator-on-single-valued-key", "bad/for-all-values.json", &["TL106"]),
    // ForAllValues on the OIDC subject: TL106, not "no condition on sub" (TL109).
    ("TL106-set-operator-on-single-valued-key", "bad/oidc-sub-for-all-values.json", &["TL106"]),
    ("TL109-oidc-missing-subject", "bad/github-owner-prefix-wildcard.json", &["TL109"]),
    // Another provider's claim key: TL112 (never present), not TL109 "no condition on sub".
    ("TL112-unsatisfiable-trust-statement", "bad/other-provider-claim-key.json", &["TL112"]),
    ("TL112-unsatisfiable-trust-statement", "bad/typo-global-key.json", &["TL112"]),
    // A value no Spacelift id matches: TL201 alone, not also TL112 "grants nothing".
    ("TL201-external-id-grammar", "bad/ulid-first-char-above-7.json", &["TL201"]),
    ("TL112-unsatisfiable-trust-statement", "good/invalid-value-is-tl201.json", &["TL201"]),
    // A Deny that requires the external id: nothing at all.
    ("TL101-missing-external-id", "good/deny-string-not-like.json", &[]),
    ("TL111-read-write-scope", "good/deny-read-ids-of-anyone.json", &[]),
];

#[test]
fn each_mistake_is_reported_once() {
    let mut failures = Vec::new();
    for (dir, entry, want) in CASES {
        let dir = PathBuf::from("fixtures").join(dir);
        let path = dir.join(entry);
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(&path).exists(), "{} is missing", path.display());
        let opts = CheckOptions {
            paths: vec![path.clone()],
            settings: fixture_settings(&dir),
            ..Default::default()
        };
        let report = check(&opts).expect("check runs");
        let got: Vec<String> = report.findings.iter().map(|f| f.code.to_string()).collect();
        if got != want.iter().map(|c| c.to_string()).collect::<Vec<_>>() {
            let messages: Vec<String> =
                report.findings.iter().map(|f| format!("{}: {}", f.code, f.message)).collect();
            failures.push(format!(
                "{}: want {want:?}, got:\n    {}",
                path.display(),
                messages.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
