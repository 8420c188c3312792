//! Command-line definitions (clap). Behaviour lives in the `commands` modules, which read these.

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
    /// Offline: what STS would answer to sts:AssumeRole on a trust policy, with the deciding
    /// statement and negative probes
    Simulate(SimulateArgs),
    /// Language server (LSP) on standard input and output: diagnostics as you type, the rule's
    /// docs on hover, fixes as code actions (see docs/editor.md)
    Server(ServerArgs),
    /// Print a shell completion script (e.g. `trustlint completions bash > ~/.local/share/bash-completion/completions/trustlint`)
    Completions(CompletionsArgs),
    /// Print the manual page (roff; e.g. `trustlint man | man -l -`)
    Man,
    /// Walk, read and parse only (the floor `scripts/bench.sh` compares against)
    #[command(hide = true)]
    ParseFloor(ParseFloorArgs),
}

#[derive(Debug, Args)]
pub struct ParseFloorArgs {
    /// Files and directories to walk
    pub paths: Vec<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Talk over standard input and output (the only transport, and the default; accepted
    /// because editors' generic clients pass it)
    #[arg(long)]
    pub stdio: bool,
    /// Also run the declarative rules (`*.toml`) of DIR
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set (FORCE_COLOR / CLICOLOR_FORCE force it)
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Code frames with a summary line
    Human,
    /// One line per finding: `path:line:col: CODE message` (editors, grep)
    Concise,
    /// The versioned JSON report
    Json,
    /// SARIF 2.1.0 (GitHub code scanning)
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report
    Gitlab,
    /// JUnit XML test report
    Junit,
    /// Markdown summary (GitHub job summary, merge request comments)
    Markdown,
}

/// A run phase (`simulate --phase`, `verify --phase`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PhaseArg {
    Read,
    Write,
}

/// Output of `verify` and `simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Human,
    Json,
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
    Resource,
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
    /// Files and directories to lint; `-` reads standard input [default: ., or none with --aws]
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
    /// Terraform variables file for the root modules, as `terraform -var-file` (repeatable; later
    /// files win, over terraform.tfvars and *.auto.tfvars)
    #[arg(long, value_name = "FILE")]
    pub var_file: Vec<PathBuf>,
    /// A Terraform variable for the root modules, as `terraform -var` (repeatable; wins over
    /// every file)
    #[arg(long, value_name = "NAME=VALUE")]
    pub var: Vec<String>,
    /// An AWS shared config or credentials file to read profiles from (repeatable); not
    /// reported as committed keys (TL605), unlike such files found in PATHS
    #[arg(long, value_name = "FILE")]
    pub aws_config: Vec<PathBuf>,
    /// Name to report for `-` (standard input)
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Report only findings of this severity or above; the others are dropped, from the exit
    /// status too (as tfsec's --minimum-severity)
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
    /// Colour the human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// After the findings, a table of counts by rule (human and concise formats)
    #[arg(long)]
    pub statistics: bool,
    /// Directory that report paths are relative to in SARIF [default: the git work tree root,
    /// else the current directory]
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Apply the safe fixes to the files, then report what is left
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,
    /// With --fix or --diff: apply the unsafe fixes too (they change who may assume the role)
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print what --fix would change as a unified diff, without writing; exit status 1 when there is a change
    #[arg(long, conflicts_with = "write_baseline")]
    pub diff: bool,
    /// Less output on standard error
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// More on standard error: -v a run summary with counts by rule, -vv every file read
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(flatten)]
    pub scan: AwsScanArgs,
    /// Diagnostic: print every policy place (linted, partly known, or unknown and why) as
    /// tab-separated lines on standard error (used by scripts/tf-coverage.sh)
    #[arg(long, hide = true)]
    pub policy_places: bool,
}

/// `check --aws`: lint what is deployed (docs/aws-scan.md).
#[derive(Debug, Clone, Default, Args)]
pub struct AwsScanArgs {
    /// Also lint the live AWS account: every role, user, group and customer managed policy,
    /// fetched with iam:GetAccountAuthorizationDetails (by the trustlint-verify binary) and
    /// linted as a dump file is
    #[arg(long)]
    pub aws: bool,
    /// With --aws: a named AWS profile to scan the account of (repeatable: one account each,
    /// all in one run, so the role graph spans them) [default: the standard credential chain]
    #[arg(long, value_name = "NAME", requires = "aws")]
    pub profile: Vec<String>,
    /// With --aws: AWS region for the STS and IAM endpoints [default: from the AWS chain, else
    /// us-east-1]
    #[arg(long, value_name = "R", requires = "aws")]
    pub region: Option<String>,
    /// With --aws: send STS and IAM requests to this endpoint (e.g. moto or LocalStack)
    #[arg(long, value_name = "URL", requires = "aws")]
    pub endpoint_url: Option<String>,
    /// With --aws: keep the fetched dump in PATH, which the report then points at (an existing
    /// directory, or with several --profile: a directory with one `<account id>.json` each)
    /// [default: kept in memory only, reported as `aws:<account id>`]
    #[arg(long, value_name = "PATH", requires = "aws")]
    pub save_dump: Option<PathBuf>,
}

/// `trustlint-verify fetch-authorization-details` (hidden): what `check --aws` runs for one
/// account. Writes the dump to `--out` in the AWS CLI's shape and one JSON line on standard
/// output: `{"account":..., "arn":..., "pages":..., "roles":..., ...}`.
#[derive(Debug, Clone, Default, Args)]
pub struct FetchDumpArgs {
    /// Named AWS profile [default: the standard chain]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Endpoint for STS and IAM
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Where to write the dump
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// No progress line
    #[arg(long)]
    pub quiet: bool,
}

impl FetchDumpArgs {
    /// The hidden subcommand's name (the first argument of `trustlint-verify`).
    pub const SUBCOMMAND: &'static str = "fetch-authorization-details";

    /// The command line that parses back into `self` (after [`Self::SUBCOMMAND`]).
    pub fn to_args(&self) -> Vec<std::ffi::OsString> {
        let mut out: Vec<std::ffi::OsString> = Vec::new();
        let mut opt = |name: &str, v: &Option<String>| {
            if let Some(v) = v {
                out.push(name.into());
                out.push(v.into());
            }
        };
        opt("--profile", &self.profile);
        opt("--region", &self.region);
        opt("--endpoint-url", &self.endpoint_url);
        out.push("--out".into());
        out.push(self.out.clone().into_os_string());
        if self.quiet {
            out.push("--quiet".into());
        }
        out
    }
}

/// `trustlint-verify fetch-trust-policy` (hidden): what `simulate --role-arn` runs. Prints the
/// role's trust policy (`iam:GetRole`), URL-decoded and otherwise as IAM stores it, on
/// standard output.
#[derive(Debug, Clone, Default, Args)]
pub struct FetchTrustArgs {
    /// The role (`arn:<partition>:iam::<account>:role/<name>`)
    #[arg(long, value_name = "ARN")]
    pub role_arn: String,
    /// Named AWS profile [default: the standard chain]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Endpoint for STS and IAM
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

impl FetchTrustArgs {
    /// The hidden subcommand's name (the first argument of `trustlint-verify`).
    pub const SUBCOMMAND: &'static str = "fetch-trust-policy";

    /// The command line that parses back into `self` (after [`Self::SUBCOMMAND`]).
    pub fn to_args(&self) -> Vec<std::ffi::OsString> {
        let mut out: Vec<std::ffi::OsString> = vec!["--role-arn".into(), self.role_arn.clone().into()];
        for (name, v) in
            [("--profile", &self.profile), ("--region", &self.region), ("--endpoint-url", &self.endpoint_url)]
        {
            if let Some(v) = v {
                out.push(name.into());
                out.push(v.into());
            }
        }
        out
    }
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
    /// Also list the declarative rules (`*.toml`) of DIR
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (TL101) or name (missing-external-id)
    pub rule: String,
    /// Also look in the declarative rules (`*.toml`) of DIR
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Option<PathBuf>,
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
    /// Your Spacelift account name, for the external ids of stack phase nodes (default:
    /// `spacelift.account` of the configuration file)
    #[arg(long, value_name = "NAME")]
    pub spacelift_account: Option<String>,
    /// Ignore the configuration file
    #[arg(long)]
    pub no_config: bool,
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

/// `trustlint verify ...`, defined once for both binaries: the lint binary parses these (for
/// `--help`, completions, the manual page and usage errors) and then hands its arguments unchanged
/// to the `trustlint-verify` binary, which holds the AWS SDK and parses them again (see
/// src/commands/verify.rs).
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

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["path", "role_arn"])))]
pub struct SimulateArgs {
    /// A trust policy JSON file, a Terraform module (directory or .tf file), a plan JSON or an
    /// authorization-details dump
    pub path: Option<PathBuf>,
    /// The role in PATH: a Terraform address (`aws_iam_role.spacelift`) or `role/<name>` of a
    /// dump [default: the only role in PATH]
    #[arg(long, value_name = "SUBJECT", requires = "path")]
    pub role: Option<String>,
    /// Fetch the trust policy of this role with iam:GetRole instead of reading PATH
    #[arg(long, value_name = "ARN", conflicts_with_all = ["path", "role", "as_spacelift"])]
    pub role_arn: Option<String>,
    /// The caller: an ARN (role, user, assumed-role session, account root), a 12-digit account
    /// id, or a service principal (`ec2.amazonaws.com`) [default in Spacelift mode: the
    /// Spacelift account of the configured environment]
    #[arg(long, value_name = "ARN|ACCOUNT")]
    pub principal: Option<String>,
    /// The external id the caller sends
    #[arg(long, value_name = "ID", conflicts_with_all = ["spacelift_stack", "as_spacelift"])]
    pub external_id: Option<String>,
    /// Spacelift mode: build the external id and session name as Spacelift does for this stack
    /// (or module) slug
    #[arg(long, value_name = "SLUG", requires = "phase", conflicts_with = "as_spacelift")]
    pub spacelift_stack: Option<String>,
    /// Spacelift run phase (repeatable, or comma-separated: `--phase read,write`)
    #[arg(long, value_enum, value_delimiter = ',', requires = "spacelift_stack")]
    pub phase: Vec<PhaseArg>,
    /// Spacelift integration id (26-character ULID) [default: 01GE7K9SR2DQBCRQ90DH70JF6Y, which
    /// only matches patterns with `*` in that part]
    #[arg(long, value_name = "ULID")]
    pub integration_id: Option<String>,
    /// Spacelift account name (overrides `spacelift.account` of the configuration file)
    #[arg(long, value_name = "NAME")]
    pub spacelift_account: Option<String>,
    /// Spacelift environment; picks the principal account Spacelift assumes roles from
    #[arg(long, value_enum)]
    pub spacelift_environment: Option<SpaceliftEnvironmentArg>,
    /// Run every stack and phase that the Terraform configuration in PATH attaches to the role
    /// (`spacelift_aws_integration_attachment`)
    #[arg(long, requires = "path")]
    pub as_spacelift: bool,
    /// Role session name the caller sends (sts:RoleSessionName) [default in Spacelift mode:
    /// `<run id>@<stack>@<account>`]
    #[arg(long, value_name = "NAME")]
    pub session_name: Option<String>,
    /// Source identity the caller sets (sts:SourceIdentity; needs sts:SetSourceIdentity)
    #[arg(long, value_name = "NAME")]
    pub source_identity: Option<String>,
    /// Session tag KEY=VALUE (repeatable; needs sts:TagSession)
    #[arg(long, value_name = "KEY=VALUE")]
    pub tag: Vec<String>,
    /// The caller authenticated with MFA (aws:MultiFactorAuthPresent = true, age 0 seconds)
    #[arg(long)]
    pub mfa: bool,
    /// For a service principal: the account of the resource acting (aws:SourceAccount)
    #[arg(long, value_name = "ID")]
    pub source_account: Option<String>,
    /// For a service principal: the ARN of the resource acting (aws:SourceArn)
    #[arg(long, value_name = "ARN")]
    pub source_arn: Option<String>,
    /// Any other condition key the request carries, KEY=VALUE (repeatable; e.g.
    /// `aws:PrincipalOrgID=o-abc123`)
    #[arg(long, value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// The request must be denied (checks that this caller is locked out)
    #[arg(long)]
    pub expect_deny: bool,
    /// Skip the negative probes (no external id; the other phase; another stack; another
    /// Spacelift account; no source account)
    #[arg(long)]
    pub no_probes: bool,
    /// Report format
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// Configuration file [default: nearest trustlint.toml or .trustlint.toml upward]
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files
    #[arg(long)]
    pub no_config: bool,
    /// With --role-arn: AWS region [default: from the AWS chain, else us-east-1]
    #[arg(long, value_name = "R", requires = "role_arn")]
    pub region: Option<String>,
    /// With --role-arn: send IAM requests to this endpoint (e.g. moto or LocalStack)
    #[arg(long, value_name = "URL", requires = "role_arn")]
    pub endpoint_url: Option<String>,
    /// With --role-arn: the named AWS profile whose credentials read the role (one of the
    /// role's own account: IAM reads only its own account) [default: the standard chain]
    #[arg(long, value_name = "NAME", requires = "role_arn")]
    pub profile: Option<String>,
    /// With --role-arn: keep the fetched trust policy in FILE, which the code frames then point
    /// at [default: kept in memory, shown under the role ARN]
    #[arg(long, value_name = "FILE", requires = "role_arn")]
    pub save_policy: Option<PathBuf>,
}
