//! `trustlint verify`: see [`crate::verify`]. Without the `verify` cargo feature the
//! subcommand exists (so `--help` documents it) but only says it was left out.

use crate::cli::VerifyArgs;

#[cfg(feature = "verify")]
pub fn run(args: &VerifyArgs) -> i32 {
    crate::verify::run(args)
}

#[cfg(not(feature = "verify"))]
pub fn run(_args: &VerifyArgs) -> i32 {
    eprintln!(
        "error: this trustlint was built without the `verify` feature, so `trustlint verify` is \
         not available; rebuild with the default features (`cargo install --path .`)"
    );
    crate::commands::EXIT_USAGE
}
