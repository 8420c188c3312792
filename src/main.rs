use std::process::ExitCode;

use clap::Parser;
use trustlint::cli::Cli;
use trustlint::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    commands::run(&cli).unwrap_or_else(|e| commands::fail(&e))
}
