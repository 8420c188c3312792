//! Command line of `trustlint-verify` (also reached as `trustlint verify`, which forwards every
//! argument here). The arguments are defined once, in `trustlint::cli`, for both binaries.

use clap::Parser;

pub use trustlint::cli::{PhaseArg, VerifyArgs, VerifyFormat};

#[derive(Debug, Parser)]
#[command(
    name = "trustlint verify",
    bin_name = "trustlint verify",
    version,
    about = "Live check against STS: static checks, iam:GetRole, sts:AssumeRole, negative probes"
)]
pub struct Cli {
    #[command(flatten)]
    pub verify: VerifyArgs,
}
