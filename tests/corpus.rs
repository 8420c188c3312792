//! Every AWS managed policy goes through `check`: AWS accepted all of them, so grammar rules
//! that claim IAM would reject a document must stay silent, and nothing may panic.

mod common;

use std::collections::BTreeMap;

use common::manifest_dir;
use trustlint::{CheckOptions, check};

#[test]
fn aws_managed_policies_pass_the_grammar_rules() {
    let dir = manifest_dir().join("../shared/data/aws-managed-policies");
    if !dir.is_dir() {
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared/data/aws-managed-policies");
        eprintln!("skipped: {} is absent (it ships beside the repository in CI)", dir.display());
        return;
    }
    let report = check(&CheckOptions { paths: vec![dir], ..Default::default() }).expect("check runs");
    assert!(report.files >= 1000, "corpus has {} files", report.files);
    assert_eq!(report.policies, report.files, "every document is read as a policy");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in &report.findings {
        *counts.entry(f.code.to_string()).or_default() += 1;
    }
    eprintln!("{} managed policies; findings by code: {counts:?}", report.files);
    // The number of findings per code is a reviewed snapshot: a rule change that reports more
    // (or fewer) on policies AWS itself ships shows in review instead of slipping in.
    let table: String = counts.iter().map(|(code, n)| format!("{code} {n}\n")).collect();
    insta::assert_snapshot!("aws_managed_policy_findings_by_code", table);
    let forbidden = ["TL001", "TL003", "TL004", "TL005", "TL006"];
    let bad: Vec<String> = report
        .findings
        .iter()
        .filter(|f| forbidden.contains(&f.code))
        .take(10)
        .map(|f| format!("{} {}", f.code, f.message))
        .collect();
    assert!(bad.is_empty(), "AWS accepted these, but trustlint says IAM would not:\n{}", bad.join("\n"));
    // Every action AWS uses is in the catalog or in its gap list (data/catalog/catalog-gaps.txt).
    let unknown: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.code == "TL303" || f.code == "TL304")
        .map(|f| format!("{} {}", f.code, f.message))
        .collect();
    eprintln!("TL303/TL304 findings on the corpus: {}", unknown.len());
    assert!(unknown.is_empty(), "actions missing from catalog and gap list:\n{}", unknown.join("\n"));
}
