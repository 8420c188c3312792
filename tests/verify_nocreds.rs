//! With an empty standard credential chain, calls fail with `NoCredentials` before anything is
//! sent. Its own test binary (one test), because it clears the process's AWS environment.
#![cfg(feature = "verify")]

mod support;

use std::time::Duration;

use support::responder::{Reply, Responder};
use trustlint::verify::{Aws, AwsErrorKind, AwsOptions};

#[test]
fn empty_credential_chain_is_no_credentials() {
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
        std::env::set_var(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/trustlint/credentials",
        );
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
}
