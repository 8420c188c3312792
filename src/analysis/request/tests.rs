use super::*;
use crate::input::policy::{KindHint, build_policy};
use crate::input::tree::parse_json;
use crate::model::PolicyQuota;
use crate::source::SourceId;

fn policy(json: &str) -> Policy {
    let root = parse_json(json, SourceId(0), 0).expect("test policy parses");
    build_policy(&root, KindHint::Infer, PolicyQuota::Unspecified)
}

const SPACELIFT: &str = "arn:aws:iam::324880187172:root";

fn trust(condition: &str) -> Policy {
    policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "324880187172"}},
            "Action": "sts:AssumeRole", "Condition": {condition}}}]}}"#
    ))
}

fn assume(ext: Option<&str>) -> Request {
    let r = Request::new(SPACELIFT, "sts:AssumeRole");
    match ext {
        Some(e) => r.with("sts:ExternalId", e),
        None => r,
    }
}

#[test]
fn string_like_external_id() {
    let p = trust(r#"{"StringLike": {"sts:ExternalId": "acme@*@stack-a@*"}}"#);
    assert_eq!(
        evaluate(&p, &assume(Some("acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@read"))).decision,
        Decision::Allow
    );
    assert_eq!(
        evaluate(&p, &assume(Some("acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-b@read"))).decision,
        Decision::ImplicitDeny
    );
    let missing = evaluate(&p, &assume(None));
    assert_eq!(missing.decision, Decision::ImplicitDeny, "a missing key makes a positive condition false");
    assert!(missing.reasons[0].contains("does not send sts:ExternalId"), "{:?}", missing.reasons);
}

#[test]
fn if_exists_and_for_all_values_pass_when_absent() {
    for cond in [
        r#"{"StringLikeIfExists": {"sts:ExternalId": "acme@*"}}"#,
        r#"{"ForAllValues:StringLike": {"sts:ExternalId": "acme@*"}}"#,
        r#"{"StringNotEquals": {"sts:ExternalId": "x"}}"#,
    ] {
        assert_eq!(evaluate(&trust(cond), &assume(None)).decision, Decision::Allow, "{cond}");
    }
}

#[test]
fn values_or_keys_and() {
    let p =
        trust(r#"{"StringEquals": {"sts:ExternalId": ["a@1", "a@2"], "aws:SourceAccount": "111122223333"}}"#);
    let r = assume(Some("a@2")).with("aws:SourceAccount", "111122223333");
    assert_eq!(evaluate(&p, &r).decision, Decision::Allow);
    assert_eq!(evaluate(&p, &assume(Some("a@2"))).decision, Decision::ImplicitDeny);
}

#[test]
fn explicit_deny_wins() {
    let p = policy(
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "324880187172"}, "Action": "sts:AssumeRole"},
          {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"Null": {"sts:ExternalId": "true"}}}]}"#,
    );
    assert_eq!(evaluate(&p, &assume(None)).decision, Decision::ExplicitDeny);
    assert_eq!(evaluate(&p, &assume(Some("anything"))).decision, Decision::Allow);
}

#[test]
fn principals_and_actions() {
    let p = trust(r#"{}"#);
    let other = Request::new("arn:aws:iam::111122223333:root", "sts:AssumeRole");
    assert_eq!(evaluate(&p, &other).decision, Decision::ImplicitDeny);
    let role_in_account = Request::new("arn:aws:sts::324880187172:assumed-role/worker/s1", "sts:AssumeRole");
    assert_eq!(
        evaluate(&p, &role_in_account).decision,
        Decision::Allow,
        "root trusts every principal of the account"
    );
    assert_eq!(evaluate(&p, &Request::new(SPACELIFT, "sts:TagSession")).decision, Decision::ImplicitDeny);
}

#[test]
fn unsupported_operators_are_unknown_not_guessed() {
    let p = trust(r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#);
    let r = assume(None).with("aws:SourceIp", "10.1.2.3");
    assert_eq!(evaluate(&p, &r).decision, Decision::Unknown);
}
