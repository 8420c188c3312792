//! The live steps of `verify`, in order: `caller-identity`, `get-role`, `lint`, `evaluate`,
//! `assume-role`, `assumed-identity`, then the probes ([`super::probes`]). Each step is one
//! function returning its [`Step`] (and what later steps need); [`run`] strings them together
//! and stops at the first failed one.

use crate::aws::{Aws, AwsErrorKind, Identity, Minted, RoleInfo};
use crate::cli::VerifyArgs;
use crate::plan::{CHAINED_MAX_DURATION, DEFAULT_DURATION, Plan};
use crate::report::{Report, Status, Step};
use crate::{describe, probes};
use trustlint::config::Settings;
use trustlint::eval::{self, Decision, Request};
use trustlint::model::arn;
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
            let (step, unit) = lint(args, &info.trust_policy_json, settings);
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
            "the role is in account {role_account} and the caller in {}; iam:GetRole only reads \
             the caller's account",
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

/// The rules of `check` on the live trust policy; findings are listed, never fail the run.
fn lint(args: &VerifyArgs, policy_json: &str, settings: &Settings) -> (Step, Option<Unit>) {
    let mut s = settings.clone();
    s.policy_kind = Some(PolicyKind::Trust);
    let name = format!("iam:GetRole {}", crate::role_name_from_arn(&args.role_arn).unwrap_or("role"));
    let (findings, sources, unit) = trustlint::lint_text(&name, policy_json, &s);
    let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
    let detail = format!(
        "{} finding{} in the live trust policy ({} error, {} warning, {} info)",
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
    let req = Request::new(me.arn.clone(), "sts:AssumeRole")
        .with("sts:ExternalId", plan.external_id.clone())
        .with("sts:RoleSessionName", plan.session_name.clone())
        .with("aws:PrincipalArn", principal_arn)
        .with("aws:PrincipalAccount", me.account.clone());
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
    let (step, stop) = if ev.decision == Decision::Unknown {
        (Step::skipped("evaluate", "the outcome cannot be predicted locally"), false)
    } else if denied && !other_keys.is_empty() {
        let detail = format!(
            "predicts {what}, but the policy has conditions on keys trustlint does not know the \
             value of ({}); asking STS",
            other_keys.join(", ")
        );
        (Step::skipped("evaluate", detail), false)
    } else if denied && !args.expect_deny {
        let detail = format!("predicts {what} for {} with external id `{}`", me.arn, plan.external_id);
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
    let assumed = aws.assume_role(&args.role_arn, Some(&plan.external_id), &plan.session_name, plan.duration);
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
