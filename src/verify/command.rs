//! `trustlint verify`: static checks first (no network), then `sts:GetCallerIdentity`,
//! `iam:GetRole` (lint + local evaluation of the live trust policy), `sts:AssumeRole`,
//! `sts:GetCallerIdentity` with the minted credentials, and negative probes. See docs/verify.md.
//!
//! Secrets: the minted secret key and session token are only ever written by `--export-env`
//! (stdout) or into the environment of `-- COMMAND`; the report carries ARNs and the expiry.

use std::path::Path;

use crate::analysis::external_id::{self, ExternalId, Phase};
use crate::analysis::request::{self, Decision, Request};
use crate::aws::arn::{self, ArnUse};
use crate::aws::sts::external_id_problem as sts_rejects;
use crate::aws::sts::session_name_problem;
use crate::cli::{PhaseArg, VerifyArgs, VerifyFormat};
use crate::commands::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::config::Settings;
use crate::config::file::{self as config_file, Date};
use crate::model::PolicyKind;
use crate::rules::Severity;
use crate::verify::ulid;
use crate::verify::{Aws, AwsError, AwsErrorKind, AwsOptions, Minted};

/// STS limits (docs/facts.md, "STS limits").
const MIN_DURATION: u32 = crate::aws::sts::DURATION_MIN_SECS;
const MAX_DURATION: u32 = crate::aws::sts::DURATION_MAX_SECS;
const CHAINED_MAX_DURATION: u32 = crate::aws::sts::CHAINED_DURATION_MAX_SECS;
const DEFAULT_DURATION: u32 = crate::aws::sts::DEFAULT_DURATION_SECS;
const SESSION_NAME_MAX: usize = 64;

/// How many lint findings the report lists.
const TOP_FINDINGS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    /// Further lines (lint findings, evaluation reasons).
    pub messages: Vec<String>,
}

/// What `verify` found; never holds a secret.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
    pub steps: Vec<Step>,
    pub assumed_role_arn: Option<String>,
    pub expiration: Option<String>,
}

impl Report {
    fn step(&mut self, name: &'static str, status: Status, detail: impl Into<String>) -> &mut Step {
        self.steps.push(Step { name, status, detail: detail.into(), messages: Vec::new() });
        let last = self.steps.len() - 1;
        &mut self.steps[last]
    }

    pub fn passed(&self) -> bool {
        !self.steps.iter().any(|s| s.status == Status::Failed)
    }

    fn json_report(&self) -> JsonReport<'_> {
        JsonReport {
            version: 1,
            role_arn: &self.role_arn,
            external_id: self.external_id.as_deref(),
            session_name: self.session_name.as_deref(),
            steps: self
                .steps
                .iter()
                .map(|s| JsonStep {
                    name: s.name,
                    status: s.status.as_str(),
                    detail: &s.detail,
                    messages: &s.messages,
                })
                .collect(),
            notes: &self.notes,
            warnings: &self.warnings,
            assumed_role_arn: self.assumed_role_arn.as_deref(),
            expiration: self.expiration.as_deref(),
            result: if self.passed() { "passed" } else { "failed" },
        }
    }

    /// The JSON report (version 1) as a value.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.json_report()).unwrap_or_default()
    }

    /// The JSON report as pretty text, keys in the documented order.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string_pretty(&self.json_report()).unwrap_or_default()
    }

    pub fn to_human(&self) -> String {
        let mut out = format!("trustlint verify {}\n", self.role_arn);
        let head: Vec<(&str, &Option<String>)> =
            vec![("external id", &self.external_id), ("session name", &self.session_name)];
        for (k, v) in head {
            if let Some(v) = v {
                out.push_str(&format!("  {k:<13} {v}\n"));
            }
        }
        for n in &self.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        out.push('\n');
        let width = self.steps.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in &self.steps {
            out.push_str(&format!("  {:<7}  {:<width$}  {}\n", s.status.as_str(), s.name, s.detail));
            for m in &s.messages {
                out.push_str(&format!("  {:<7}  {:<width$}    {m}\n", "", ""));
            }
        }
        if self.assumed_role_arn.is_some() || !self.warnings.is_empty() {
            out.push('\n');
        }
        if let Some(a) = &self.assumed_role_arn {
            out.push_str(&format!("  {:<13} {a}\n", "assumed role"));
        }
        if let Some(e) = &self.expiration {
            out.push_str(&format!("  {:<13} {e}\n", "expires"));
        }
        for w in &self.warnings {
            out.push_str(&format!("  warning: {w}\n"));
        }
        out.push_str(&format!("\nresult: {}\n", if self.passed() { "passed" } else { "failed" }));
        out
    }
}

#[derive(serde::Serialize)]
struct JsonStep<'a> {
    name: &'a str,
    status: &'a str,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    messages: &'a [String],
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    version: u32,
    role_arn: &'a str,
    external_id: Option<&'a str>,
    session_name: Option<&'a str>,
    steps: Vec<JsonStep<'a>>,
    notes: &'a [String],
    warnings: &'a [String],
    assumed_role_arn: Option<&'a str>,
    expiration: Option<&'a str>,
    result: &'a str,
}

/// What the static checks settled.
#[derive(Debug, Clone)]
struct Plan {
    external_id: String,
    parsed: Option<ExternalId>,
    session_name: String,
    duration: Option<u32>,
}

pub fn run(args: &VerifyArgs) -> i32 {
    let to_stderr = args.export_env || !args.command.is_empty();
    let settings = match settings(args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut rep = Report { role_arn: args.role_arn.clone(), ..Report::default() };
    let Some(plan) = static_checks(args, &settings, &mut rep) else {
        emit(&rep, args.format, to_stderr);
        return EXIT_USAGE;
    };
    let opts = AwsOptions {
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        ..AwsOptions::default()
    };
    let aws = match Aws::new(&opts) {
        Ok(a) => a,
        Err(e) => {
            rep.step("aws-config", Status::Failed, describe(&e));
            emit(&rep, args.format, to_stderr);
            return EXIT_USAGE;
        }
    };
    let minted = live(args, &plan, &settings, &aws, &mut rep);
    emit(&rep, args.format, to_stderr);
    if !rep.passed() {
        return EXIT_FINDINGS;
    }
    let Some(minted) = minted else { return EXIT_OK };
    if args.export_env {
        return match crate::commands::write_stdout(&export_line(&minted)) {
            Ok(()) => EXIT_OK,
            Err(e) if crate::commands::is_broken_pipe(&e) => EXIT_OK,
            Err(e) => {
                eprintln!("error: cannot write to standard output: {e}");
                EXIT_FINDINGS
            }
        };
    }
    if !args.command.is_empty() {
        return run_command(&args.command, &minted);
    }
    EXIT_OK
}

/// Settings from the configuration file (`--config`, else the nearest one) and flags.
fn settings(args: &VerifyArgs) -> Result<Settings, String> {
    let mut s = Settings::default();
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => config_file::discover(Path::new(".")),
    };
    if let Some(path) = path {
        let rules = crate::rule_set(None).map_err(|e| e.to_string())?;
        let names: Vec<(&str, &str)> = rules.iter().map(|r| (r.meta().code, r.meta().name)).collect();
        let c = config_file::load(&path, &names, Date::today()?).map_err(|e| e.to_string())?;
        c.apply_settings(&mut s);
    }
    if let Some(a) = &args.spacelift_account {
        s.spacelift_account = Some(a.clone());
    }
    Ok(s)
}

/// Role ARN, external id, session name and duration; `None` (with failed steps) on any error.
fn static_checks(args: &VerifyArgs, settings: &Settings, rep: &mut Report) -> Option<Plan> {
    let mut ok = true;
    match arn::validate(&args.role_arn, ArnUse::Role) {
        Ok(()) if args.role_arn.contains(['*', '?']) => {
            rep.step("role-arn", Status::Failed, format!("TL007: `{}` contains a wildcard", args.role_arn));
            ok = false;
        }
        Ok(()) => {
            rep.step("role-arn", Status::Passed, "an IAM role ARN");
        }
        Err(e) => {
            rep.step("role-arn", Status::Failed, format!("TL007: {e}"));
            ok = false;
        }
    }

    // The external id, built the way Spacelift builds it in Spacelift mode.
    let mut spacelift_stack: Option<(String, String)> = None; // (stack, account)
    let id = if let Some(stack) = &args.spacelift_stack {
        let phase = match args.phase {
            Some(PhaseArg::Write) => Phase::Write,
            _ => Phase::Read,
        };
        let Some(account) = settings.spacelift_account.clone() else {
            rep.step(
                "external-id",
                Status::Failed,
                "Spacelift mode needs the account name: pass --spacelift-account NAME or set \
                 `spacelift.account` in trustlint.toml",
            );
            return None;
        };
        let integration = match &args.integration_id {
            Some(i) => {
                if let Some(why) = ulid::problem(i) {
                    rep.step("external-id", Status::Failed, format!("TL201: --integration-id `{i}` {why}"));
                    return None;
                }
                i.clone()
            }
            None => {
                let i = ulid::generate();
                rep.notes.push(format!(
                    "no --integration-id: using the random ULID {i}; it only matches trust policies \
                     whose sts:ExternalId pattern has `*` in the integration-id part (StringLike)"
                ));
                i
            }
        };
        spacelift_stack = Some((stack.clone(), account.clone()));
        crate::aws::spacelift::external_id(&account, &integration, stack, phase)
    } else {
        args.external_id.clone().unwrap_or_default()
    };
    rep.external_id = Some(id.clone());
    let mut parsed = None;
    if let Some(why) = sts_rejects(&id) {
        rep.step(
            "external-id",
            Status::Failed,
            format!("TL205: external id `{id}` is rejected by STS: {why}"),
        );
        ok = false;
    } else if spacelift_stack.is_some() || id.contains('@') {
        let Some(grammar) = crate::analysis::trust::grammar() else {
            rep.step("external-id", Status::Failed, "internal error: the Spacelift grammar did not build");
            return None;
        };
        match external_id::parse(&id, grammar) {
            Ok(p) => {
                let what = match &p {
                    ExternalId::Current { phase, .. } => format!("a Spacelift external id ({phase} phase)"),
                    ExternalId::Legacy { .. } => {
                        "a legacy Spacelift external id (`<account>@<stack>`)".into()
                    }
                };
                rep.step("external-id", Status::Passed, what);
                parsed = Some(p);
            }
            Err(e) => {
                rep.step(
                    "external-id",
                    Status::Failed,
                    format!("TL201: external id `{id}` is not one Spacelift produces: {e}"),
                );
                ok = false;
            }
        }
    } else {
        rep.step("external-id", Status::Passed, "accepted by STS (2 to 1224 characters of [\\w+=,.@:/-])");
    }

    let session = match (&args.session_name, &spacelift_stack) {
        (Some(s), _) => s.clone(),
        // Spacelift: `<run-id>@<stack-id>@<account-name>`, truncated to 64 characters.
        (None, Some((stack, account))) => {
            format!("{}@{stack}@{account}", ulid::generate()).chars().take(SESSION_NAME_MAX).collect()
        }
        (None, None) => format!("trustlint-verify-{}", ulid::generate()),
    };
    rep.session_name = Some(session.clone());
    match session_name_problem(&session) {
        Some(why) => {
            rep.step("session-name", Status::Failed, format!("TL402: session name `{session}` {why}"));
            ok = false;
        }
        None => {
            rep.step("session-name", Status::Passed, "accepted by STS (2 to 64 characters of [\\w+=,.@-])");
        }
    }

    match args.duration {
        Some(d) if !(MIN_DURATION..=MAX_DURATION).contains(&d) => {
            rep.step(
                "duration",
                Status::Failed,
                format!(
                    "--duration {d} is outside what STS accepts ({MIN_DURATION} to {MAX_DURATION} seconds)"
                ),
            );
            ok = false;
        }
        Some(d) => {
            rep.step("duration", Status::Passed, format!("{d} seconds"));
        }
        None => {
            rep.step("duration", Status::Passed, format!("STS default ({DEFAULT_DURATION} seconds)"));
        }
    }
    ok.then_some(Plan { external_id: id, parsed, session_name: session, duration: args.duration })
}

/// A one-line category and the error's own message: network, throttling, access denied and
/// malformed answers read differently.
pub fn describe(e: &AwsError) -> String {
    let what = match e.kind() {
        AwsErrorKind::AccessDenied => "access denied",
        AwsErrorKind::Throttled => "throttled by AWS (rate exceeded; retry later)",
        AwsErrorKind::Connect => "network error (cannot connect)",
        AwsErrorKind::Timeout => "network error (timed out)",
        AwsErrorKind::Network => "network error",
        AwsErrorKind::MalformedResponse => "malformed response",
        AwsErrorKind::NoCredentials => "no AWS credentials",
        AwsErrorKind::Config => "configuration error",
        AwsErrorKind::Other => "AWS error",
    };
    format!("{what}: {e}")
}

/// Condition keys the local evaluation sends; a deny that hinges on any other key is not a
/// reliable prediction (STS adds keys trustlint cannot know: source identity, org id, tags...).
const EVALUATED_KEYS: &[&str] =
    &["sts:externalid", "sts:rolesessionname", "aws:principalarn", "aws:principalaccount"];

/// The network part; returns the minted credentials when the positive call succeeded and is
/// expected to.
fn live(args: &VerifyArgs, plan: &Plan, settings: &Settings, aws: &Aws, rep: &mut Report) -> Option<Minted> {
    let caller = match aws.caller_identity() {
        Ok(me) => {
            rep.step("caller-identity", Status::Passed, format!("{} (account {})", me.arn, me.account));
            Some(me)
        }
        Err(e) if e.kind() == AwsErrorKind::AccessDenied => {
            rep.step("caller-identity", Status::Skipped, describe(&e));
            None
        }
        Err(e) => {
            rep.step("caller-identity", Status::Failed, describe(&e));
            return None;
        }
    };
    if let Some(me) = &caller
        && me.arn.contains(":assumed-role/")
    {
        let d = plan.duration.unwrap_or(DEFAULT_DURATION);
        if d > CHAINED_MAX_DURATION {
            rep.warnings.push(format!(
                "role chaining: the caller ({}) is itself an assumed role, and STS limits chained \
                 sessions to 1 hour; a duration of {d} seconds will be rejected",
                me.arn
            ));
        } else if args.duration.is_none() {
            rep.notes
                .push("role chaining: the caller is an assumed role, so sessions last at most 1 hour".into());
        }
    }

    // iam:GetRole only reads the caller's own account.
    let role_account = arn::split(&args.role_arn).map(|a| a.account.to_owned()).unwrap_or_default();
    let policy_text = match &caller {
        Some(me) if me.account != role_account => {
            rep.step(
                "get-role",
                Status::Skipped,
                format!(
                    "the role is in account {role_account} and the caller in {}; iam:GetRole only reads \
                     the caller's account",
                    me.account
                ),
            );
            None
        }
        _ => match aws.get_role(&args.role_arn) {
            Ok(info)
                if arn::split(&info.arn).map(|a| a.account)
                    != arn::split(&args.role_arn).map(|a| a.account) =>
            {
                rep.step(
                    "get-role",
                    Status::Skipped,
                    format!(
                        "iam:GetRole returned {}, a role of another account; its policy is not used",
                        info.arn
                    ),
                );
                None
            }
            Ok(info) => {
                let max =
                    info.max_session_duration.map(|m| format!(", max session {m} s")).unwrap_or_default();
                rep.step(
                    "get-role",
                    Status::Passed,
                    format!("fetched the trust policy of {}{max}", info.arn),
                );
                if let (Some(m), Some(d)) = (info.max_session_duration, plan.duration)
                    && d > m
                {
                    rep.warnings.push(format!(
                        "--duration {d} exceeds the role's maximum session duration ({m} s); STS will reject it"
                    ));
                }
                if info.arn != args.role_arn {
                    rep.warnings.push(format!("iam:GetRole returned {}, not {}", info.arn, args.role_arn));
                }
                Some(info.trust_policy_json)
            }
            Err(e) if e.kind() == AwsErrorKind::AccessDenied => {
                rep.step("get-role", Status::Skipped, format!("caller may not call iam:GetRole ({e})"));
                None
            }
            Err(e) if e.code() == Some("NoSuchEntity") => {
                rep.step("get-role", Status::Failed, format!("the role does not exist: {e}"));
                return None;
            }
            Err(e) => {
                rep.step("get-role", Status::Failed, describe(&e));
                return None;
            }
        },
    };

    match &policy_text {
        None => {
            rep.step("lint", Status::Skipped, "no trust policy (iam:GetRole skipped)");
            rep.step("evaluate", Status::Skipped, "no trust policy (iam:GetRole skipped)");
        }
        Some(text) => {
            let mut s = settings.clone();
            s.policy_kind = Some(PolicyKind::Trust);
            let name = format!(
                "iam:GetRole {}",
                crate::verify::role_name_from_arn(&args.role_arn).unwrap_or("role")
            );
            let (findings, sources, unit) = match crate::RuleSet::load(None) {
                Ok(rules) => crate::lint_text(&name, text, &s, &rules),
                Err(e) => {
                    rep.step("lint", Status::Failed, format!("cannot load the rules: {e}"));
                    return None;
                }
            };
            let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
            let step = rep.step(
                "lint",
                Status::Passed,
                format!(
                    "{} finding{} in the live trust policy ({} error, {} warning, {} info)",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" },
                    count(Severity::Error),
                    count(Severity::Warning),
                    count(Severity::Info)
                ),
            );
            for f in findings.iter().take(TOP_FINDINGS) {
                let line = sources.get(f.span.src).map(|src| src.line_col(f.span.start).line).unwrap_or(0);
                step.messages.push(format!("{} {} (line {line}): {}", f.code, f.severity.name(), f.message));
            }
            if findings.len() > TOP_FINDINGS {
                step.messages.push(format!(
                    "... and {} more (trustlint check on the policy lists them)",
                    findings.len() - TOP_FINDINGS
                ));
            }
            let policy = unit.as_ref().and_then(|u| {
                u.policies.iter().find(|p| p.kind == PolicyKind::Trust).or_else(|| u.policies.first())
            });
            if evaluate_step(args, plan, caller.as_ref(), policy, rep) {
                rep.step(
                    "assume-role",
                    Status::Skipped,
                    "not called: the live trust policy denies this request (see evaluate)",
                );
                return None;
            }
        }
    }

    // The positive call.
    let assumed = aws.assume_role(&args.role_arn, Some(&plan.external_id), &plan.session_name, plan.duration);
    let minted = match (assumed, args.expect_deny) {
        (Ok(m), false) => {
            rep.step("assume-role", Status::Passed, format!("assumed {}", m.assumed_role_arn));
            rep.assumed_role_arn = Some(m.assumed_role_arn.clone());
            rep.expiration = Some(m.expiration_rfc3339());
            match aws.get_caller_identity(&m) {
                Ok(who) if who.arn == m.assumed_role_arn => {
                    rep.step(
                        "assumed-identity",
                        Status::Passed,
                        format!("{} (account {})", who.arn, who.account),
                    );
                }
                Ok(who) => {
                    rep.step(
                        "assumed-identity",
                        Status::Failed,
                        format!("the minted credentials act as {}, not {}", who.arn, m.assumed_role_arn),
                    );
                }
                Err(e) => {
                    rep.step("assumed-identity", Status::Failed, describe(&e));
                }
            }
            Some(m)
        }
        (Ok(m), true) => {
            rep.step(
                "assume-role",
                Status::Failed,
                format!(
                    "accepted (as {}), but --expect-deny says this request must be denied",
                    m.assumed_role_arn
                ),
            );
            None
        }
        (Err(e), true) if e.kind() == AwsErrorKind::AccessDenied => {
            rep.step("assume-role", Status::Passed, format!("denied, as expected: {e}"));
            None
        }
        (Err(e), _) => {
            rep.step("assume-role", Status::Failed, describe(&e));
            rep.step("probes", Status::Skipped, "not run: the positive sts:AssumeRole failed");
            return None;
        }
    };

    probes(args, plan, aws, rep);
    minted
}

/// Evaluates the live trust policy for this request; true when AssumeRole must not be called.
fn evaluate_step(
    args: &VerifyArgs,
    plan: &Plan,
    caller: Option<&crate::verify::Identity>,
    policy: Option<&crate::model::Policy>,
    rep: &mut Report,
) -> bool {
    let (Some(me), Some(policy)) = (caller, policy) else {
        let why =
            if caller.is_none() { "the caller's identity is unknown" } else { "the policy did not parse" };
        rep.step("evaluate", Status::Skipped, why);
        return false;
    };
    let principal_arn = assumed_role_to_role(&me.arn).unwrap_or_else(|| me.arn.clone());
    let req = Request::new(me.arn.clone(), "sts:AssumeRole")
        .with("sts:ExternalId", plan.external_id.clone())
        .with("sts:RoleSessionName", plan.session_name.clone())
        .with("aws:PrincipalArn", principal_arn)
        .with("aws:PrincipalAccount", me.account.clone());
    let ev = request::evaluate(policy, &req);
    let reasons = ev.reasons.clone();
    let other_keys: Vec<String> = policy
        .statements
        .iter()
        .flat_map(|s| &s.conditions)
        .filter_map(|c| c.key.as_str())
        .filter(|k| !EVALUATED_KEYS.contains(&k.to_ascii_lowercase().as_str()))
        .map(str::to_owned)
        .collect();
    let denied = matches!(ev.decision, Decision::ExplicitDeny | Decision::ImplicitDeny);
    let what = match ev.decision {
        Decision::Allow => "allow",
        Decision::ExplicitDeny => "an explicit deny",
        Decision::ImplicitDeny => "an implicit deny (no statement allows it)",
        Decision::Unknown => "unknown",
    };
    let mut stop = false;
    let step = if ev.decision == Decision::Unknown {
        rep.step("evaluate", Status::Skipped, "the outcome cannot be predicted locally")
    } else if denied && !other_keys.is_empty() {
        rep.step(
            "evaluate",
            Status::Skipped,
            format!(
                "predicts {what}, but the policy has conditions on keys trustlint does not know the \
                 value of ({}); asking STS",
                other_keys.join(", ")
            ),
        )
    } else if denied && !args.expect_deny {
        stop = true;
        rep.step(
            "evaluate",
            Status::Failed,
            format!("predicts {what} for {} with external id `{}`", me.arn, plan.external_id),
        )
    } else if denied {
        rep.step("evaluate", Status::Passed, format!("predicts {what}, as --expect-deny expects"))
    } else if args.expect_deny {
        rep.step("evaluate", Status::Failed, "predicts allow, but --expect-deny expects a deny")
    } else {
        rep.step("evaluate", Status::Passed, format!("predicts allow for {}", me.arn))
    };
    step.messages.extend(reasons);
    stop
}

/// `arn:aws:sts::1:assumed-role/name/session` -> `arn:aws:iam::1:role/name` (aws:PrincipalArn).
fn assumed_role_to_role(caller: &str) -> Option<String> {
    let parts = arn::split(caller)?;
    let name = parts.resource.strip_prefix("assumed-role/")?.split('/').next()?;
    Some(format!("arn:{}:iam::{}:role/{name}", parts.partition, parts.account))
}

/// The same AssumeRole without an external id, and with the other phase's id: both must be
/// denied. Credentials minted by an accepted probe are dropped unused.
fn probes(args: &VerifyArgs, plan: &Plan, aws: &Aws, rep: &mut Report) {
    if args.no_probes {
        rep.step(
            "probes",
            Status::Skipped,
            "--no-probes: not checked that the role refuses a missing or other-phase external id",
        );
        return;
    }
    let mut probe = |name: &'static str, id: Option<&str>, what: &str, risk: &str| match aws.assume_role(
        &args.role_arn,
        id,
        &plan.session_name,
        plan.duration,
    ) {
        Ok(_) => {
            rep.step(name, Status::Failed, format!("confused deputy: {what} was ACCEPTED; {risk}"));
        }
        Err(e) if e.kind() == AwsErrorKind::AccessDenied => {
            rep.step(name, Status::Passed, format!("{what} was denied"));
        }
        Err(e) => {
            rep.step(name, Status::Failed, format!("could not probe {what}: {}", describe(&e)));
        }
    };
    probe(
        "probe-no-external-id",
        None,
        "sts:AssumeRole without an external id",
        "anyone the trusted principal acts for can assume this role (require sts:ExternalId, TL101)",
    );
    if let Some(ExternalId::Current { account, integration_id, stack, phase }) = &plan.parsed {
        let other = match phase {
            Phase::Read => Phase::Write,
            Phase::Write => Phase::Read,
        };
        let id = crate::aws::spacelift::external_id(account, integration_id, stack, other);
        probe(
            "probe-other-phase",
            Some(&id),
            &format!("the {other}-phase external id `{id}`"),
            &format!("a {other}-phase run gets this {phase} role (pin the last part of sts:ExternalId)"),
        );
    } else {
        rep.step(
            "probe-other-phase",
            Status::Skipped,
            "the external id is not a current-format Spacelift id",
        );
    }
}

fn emit(rep: &Report, format: VerifyFormat, to_stderr: bool) {
    let text = match format {
        VerifyFormat::Human => rep.to_human(),
        VerifyFormat::Json => {
            format!("{}\n", rep.to_json_text())
        }
    };
    if to_stderr {
        eprint!("{text}");
    } else if let Err(e) = crate::commands::write_stdout(&text)
        && !crate::commands::is_broken_pipe(&e)
    {
        eprintln!("error: cannot write to standard output: {e}");
    }
}

/// POSIX shell single quoting.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=... AWS_SECURITY_TOKEN=...`.
fn export_line(m: &Minted) -> String {
    let pairs: Vec<String> = m.env_pairs().iter().map(|(k, v)| format!("{k}={}", shell_quote(v))).collect();
    format!("export {}\n", pairs.join(" "))
}

/// Runs `-- COMMAND ARGS...` with the minted credentials; its exit status (128+signal when
/// killed, 127 when it cannot be started).
fn run_command(cmd: &[String], m: &Minted) -> i32 {
    let status = std::process::Command::new(&cmd[0]).args(&cmd[1..]).envs(m.env_pairs()).status();
    match status {
        Ok(s) => match s.code() {
            Some(c) => c,
            None => {
                #[cfg(unix)]
                {
                    use std::os::unix::process::ExitStatusExt;
                    128 + s.signal().unwrap_or(0)
                }
                #[cfg(not(unix))]
                {
                    1
                }
            }
        },
        Err(e) => {
            eprintln!("error: cannot run `{}`: {e}", cmd[0]);
            127
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("abc"), "'abc'");
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
    }

    #[test]
    fn assumed_role_principal_arn() {
        assert_eq!(
            assumed_role_to_role("arn:aws:sts::123456789012:assumed-role/ci/sess").as_deref(),
            Some("arn:aws:iam::123456789012:role/ci")
        );
        assert_eq!(assumed_role_to_role("arn:aws:iam::123456789012:user/u"), None);
    }
}
