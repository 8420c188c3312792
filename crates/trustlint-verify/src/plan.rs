//! The static checks of `verify`, before any call to AWS: role ARN, external id (built as
//! Spacelift builds it in Spacelift mode), session name and duration. Each check is one step; a
//! failed step stops the run with exit status 2.

use crate::cli::{PhaseArg, VerifyArgs};
use crate::report::{Report, Step};
use crate::ulid;
use trustlint::analysis::external_id::{self, ExternalId, Phase};
use trustlint::aws::arn::{self, ArnUse};
use trustlint::aws::sts::external_id_problem as sts_rejects;
use trustlint::aws::sts::session_name_problem;
use trustlint::config::Settings;
use trustlint::rules::RuleMeta;
use trustlint::rules::external_id::external_id_charset::ExternalIdCharset;
use trustlint::rules::external_id::external_id_grammar::ExternalIdGrammar;
use trustlint::rules::grammar::invalid_arn::InvalidArn;
use trustlint::rules::terraform::invalid_session_name::InvalidSessionName;

/// STS limits on `DurationSeconds` and `RoleSessionName`.
pub const MIN_DURATION: u32 = 900;
pub const MAX_DURATION: u32 = 43200;
pub const CHAINED_MAX_DURATION: u32 = 3600;
pub const DEFAULT_DURATION: u32 = 3600;
const SESSION_NAME_MAX: usize = 64;

/// What the static checks settled.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `None`: the calls send no external id (`--external-id` and Spacelift mode both absent).
    pub external_id: Option<String>,
    pub parsed: Option<ExternalId>,
    pub session_name: String,
    pub duration: Option<u32>,
}

/// The external id to send, and the Spacelift stack and account it was built for.
struct IdChoice {
    id: Option<String>,
    spacelift: Option<(String, String)>,
}

/// `CODE: text`, the code taken from the rule that reports the same problem in `check`.
fn coded(rule: &RuleMeta, text: impl std::fmt::Display) -> String {
    format!("{}: {text}", rule.code)
}

/// Runs every static check into `rep`; `None` when any failed.
pub fn static_checks(args: &VerifyArgs, settings: &Settings, rep: &mut Report) -> Option<Plan> {
    let arn_ok = rep.push(role_arn_step(&args.role_arn)).status == super::Status::Passed;
    let choice = match choose_external_id(args, settings, rep) {
        Ok(c) => c,
        Err(step) => {
            rep.push(step);
            return None;
        }
    };
    rep.external_id = choice.id.clone();
    let (id_step, parsed) = external_id_step(&choice);
    let id_ok = rep.push(id_step).status == super::Status::Passed;
    let session = session_name(args, &choice);
    rep.session_name = Some(session.clone());
    let session_ok = rep.push(session_name_step(&session)).status == super::Status::Passed;
    let duration_ok = rep.push(duration_step(args.duration)).status == super::Status::Passed;
    (arn_ok && id_ok && session_ok && duration_ok).then_some(Plan {
        external_id: choice.id,
        parsed,
        session_name: session,
        duration: args.duration,
    })
}

fn role_arn_step(role_arn: &str) -> Step {
    match arn::validate(role_arn, ArnUse::Role) {
        Ok(()) if role_arn.contains(['*', '?']) => {
            Step::failed("role-arn", coded(&InvalidArn::META, format!("`{role_arn}` contains a wildcard")))
        }
        Ok(()) => Step::passed("role-arn", "an IAM role ARN"),
        Err(e) => Step::failed("role-arn", coded(&InvalidArn::META, e)),
    }
}

/// `--external-id`, or in Spacelift mode `<account>@<integration>@<stack>@<phase>`. An `Err` is
/// the failed `external-id` step.
fn choose_external_id(args: &VerifyArgs, settings: &Settings, rep: &mut Report) -> Result<IdChoice, Step> {
    let Some(stack) = &args.spacelift_stack else {
        return Ok(IdChoice { id: args.external_id.clone(), spacelift: None });
    };
    let phase = match args.phase {
        Some(PhaseArg::Write) => Phase::Write,
        _ => Phase::Read,
    };
    let Some(account) = settings.spacelift_account.clone() else {
        return Err(Step::failed(
            "external-id",
            "Spacelift mode needs the account name: pass --spacelift-account NAME or set \
             `spacelift.account` in trustlint.toml",
        ));
    };
    let integration = match &args.integration_id {
        Some(i) => match ulid::problem(i) {
            Some(why) => {
                return Err(Step::failed(
                    "external-id",
                    coded(&ExternalIdGrammar::META, format!("--integration-id `{i}` {why}")),
                ));
            }
            None => i.clone(),
        },
        None => {
            let i = ulid::generate();
            rep.notes.push(format!(
                "no --integration-id: using the random ULID {i}; it only matches trust policies \
                 whose sts:ExternalId pattern has `*` in the integration-id part (StringLike)"
            ));
            i
        }
    };
    Ok(IdChoice {
        id: Some(format!("{account}@{integration}@{stack}@{phase}")),
        spacelift: Some((stack.clone(), account)),
    })
}

/// STS's charset and length, then (for Spacelift ids) the Spacelift grammar.
fn external_id_step(choice: &IdChoice) -> (Step, Option<ExternalId>) {
    let Some(id) = &choice.id else {
        let what = "none: sts:AssumeRole is called without an external id (pass --external-id or \
                    --spacelift-stack to send one)";
        return (Step::passed("external-id", what), None);
    };
    if let Some(why) = sts_rejects(id) {
        let text = coded(&ExternalIdCharset::META, format!("external id `{id}` is rejected by STS: {why}"));
        return (Step::failed("external-id", text), None);
    }
    if choice.spacelift.is_none() && !id.contains('@') {
        return (
            Step::passed("external-id", "accepted by STS (2 to 1224 characters of [\\w+=,.@:/-])"),
            None,
        );
    }
    let Some(grammar) = trustlint::analysis::trust::grammar() else {
        return (Step::failed("external-id", "internal error: the Spacelift grammar did not build"), None);
    };
    match external_id::parse(id, grammar) {
        Ok(p) => {
            let what = match &p {
                ExternalId::Current { phase, .. } => format!("a Spacelift external id ({phase} phase)"),
                ExternalId::Legacy { .. } => "a legacy Spacelift external id (`<account>@<stack>`)".into(),
            };
            (Step::passed("external-id", what), Some(p))
        }
        Err(e) => {
            let text = coded(
                &ExternalIdGrammar::META,
                format!("external id `{id}` is not one Spacelift produces: {e}"),
            );
            (Step::failed("external-id", text), None)
        }
    }
}

/// `--session-name`, else Spacelift's `<run-id>@<stack-id>@<account-name>` (cut to 64
/// characters), else `trustlint-verify-<ulid>`.
fn session_name(args: &VerifyArgs, choice: &IdChoice) -> String {
    match (&args.session_name, &choice.spacelift) {
        (Some(s), _) => s.clone(),
        (None, Some((stack, account))) => {
            format!("{}@{stack}@{account}", ulid::generate()).chars().take(SESSION_NAME_MAX).collect()
        }
        (None, None) => format!("trustlint-verify-{}", ulid::generate()),
    }
}

fn session_name_step(session: &str) -> Step {
    match session_name_problem(session) {
        Some(why) => Step::failed(
            "session-name",
            coded(&InvalidSessionName::META, format!("session name `{session}` {why}")),
        ),
        None => Step::passed("session-name", "accepted by STS (2 to 64 characters of [\\w+=,.@-])"),
    }
}

fn duration_step(duration: Option<u32>) -> Step {
    match duration {
        Some(d) if !(MIN_DURATION..=MAX_DURATION).contains(&d) => Step::failed(
            "duration",
            format!("--duration {d} is outside what STS accepts ({MIN_DURATION} to {MAX_DURATION} seconds)"),
        ),
        Some(d) => Step::passed("duration", format!("{d} seconds")),
        None => Step::passed("duration", format!("STS default ({DEFAULT_DURATION} seconds)")),
    }
}
