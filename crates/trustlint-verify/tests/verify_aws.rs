//! `verify` AWS plumbing against real servers: moto (IAM + STS emulator) and a canned local HTTP
//! responder for error classification. Needs `scripts/setup-moto.sh` for the moto tests (skipped
//! with a notice when moto is missing, failed when `CI` is set).

mod support;

use std::time::{Duration, SystemTime};

use support::moto::{Moto, free_port};
use support::responder::{Reply, Responder, sts_error_xml};
use trustlint_verify::{Aws, AwsErrorKind, AwsOptions, CallerCredentials, Minted, Secret};

const CALLER_SECRET: &str = "CALLER-secret-value-never-printed";
const CALLER_TOKEN: &str = "CALLER-session-token-never-printed";

fn options(endpoint: &str) -> AwsOptions {
    AwsOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.into()),
        credentials: Some(CallerCredentials {
            access_key_id: "AKIATESTING".into(),
            secret_access_key: Secret::new(CALLER_SECRET),
            session_token: Some(Secret::new(CALLER_TOKEN)),
        }),
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        attempt_timeout: Duration::from_secs(10),
        operation_timeout: Duration::from_secs(20),
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..AwsOptions::default()
    }
}

fn assert_no_secret(text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "secret {s:?} leaked into: {text}");
    }
}

const TRUST_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::324880187172:root"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringLike": {"sts:ExternalId": "acme@*@stack-a@*"}}
  }]
}"#;

#[test]
fn moto_get_role_assume_role_and_caller_identity() {
    let Some(moto) = Moto::start_or_skip("moto_get_role_assume_role_and_caller_identity") else {
        return;
    };
    let mut opts = options(&moto.url);
    opts.credentials = Some(CallerCredentials {
        access_key_id: "testing".into(),
        secret_access_key: Secret::new("testing"),
        session_token: None,
    });
    let aws = Aws::new(&opts).expect("config");

    let created = aws
        .block_on(
            aws.iam_client()
                .create_role()
                .role_name("spacelift-role")
                .path("/ci/")
                .assume_role_policy_document(TRUST_POLICY)
                .max_session_duration(7200)
                .send(),
        )
        .expect("create role in moto");
    let role_arn = created.role().unwrap().arn().to_owned();
    assert_eq!(role_arn, "arn:aws:iam::123456789012:role/ci/spacelift-role");

    // get_role by ARN (name extracted) and by name; the document comes back decoded.
    for key in [role_arn.as_str(), "spacelift-role"] {
        let role = aws.get_role(key).expect("get_role");
        assert_eq!(role.arn, role_arn);
        assert_eq!(role.role_name, "spacelift-role");
        assert_eq!(role.max_session_duration, Some(7200));
        let got: serde_json::Value = serde_json::from_str(&role.trust_policy_json).expect("decoded JSON");
        let want: serde_json::Value = serde_json::from_str(TRUST_POLICY).unwrap();
        assert_eq!(got, want);
    }

    let missing = aws.get_role("no-such-role").unwrap_err();
    assert_eq!(missing.kind(), AwsErrorKind::Other);
    assert_eq!(missing.code(), Some("NoSuchEntity"));

    let minted = aws
        .assume_role(
            &role_arn,
            Some("acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@read"),
            "trustlint-test",
            Some(900),
        )
        .expect("assume_role");
    assert_eq!(
        minted.assumed_role_arn,
        "arn:aws:sts::123456789012:assumed-role/spacelift-role/trustlint-test"
    );
    assert!(!minted.access_key_id.is_empty());
    assert!(!minted.secret_access_key.expose().is_empty());
    assert!(!minted.session_token.expose().is_empty());
    assert!(minted.expiration > SystemTime::now());
    assert!(minted.expiration_rfc3339().ends_with('Z'));

    let secrets = [minted.secret_access_key.expose(), minted.session_token.expose()];
    assert_no_secret(&format!("{minted:?}"), &secrets);
    assert_no_secret(&format!("{minted:#?}"), &secrets);
    assert_no_secret(&minted.to_string(), &secrets);
    let env = minted.env_pairs();
    let names: Vec<&str> = env.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        names,
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]
    );
    assert_eq!(env[1].1, secrets[0]);
    assert_eq!(env[2].1, secrets[1]);
    assert_eq!(env[3].1, secrets[1]);

    let who = aws.get_caller_identity(&minted).expect("get_caller_identity");
    assert_eq!(who.arn, minted.assumed_role_arn);
    assert_eq!(who.account, "123456789012");
    assert!(!who.user_id.is_empty());

    let me = aws.caller_identity().expect("caller identity");
    assert_eq!(me.account, "123456789012");
}

fn responder_aws(r: &Responder) -> Aws {
    Aws::new(&options(&r.url)).expect("config")
}

#[test]
fn access_denied_is_classified_with_service_message_and_not_retried() {
    let r = Responder::start(Reply::Canned(
        403,
        "text/xml",
        sts_error_xml(
            "AccessDenied",
            "Sender",
            "User: arn:aws:iam::111122223333:user/ci is not authorized to perform: sts:AssumeRole",
        ),
    ));
    let aws = responder_aws(&r);
    let err = aws.assume_role("arn:aws:iam::123456789012:role/r", Some("x@y"), "s1", None).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::AccessDenied, "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("sts:AssumeRole"), "{msg}");
    assert!(msg.contains("is not authorized to perform: sts:AssumeRole"), "{msg}");
    assert_eq!(r.hits(), 1, "AccessDenied must not be retried");
    assert_no_secret(&msg, &[CALLER_SECRET, CALLER_TOKEN]);
    assert_no_secret(&format!("{err:?}"), &[CALLER_SECRET, CALLER_TOKEN]);
}

#[test]
fn throttling_is_retried_a_bounded_number_of_times() {
    let r = Responder::start(Reply::Canned(
        400,
        "text/xml",
        sts_error_xml("Throttling", "Sender", "Rate exceeded"),
    ));
    let aws = responder_aws(&r);
    let err = aws.caller_identity().unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Throttled, "{err:?}");
    assert_eq!(err.code(), Some("Throttling"));
    assert!(err.to_string().contains("Rate exceeded"), "{err}");
    assert_eq!(r.hits(), 3, "max_attempts = 3");

    let mut opts = options(&r.url);
    opts.max_attempts = 1;
    let before = r.hits();
    let err = Aws::new(&opts).unwrap().caller_identity().unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Throttled);
    assert_eq!(r.hits() - before, 1, "max_attempts = 1 means no retry");
    assert_no_secret(&err.to_string(), &[CALLER_SECRET, CALLER_TOKEN]);
}

#[test]
fn malformed_response_is_classified() {
    let r =
        Responder::start(Reply::Canned(200, "text/xml", "<<<this is not the XML you are looking for".into()));
    let aws = responder_aws(&r);
    let err = aws.assume_role("arn:aws:iam::123456789012:role/r", None, "s1", None).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::MalformedResponse, "{err:?}");
    assert!(err.to_string().contains(&r.url), "{err}");
    assert_no_secret(&err.to_string(), &[CALLER_SECRET, CALLER_TOKEN]);

    let r = Responder::start(Reply::Canned(200, "text/xml", "<html>hello</html>".into()));
    let err = responder_aws(&r).get_role("some-role").unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::MalformedResponse, "{err:?}");
}

#[test]
fn closed_port_is_a_connect_error_naming_the_endpoint() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let mut opts = options(&url);
    opts.max_attempts = 2;
    let err = Aws::new(&opts).unwrap().caller_identity().unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Connect, "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&url), "{msg}");
    assert!(msg.contains("sts:GetCallerIdentity"), "{msg}");
    assert_no_secret(&msg, &[CALLER_SECRET, CALLER_TOKEN]);
}

#[test]
fn silent_server_is_a_timeout() {
    let r = Responder::start(Reply::Hang);
    let mut opts = options(&r.url);
    opts.read_timeout = Duration::from_millis(300);
    opts.attempt_timeout = Duration::from_secs(2);
    opts.max_attempts = 1;
    let err = Aws::new(&opts).unwrap().caller_identity().unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Timeout, "{err:?}");
    assert!(err.to_string().contains(&r.url), "{err}");
}

#[test]
fn session_token_echoed_by_server_is_scrubbed() {
    let r = Responder::start(Reply::EchoSessionToken);
    let aws = responder_aws(&r);
    let minted = Minted {
        access_key_id: "ASIAMINTED".into(),
        secret_access_key: Secret::new("MINTED-secret-value"),
        session_token: Secret::new("MINTED-session-token-value"),
        expiration: SystemTime::now() + Duration::from_secs(900),
        assumed_role_arn: "arn:aws:sts::123456789012:assumed-role/r/s".into(),
        assumed_role_id: None,
    };
    let err = aws.get_caller_identity(&minted).unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::AccessDenied, "{err:?}");
    let secrets = ["MINTED-secret-value", "MINTED-session-token-value"];
    assert_no_secret(&err.to_string(), &secrets);
    assert_no_secret(&format!("{err:?}"), &secrets);
    assert!(err.to_string().contains("<redacted>"), "{err}");
}

#[test]
fn bad_options_are_config_errors() {
    let mut opts = options("ftp://example");
    assert!(Aws::new(&opts).is_err_and(|e| e.kind() == AwsErrorKind::Config));
    opts.endpoint_url = None;
    opts.max_attempts = 0;
    assert!(Aws::new(&opts).is_err_and(|e| e.kind() == AwsErrorKind::Config));
}
