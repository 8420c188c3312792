//! The negative probes `verify` makes live, answered offline: the same request without an
//! external id, for the other phase, for another stack, for another Spacelift account, and
//! (for service principals) without the source keys. Each must be denied.

use crate::analysis::external_id::{self, ExternalId};
use crate::aws::spacelift::{self, Phase};

use super::request::{Caller, Options, RUN_ID, SpaceliftRun};
use super::{Check, Expected};

/// Spacelift account names are at most 38 characters.
const ACCOUNT_MAX: usize = 38;

/// The probes for these runs (Spacelift mode) or this plain request.
pub fn probes(opts: &Options, caller: &Caller, runs: &[SpaceliftRun], positives: &[Check]) -> Vec<Check> {
    let Some(first) = positives.first() else { return Vec::new() };
    let mut out = Vec::new();
    let sends_id = first.request.get("sts:ExternalId").is_some();
    if sends_id {
        out.push(probe(
            first,
            "probe-no-external-id",
            "without an external id".into(),
            None,
            "anyone the trusted principal acts for can assume this role (for Spacelift: every \
             customer's runs); require sts:ExternalId (TL101)",
        ));
    }
    let parts = spacelift_parts(opts, runs, first);
    for (account, integration, stack, phases, base) in &parts {
        let base = &positives[*base];
        let stacks: Vec<&str> = parts.iter().map(|p| p.2.as_str()).collect();
        let phase = phases[0];
        for other in Phase::ALL.into_iter().filter(|p| !phases.contains(p)) {
            let id = spacelift::external_id(account, integration, stack, other);
            out.push(probe(
                base,
                "probe-other-phase",
                format!("the {other}-phase external id `{id}`"),
                Some((id, session(stack, account))),
                &format!(
                    "a {other}-phase run of `{stack}` gets this role; end the sts:ExternalId pattern \
                     with `@{phase}` (TL111)"
                ),
            ));
        }
        let other_stack = fresh(stack, &stacks);
        let id = spacelift::external_id(account, integration, &other_stack, phase);
        out.push(probe(
            base,
            "probe-other-stack",
            format!("another stack's external id `{id}`"),
            Some((id, session(&other_stack, account))),
            &format!("runs of other stacks get this role; name the stack in the pattern (`{account}@*@{stack}@*`, TL204)"),
        ));
        let other_account = other_account(account);
        let id = spacelift::external_id(&other_account, integration, stack, phase);
        out.push(probe(
            base,
            "probe-other-account",
            format!("another Spacelift account's external id `{id}`"),
            Some((id, session(stack, &other_account))),
            &format!(
                "runs of another Spacelift customer get this role; start the pattern with `{account}@` (TL203)"
            ),
        ));
    }
    if caller.service && (opts.source_account.is_some() || opts.source_arn.is_some()) {
        let mut c = probe(
            first,
            "probe-no-source",
            "without aws:SourceAccount and aws:SourceArn".into(),
            None,
            "any account's resources of this service can use the role (cross-service confused \
             deputy); require aws:SourceAccount or aws:SourceArn",
        );
        c.request = first.request.clone().without("aws:SourceAccount").without("aws:SourceArn");
        out.push(c);
    }
    dedup(out)
}

/// (account, integration id, stack, phases of the stack, index of its first positive check).
type Parts = (String, String, String, Vec<Phase>, usize);

/// The Spacelift runs grouped by stack; in plain mode the parts of a current-format external id.
fn spacelift_parts(opts: &Options, runs: &[SpaceliftRun], first: &Check) -> Vec<Parts> {
    let integration =
        opts.integration_id.clone().unwrap_or_else(|| super::request::DEFAULT_INTEGRATION_ID.into());
    if let Some(account) = opts.spacelift_account.as_deref().filter(|_| !runs.is_empty()) {
        let mut out: Vec<Parts> = Vec::new();
        // A custom external id is the same for every stack and phase: only "no external id"
        // varies it.
        for (i, run) in runs.iter().enumerate().filter(|(_, r)| r.custom_external_id.is_none()) {
            match out.iter_mut().find(|p| p.2 == run.stack) {
                Some(p) => p.3.push(run.phase),
                None => {
                    out.push((account.to_owned(), integration.clone(), run.stack.clone(), vec![run.phase], i))
                }
            }
        }
        return out;
    }
    let Some(id) = first.request.get("sts:ExternalId").and_then(|v| v.first()) else { return Vec::new() };
    let Some(grammar) = crate::analysis::trust::grammar() else { return Vec::new() };
    match external_id::parse(id, grammar) {
        Ok(ExternalId::Current { account, integration_id, stack, phase }) => {
            vec![(account, integration_id, stack, vec![phase], 0)]
        }
        _ => Vec::new(),
    }
}

fn probe(base: &Check, name: &str, description: String, id: Option<(String, String)>, risk: &str) -> Check {
    let mut request = base.request.clone().without("sts:ExternalId");
    if let Some((id, session)) = id {
        request = request.with("sts:ExternalId", id);
        if request.get("sts:RoleSessionName").is_some_and(|s| s.iter().any(|s| s.starts_with(RUN_ID))) {
            request = request.without("sts:RoleSessionName").with("sts:RoleSessionName", session);
        }
    }
    Check {
        name: name.into(),
        probe: true,
        description,
        request,
        actions: base.actions.clone(),
        expected: Expected::Deny,
        risk: Some(risk.into()),
        evaluations: Vec::new(),
    }
}

fn session(stack: &str, account: &str) -> String {
    format!("{RUN_ID}@{stack}@{account}").chars().take(crate::aws::sts::SESSION_NAME_MAX_LEN).collect()
}

/// `<stack>-other` (a prefix pattern such as `app*` lets it in), not one of `taken`.
fn fresh(stack: &str, taken: &[&str]) -> String {
    let mut candidate = format!("{stack}-other");
    let mut n = 2;
    while taken.contains(&candidate.as_str()) {
        candidate = format!("{stack}-other{n}");
        n += 1;
    }
    candidate
}

/// `<account>-other` when it fits the 38-character limit, else a fixed other name.
fn other_account(account: &str) -> String {
    let candidate = format!("{account}-other");
    if candidate.len() <= ACCOUNT_MAX {
        candidate
    } else if account != "trustlint-probe" {
        "trustlint-probe".into()
    } else {
        "trustlint-probe-2".into()
    }
}

/// The same probe request twice (several runs of one stack) is asked once.
fn dedup(checks: Vec<Check>) -> Vec<Check> {
    let mut out: Vec<Check> = Vec::new();
    for c in checks {
        let same = out.iter().any(|o| {
            o.name == c.name
                && o.request.get("sts:ExternalId") == c.request.get("sts:ExternalId")
                && o.actions == c.actions
        });
        if !same {
            out.push(c);
        }
    }
    out
}
