use crate::analysis::integration_caller::{
    Mode, WorkerId, admits_spacelift, admits_worker, admitting, literal_id, mode, worker_external_id,
};
use crate::analysis::trust::{Acceptance, accepts_external_id};
use crate::declare_rule;
use crate::model::terraform::SpaceliftIntegration;
use crate::model::{Policy, Role, Unit};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Follows each `spacelift_aws_integration`'s `role_arn` to the role's trust policy and
    /// checks that the trust lets in the principal that really calls `sts:AssumeRole`:
    /// Spacelift's AWS account when Spacelift generates the credentials (the default), or the
    /// private worker's own role with `generate_credentials_in_worker = true`. In worker mode
    /// with a custom `external_id`, it also checks that the statements admitting the worker
    /// accept that id, `Deny` statements included. The worker's role is read from
    /// `spacelift.worker-role-arns` in `trustlint.toml`; without it, the worker is any principal
    /// that is not one of Spacelift's accounts.
    ///
    /// ## Why is this bad?
    /// Every run of every stack the integration is attached to fails to get credentials. A
    /// trust written for Spacelift's account does not admit a worker (its credentials are the
    /// worker's, not Spacelift's), and a trust written for the worker does not admit Spacelift.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_integration" "app" {
    ///   role_arn                       = aws_iam_role.app.arn # trusts only 324880187172
    ///   generate_credentials_in_worker = true
    ///   external_id                    = "acme-workers"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "sts:AssumeRole",
    ///  "Principal": {"AWS": "arn:aws:iam::111122223333:role/spacelift-worker"},
    ///  "Condition": {"StringEquals": {"sts:ExternalId": "acme-workers"}}}
    /// ```
    /// and `spacelift.worker-role-arns = ["arn:aws:iam::111122223333:role/spacelift-worker"]`.
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_integration
    pub struct IntegrationCallerNotTrusted {
        code: "TL506",
        name: "integration-caller-not-trusted",
        severity: Error,
        family: Spacelift,
        summary: "the integration's role does not trust the principal that assumes it (Spacelift, or the private worker)",
    }
}

impl Rule for IntegrationCallerNotTrusted {
    fn check_unit(&self, cx: &Context, unit: &Unit, out: &mut Sink) {
        for integration in &unit.spacelift.integrations {
            let Some(role) = integration.role.and_then(|i| unit.roles.get(i)) else { continue };
            let Some(trust) = role.trust.and_then(|i| unit.policies.get(i)) else { continue };
            if trust.partial {
                continue;
            }
            match mode(integration) {
                Mode::Spacelift => check_spacelift(integration, role, trust, out),
                Mode::Worker => {
                    check_worker(unit, integration, role, trust, &cx.settings.worker_role_arns, out)
                }
                Mode::Unknown => {}
            }
        }
    }
}

fn check_spacelift(i: &SpaceliftIntegration, role: &Role, trust: &Policy, out: &mut Sink) {
    if !admitting(trust, admits_spacelift).is_empty() {
        return;
    }
    out.emit(
        i.role_arn.as_ref().map_or(i.span, |v| v.span),
        format!(
            "{} assumes {} from Spacelift's AWS account, but its trust policy admits no Spacelift account: every run will fail to get credentials",
            i.address, role.subject
        ),
    )
    .secondary(trust.span, "trust policy")
    .subject(i.address.clone())
    .help("trust Spacelift's account of your environment (324880187172 for spacelift.io, 577638371743 for us.spacelift.io) with an sts:ExternalId condition, or set `generate_credentials_in_worker = true` if a private worker assumes the role");
}

fn check_worker(
    unit: &Unit,
    i: &SpaceliftIntegration,
    role: &Role,
    trust: &Policy,
    workers: &[String],
    out: &mut Sink,
) {
    let span = i.generate_credentials_in_worker.as_ref().map_or(i.span, |v| v.span);
    let who = match workers {
        [] => "the private worker's principal".to_string(),
        [one] => format!("the worker role {one}"),
        many => format!("any of the worker roles {}", many.join(", ")),
    };
    let statements = admitting(trust, |st| admits_worker(st, workers));
    if statements.is_empty() {
        let admits = if !admitting(trust, admits_spacelift).is_empty() {
            " (it trusts Spacelift's account, but in worker mode the worker's own credentials call sts:AssumeRole)"
        } else if workers.is_empty() {
            " (it admits no AWS principal other than Spacelift's accounts)"
        } else {
            ""
        };
        out.emit(
            span,
            format!(
                "{} generates credentials on a private worker, but the trust policy of {} does not admit {who}{admits}: every run will fail to assume it",
                i.address, role.subject
            ),
        )
        .secondary(trust.span, "trust policy")
        .subject(i.address.clone())
        .help(worker_help(workers));
        return;
    }
    let WorkerId::Custom(id) = worker_external_id(i) else { return };
    let Some(ids) = literal_id(id) else { return };
    let why = match accepts_external_id(unit, trust, statements.into_iter(), &ids) {
        Acceptance::Rejected(_) => "accepts no".to_string(),
        Acceptance::Denied(by) => {
            let labels: Vec<String> = by.iter().map(|d| d.label()).collect();
            format!("denies (in {}) the", labels.join(", "))
        }
        _ => return,
    };
    let at = i.external_id.as_ref().map_or(span, |v| v.span);
    out.emit(
        at,
        format!(
            "every run will fail to assume {}: its trust policy {why} external id `{id}` (the custom id the worker sends) from {who}",
            role.subject
        ),
    )
    .secondary(trust.span, "trust policy")
    .subject(i.address.clone())
    .help(format!("accept `{id}` in the sts:ExternalId condition of the statement that trusts the worker"));
}

fn worker_help(workers: &[String]) -> String {
    if workers.is_empty() {
        "trust the worker's role (the worker pool's instance role) and list it in `spacelift.worker-role-arns` in trustlint.toml, or set `generate_credentials_in_worker = false` if Spacelift generates the credentials".into()
    } else {
        format!("add `{}` to the Principal of the statement that allows sts:AssumeRole", workers[0])
    }
}
