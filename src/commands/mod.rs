//! What each subcommand does; `main.rs` only maps the outcome to an exit status.

pub mod check;
pub mod external_id;
pub mod rules;
pub mod simulate;
pub mod verify;

/// Exit statuses of INTERFACE.md.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Writes to stdout; a closed pipe (`trustlint check | head`) ends the run quietly.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(text.as_bytes())?;
    lock.flush()
}

pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}
