use crate::analysis::graph::{Edge, Verdict};
use crate::declare_rule;
use crate::model::terraform::{AssumeOrigin, AssumeRoleConfig};
use crate::rules::graph::elsewhere;
use crate::rules::{Context, Rule, Run, Sink};

declare_rule! {
    /// ## What it does
    /// Decides each hop of a Terraform provider or S3 backend `assume_role`, and of an AWS
    /// config profile with `role_arn`, against the target role wherever it is defined in the
    /// run (another Terraform module, an authorization-details dump of another account), from
    /// both sides:
    /// - **trust**: the target's trust policy must admit the caller with what the setting sends
    ///   (its `external_id`; MFA when a profile has `mfa_serial`). When the caller's ARN is not
    ///   known statically (a CI run's credentials), the hop is reported only if none of the
    ///   principals the trust policy names would get in;
    /// - **caller**: when the caller is known (a profile whose `source_profile` assumes a role
    ///   whose policies are in the run), its identity policies must allow `sts:AssumeRole` on
    ///   the target's ARN (`Deny` and `NotResource` honoured).
    ///
    /// The message says which side refuses and names the deciding statement. Anything that
    /// cannot be decided (a target outside the run, conditions on values not known statically,
    /// managed policies that are not in the run) keeps the hop possible, and nothing is
    /// reported. An external id that a role of the same configuration rejects is TL405.
    ///
    /// ## Why is this bad?
    /// The hop fails at run time: `terraform plan` stops with `AccessDenied ... is not
    /// authorized to perform: sts:AssumeRole`, usually in a pipeline, after the change was
    /// merged. Neither side alone shows the problem: the caller's permissions and the target's
    /// trust live in different files, often in different accounts.
    ///
    /// ## Example
    /// A provider for account 222222222222:
    /// ```hcl
    /// provider "aws" {
    ///   alias = "workload"
    ///   assume_role {
    ///     role_arn    = "arn:aws:iam::222222222222:role/deploy"
    ///     external_id = "deploy-from-ci"
    ///   }
    /// }
    /// ```
    /// and the role's trust policy (in the account's dump) requiring another external id:
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "deploy-from-hub"}}
    /// ```
    ///
    /// ## Use instead
    /// Send what the trust policy asks for (`external_id = "deploy-from-hub"`), or change the
    /// trust policy; for a caller-side refusal, allow `sts:AssumeRole` on the target's ARN in
    /// the caller's identity policy.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html
    /// - https://registry.terraform.io/providers/hashicorp/aws/latest/docs#assume-role
    /// - https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
    pub struct AssumeRoleHopFails {
        code: "TL701",
        name: "assume-role-hop-fails",
        severity: Error,
        family: Graph,
        summary: "a provider, backend or profile `assume_role` hop that the caller or the target's trust refuses",
    }
}

impl Rule for AssumeRoleHopFails {
    fn needs_run(&self) -> bool {
        true
    }

    fn check_run(&self, cx: &Context, run: &Run, out: &mut Sink) {
        let g = run.graph;
        for e in &g.edges {
            let Some((_, cfg)) = g.setting(run.units, e.from) else { continue };
            let target = &g.nodes[e.to];
            let (side, refusal, label) = match (e.caller.verdict, e.trust.verdict) {
                (Verdict::No, _) => {
                    (&e.caller, "the caller may not assume it", "refused by the caller's policy")
                }
                (_, Verdict::No) => (
                    &e.trust,
                    "the target's trust policy does not admit the caller",
                    "refused by the target's trust",
                ),
                _ => continue,
            };
            if e.caller.verdict != Verdict::No && left_to_tl405(run, e, cfg) {
                continue;
            }
            let span = cfg.role_arn.as_ref().map_or(cfg.span, |v| v.span);
            let at = elsewhere(side.span, span, cx.sources);
            let setting = cfg.origin.describe();
            let f = out
                .emit(span, format!("{setting} cannot assume {}: {refusal}: {}{at}", target.id, side.reason))
                .label(label)
                .help(help(e, cfg));
            if let Some(s) = side.span {
                f.secondary(s, "deciding statement");
            }
        }
    }
}

/// An external id rejected by a role of the same configuration is TL405's finding: the
/// deciding statement (an Allow whose condition fails, or a Deny) has a condition on it.
fn left_to_tl405(run: &Run, e: &Edge, cfg: &AssumeRoleConfig) -> bool {
    let g = run.graph;
    let same_unit = g.nodes[e.from].unit.is_some() && g.nodes[e.from].unit == g.nodes[e.to].unit;
    if !same_unit || cfg.external_id.as_ref().is_none_or(|v| v.as_str().is_none()) {
        return false;
    }
    let Some((unit, role)) = g.role(run.units, e.to) else { return false };
    let Some(trust) = role.trust.and_then(|t| unit.policies.get(t)) else { return false };
    trust
        .statements
        .iter()
        .any(|st| Some(st.span) == e.trust.span && st.conditions.iter().any(|c| c.key_is("sts:ExternalId")))
}

fn help(e: &Edge, cfg: &AssumeRoleConfig) -> String {
    if e.caller.verdict == Verdict::No {
        return "allow sts:AssumeRole on the target's ARN in the caller's identity policy, or assume another role"
            .into();
    }
    let r = &e.trust.reason;
    if r.contains("sts:ExternalId") {
        "send the external id the trust policy asks for, or change its condition".into()
    } else if r.contains("aws:MultiFactorAuthPresent") && matches!(cfg.origin, AssumeOrigin::Profile { .. }) {
        "add `mfa_serial` to the profile (the CLI then asks for a code), or drop the MFA condition".into()
    } else {
        "make the trust policy admit the caller (its principal and conditions), or assume a role that does"
            .into()
    }
}
