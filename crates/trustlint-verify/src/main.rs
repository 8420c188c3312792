//! `trustlint-verify`: the part of trustlint that talks to AWS. `trustlint verify ARGS` runs
//! this binary with the same ARGS, so the lint binary never links the AWS SDK. The hidden first
//! argument `fetch-authorization-details` is what `trustlint check --aws` runs.

use clap::{Parser, Subcommand};
use trustlint::cli::FetchDumpArgs;
use trustlint_verify::cli::Cli;

/// The hidden commands `trustlint` itself runs.
#[derive(Debug, Parser)]
#[command(name = "trustlint-verify", bin_name = "trustlint-verify")]
struct Internal {
    #[command(subcommand)]
    command: InternalCommand,
}

#[derive(Debug, Subcommand)]
enum InternalCommand {
    #[command(name = FetchDumpArgs::SUBCOMMAND)]
    FetchAuthorizationDetails(FetchDumpArgs),
}

fn main() {
    let first = std::env::args_os().nth(1);
    if first.as_deref() == Some(FetchDumpArgs::SUBCOMMAND.as_ref()) {
        let InternalCommand::FetchAuthorizationDetails(args) = Internal::parse().command;
        std::process::exit(trustlint_verify::fetch::run(&args));
    }
    let cli = Cli::parse();
    std::process::exit(trustlint_verify::run(&cli.verify));
}
