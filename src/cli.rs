//! Command-line definitions (clap). Behaviour lives in [`crate::commands`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "trustlint",
    version,
    about = "Static analysis of AWS IAM trust policies, permission policies and Terraform role assumption",
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
// Parsed once per process; boxing `check`'s many options would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Lint files and directories (default: .); `-` reads standard input
    Check(CheckArgs),
    /// List every rule: code, name, default severity, summary
    Rules(RulesArgs),
    /// Print a rule's full documentation
    Explain(ExplainArgs),
    /// Parse a Spacelift external id, or analyse a pattern (--pattern): which accounts, stacks
    /// and phases it accepts, with witnesses
    ExternalId(ExternalIdArgs),
    /// Live check against STS: static checks, iam:GetRole, sts:AssumeRole, negative probes
    Verify(VerifyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyKindArg {
    Auto,
    Trust,
    Permission,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleAccessArg {
    Read,
    Write,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SpaceliftEnvironmentArg {
    #[value(name = "spacelift.io")]
    SpaceliftIo,
    #[value(name = "us.spacelift.io")]
    UsSpaceliftIo,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to lint; `-` reads standard input
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rules to run: comma-separated codes, names or prefixes (default: all)
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Rules to skip: comma-separated codes, names or prefixes
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the exit status 1 [default: warning, or `lint.fail-on`]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Configuration file [default: nearest trustlint.toml or .trustlint.toml upward]
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files; use flags and defaults only
    #[arg(long)]
    pub no_config: bool,
    /// Hide findings recorded in FILE (see --write-baseline)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE and exit 0
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Spacelift account name (the first part of external ids)
    #[arg(long, value_name = "NAME")]
    pub spacelift_account: Option<String>,
    /// Spacelift environment; picks the principal account Spacelift assumes roles from
    #[arg(long, value_enum)]
    pub spacelift_environment: Option<SpaceliftEnvironmentArg>,
    /// An AWS account that is the user's own (repeatable)
    #[arg(long, value_name = "ID")]
    pub trusted_account: Vec<String>,
    /// Kind of raw policy JSON files
    #[arg(long, value_enum, default_value_t = PolicyKindArg::Auto)]
    pub policy_kind: PolicyKindArg,
    /// What the role behind a lone trust-policy file may do (feeds TL111)
    #[arg(long, value_enum)]
    pub role_access: Option<RoleAccessArg>,
    /// Extra declarative rules (`*.toml`)
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Option<PathBuf>,
    /// Name to report for `-` (standard input)
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Less output on standard error
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// More on standard error: -v a run summary with counts by rule, -vv every file read
    #[arg(short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (TL101) or name (missing-external-id)
    pub rule: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PatternOperator {
    /// `StringLike`: `*` and `?` are wildcards
    Like,
    /// `StringEquals`: matched literally
    Equals,
}

#[derive(Debug, Args)]
pub struct ExternalIdArgs {
    /// The external id, or with --pattern a condition value such as `acme@*@stack-a@*`
    pub value: String,
    /// Analyse VALUE as a condition pattern instead of parsing one id
    #[arg(long)]
    pub pattern: bool,
    /// How the pattern is matched (the condition operator)
    #[arg(long, value_enum, default_value_t = PatternOperator::Like, requires = "pattern")]
    pub operator: PatternOperator,
    /// Your Spacelift account name: also check that the id or pattern stays within it
    #[arg(long, value_name = "NAME")]
    pub spacelift_account: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// `trustlint verify ...`: every argument goes unchanged to the `trustlint-verify` binary, which
/// holds the AWS SDK (see `commands::verify`).
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct VerifyArgs {
    /// The arguments of `trustlint-verify` (`trustlint verify --help` shows them)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "ARGS")]
    pub args: Vec<std::ffi::OsString>,
}
