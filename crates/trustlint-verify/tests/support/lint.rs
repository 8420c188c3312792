//! The `trustlint` binary (built beside `trustlint-verify` by `cargo test` at the workspace
//! root), run with an isolated AWS environment, for the tests of what it forwards here.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `trustlint` binary beside `trustlint-verify` in the target directory.
pub fn trustlint_bin(test: &str) -> Option<PathBuf> {
    let verify = PathBuf::from(env!("CARGO_BIN_EXE_trustlint-verify"));
    let bin = verify.with_file_name(format!("trustlint{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        return Some(bin);
    }
    let why = format!("{} is not built; run `cargo test` at the workspace root", bin.display());
    assert!(!super::in_ci(), "{test}: {why}");
    eprintln!("SKIPPED {test}: {why}");
    None
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `trustlint ARGS` in `dir` with only the given AWS environment (and no user config files).
pub fn trustlint(bin: &Path, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir).args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/trustlint/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/trustlint/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("TRUSTLINT_VERIFY_BIN", env!("CARGO_BIN_EXE_trustlint-verify"))
        .envs(env.iter().copied());
    let out = cmd.output().expect("run trustlint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
