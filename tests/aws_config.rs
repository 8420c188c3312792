//! AWS shared config and credentials files end to end: secrets never reach any output, and
//! `--aws-config` files are read for their profiles without being reported as committed.

mod common;

use std::process::Command;

use common::{bin, manifest_dir};

/// Substrings of the secrets in fixtures/TL605-long-term-keys-in-tree: none may be printed.
const SECRETS: &[&str] = &["2FXTR7QW3RT5YB4N", "FXTR", "Zr8pQ2vLx", "gU2iO4eR", "Hq3Lm9Xz", "Gh2Jk5Lq"];

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(bin()).current_dir(manifest_dir()).args(args).output().expect("binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn secrets_appear_in_no_output_format() {
    let dir = "fixtures/TL605-long-term-keys-in-tree/bad";
    for format in ["human", "json", "sarif", "github", "junit"] {
        let (code, out) = run(&["check", "--no-config", "--format", format, "-vv", dir]);
        assert_eq!(code, 1, "{format}: {out}");
        assert!(out.contains("TL605"), "{format}: no TL605 in {out}");
        for secret in SECRETS {
            assert!(!out.contains(secret), "{format} output shows `{secret}`:\n{out}");
        }
    }
}

#[test]
fn the_code_frame_shows_the_key_line_masked() {
    let (_, out) = run(&["check", "--no-config", "fixtures/TL605-long-term-keys-in-tree/bad/committed"]);
    assert!(out.contains("aws_access_key_id = AKIA****************"), "{out}");
    assert!(out.contains("aws_secret_access_key = ****"), "{out}");
}

#[test]
fn aws_config_files_are_read_for_profiles_but_not_reported_as_committed() {
    let creds = "fixtures/TL605-long-term-keys-in-tree/bad/committed/.aws/credentials";
    let loop_file = "fixtures/TL601-source-profile-chain/bad/loop.aws-config";
    let (code, out) = run(&[
        "check",
        "--no-config",
        "--aws-config",
        creds,
        "--aws-config",
        loop_file,
        "fixtures/TL101-missing-external-id/good",
    ]);
    assert!(!out.contains("TL605"), "{out}");
    assert!(out.contains("TL601"), "{out}");
    assert_eq!(code, 1, "{out}");
}

#[test]
fn a_named_file_of_any_name_is_read_as_shared_config_by_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("profiles.ini");
    std::fs::write(&file, "[profile x]\ncredential_source = environment\n").expect("write");
    let (code, out) = run(&["check", "--no-config", file.to_str().expect("utf-8 path")]);
    assert!(out.contains("TL603"), "{out}");
    assert!(!out.contains("JSON"), "{out}");
    assert_eq!(code, 1);
}
