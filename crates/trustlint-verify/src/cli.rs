//! Command line of `trustlint-verify` (also reached as `trustlint verify`, which forwards every
//! argument here).

use std::path::PathBuf;

use clap::{Args, Parser, ValueEnum};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PhaseArg {
    Read,
    Write,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The role to assume (`arn:<partition>:iam::<account>:role/<name>`)
    #[arg(long, value_name = "ARN")]
    pub role_arn: String,
    /// The external id to send [default: none, for roles that do not require one]
    #[arg(long, value_name = "ID", conflicts_with_all = ["spacelift_stack", "phase", "integration_id"])]
    pub external_id: Option<String>,
    /// Build the external id and session name as Spacelift does for this stack (or module) slug
    #[arg(long, value_name = "SLUG", requires = "phase")]
    pub spacelift_stack: Option<String>,
    /// Spacelift run phase the external id is for
    #[arg(long, value_enum, requires = "spacelift_stack")]
    pub phase: Option<PhaseArg>,
    /// Spacelift integration id (26-character ULID) [default: a random one, which only matches
    /// `StringLike` patterns with `*` in that part]
    #[arg(long, value_name = "ULID", requires = "spacelift_stack")]
    pub integration_id: Option<String>,
    /// Spacelift account name (overrides `spacelift.account` of the configuration file)
    #[arg(long, value_name = "NAME")]
    pub spacelift_account: Option<String>,
    /// Configuration file [default: nearest trustlint.toml or .trustlint.toml upward]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// AWS region (picks the regional STS endpoint) [default: from the AWS chain, else us-east-1]
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Session duration in seconds (900 to 43200; 3600 at most when chaining roles)
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<u32>,
    /// Role session name [default: Spacelift's `<run-id>@<stack>@<account>`, or
    /// `trustlint-verify-<ulid>`]
    #[arg(long, value_name = "NAME")]
    pub session_name: Option<String>,
    /// Named AWS profile for the caller's credentials (e.g. one of the role's own account, so
    /// iam:GetRole can read it) [default: the standard chain, which honours AWS_PROFILE]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The MFA code for a profile chain whose profile has `mfa_serial` [default: asked for on
    /// the terminal]
    #[arg(long, value_name = "CODE", requires = "profile")]
    pub mfa_token: Option<String>,
    /// Send STS and IAM requests to this endpoint (e.g. moto or LocalStack)
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The positive AssumeRole must be denied (checks that this id is locked out)
    #[arg(long, conflicts_with_all = ["export_env", "command"])]
    pub expect_deny: bool,
    /// Skip the negative probes (no external id; the other phase's external id)
    #[arg(long)]
    pub no_probes: bool,
    /// Report format
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// Print an `export AWS_...=...` line with the minted credentials on stdout, for `eval` (report on
    /// stderr)
    #[arg(long, conflicts_with = "command")]
    pub export_env: bool,
    /// Run COMMAND with the minted credentials in its environment; exit with its status
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}
