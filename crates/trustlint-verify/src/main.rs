//! `trustlint-verify`: the part of trustlint that talks to AWS. `trustlint verify ARGS` runs
//! this binary with the same ARGS, so the lint binary never links the AWS SDK. The hidden first
//! arguments `fetch-authorization-details` and `fetch-trust-policy` are what `trustlint check
//! --aws` and `trustlint simulate --role-arn` run.

use clap::{Parser, Subcommand};
use trustlint::cli::{FetchDumpArgs, FetchTrustArgs};
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
    #[command(name = FetchTrustArgs::SUBCOMMAND)]
    FetchTrustPolicy(FetchTrustArgs),
}

fn main() {
    let first = std::env::args_os().nth(1);
    let internal = [FetchDumpArgs::SUBCOMMAND, FetchTrustArgs::SUBCOMMAND];
    if first.as_deref().is_some_and(|a| internal.iter().any(|i| a == *i)) {
        let status = match Internal::parse().command {
            InternalCommand::FetchAuthorizationDetails(args) => trustlint_verify::fetch::run(&args),
            InternalCommand::FetchTrustPolicy(args) => trustlint_verify::fetch::run_trust(&args),
        };
        std::process::exit(status);
    }
    let cli = Cli::parse();
    std::process::exit(trustlint_verify::run(&cli.verify));
}
