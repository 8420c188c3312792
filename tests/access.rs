//! Role access levels computed from an authorization-details dump, and the "changes something"
//! rule of `analysis::access` against the generator's column for AWS managed policies.

mod common;

use std::path::PathBuf;

use common::manifest_dir;
use trustlint::analysis::access::{Allowed, changes_something, compute};
use trustlint::catalog::catalog;
use trustlint::input::InputOptions;
use trustlint::input::json::parse_file;
use trustlint::model::{PolicyKind, Unit};
use trustlint::source::{Source, SourceId};

fn unit_of(rel: &str) -> Unit {
    let path = manifest_dir().join(rel);
    let text = std::fs::read_to_string(&path).expect("test data");
    let source = Source::new(SourceId(0), rel.to_string(), PathBuf::from(rel), text);
    let mut unit =
        parse_file(&source, &InputOptions::default(), true).expect("read as authorization details");
    compute(&mut unit);
    unit
}

#[test]
fn spacelift_roles_from_authorization_details() {
    let unit = unit_of("tests/data/authorization-details.json");
    assert!(unit.parse_failures.is_empty(), "{:?}", unit.parse_failures);
    let role = |name: &str| unit.roles.iter().find(|r| r.name == name).expect(name);

    let admin = role("spacelift-admin");
    assert_eq!(admin.subject, "role/spacelift-admin");
    let access = admin.access.as_ref().expect("decidable");
    assert!(access.can_write, "{access:?}");
    assert!(access.evidence.contains("AdministratorAccess"), "{}", access.evidence);
    // its trust policy: Spacelift with a StringLike external id
    let trust = &unit.policies[admin.trust.expect("trust policy")];
    assert_eq!(trust.kind, PolicyKind::Trust);
    assert_eq!(trust.role, Some(0));
    let st = &trust.statements[0];
    let ext = st.conditions_on("sts:ExternalId").next().expect("external id condition");
    assert_eq!(ext.values.items[0].as_str(), Some("acme@*@app@*"));
    assert!(
        st.principal
            .as_ref()
            .unwrap()
            .values_of("AWS")
            .any(|v| v.as_str() == Some("arn:aws:iam::324880187172:root"))
    );

    let ro = role("spacelift-readonly");
    let access = ro.access.as_ref().expect("decidable");
    assert!(!access.can_write, "ReadOnlyAccess must be read-only: {access:?}");
    // URL-encoded trust policy decoded, span = the string literal
    let trust = &unit.policies[ro.trust.expect("trust policy")];
    assert_eq!(trust.statements.len(), 1);
    assert!(trust.statements[0].conditions_on("sts:ExternalId").next().is_some());

    let inline = role("spacelift-inline-reader").access.as_ref().expect("decidable");
    assert!(!inline.can_write, "{inline:?}");

    let power = role("spacelift-writer-denied").access.as_ref().expect("decidable");
    assert!(power.can_write && power.evidence.contains("PowerUserAccess"), "{power:?}");

    // a customer managed policy that is not in the dump: undecidable, so no answer
    assert_eq!(role("spacelift-unknown").access, None);
}

#[test]
fn deny_removes_writes_and_shared_policies_link_to_every_role() {
    let unit = unit_of("fixtures/TL307-privilege-escalation/bad/authorization-details.json");
    let deployer = unit.roles.iter().find(|r| r.name == "deployer").unwrap();
    let auditor = unit.roles.iter().find(|r| r.name == "auditor").unwrap();
    // lambda-deploy is parsed once and linked to both roles
    let shared: Vec<usize> =
        deployer.permissions.iter().filter(|p| auditor.permissions.contains(p)).copied().collect();
    assert_eq!(shared.len(), 1);
    let policy = &unit.policies[shared[0]];
    assert_eq!(policy.subject.as_deref(), Some("role/deployer, role/auditor"));
    assert_eq!(policy.role, None);
    assert_eq!(unit.policies.iter().filter(|p| p.kind == PolicyKind::Permission).count(), 2);
    // both can write (lambda:CreateFunction)
    assert!(deployer.access.as_ref().unwrap().can_write);
    assert!(auditor.access.as_ref().unwrap().can_write);
    let allowed = Allowed::of(&unit, &deployer.permissions, |_| false);
    assert!(allowed.get("iam:PassRole").is_some_and(|g| g.broad));
}

#[test]
fn read_verb_rule() {
    let c = catalog();
    for a in [
        "s3express:CreateSession",
        "billing:GetResourcePolicy",
        "backup:ListIndexedRecoveryPointsForSearch",
        "athena:GetSessionEndpoint",
        "cognito-idp:GetTokensFromRefreshToken",
        "s3:GetObject",
    ] {
        assert!(!changes_something(&c.lookup(a).expect(a)), "{a}");
    }
    for a in ["s3:PutObject", "iam:CreatePolicyVersion", "redshift:GetClusterCredentials", "s3:TagResource"] {
        assert!(changes_something(&c.lookup(a).expect(a)), "{a}");
    }
    let ro = c.managed_policy("ReadOnlyAccess").unwrap();
    assert!(ro.write_like_count > 0 && ro.changing_count == 0);
    for p in ["AdministratorAccess", "PowerUserAccess"] {
        assert!(c.managed_policy(p).unwrap().changing_count > 0, "{p}");
    }
}

/// The generator's "changes something" count equals what `analysis::access` computes from the
/// documents (the rule is written twice, in Python and in Rust).
#[test]
fn generator_and_rust_agree_on_managed_policies() {
    let dir = manifest_dir().join("../shared/data/aws-managed-policies");
    if !dir.is_dir() {
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared/data/aws-managed-policies");
        return;
    }
    for name in
        ["ReadOnlyAccess", "SecurityAudit", "ViewOnlyAccess", "AmazonS3FullAccess", "AnthropicReadOnlyAccess"]
    {
        let rel = format!("../shared/data/aws-managed-policies/{name}.json");
        let text = std::fs::read_to_string(manifest_dir().join(&rel)).expect(name);
        let source = Source::new(SourceId(0), rel.clone(), PathBuf::from(&rel), text);
        let unit = parse_file(&source, &InputOptions::default(), true).expect(name);
        let allowed = Allowed::of(&unit, &[0], |_| false);
        let changing = allowed.grants.values().filter(|g| changes_something(&g.action)).count();
        let info = catalog().managed_policy(name).expect(name);
        assert_eq!(changing as u32, info.changing_count, "{name}");
    }
}

#[test]
fn users_and_groups_inline_policies_are_linted_once() {
    // A user's inline policy as an object, a group's URL-encoded; a customer managed policy
    // attached to a role and a user, and one attached only to a group.
    let text = r#"{
  "UserDetailList": [{
    "UserName": "ci",
    "UserPolicyList": [{"PolicyName": "ci-inline", "PolicyDocument": {"Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}],
    "AttachedManagedPolicies": [{"PolicyName": "shared", "PolicyArn": "arn:aws:iam::111122223333:policy/shared"}],
    "GroupList": ["ops"]
  }],
  "GroupDetailList": [{
    "GroupName": "ops",
    "GroupPolicyList": [{"PolicyName": "ops-inline", "PolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3APassRole%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"}],
    "AttachedManagedPolicies": [{"PolicyName": "group-only", "PolicyArn": "arn:aws:iam::111122223333:policy/group-only"}]
  }],
  "RoleDetailList": [{
    "RoleName": "app", "Arn": "arn:aws:iam::111122223333:role/app",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
    "RolePolicyList": [],
    "AttachedManagedPolicies": [{"PolicyName": "shared", "PolicyArn": "arn:aws:iam::111122223333:policy/shared"}]
  }],
  "Policies": [
    {"PolicyName": "shared", "Arn": "arn:aws:iam::111122223333:policy/shared", "DefaultVersionId": "v1",
     "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17",
       "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}}]},
    {"PolicyName": "group-only", "Arn": "arn:aws:iam::111122223333:policy/group-only", "DefaultVersionId": "v1",
     "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17",
       "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}}]}
  ]
}"#;
    let source = Source::new(SourceId(0), "dump.json".into(), PathBuf::from("dump.json"), text.to_string());
    let unit = parse_file(&source, &InputOptions::default(), true).expect("read as authorization details");
    assert!(unit.parse_failures.is_empty(), "{:?}", unit.parse_failures);
    let mut subjects: Vec<&str> = unit.policies.iter().filter_map(|p| p.subject.as_deref()).collect();
    subjects.sort();
    assert_eq!(subjects, ["group/ops", "policy/group-only", "role/app", "role/app", "user/ci"]);

    let user = unit.policies.iter().find(|p| p.subject.as_deref() == Some("user/ci")).unwrap();
    assert_eq!(user.kind, PolicyKind::Permission);
    assert_eq!(user.role, None);
    // an object document keeps its span in the dump
    let at = |needle: &str| text.find(needle).unwrap();
    assert_eq!(user.statements[0].span.start, at(r#"{"Effect": "Allow", "Action": "s3:GetObject""#));

    // a URL-encoded document: every span is the string literal
    let group = unit.policies.iter().find(|p| p.subject.as_deref() == Some("group/ops")).unwrap();
    let literal = at("\"%7B");
    assert_eq!(group.statements[0].span.start, literal);
    assert_eq!(group.statements.len(), 1);

    // a dump with only users is still a dump
    let only_users = r#"{"UserDetailList": [{"UserName": "u", "UserPolicyList": [{"PolicyName": "p",
      "PolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}}]}]}"#;
    let source = Source::new(SourceId(1), "u.json".into(), PathBuf::from("u.json"), only_users.to_string());
    let unit = parse_file(&source, &InputOptions::default(), false).expect("a dump");
    assert_eq!(unit.policies.len(), 1);
    assert_eq!(unit.policies[0].subject.as_deref(), Some("user/u"));
}
