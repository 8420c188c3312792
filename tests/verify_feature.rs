//! A build without the `verify` feature keeps the subcommand but says it was left out (exit 2).
//! Run with `cargo test --no-default-features --test verify_feature`.
#![cfg(not(feature = "verify"))]

#[test]
fn verify_without_the_feature_says_so_and_exits_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(["verify", "--role-arn", "arn:aws:iam::123456789012:role/x", "--external-id", "ab"])
        .output()
        .expect("run trustlint");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("built without the `verify` feature"), "{err}");
    assert!(out.stdout.is_empty());
}
