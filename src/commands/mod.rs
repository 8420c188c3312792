//! What each subcommand does. Commands return their exit status or an [`Error`]; errors are
//! printed once, here, and `main.rs` only hands over the outcome.

pub mod check;
pub mod check_aws;
pub mod completions;
pub mod external_id;
pub mod graph;
pub mod parse_floor;
pub mod rules;
pub mod server;
pub mod simulate;
pub mod verify;

use std::process::ExitCode;

use crate::Error;
use crate::cli::{Cli, Command};

/// Exit statuses (docs/ci.md, "Exit codes").
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

pub fn run(cli: &Cli) -> Result<ExitCode, Error> {
    match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules::list(args),
        Command::Explain(args) => rules::explain(args),
        Command::ExternalId(args) => external_id::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Verify(args) => Ok(exit(verify::run(args))),
        Command::Server(args) => server::run(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man => completions::man(),
        Command::Simulate(args) => simulate::run(args),
        Command::ParseFloor(args) => parse_floor::run(args),
    }
}

pub fn exit(status: i32) -> ExitCode {
    ExitCode::from(u8::try_from(status).unwrap_or(EXIT_USAGE as u8))
}

/// The one place a failed run is reported. A closed pipe (`trustlint check | head`) is how the
/// reader says it has seen enough: a quiet success.
pub fn fail(e: &Error) -> ExitCode {
    if let Error::Io(io) = e
        && is_broken_pipe(io)
    {
        return exit(EXIT_OK);
    }
    eprintln!("error: {e}");
    exit(EXIT_USAGE)
}

/// Writes to stdout.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    write_stdout_bytes(text.as_bytes())
}

pub fn write_stdout_bytes(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(bytes)?;
    lock.flush()
}

pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}
