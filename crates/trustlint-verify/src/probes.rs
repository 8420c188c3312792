//! The negative probes: the same `sts:AssumeRole` without an external id, and with the other
//! phase's id. Both must be denied; credentials minted by an accepted probe are dropped unused.

use crate::aws::{Aws, AwsErrorKind};
use crate::cli::VerifyArgs;
use crate::describe;
use crate::plan::Plan;
use crate::report::{Report, Step};
use trustlint::analysis::external_id::{ExternalId, Phase};
use trustlint::rules::trust::missing_external_id::MissingExternalId;

/// Every probe into `rep` (one skipped step with `--no-probes`).
pub fn run(args: &VerifyArgs, plan: &Plan, aws: &Aws, rep: &mut Report) {
    if args.no_probes {
        rep.push(Step::skipped(
            "probes",
            "--no-probes: not checked that the role refuses a missing or other-phase external id",
        ));
        return;
    }
    rep.push(match plan.external_id {
        // Without an external id the positive call already was this probe.
        None => Step::skipped("probe-no-external-id", "the positive sts:AssumeRole sent no external id"),
        Some(_) => probe(
            args,
            plan,
            aws,
            Probe {
                name: "probe-no-external-id",
                id: None,
                what: "sts:AssumeRole without an external id".into(),
                risk: format!(
                    "anyone the trusted principal acts for can assume this role (require \
                     sts:ExternalId, {})",
                    MissingExternalId::META.code
                ),
            },
        ),
    });
    rep.push(match other_phase(plan) {
        Some(p) => probe(args, plan, aws, p),
        None => Step::skipped("probe-other-phase", "the external id is not a current-format Spacelift id"),
    });
}

/// One request that must be denied, and what it means when it is not.
struct Probe {
    name: &'static str,
    id: Option<String>,
    what: String,
    risk: String,
}

fn other_phase(plan: &Plan) -> Option<Probe> {
    let Some(ExternalId::Current { account, integration_id, stack, phase }) = &plan.parsed else {
        return None;
    };
    let other = match phase {
        Phase::Read => Phase::Write,
        Phase::Write => Phase::Read,
    };
    let id = format!("{account}@{integration_id}@{stack}@{other}");
    Some(Probe {
        name: "probe-other-phase",
        what: format!("the {other}-phase external id `{id}`"),
        risk: format!("a {other}-phase run gets this {phase} role (pin the last part of sts:ExternalId)"),
        id: Some(id),
    })
}

fn probe(args: &VerifyArgs, plan: &Plan, aws: &Aws, p: Probe) -> Step {
    match aws.assume_role(&args.role_arn, p.id.as_deref(), &plan.session_name, plan.duration) {
        Ok(_) => Step::failed(p.name, format!("confused deputy: {} was ACCEPTED; {}", p.what, p.risk)),
        Err(e) if e.kind() == AwsErrorKind::AccessDenied => {
            Step::passed(p.name, format!("{} was denied", p.what))
        }
        Err(e) => Step::failed(p.name, format!("could not probe {}: {}", p.what, describe(&e))),
    }
}
