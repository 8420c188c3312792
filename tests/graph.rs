//! `trustlint graph`: hops decided by both sides, in every output format.

mod common;

use std::process::Command;

use common::{bin, manifest_dir};

fn graph(args: &[&str]) -> String {
    let out = Command::new(bin())
        .current_dir(manifest_dir())
        .arg("graph")
        .args(args)
        .output()
        .expect("binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn hop<'a>(text: &'a str, from: &str, to: &str) -> Option<&'a str> {
    text.lines().find(|l| l.starts_with(&format!("{from} -> {to} ")))
}

const HUB: &str = "arn:aws:iam::111111111111:role/hub";

#[test]
fn the_example_hub_reaches_both_accounts_and_the_mfa_less_profile_fails() {
    let text = graph(&["examples/multi-account"]);
    for acct in ["222222222222", "333333333333"] {
        let line =
            hop(&text, HUB, &format!("arn:aws:iam::{acct}:role/deploy")).unwrap_or_else(|| panic!("{text}"));
        assert!(line.contains("[can assume]"), "{line}");
        assert!(line.contains("statement \"AssumeDeployRoles\""), "{line}");
        assert!(line.contains("statement \"FromHub\""), "{line}");
    }
    // The hub's policy names only the deploy roles: no hop to audit.
    assert!(hop(&text, HUB, "arn:aws:iam::222222222222:role/audit").is_none(), "{text}");
    let failing =
        hop(&text, "profile audit-333", "arn:aws:iam::333333333333:role/audit").expect("profile hop");
    assert!(failing.contains("[fails: trust]") && failing.contains("MultiFactorAuthPresent"), "{failing}");
    let with_mfa =
        hop(&text, "profile audit-222", "arn:aws:iam::222222222222:role/audit").expect("profile hop");
    assert!(with_mfa.contains("[possible]"), "{with_mfa}");
}

fn dump(roles: &[(&str, &str, &str)]) -> String {
    let roles: Vec<String> = roles
        .iter()
        .map(|(arn, trust, perms)| {
            let name = arn.rsplit('/').next().unwrap_or("r");
            format!(
                r#"{{"RoleName": "{name}", "Arn": "{arn}", "AssumeRolePolicyDocument": {trust},
                "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {perms}}}], "AttachedManagedPolicies": []}}"#
            )
        })
        .collect();
    format!(r#"{{"RoleDetailList": [{}]}}"#, roles.join(","))
}

#[test]
fn deny_and_not_resource_on_the_caller_side_remove_hops() {
    let trust_hub = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/hub"}, "Action": "sts:AssumeRole"}]}"#;
    let none = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
    let hub_perms = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "All", "Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::444444444444:role/*"},
        {"Sid": "NotProd", "Effect": "Deny", "Action": "sts:*", "Resource": "arn:aws:iam::333333333333:role/*"}]}"#;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.json"), dump(&[(HUB, trust_hub, hub_perms)])).expect("write");
    let targets: Vec<(String, &str, &str)> = ["222222222222", "333333333333", "444444444444"]
        .iter()
        .map(|a| (format!("arn:aws:iam::{a}:role/t"), trust_hub, none))
        .collect();
    for (i, t) in targets.iter().enumerate() {
        std::fs::write(dir.path().join(format!("t{i}.json")), dump(&[(&t.0, t.1, t.2)])).expect("write");
    }
    let text = graph(&[dir.path().to_str().expect("utf-8")]);
    assert!(
        hop(&text, HUB, "arn:aws:iam::222222222222:role/t").is_some_and(|l| l.contains("[can assume]")),
        "{text}"
    );
    assert!(hop(&text, HUB, "arn:aws:iam::333333333333:role/t").is_none(), "Deny ignored:\n{text}");
    assert!(hop(&text, HUB, "arn:aws:iam::444444444444:role/t").is_none(), "NotResource ignored:\n{text}");
}

#[test]
fn json_mermaid_and_dot_describe_the_same_hops() {
    let json: serde_json::Value =
        serde_json::from_str(&graph(&["--format", "json", "examples/multi-account"])).expect("json");
    let edges = json["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 4);
    assert!(
        edges
            .iter()
            .any(|e| e["from"] == HUB && e["status"] == "can assume" && e["caller"]["verdict"] == "yes")
    );
    let mermaid = graph(&["--format", "mermaid", "examples/multi-account"]);
    assert!(
        mermaid.starts_with("flowchart LR\n") && mermaid.matches("-->|can assume|").count() == 2,
        "{mermaid}"
    );
    assert!(mermaid.contains("--x|fails: trust|"), "{mermaid}");
    let dot = graph(&["--format", "dot", "examples/multi-account"]);
    assert!(dot.starts_with("digraph trustlint {") && dot.matches(" -> n").count() == 4, "{dot}");
}

#[test]
fn dot_output_renders_with_graphviz() {
    let dot = graph(&["--format", "dot", "examples/multi-account"]);
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("skipping: Graphviz `dot` is not installed (apt-get install graphviz)");
        return;
    };
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(dot.as_bytes()).expect("write dot");
    let out = child.wait_with_output().expect("dot runs");
    assert!(out.status.success(), "dot -Tsvg failed: {}", String::from_utf8_lossy(&out.stderr));
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains("<svg") && svg.contains("role/hub"), "{svg}");
}

const PROVIDER_MODULE: &str = r#"
provider "aws" {
  alias = "prod"
  assume_role {
    role_arn    = "arn:aws:iam::222222222222:role/deploy"
    external_id = "EXTERNAL_ID"
  }
}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Ci"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:role/ci" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "ci-2024" } }
    }]
  })
}
"#;

#[test]
fn a_provider_alias_hop_fails_on_the_trust_side_when_its_external_id_is_refused() {
    for (id, want) in [("wrong", "[fails: trust]"), ("ci-2024", "[possible]")] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.tf"), PROVIDER_MODULE.replace("EXTERNAL_ID", id))
            .expect("write");
        let text = graph(&[dir.path().to_str().expect("utf-8")]);
        let line = text
            .lines()
            .find(|l| l.contains("provider \"aws\" (alias prod) assume_role -> aws_iam_role.deploy "))
            .unwrap_or_else(|| panic!("no provider hop:\n{text}"));
        assert!(line.contains(want), "{id}: {line}");
        assert!(line.contains("statement \"Ci\""), "{line}");
    }
}

#[test]
fn users_are_callers_with_their_groups_policies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let account = r#"{
  "UserDetailList": [
    {"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice", "GroupList": ["admins"],
     "UserPolicyList": [], "AttachedManagedPolicies": []},
    {"UserName": "bob", "Arn": "arn:aws:iam::111111111111:user/bob", "GroupList": [],
     "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}], "AttachedManagedPolicies": []}
  ],
  "GroupDetailList": [{"GroupName": "admins", "GroupPolicyList": [{"PolicyName": "assume", "PolicyDocument": {
    "Version": "2012-10-17", "Statement": [{"Sid": "AssumeAdmin", "Effect": "Allow", "Action": "sts:AssumeRole",
    "Resource": "arn:aws:iam::111111111111:role/admin"}]}}]}],
  "RoleDetailList": [{"RoleName": "admin", "Arn": "arn:aws:iam::111111111111:role/admin",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Sid": "Account", "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}]},
    "RolePolicyList": [], "AttachedManagedPolicies": []}]
}"#;
    std::fs::write(dir.path().join("account.json"), account).expect("write dump");
    let path = dir.path().to_string_lossy().into_owned();
    let text = graph(&["--no-config", &path]);
    let alice = hop(&text, "arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:role/admin")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(alice.contains("[can assume]") && alice.contains("of group/admins allows"), "{alice}");
    // bob's policies do not allow sts:AssumeRole: a node, but no hop.
    assert!(!text.contains("user/bob ->"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&graph(&["--no-config", "--format", "json", &path])).expect("json");
    let kinds: Vec<&str> =
        json["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["kind"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "user").count(), 2, "{json}");
    let mermaid = graph(&["--no-config", "--format", "mermaid", &path]);
    assert!(mermaid.contains(">\"arn:aws:iam::111111111111:user/alice\"]"), "{mermaid}");
}

#[test]
fn spacelift_stack_phases_are_nodes_named_by_the_external_id_they_send() {
    let text = graph(&["--no-config", "--spacelift-account", "acme", "examples/terraform"]);
    for phase in ["read", "write"] {
        let line = hop(&text, &format!("acme@…@app@{phase}"), "aws_iam_role.spacelift")
            .unwrap_or_else(|| panic!("{text}"));
        assert!(line.contains("[can assume]") && line.contains("Spacelift's account calls"), "{line}");
    }
    let json: serde_json::Value = serde_json::from_str(&graph(&[
        "--no-config",
        "--spacelift-account",
        "acme",
        "--format",
        "json",
        "examples/terraform",
    ]))
    .expect("json");
    let phases =
        json["nodes"].as_array().expect("nodes").iter().filter(|n| n["kind"] == "spacelift-phase").count();
    assert_eq!(phases, 2, "{json}");
    let dot = graph(&["--no-config", "--spacelift-account", "acme", "--format", "dot", "examples/terraform"]);
    assert!(dot.contains("label=\"acme@…@app@read\", shape=hexagon"), "{dot}");
    let mermaid =
        graph(&["--no-config", "--spacelift-account", "acme", "--format", "mermaid", "examples/terraform"]);
    assert!(mermaid.contains("{{\"acme@…@app@read\"}}"), "{mermaid}");
}
