//! `trustlint verify`: runs the `trustlint-verify` binary (crates/trustlint-verify), which holds
//! the AWS SDK, with the same arguments. The lint binary stays free of the SDK, so installing it
//! (and the pre-commit hook) builds a fraction of the crates, while users keep one command.
//!
//! The binary is looked for next to the running `trustlint` (where `cargo install` puts both),
//! then on `PATH`; `TRUSTLINT_VERIFY_BIN` names it explicitly.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::cli::VerifyArgs;
use crate::commands::EXIT_USAGE;

/// File name of the verify binary on this platform.
pub fn binary_name() -> String {
    format!("trustlint-verify{}", std::env::consts::EXE_SUFFIX)
}

/// What to run, if it is installed.
pub fn find_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TRUSTLINT_VERIFY_BIN").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let name = binary_name();
    let beside = std::env::current_exe().ok().and_then(|exe| exe.parent().map(|d| d.join(&name)));
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|d| d.join(&name)).collect::<Vec<_>>())
        .unwrap_or_default();
    beside.into_iter().chain(on_path).find(|p| p.is_file())
}

/// `args` were parsed (so a usage error or `--help` never needs the binary); what is forwarded
/// is the command line itself, every argument after `verify` as the user typed it.
pub fn run(_args: &VerifyArgs) -> i32 {
    match find_binary() {
        Some(bin) => forward(&bin, &after_verify(std::env::args_os())),
        None => {
            eprintln!(
                "error: `trustlint verify` needs the {} binary (the part of trustlint that talks to \
                 AWS), which is not installed next to this trustlint or on PATH; install it from \
                 the trustlint repository with:\n\n    cargo install --locked --path crates/trustlint-verify\n",
                binary_name()
            );
            EXIT_USAGE
        }
    }
}

/// The arguments after the `verify` subcommand (the lint binary has no options before it).
fn after_verify(args: impl Iterator<Item = OsString>) -> Vec<OsString> {
    args.skip(1).skip_while(|a| a != "verify").skip(1).collect()
}

/// Runs `bin ARGS`, inheriting standard streams; its exit status is ours. On Unix the process
/// is replaced, so signals and the exit status pass through untouched.
fn forward(bin: &Path, args: &[OsString]) -> i32 {
    let mut cmd = std::process::Command::new(bin);
    cmd.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = cmd.exec();
        cannot_run(bin.as_os_str(), &e)
    }
    #[cfg(not(unix))]
    match cmd.status() {
        Ok(s) => s.code().unwrap_or(1),
        Err(e) => cannot_run(bin.as_os_str(), &e),
    }
}

fn cannot_run(bin: &OsStr, e: &std::io::Error) -> i32 {
    eprintln!("error: cannot run {}: {e}", Path::new(bin).display());
    EXIT_USAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwards_what_follows_the_subcommand() {
        let argv = ["trustlint", "verify", "--role-arn", "a b", "--", "verify", "-x"].map(OsString::from);
        let want = ["--role-arn", "a b", "--", "verify", "-x"].map(OsString::from);
        assert_eq!(after_verify(argv.into_iter()), want);
    }
}
