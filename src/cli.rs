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
    /// Print who can assume whom: roles, profiles and provider/backend assume_role settings,
    /// each hop decided by the caller's identity policies and the target's trust
    Graph(GraphArgs),
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
    /// Kind of raw policy JSON files (default auto, or `input.policy-kind`)
    #[arg(long, value_enum)]
    pub policy_kind: Option<PolicyKindArg>,
    /// What the role behind a lone trust-policy file may do (feeds TL111)
    #[arg(long, value_enum)]
    pub role_access: Option<RoleAccessArg>,
    /// Extra declarative rules (`*.toml`)
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Option<PathBuf>,
    /// An AWS shared config or credentials file to read profiles from (repeatable); not
    /// reported as committed keys (TL605), unlike such files found in PATHS
    #[arg(long, value_name = "FILE")]
    pub aws_config: Vec<PathBuf>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Text,
    Json,
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Files and directories to read
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format: one hop a line, JSON, Graphviz DOT or Mermaid
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    /// An AWS shared config or credentials file to read profiles from (repeatable)
    #[arg(long, value_name = "FILE")]
    pub aws_config: Vec<PathBuf>,
    /// -v: on standard error, the graph's size and the time it took to build
    #[arg(short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
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

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("id").required(true).args(["external_id", "spacelift_stack"])))]
pub struct VerifyArgs {
    /// The role to assume (`arn:<partition>:iam::<account>:role/<name>`)
    #[arg(long, value_name = "ARN")]
    pub role_arn: String,
    /// The external id to send
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
