//! Behaviour that depends on the process environment: an empty standard credential chain gives
//! `NoCredentials`, and `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` are honoured. Its own test
//! binary with a single test, because it mutates the process's AWS environment.

mod support;

use std::time::Duration;

use support::moto::free_port;
use support::responder::sts_error_xml;
use support::responder::{Reply, Responder};
use trustlint_verify::{Aws, AwsErrorKind, AwsOptions, CallerCredentials, Secret};

#[test]
fn empty_chain_is_no_credentials_and_endpoint_env_vars_are_honoured() {
    let r = Responder::start(Reply::Canned(200, "text/xml", String::new()));
    // SAFETY: this binary has a single test and sets the variables before starting any SDK
    // thread; the responder thread does not read the environment.
    unsafe {
        for k in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ] {
            std::env::remove_var(k);
        }
        std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/trustlint/config");
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/trustlint/credentials");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    }
    let aws = Aws::new(&AwsOptions {
        region: Some("eu-west-1".into()),
        endpoint_url: Some(r.url.clone()),
        max_attempts: 1,
        connect_timeout: Duration::from_secs(2),
        ..AwsOptions::default()
    })
    .unwrap();
    let err = aws.caller_identity().unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::NoCredentials, "{err:?}");
    assert!(err.to_string().contains("no AWS credentials"), "{err}");
    assert_eq!(r.hits(), 0, "nothing is sent without credentials");
    eprintln!("{err}");

    // The SDK's own endpoint variables: the service-specific one wins over the global one.
    let denied = Responder::start(Reply::Canned(
        403,
        "text/xml",
        sts_error_xml("AccessDenied", "Sender", "denied by env endpoint"),
    ));
    let closed = format!("http://127.0.0.1:{}", free_port());
    // SAFETY: as above; no SDK call is in flight.
    unsafe {
        std::env::set_var("AWS_ENDPOINT_URL_STS", &denied.url);
        std::env::set_var("AWS_ENDPOINT_URL", &closed);
    }
    let aws = Aws::new(&AwsOptions {
        region: Some("eu-west-1".into()),
        credentials: Some(CallerCredentials {
            access_key_id: "AKIATESTING".into(),
            secret_access_key: Secret::new("testing"),
            session_token: None,
        }),
        max_attempts: 1,
        ..AwsOptions::default()
    })
    .unwrap();
    let err = aws.caller_identity().unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::AccessDenied, "{err}");
    assert!(err.to_string().contains("denied by env endpoint"), "{err}");
    assert_eq!(denied.hits(), 1);
    let err = aws.get_role("r").unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Connect, "{err}");
    assert!(err.to_string().contains(&closed), "{err}");

    // An explicit endpoint (--endpoint-url) overrides the variables.
    let aws = Aws::new(&AwsOptions {
        region: Some("eu-west-1".into()),
        endpoint_url: Some(closed.clone()),
        credentials: Some(CallerCredentials {
            access_key_id: "AKIATESTING".into(),
            secret_access_key: Secret::new("testing"),
            session_token: None,
        }),
        max_attempts: 1,
        ..AwsOptions::default()
    })
    .unwrap();
    let err = aws.caller_identity().unwrap_err();
    assert_eq!(err.kind(), AwsErrorKind::Connect, "{err}");
    assert_eq!(denied.hits(), 1);
}
