use crate::analysis::integration_caller::{
    Mode, WorkerId, admits_worker, admitting, mode, worker_external_id,
};
use crate::analysis::trust::{
    Acceptance, accepts_external_id_template, configured_account, spacelift_assume_statements,
};
use crate::declare_rule;
use crate::model::terraform::{ExternalIdTemplate, Phase, SpaceliftAttachment};
use crate::model::{Policy, Role, Statement, Unit};
use crate::rules::{Context, Rule, Sink};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// For each `spacelift_aws_integration_attachment` of stack or module S with `read` (or
    /// `write`) enabled, follows the integration's `role_arn` to the role's trust policy and
    /// decides, over the patterns, whether it accepts any external id
    /// `<account>@<integration-id>@S@read` (or `@write`), with the integration id unknown
    /// (any valid ULID) and the account from `spacelift.account` (any valid name otherwise).
    ///
    /// ## Why is this bad?
    /// Runs of S fail in that phase with AccessDenied: a plan that cannot start, or an apply
    /// that breaks after the plan was approved.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_integration_attachment" "app" { stack_id = "app", read = true, write = true, ... }
    /// # the role trusts only "acme@*@app@write"
    /// ```
    ///
    /// ## Use instead
    /// Accept both phases (`acme@*@app@*`) for a role used in both, or set `read = false` and
    /// attach a separate read-only integration for plans.
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_integration_attachment
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    pub struct TrustRejectsAttachment {
        code: "TL503",
        name: "trust-rejects-attachment",
        severity: Error,
        family: Spacelift,
        summary: "the integration's role does not accept the external id of an attached stack's phase",
    }
}

impl Rule for TrustRejectsAttachment {
    fn check_unit(&self, cx: &Context, unit: &Unit, out: &mut Sink) {
        for att in unit.spacelift.attachments.iter().filter(|a| !a.is_external_id_source) {
            let Some(integration) = att.integration.and_then(|i| unit.spacelift.integrations.get(i)) else {
                continue;
            };
            let Some(role) = integration.role.and_then(|i| unit.roles.get(i)) else { continue };
            let Some(trust) = role.trust.and_then(|i| unit.policies.get(i)) else { continue };
            let Some(stack) = att.target().and_then(|v| v.as_str()) else { continue };
            if trust.partial || trust.statements.iter().any(|s| s.partial) {
                continue;
            }
            // The caller decides which statements are asked; a trust that admits no such
            // caller at all is TL506's single finding, not one per attachment and phase.
            let (statements, from) = match mode(integration) {
                Mode::Spacelift => (spacelift_assume_statements(trust).collect::<Vec<_>>(), ""),
                Mode::Worker if worker_external_id(integration) == WorkerId::Generated => {
                    let workers = &cx.settings.worker_role_arns;
                    (admitting(trust, |st| admits_worker(st, workers)), " from the private worker")
                }
                Mode::Worker | Mode::Unknown => continue,
            };
            if statements.is_empty() {
                continue;
            }
            let ask = Ask { unit, trust, role, att, stack, from };
            for (phase, enabled, span) in
                [(Phase::Read, att.read, att.read_span), (Phase::Write, att.write, att.write_span)]
            {
                if enabled == Some(true) {
                    check_phase(cx, &ask, &statements, phase, span, out);
                }
            }
        }
    }
}

/// One attachment's question: which trust, for which stack, from which caller.
struct Ask<'a> {
    unit: &'a Unit,
    trust: &'a Policy,
    role: &'a Role,
    att: &'a SpaceliftAttachment,
    stack: &'a str,
    /// Names the caller in messages when it is not Spacelift.
    from: &'static str,
}

fn check_phase(
    cx: &Context,
    ask: &Ask,
    statements: &[&Statement],
    phase: Phase,
    span: Option<Span>,
    out: &mut Sink,
) {
    let (att, stack) = (ask.att, ask.stack);
    let template = ExternalIdTemplate {
        span: att.span,
        account: configured_account(cx.settings).map(String::from),
        integration_id: None,
        stack: Some(stack.to_string()),
        phase: Some(phase),
        source: att.address.clone(),
    };
    let Some(acceptance) =
        accepts_external_id_template(ask.unit, ask.trust, statements.iter().copied(), &template)
    else {
        return;
    };
    let why = match acceptance {
        Acceptance::Rejected(_) => "accepts no".to_string(),
        Acceptance::Denied(by) => {
            let labels: Vec<String> = by.iter().map(|d| d.label()).collect();
            format!("denies (in {}) every", labels.join(", "))
        }
        _ => return,
    };
    let phase_name = phase.as_str();
    let account = template.account.as_deref().unwrap_or("<account>");
    out.emit(
        span.unwrap_or(att.span),
        format!(
            "runs of `{stack}` will fail in the {phase_name} phase: the trust policy of {} {why} external id `{account}@<integration id>@{stack}@{phase_name}`{}",
            ask.role.subject, ask.from
        ),
    )
    .secondary(ask.trust.span, "trust policy")
    .subject(att.address.clone())
    .help(format!("accept `{account}@*@{stack}@{phase_name}` in the trust policy, or set `{phase_name} = false`"));
}
