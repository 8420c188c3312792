//! The requests a simulation sends: who calls, with which external id, session name, source
//! identity, tags, MFA and source keys, built the way STS (and Spacelift) would send them.

use crate::analysis::external_id::{self, ExternalId};
use crate::analysis::request::Request;
use crate::aws::arn;
use crate::aws::spacelift::{self, Phase, SpaceliftEnvironment};
use crate::aws::sts;
use crate::model::Unit;

use super::{Check, Expected, Target, describe_run};

/// Used when `--integration-id` is not given: the example id of Spacelift's docs. It only
/// matches patterns with `*` in the integration part (or Terraform's own integration).
pub const DEFAULT_INTEGRATION_ID: &str = "01GE7K9SR2DQBCRQ90DH70JF6Y";
/// The run id of the session name Spacelift sends (`<run id>@<stack>@<account>`).
pub const RUN_ID: &str = "01JD5GQ2Z8YV3KX6N0M4T7W9PA";
/// STS accepts at most 50 session tags.
const MAX_TAGS: usize = 50;

/// What the user asked, flags and configuration resolved.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub principal: Option<String>,
    pub external_id: Option<String>,
    /// `--spacelift-stack` x `--phase`.
    pub spacelift_runs: Vec<SpaceliftRun>,
    pub as_spacelift: bool,
    pub spacelift_account: Option<String>,
    pub environment: SpaceliftEnvironment,
    pub partition: String,
    pub integration_id: Option<String>,
    pub session_name: Option<String>,
    pub source_identity: Option<String>,
    pub tags: Vec<(String, String)>,
    pub mfa: bool,
    pub source_account: Option<String>,
    pub source_arn: Option<String>,
    pub context: Vec<(String, String)>,
    pub expect_deny: bool,
    pub probes: bool,
    /// Said before the answer (defaults taken).
    pub notes: Vec<String>,
}

/// One Spacelift run: a stack (or module) in a phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceliftRun {
    pub stack: String,
    pub phase: Phase,
    /// The integration tags the session (`tag_assume_role`): STS also authorises sts:TagSession.
    pub tag_session: bool,
    /// The Terraform attachment this run comes from (`--as-spacelift`).
    pub attachment: Option<String>,
    /// `stack` names a module (`module_id` of the attachment).
    pub module: bool,
    /// The integration's custom `external_id`, which a private worker sends instead of the
    /// generated one (`generate_credentials_in_worker = true`).
    pub custom_external_id: Option<String>,
    /// Credentials are generated on the worker: the worker's own principal calls AssumeRole.
    pub worker: bool,
}

/// Who calls `sts:AssumeRole`.
#[derive(Debug, Clone)]
pub struct Caller {
    /// What the principal element is matched against.
    pub principal: String,
    /// `aws:PrincipalAccount`.
    pub account: Option<String>,
    /// `aws:PrincipalArn`, when known (not for "some principal of account X").
    pub arn: Option<String>,
    /// A service principal (`ec2.amazonaws.com`).
    pub service: bool,
    /// `Spacelift (324880187172, spacelift.io)`, `arn:aws:iam::...:role/ci`.
    pub describe: String,
}

/// The caller from `--principal`, or Spacelift's account in Spacelift mode.
pub fn caller(opts: &Options, spacelift: bool) -> Result<Caller, String> {
    let partition = if opts.partition.is_empty() { "aws" } else { opts.partition.as_str() };
    let Some(p) = opts.principal.as_deref() else {
        if !spacelift {
            return Err("say who calls: --principal ARN|ACCOUNT, or Spacelift mode (--spacelift-stack \
                        SLUG --phase PHASE, or --as-spacelift)"
                .into());
        }
        let account = opts.environment.principal_account();
        return Ok(Caller {
            principal: format!("arn:{partition}:iam::{account}:root"),
            account: Some(account.to_owned()),
            arn: None,
            service: false,
            describe: format!("Spacelift ({account}, {})", opts.environment.host()),
        });
    };
    if crate::aws::is_account_id(p) {
        return Ok(Caller {
            principal: format!("arn:{partition}:iam::{p}:root"),
            account: Some(p.to_owned()),
            arn: None,
            service: false,
            describe: format!("a principal of account {p}"),
        });
    }
    if p.starts_with("arn:") {
        let parts = arn::split(p).ok_or_else(|| format!("--principal `{p}` is not an ARN"))?;
        if !crate::aws::is_account_id(parts.account) || !matches!(parts.service, "iam" | "sts") {
            return Err(format!(
                "--principal `{p}` is not an IAM principal ARN (arn:<partition>:iam::<account>:role/... \
                 or user/..., or arn:<partition>:sts::<account>:assumed-role/...)"
            ));
        }
        if p.contains(['*', '?']) {
            return Err(format!("--principal `{p}` contains a wildcard; a caller is one principal"));
        }
        let principal_arn = assumed_role_of(p).unwrap_or_else(|| p.to_owned());
        return Ok(Caller {
            principal: p.to_owned(),
            account: Some(parts.account.to_owned()),
            arn: Some(principal_arn),
            service: false,
            describe: p.to_owned(),
        });
    }
    let service =
        p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn") || p.ends_with(".amazon.com");
    if service && !p.contains(['*', '?', ' ', '/']) {
        return Ok(Caller {
            principal: p.to_owned(),
            account: None,
            arn: None,
            service: true,
            describe: format!("service {p}"),
        });
    }
    Err(format!(
        "--principal `{p}` is neither an ARN, a 12-digit account id, nor a service principal \
         (<service>.amazonaws.com)"
    ))
}

/// `arn:aws:sts::1:assumed-role/name/session` -> `arn:aws:iam::1:role/name` (aws:PrincipalArn).
fn assumed_role_of(caller: &str) -> Option<String> {
    let parts = arn::split(caller)?;
    let name = parts.resource.strip_prefix("assumed-role/")?.split('/').next()?;
    Some(format!("arn:{}:iam::{}:role/{name}", parts.partition, parts.account))
}

/// The context every request of this simulation shares: caller keys, source identity, tags,
/// MFA, source keys, `--context`.
fn base_request(opts: &Options, caller: &Caller) -> Result<Request, String> {
    let mut r = Request::new(caller.principal.clone(), "sts:AssumeRole");
    if let Some(a) = &caller.account {
        r = r.with("aws:PrincipalAccount", a.clone());
    }
    r = match (&caller.arn, caller.service) {
        (Some(a), _) => r.with("aws:PrincipalArn", a.clone()),
        (None, false) => r.with_unknown("aws:PrincipalArn"),
        (None, true) => r.with("aws:PrincipalServiceName", caller.principal.clone()),
    };
    if let Some(si) = &opts.source_identity {
        if let Some(why) = sts::source_identity_problem(si) {
            return Err(format!("--source-identity `{si}` {why}; STS rejects it"));
        }
        r = r.with("sts:SourceIdentity", si.clone());
    }
    if opts.tags.len() > MAX_TAGS {
        return Err(format!("{} session tags; STS accepts at most {MAX_TAGS}", opts.tags.len()));
    }
    for (k, v) in &opts.tags {
        r = r.with(&format!("aws:RequestTag/{k}"), v.clone()).with("aws:TagKeys", k.clone());
    }
    if opts.mfa {
        r = r.with("aws:MultiFactorAuthPresent", "true").with("aws:MultiFactorAuthAge", "0");
    }
    if let Some(a) = &opts.source_account {
        if !crate::aws::is_account_id(a) {
            return Err(format!("--source-account `{a}` is not a 12-digit AWS account id"));
        }
        r = r.with("aws:SourceAccount", a.clone());
    }
    if let Some(a) = &opts.source_arn {
        if arn::split(a).is_none() {
            return Err(format!("--source-arn `{a}` is not an ARN"));
        }
        r = r.with("aws:SourceArn", a.clone());
    }
    for (k, v) in &opts.context {
        r = r.with(k, v.clone());
    }
    Ok(r)
}

/// `sts:AssumeRole`, and the actions STS also authorises for what the request carries.
fn actions(opts: &Options, tag_session: bool) -> Vec<String> {
    let mut a = vec!["sts:AssumeRole".to_owned()];
    if !opts.tags.is_empty() || tag_session {
        a.push("sts:TagSession".to_owned());
    }
    if opts.source_identity.is_some() {
        a.push("sts:SetSourceIdentity".to_owned());
    }
    a
}

fn expected(opts: &Options) -> Expected {
    if opts.expect_deny { Expected::Deny } else { Expected::Allow }
}

/// `--principal` with `--external-id` (or none).
pub fn plain_check(opts: &Options, caller: &Caller) -> Result<Check, String> {
    let mut r = base_request(opts, caller)?;
    if let Some(id) = &opts.external_id {
        if let Some(why) = sts::external_id_problem(id) {
            return Err(format!("--external-id `{id}` is rejected by STS: {why}"));
        }
        r = r.with("sts:ExternalId", id.clone());
    }
    r = with_session_name(r, opts, None)?;
    let description = match &opts.external_id {
        Some(id) => format!("{} with external id `{id}`", caller.describe),
        None => format!("{} without an external id", caller.describe),
    };
    Ok(Check {
        name: "request".into(),
        probe: false,
        description,
        request: r,
        actions: actions(opts, false),
        expected: expected(opts),
        risk: None,
        evaluations: Vec::new(),
    })
}

fn with_session_name(r: Request, opts: &Options, spacelift: Option<(&str, &str)>) -> Result<Request, String> {
    let name = match (&opts.session_name, spacelift) {
        (Some(n), _) => n.clone(),
        // Spacelift: `<run-id>@<stack-id>@<account-name>`, truncated to 64 characters.
        (None, Some((stack, account))) => {
            format!("{RUN_ID}@{stack}@{account}").chars().take(sts::SESSION_NAME_MAX_LEN).collect()
        }
        // Every AssumeRole carries one; without --session-name its value is unknown.
        (None, None) => return Ok(r.with_unknown("sts:RoleSessionName")),
    };
    if let Some(why) = sts::session_name_problem(&name) {
        return Err(format!("session name `{name}` {why}; STS rejects it"));
    }
    Ok(r.with("sts:RoleSessionName", name))
}

/// The Spacelift account name, required in Spacelift mode.
pub fn account(opts: &Options) -> Result<&str, String> {
    opts.spacelift_account.as_deref().filter(|a| !a.is_empty()).ok_or_else(|| {
        "Spacelift mode needs the account name: pass --spacelift-account NAME or set \
         `spacelift.account` in trustlint.toml"
            .to_owned()
    })
}

/// The external id Spacelift sends for `account`, `stack`, `phase`, checked against the
/// grammar (a typo in `--integration-id` is a usage error, not a deny).
pub fn spacelift_id(opts: &Options, account: &str, stack: &str, phase: Phase) -> Result<String, String> {
    let integration = opts.integration_id.as_deref().unwrap_or(DEFAULT_INTEGRATION_ID);
    let id = spacelift::external_id(account, integration, stack, phase);
    if let Some(why) = sts::external_id_problem(&id) {
        return Err(format!("external id `{id}` is rejected by STS: {why}"));
    }
    let grammar =
        crate::analysis::trust::grammar().ok_or("internal error: the Spacelift grammar did not build")?;
    match external_id::parse(&id, grammar) {
        Ok(ExternalId::Current { .. }) => Ok(id),
        Ok(ExternalId::Legacy { .. }) | Err(_) => Err(format!(
            "`{id}` is not an external id Spacelift produces (account `{account}`, integration id \
             `{integration}`, stack `{stack}`): check --spacelift-account, --integration-id (26 \
             characters of Crockford base32) and --spacelift-stack"
        )),
    }
}

/// The request Spacelift makes for one run.
pub fn spacelift_check(opts: &Options, caller: &Caller, run: &SpaceliftRun) -> Result<Check, String> {
    let account = account(opts)?;
    let id = match &run.custom_external_id {
        Some(custom) => {
            if let Some(why) = sts::external_id_problem(custom) {
                return Err(format!("the integration's external_id `{custom}` is rejected by STS: {why}"));
            }
            custom.clone()
        }
        None => spacelift_id(opts, account, &run.stack, run.phase)?,
    };
    let mut r = base_request(opts, caller)?.with("sts:ExternalId", id.clone());
    r = with_session_name(r, opts, Some((&run.stack, account)))?;
    if run.tag_session && opts.tags.is_empty() {
        // Spacelift's tag values (run, stack, space) are not known offline.
        r = r.with_unknown("aws:TagKeys");
    }
    let via = run.attachment.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
    Ok(Check {
        name: "request".into(),
        probe: false,
        description: format!("{}{via}: external id `{id}`", describe_run(run)),
        request: r,
        actions: actions(opts, run.tag_session),
        expected: expected(opts),
        risk: None,
        evaluations: Vec::new(),
    })
}

/// Every stack and phase the Terraform configuration attaches to the target role.
pub fn attached_runs(
    unit: &Unit,
    target: &Target,
    notes: &mut Vec<String>,
) -> Result<Vec<SpaceliftRun>, String> {
    let Some(role) = target.role else {
        return Err("--as-spacelift needs a role in a Terraform configuration (PATH is a lone policy)".into());
    };
    let mut runs = Vec::new();
    for att in unit.spacelift.attachments.iter().filter(|a| !a.is_external_id_source) {
        let Some(integration) = att.integration.and_then(|i| unit.spacelift.integrations.get(i)) else {
            continue;
        };
        if integration.role != Some(role) {
            continue;
        }
        let Some(stack) = att.target().and_then(|v| v.as_str()) else {
            notes.push(format!(
                "{}: the stack or module id is not known statically; not simulated",
                att.address
            ));
            continue;
        };
        let worker =
            integration.generate_credentials_in_worker.as_ref().and_then(|v| v.as_str()) == Some("true");
        // FACTS, "Spacelift worker mode": the custom id is only honoured on the worker.
        let custom_external_id =
            integration.external_id.as_ref().and_then(|v| v.as_str()).filter(|_| worker).map(str::to_owned);
        let tag_session = integration.tag_assume_role.as_ref().and_then(|v| v.as_str()) == Some("true");
        for (phase, enabled) in [(Phase::Read, att.read), (Phase::Write, att.write)] {
            match enabled {
                Some(true) => runs.push(SpaceliftRun {
                    stack: stack.to_owned(),
                    phase,
                    tag_session,
                    attachment: Some(att.address.clone()),
                    module: att.stack_id.is_none() && att.module_id.is_some(),
                    custom_external_id: custom_external_id.clone(),
                    worker,
                }),
                Some(false) => {}
                None => {
                    notes.push(format!("{}: `{phase}` is not known statically; not simulated", att.address))
                }
            }
        }
    }
    if runs.is_empty() {
        return Err(format!(
            "--as-spacelift: no spacelift_aws_integration_attachment attaches an integration of {} \
             to a stack with a known id",
            target.subject
        ));
    }
    runs.dedup();
    Ok(runs)
}
