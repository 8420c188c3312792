//! `trustlint-verify`: the part of trustlint that talks to AWS. `trustlint verify ARGS` runs
//! this binary with the same ARGS, so the lint binary never links the AWS SDK.

use clap::Parser;
use trustlint_verify::cli::Cli;

fn main() {
    let cli = Cli::parse();
    std::process::exit(trustlint_verify::run(&cli.verify));
}
