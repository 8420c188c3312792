//! `trustlint verify` runs the separate `trustlint-verify` binary: the lint binary itself never
//! links the AWS SDK. These tests copy the real `trustlint` binary into a scratch directory so
//! what sits next to it (and on PATH) is exactly what the test puts there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch_trustlint(dir: &Path) -> PathBuf {
    let exe = dir.join(format!("trustlint{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(env!("CARGO_BIN_EXE_trustlint"), &exe).expect("copy trustlint");
    exe
}

fn run(exe: &Path, path_dir: &Path, args: &[&str]) -> Output {
    let spawn =
        || Command::new(exe).args(args).env("PATH", path_dir).env_remove("TRUSTLINT_VERIFY_BIN").output();
    // A child another test forks while this test's copy is still open for writing holds that
    // descriptor until it execs, and exec of the copy then fails with "text file busy"
    // (one run in five): the copy is closed, so trying again succeeds.
    for _ in 0..20 {
        match spawn() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other.expect("run trustlint"),
        }
    }
    spawn().expect("run trustlint")
}

#[test]
fn without_the_verify_binary_it_says_how_to_install_it_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = tempfile::tempdir().expect("tempdir");
    let exe = scratch_trustlint(dir.path());
    let out = run(&exe, empty.path(), &["verify", "--role-arn", "arn:aws:iam::123456789012:role/x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs the trustlint-verify binary"), "{err}");
    assert!(err.contains("cargo install --locked --path crates/trustlint-verify"), "{err}");
    assert!(out.stdout.is_empty());
}

#[cfg(unix)]
fn fake_verify(dir: &Path, status: i32) {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("trustlint-verify");
    std::fs::write(&script, format!("#!/bin/sh\nfor a in \"$@\"; do echo \"arg:$a\"; done\nexit {status}\n"))
        .expect("write script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn arguments_and_exit_status_pass_through_the_binary_next_to_trustlint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = tempfile::tempdir().expect("tempdir");
    let exe = scratch_trustlint(dir.path());
    fake_verify(dir.path(), 7);
    let out = run(&exe, empty.path(), &["verify", "--role-arn", "a b", "--no-probes", "--", "env", "-x"]);
    assert_eq!(out.status.code(), Some(7), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, "arg:--role-arn\narg:a b\narg:--no-probes\narg:--\narg:env\narg:-x\n");
}

#[cfg(unix)]
#[test]
fn the_verify_binary_is_found_on_path_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = tempfile::tempdir().expect("tempdir");
    let exe = scratch_trustlint(dir.path());
    fake_verify(bin.path(), 0);
    let out = run(&exe, bin.path(), &["verify", "--role-arn", "r", "--no-probes"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "arg:--role-arn\narg:r\narg:--no-probes\n");
}

/// The options are defined once (`trustlint::cli::VerifyArgs`), so `trustlint verify --help`
/// lists every one of them without the verify binary, and a usage error is caught before it
/// would be forwarded.
#[test]
fn help_and_usage_errors_need_no_verify_binary() {
    use clap::Args;
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = tempfile::tempdir().expect("tempdir");
    let exe = scratch_trustlint(dir.path());
    let out = run(&exe, empty.path(), &["verify", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    let cmd = trustlint::cli::VerifyArgs::augment_args(clap::Command::new("verify"));
    let longs: Vec<&str> = cmd.get_arguments().filter_map(|a| a.get_long()).collect();
    assert!(longs.len() > 15, "{longs:?}");
    for long in longs {
        assert!(help.contains(&format!("--{long}")), "--{long} missing from:\n{help}");
    }
    let out = run(&exe, empty.path(), &["verify", "--phase", "read"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--role-arn"), "{err}");
    assert!(!err.contains("needs the trustlint-verify binary"), "{err}");
}

/// The point of the split: the lint package's dependency tree (what `cargo install --path .`
/// and the pre-commit hook build) has no AWS crate.
#[test]
fn the_lint_package_does_not_depend_on_the_aws_sdk() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--locked", "--offline", "-p", "trustlint", "-e", "normal,build", "--prefix", "none"])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .expect("run cargo tree");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.lines().any(|l| l.starts_with("trustlint v")), "{tree}");
    let aws: Vec<&str> = tree.lines().filter(|l| l.starts_with("aws-") || l.starts_with("tokio ")).collect();
    assert!(aws.is_empty(), "the lint binary depends on {aws:?}");
}
