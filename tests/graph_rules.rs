//! Rules on the role graph (TL7xx) as `check` runs them: across files, suppressed by the comment
//! in the file they point into, selected and ignored like any rule.

mod common;

use std::path::Path;
use std::process::Command;

use common::bin;

fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(bin())
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "concise", "--quiet"])
        .args(args)
        .arg(".")
        .output()
        .expect("binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

const DEPLOY_222: &str = r#"{"RoleDetailList": [{
  "RoleName": "deploy", "Arn": "arn:aws:iam::222222222222:role/deploy",
  "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
    "Sid": "FromHub", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/hub"},
    "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "deploy-from-hub"}}}]},
  "RolePolicyList": [], "AttachedManagedPolicies": []}]}"#;

fn provider(comment: &str) -> String {
    format!(
        r#"{comment}provider "aws" {{
  alias = "workload"
  assume_role {{
    role_arn    = "arn:aws:iam::222222222222:role/deploy"
    external_id = "deploy-from-ci"
  }}
}}
"#
    )
}

fn layout(comment: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("workload-222222222222.json"), DEPLOY_222).expect("write dump");
    std::fs::write(dir.path().join("main.tf"), provider(comment)).expect("write main.tf");
    dir
}

#[test]
fn a_hop_refused_by_a_dump_in_another_file_is_reported_at_the_provider() {
    let dir = layout("");
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    let line = out.lines().find(|l| l.contains("TL701")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.starts_with("main.tf:4:"), "{line}");
    assert!(line.contains("statement \"FromHub\"") && line.contains("workload-222222222222.json:"), "{line}");
}

#[test]
fn a_suppression_in_the_provider_file_covers_the_graph_finding_and_is_used() {
    let dir = layout("# trustlint:ignore TL701 the deploy role's trust is changed in the same release\n");
    let (code, out) = check(dir.path(), &[]);
    assert!(!out.contains("TL701"), "{out}");
    assert!(!out.contains("TL000"), "the suppression covered a finding: {out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn graph_rules_are_selected_and_ignored_like_others() {
    let dir = layout("");
    let (_, out) = check(dir.path(), &["--ignore", "TL7"]);
    assert!(!out.contains("TL701"), "{out}");
    let (_, out) = check(dir.path(), &["--select", "assume-role-hop-fails"]);
    assert!(out.contains("TL701"), "{out}");
}
