//! The live steps of `verify`, in order: `caller-identity`, `get-role`, `lint`, `evaluate`,
//! `assume-role`, `assumed-identity`, then the probes ([`super::probes`]). Each step is one
//! function returning its [`Step`] (and what later steps need); [`run`] strings them together
//! and stops at the first failed one.

use crate::aws::{Aws, AwsErrorKind, Identity, Minted, RoleInfo, RolePolicies};
use crate::cli::VerifyArgs;
use crate::plan::{CHAINED_MAX_DURATION, DEFAULT_DURATION, Plan};
use crate::report::{Report, Status, Step};
use crate::{describe, probes};
use trustlint::analysis::request::{self as eval, Decision, Request};
use trustlint::aws::arn;
use trustlint::config::Settings;
use trustlint::model::{Policy, PolicyKind, Unit};
use trustlint::rules::Severity;

/// How many lint findings the report lists.
const TOP_FINDINGS: usize = 5;

/// Condition keys the local evaluation sends; a deny that hinges on any other key is not a
/// reliable prediction (STS adds keys trustlint cannot know: source identity, org id, tags...).
const EVALUATED_KEYS: &[&str] =
    &["sts:externalid", "sts:rolesessionname", "aws:principalarn", "aws:principalaccount"];

/// Every live step into `rep`; the minted credentials when the positive call succeeded.
pub fn run(
    args: &VerifyArgs,
    plan: &Plan,
    settings: &Settings,
    aws: &Aws,
    rep: &mut Report,
) -> Option<Minted> {
    let (step, caller) = caller_identity(aws);
    if rep.push(step).status == Status::Failed {
        return None;
    }
    if let Some(me) = &caller {
        chaining_notes(me, plan, rep);
    }
    let (step, role) = get_role(args, plan, caller.as_ref(), aws, rep);
    if rep.push(step).status == Status::Failed {
        return None;
    }
    match &role {
        None => {
            rep.step("lint", Status::Skipped, "no trust policy (iam:GetRole skipped)");
            rep.step("evaluate", Status::Skipped, "no trust policy (iam:GetRole skipped)");
        }
        Some(info) => {
            let (step, policies) = role_policies(aws, info);
            rep.push(step);
            let (step, unit) = lint(info, policies.as_ref(), settings);
            rep.push(step);
            let policy = unit.as_ref().and_then(|u| {
                u.policies.iter().find(|p| p.kind == PolicyKind::Trust).or_else(|| u.policies.first())
            });
            let (step, stop) = evaluate(args, plan, caller.as_ref(), policy);
            rep.push(step);
            if stop {
                rep.step(
                    "assume-role",
                    Status::Skipped,
                    "not called: the live trust policy denies this request (see evaluate)",
                );
                return None;
            }
        }
    }
    let (step, minted) = match assume_role(args, plan, aws) {
        Ok(done) => done,
        Err(step) => {
            rep.push(step);
            rep.step("probes", Status::Skipped, "not run: the positive sts:AssumeRole failed");
            return None;
        }
    };
    rep.push(step);
    if let Some(m) = &minted {
        rep.assumed_role_arn = Some(m.assumed_role_arn.clone());
        rep.expiration = Some(m.expiration_rfc3339());
        rep.push(assumed_identity(aws, m));
    }
    probes::run(args, plan, aws, rep);
    minted
}

/// `sts:GetCallerIdentity` with the caller's credentials; access denied only skips it.
fn caller_identity(aws: &Aws) -> (Step, Option<Identity>) {
    match aws.caller_identity() {
        Ok(me) => (Step::passed("caller-identity", format!("{} (account {})", me.arn, me.account)), Some(me)),
        Err(e) if e.kind() == AwsErrorKind::AccessDenied => {
            (Step::skipped("caller-identity", describe(&e)), None)
        }
        Err(e) => (Step::failed("caller-identity", describe(&e)), None),
    }
}

/// A caller that is itself an assumed role chains roles, and STS caps chained sessions at 1 hour.
fn chaining_notes(me: &Identity, plan: &Plan, rep: &mut Report) {
    if !me.arn.contains(":assumed-role/") {
        return;
    }
    let d = plan.duration.unwrap_or(DEFAULT_DURATION);
    if d > CHAINED_MAX_DURATION {
        rep.warnings.push(format!(
            "role chaining: the caller ({}) is itself an assumed role, and STS limits chained \
             sessions to 1 hour; a duration of {d} seconds will be rejected",
            me.arn
        ));
    } else if plan.duration.is_none() {
        rep.notes
            .push("role chaining: the caller is an assumed role, so sessions last at most 1 hour".into());
    }
}

/// `iam:GetRole`, which only reads the caller's own account; skipped for a role elsewhere.
fn get_role(
    args: &VerifyArgs,
    plan: &Plan,
    caller: Option<&Identity>,
    aws: &Aws,
    rep: &mut Report,
) -> (Step, Option<RoleInfo>) {
    let role_account = arn::split(&args.role_arn).map(|a| a.account.to_owned()).unwrap_or_default();
    if let Some(me) = caller
        && me.account != role_account
    {
        let why = format!(
            "the role is in account {role_account} and the caller in {}; IAM reads only the \
             caller's own account, so the live policies cannot be linted or evaluated here: run \
             with --profile NAME for credentials of account {role_account}, or `trustlint \
             simulate` on the role's trust policy",
            me.account
        );
        return (Step::skipped("get-role", why), None);
    }
    let info = match aws.get_role(&args.role_arn) {
        Ok(info) => info,
        Err(e) if e.kind() == AwsErrorKind::AccessDenied => {
            return (Step::skipped("get-role", format!("caller may not call iam:GetRole ({e})")), None);
        }
        Err(e) if e.code() == Some("NoSuchEntity") => {
            return (Step::failed("get-role", format!("the role does not exist: {e}")), None);
        }
        Err(e) => return (Step::failed("get-role", describe(&e)), None),
    };
    if arn::split(&info.arn).map(|a| a.account) != arn::split(&args.role_arn).map(|a| a.account) {
        let why =
            format!("iam:GetRole returned {}, a role of another account; its policy is not used", info.arn);
        return (Step::skipped("get-role", why), None);
    }
    let max = info.max_session_duration.map(|m| format!(", max session {m} s")).unwrap_or_default();
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
    (Step::passed("get-role", format!("fetched the trust policy of {}{max}", info.arn)), Some(info))
}

/// The role's inline and attached policies, so the lint sees what the role may do (TL111, the
/// permission rules). A caller that may not read them only loses that part of the lint.
fn role_policies(aws: &Aws, info: &RoleInfo) -> (Step, Option<RolePolicies>) {
    match aws.role_policies(&info.role_name) {
        Ok(p) => {
            let detail = format!(
                "{} inline and {} attached polic{}",
                p.inline.len(),
                p.attached.len(),
                if p.attached.len() == 1 { "y" } else { "ies" }
            );
            (Step::passed("role-policies", detail), Some(p))
        }
        Err(e) => {
            let detail = format!("{}; the lint covers the trust policy only", describe(&e));
            (Step::skipped("role-policies", detail), None)
        }
    }
}

/// The rules of `check` on the live role, read exactly as `check` reads an
/// authorization-details dump of it; findings are listed, never fail the run.
fn lint(info: &RoleInfo, policies: Option<&RolePolicies>, settings: &Settings) -> (Step, Option<Unit>) {
    let name = format!("iam:GetRole {}", info.role_name);
    let rules = match trustlint::RuleSet::load(None) {
        Ok(r) => r,
        Err(e) => return (Step::skipped("lint", format!("cannot load the rules: {e}")), None),
    };
    let (findings, sources, unit) = trustlint::lint_text(&name, &dump_of(info, policies), settings, &rules);
    let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
    let what = if policies.is_some() { "live role and its policies" } else { "live trust policy" };
    let detail = format!(
        "{} finding{} in the {what} ({} error, {} warning, {} info)",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    let mut messages: Vec<String> = findings
        .iter()
        .take(TOP_FINDINGS)
        .map(|f| {
            let line = sources.get(f.span.src).map(|src| src.line_col(f.span.start).line).unwrap_or(0);
            format!("{} {} (line {line}): {}", f.code, f.severity.name(), f.message)
        })
        .collect();
    if findings.len() > TOP_FINDINGS {
        messages.push(format!(
            "... and {} more (trustlint check on the policy lists them)",
            findings.len() - TOP_FINDINGS
        ));
    }
    (Step::passed("lint", detail).with_messages(messages), unit)
}

/// A `get-account-authorization-details` document holding only this role. Policy documents
/// that are JSON go in as written (so duplicate keys and line structure survive); anything
/// else goes in as a string, which the dump reader reports as unparsable.
pub fn dump_of(info: &RoleInfo, policies: Option<&RolePolicies>) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let doc = |text: &str| match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) if text.trim_start().starts_with('{') => text.trim().to_owned(),
        _ => q(text),
    };
    let empty = RolePolicies::default();
    let p = policies.unwrap_or(&empty);
    let inline: Vec<String> = p
        .inline
        .iter()
        .map(|(n, d)| format!("{{\"PolicyName\": {}, \"PolicyDocument\": {}}}", q(n), doc(d)))
        .collect();
    let attached: Vec<String> = p
        .attached
        .iter()
        .map(|a| format!("{{\"PolicyName\": {}, \"PolicyArn\": {}}}", q(&a.name), q(&a.arn)))
        .collect();
    let customer: Vec<String> = p
        .attached
        .iter()
        .filter_map(|a| {
            let d = a.document.as_deref()?;
            Some(format!(
                "{{\"PolicyName\": {}, \"Arn\": {}, \"DefaultVersionId\": \"v1\", \"PolicyVersionList\": \
                 [{{\"VersionId\": \"v1\", \"IsDefaultVersion\": true, \"Document\": {}}}]}}",
                q(&a.name),
                q(&a.arn),
                doc(d)
            ))
        })
        .collect();
    format!(
        "{{\"RoleDetailList\": [{{\"RoleName\": {}, \"Arn\": {},\n\"AssumeRolePolicyDocument\": {},\n\
         \"RolePolicyList\": [{}],\n\"AttachedManagedPolicies\": [{}]}}],\n\"Policies\": [{}]}}\n",
        q(&info.role_name),
        q(&info.arn),
        doc(&info.trust_policy_json),
        inline.join(",\n"),
        attached.join(",\n"),
        customer.join(",\n")
    )
}

/// True when some statement would allow this caller if its conditions held: the caller is a
/// principal the policy trusts (a deny then hinges on the conditions, not on who calls).
fn caller_is_trusted(policy: &Policy, req: &Request) -> bool {
    let mut bare = policy.clone();
    for st in &mut bare.statements {
        st.conditions.clear();
    }
    eval::evaluate(&bare, req).decision == Decision::Allow
}

/// The principals the `Allow` statements name (`AWS`, `Service`, `Federated`).
fn trusted_principals(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for st in policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(p) = &st.principal else { continue };
        for kind in ["AWS", "Service", "Federated"] {
            for v in p.values_of(kind).filter_map(|v| v.as_str()) {
                if !out.iter().any(|o| o == v) {
                    out.push(v.to_owned());
                }
            }
        }
    }
    out
}

/// The evaluate step when the caller is not a trusted principal: no external id or session
/// name can help, and `simulate` answers for the principal that is trusted.
fn untrusted_caller(args: &VerifyArgs, me: &Identity, policy: &Policy, reasons: Vec<String>) -> Step {
    let trusted = trusted_principals(policy);
    let list = if trusted.is_empty() { "no principal".to_owned() } else { trusted.join(", ") };
    let detail = format!(
        "predicts an implicit deny: the caller {} is not a principal this trust policy trusts \
         (it trusts {list}), so STS refuses it whatever the external id",
        me.arn
    );
    let mut messages = reasons;
    messages.push(format!(
        "to see what STS would answer the trusted principal, offline: {}",
        simulate_command(args, trusted.first().map(String::as_str))
    ));
    Step::failed("evaluate", detail).with_messages(messages)
}

/// The `trustlint simulate` command that asks the same question as the trusted principal.
fn simulate_command(args: &VerifyArgs, principal: Option<&str>) -> String {
    let mut words: Vec<String> =
        vec!["trustlint".into(), "simulate".into(), "--role-arn".into(), args.role_arn.clone()];
    let mut flag = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            words.push(format!("--{name}"));
            words.push(v.to_owned());
        }
    };
    if let Some(stack) = &args.spacelift_stack {
        flag("spacelift-stack", Some(stack));
        flag("phase", args.phase.map(|p| if p == crate::cli::PhaseArg::Write { "write" } else { "read" }));
        flag("integration-id", args.integration_id.as_deref());
        flag("spacelift-account", args.spacelift_account.as_deref());
    } else {
        flag("principal", principal);
        flag("external-id", args.external_id.as_deref());
    }
    words.iter().map(|w| shell_word(w)).collect::<Vec<_>>().join(" ")
}

/// `w` as one shell word: bare when it is plain, single-quoted otherwise.
fn shell_word(w: &str) -> String {
    let plain = !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c));
    if plain { w.to_owned() } else { crate::exec::shell_quote(w) }
}

/// Evaluates the live trust policy for this request; the flag is true when AssumeRole must not
/// be called (a deny is predicted that `--expect-deny` does not expect).
fn evaluate(
    args: &VerifyArgs,
    plan: &Plan,
    caller: Option<&Identity>,
    policy: Option<&Policy>,
) -> (Step, bool) {
    let (Some(me), Some(policy)) = (caller, policy) else {
        let why =
            if caller.is_none() { "the caller's identity is unknown" } else { "the policy did not parse" };
        return (Step::skipped("evaluate", why), false);
    };
    let principal_arn = assumed_role_to_role(&me.arn).unwrap_or_else(|| me.arn.clone());
    let mut req = Request::new(me.arn.clone(), "sts:AssumeRole")
        .with("sts:RoleSessionName", plan.session_name.clone())
        .with("aws:PrincipalArn", principal_arn)
        .with("aws:PrincipalAccount", me.account.clone());
    if let Some(id) = &plan.external_id {
        req = req.with("sts:ExternalId", id.clone());
    }
    let ev = eval::evaluate(policy, &req);
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
    let untrusted = ev.decision == Decision::ImplicitDeny && !caller_is_trusted(policy, &req);
    let (step, stop) = if ev.decision == Decision::Unknown {
        (Step::skipped("evaluate", "the outcome cannot be predicted locally"), false)
    } else if denied && !other_keys.is_empty() {
        let detail = format!(
            "predicts {what}, but the policy has conditions on keys trustlint does not know the \
             value of ({}); asking STS",
            other_keys.join(", ")
        );
        (Step::skipped("evaluate", detail), false)
    } else if denied && !args.expect_deny && untrusted {
        return (untrusted_caller(args, me, policy, ev.reasons), true);
    } else if denied && !args.expect_deny {
        let id = plan.external_id.as_deref().map(|i| format!("external id `{i}`"));
        let detail =
            format!("predicts {what} for {} with {}", me.arn, id.as_deref().unwrap_or("no external id"));
        (Step::failed("evaluate", detail), true)
    } else if denied {
        (Step::passed("evaluate", format!("predicts {what}, as --expect-deny expects")), false)
    } else if args.expect_deny {
        (Step::failed("evaluate", "predicts allow, but --expect-deny expects a deny"), false)
    } else {
        (Step::passed("evaluate", format!("predicts allow for {}", me.arn)), false)
    };
    (step.with_messages(ev.reasons), stop)
}

/// `arn:aws:sts::1:assumed-role/name/session` -> `arn:aws:iam::1:role/name` (aws:PrincipalArn).
pub(crate) fn assumed_role_to_role(caller: &str) -> Option<String> {
    let parts = arn::split(caller)?;
    let name = parts.resource.strip_prefix("assumed-role/")?.split('/').next()?;
    Some(format!("arn:{}:iam::{}:role/{name}", parts.partition, parts.account))
}

/// The positive `sts:AssumeRole` (or, with `--expect-deny`, the call that must be denied). `Err`
/// is a call that failed for another reason than the expected answer: the probes are not run.
fn assume_role(args: &VerifyArgs, plan: &Plan, aws: &Aws) -> Result<(Step, Option<Minted>), Step> {
    let assumed =
        aws.assume_role(&args.role_arn, plan.external_id.as_deref(), &plan.session_name, plan.duration);
    match (assumed, args.expect_deny) {
        (Ok(m), false) => {
            Ok((Step::passed("assume-role", format!("assumed {}", m.assumed_role_arn)), Some(m)))
        }
        (Ok(m), true) => {
            let detail = format!(
                "accepted (as {}), but --expect-deny says this request must be denied",
                m.assumed_role_arn
            );
            Ok((Step::failed("assume-role", detail), None))
        }
        (Err(e), true) if e.kind() == AwsErrorKind::AccessDenied => {
            Ok((Step::passed("assume-role", format!("denied, as expected: {e}")), None))
        }
        (Err(e), _) => Err(Step::failed("assume-role", describe(&e))),
    }
}

/// `sts:GetCallerIdentity` signed with the minted credentials: they must act as the role.
fn assumed_identity(aws: &Aws, m: &Minted) -> Step {
    match aws.get_caller_identity(m) {
        Ok(who) if who.arn == m.assumed_role_arn => {
            Step::passed("assumed-identity", format!("{} (account {})", who.arn, who.account))
        }
        Ok(who) => Step::failed(
            "assumed-identity",
            format!("the minted credentials act as {}, not {}", who.arn, m.assumed_role_arn),
        ),
        Err(e) => Step::failed("assumed-identity", describe(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_role_principal_arn() {
        assert_eq!(
            assumed_role_to_role("arn:aws:sts::123456789012:assumed-role/ci/sess").as_deref(),
            Some("arn:aws:iam::123456789012:role/ci")
        );
        assert_eq!(assumed_role_to_role("arn:aws:iam::123456789012:user/u"), None);
    }
}
