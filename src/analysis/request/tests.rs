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

#[test]
fn deciding_statement_and_refusing_conditions() {
    let p = policy(
        r#"{"Version": "2012-10-17", "Statement": [
          {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "324880187172"}, "Action": "sts:AssumeRole",
           "Condition": {"StringLike": {"sts:ExternalId": "acme@*@app@*"}}},
          {"Sid": "NoPlans", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
           "Condition": {"StringLike": {"sts:ExternalId": "*@read"}}}]}"#,
    );
    let write = evaluate(&p, &assume(Some("acme@01GE7K9SR2DQBCRQ90DH70JF6Y@app@write")));
    assert_eq!((write.decision.clone(), write.deciding(&p)), (Decision::Allow, Some(0)));
    let read = evaluate(&p, &assume(Some("acme@01GE7K9SR2DQBCRQ90DH70JF6Y@app@read")));
    assert_eq!(
        (read.decision.clone(), read.deciding(&p)),
        (Decision::ExplicitDeny, Some(1)),
        "the Deny decides"
    );
    let other = evaluate(&p, &assume(Some("acme@01GE7K9SR2DQBCRQ90DH70JF6Y@web@write")));
    assert_eq!((other.decision.clone(), other.deciding(&p)), (Decision::ImplicitDeny, None));
    let refusing: Vec<_> = other.refusing(&p).collect();
    assert_eq!(refusing.len(), 1);
    assert!(matches!(refusing[0].outcome, Outcome::ConditionFails { condition: 0, .. }), "{refusing:?}");
    assert_eq!(other.statements[1].outcome, Outcome::ConditionFails {
        condition: 0,
        detail: "condition StringLike on sts:ExternalId does not hold: the request sends sts:ExternalId = acme@01GE7K9SR2DQBCRQ90DH70JF6Y@web@write".into()
    });
    let stranger = evaluate(&p, &Request::new("arn:aws:iam::111122223333:root", "sts:AssumeRole"));
    assert_eq!(stranger.statements[0].outcome, Outcome::OtherPrincipal);
}

#[test]
fn unknown_keys_are_undecided_not_absent() {
    let p = trust(r#"{"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::324880187172:role/x"}}"#);
    let absent = assume(None);
    assert_eq!(evaluate(&p, &absent).decision, Decision::ImplicitDeny);
    let unknown = assume(None).with_unknown("aws:PrincipalArn");
    assert_eq!(evaluate(&p, &unknown).decision, Decision::Unknown);
    assert!(absent.keys_not_sent(&p).contains(&"aws:PrincipalArn".to_owned()));
    assert!(unknown.keys_not_sent(&p).is_empty());
    // `Null: false` only asks for presence, which an unknown value has.
    let null = trust(r#"{"Null": {"aws:PrincipalArn": "false"}}"#);
    assert_eq!(evaluate(&null, &unknown).decision, Decision::Allow);
}

#[test]
fn request_keys_keep_their_spelling_and_can_be_dropped() {
    let r = assume(Some("a@b")).with("aws:PrincipalArn", "arn:aws:iam::1:role/x").without("sts:externalid");
    let keys: Vec<&str> = r.context().map(|(k, _)| k).collect();
    assert_eq!(keys, ["aws:PrincipalArn"]);
    assert_eq!(r.for_action("sts:TagSession").action, "sts:TagSession");
}
