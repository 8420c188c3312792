//! Handing the minted credentials on: `--export-env` (an `export` line for `eval`) and
//! `-- COMMAND` (a child process with the four `AWS_*` variables). These are the only places a
//! secret is written.

use crate::aws::Minted;
use trustlint::commands::{EXIT_FINDINGS, EXIT_OK};

/// POSIX shell single quoting.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=... AWS_SECURITY_TOKEN=...`.
pub fn export_line(m: &Minted) -> String {
    let pairs: Vec<String> = m.env_pairs().iter().map(|(k, v)| format!("{k}={}", shell_quote(v))).collect();
    format!("export {}\n", pairs.join(" "))
}

/// Prints the export line on stdout; a closed pipe is not an error.
pub fn export_env(m: &Minted) -> i32 {
    match trustlint::commands::write_stdout(&export_line(m)) {
        Ok(()) => EXIT_OK,
        Err(e) if trustlint::commands::is_broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            EXIT_FINDINGS
        }
    }
}

/// Runs `-- COMMAND ARGS...` with the minted credentials; its exit status (128+signal when
/// killed, 127 when it cannot be started).
pub fn run_command(cmd: &[String], m: &Minted) -> i32 {
    let Some((program, rest)) = cmd.split_first() else { return EXIT_OK };
    match std::process::Command::new(program).args(rest).envs(m.env_pairs()).status() {
        Ok(s) => s.code().unwrap_or_else(|| killed_status(&s)),
        Err(e) => {
            eprintln!("error: cannot run `{program}`: {e}");
            127
        }
    }
}

#[cfg(unix)]
fn killed_status(s: &std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    128 + s.signal().unwrap_or(0)
}

#[cfg(not(unix))]
fn killed_status(_: &std::process::ExitStatus) -> i32 {
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("abc"), "'abc'");
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
    }
}
