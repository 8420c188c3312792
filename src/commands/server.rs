//! `trustlint server`: the language server on standard input and output.

use std::process::ExitCode;

use crate::Error;
use crate::cli::ServerArgs;
use crate::commands::{EXIT_OK, exit};
use crate::server::{self, ServerOptions, transport};

/// Serves until the client says `exit`: status 0 after a `shutdown` request, 1 otherwise (as
/// the specification asks), 2 when the server could not run.
pub fn run(args: &ServerArgs) -> Result<ExitCode, Error> {
    let (conn, writer) = transport::stdio();
    let clean = server::serve(&conn, &ServerOptions { rules_dir: args.rules_dir.clone() });
    // Dropping the connection ends the writer once it has sent everything queued.
    drop(conn);
    writer.join()?;
    Ok(exit(if clean? { EXIT_OK } else { EXIT_WITHOUT_SHUTDOWN }))
}

/// The status of a server told to exit before `shutdown`, or whose input ended.
const EXIT_WITHOUT_SHUTDOWN: i32 = 1;
