use crate::analysis::reason::{Lang, PatternKind, VarMode};
use crate::analysis::trust::{Acceptance, accepts_external_id, allows_assume_role};
use crate::aws::arn;
use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// For a provider or backend `assume_role` with a literal `role_arn` and `external_id`
    /// whose target role is defined in the same configuration, decides whether that role's
    /// trust policy accepts the external id (every `sts:ExternalId` condition of some `Allow`
    /// statement for `sts:AssumeRole` must hold for it), and reports it when none does.
    ///
    /// ## Why is this bad?
    /// `terraform plan` fails with AccessDenied when the provider assumes the role, typically
    /// after a rename of the id on one side only. Caught here, it never reaches a pipeline.
    ///
    /// ## Example
    /// ```hcl
    /// provider "aws" { assume_role { role_arn = "arn:aws:iam::111122223333:role/deploy", external_id = "acme-staging" } }
    /// # aws_iam_role.deploy trusts only sts:ExternalId = "acme-production"
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// provider "aws" { assume_role { role_arn = "arn:aws:iam::111122223333:role/deploy", external_id = "acme-production" } }
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/hashicorp/aws/latest/docs#assume_role
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
    pub struct ExternalIdRejectedByTrust {
        code: "TL405",
        name: "external-id-rejected-by-trust",
        severity: Error,
        family: Terraform,
        summary: "`assume_role.external_id` is not accepted by the target role's trust policy",
    }
}

impl Rule for ExternalIdRejectedByTrust {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for cfg in &unit.assume_roles {
            let (Some(role_arn), Some(ext)) = (cfg.role_arn.as_ref(), cfg.external_id.as_ref()) else {
                continue;
            };
            let (Some(role_arn), Some(id)) = (role_arn.as_str(), ext.as_str()) else { continue };
            let Some(name) = arn::role_name(role_arn) else { continue };
            let Some(role) = unit.roles.iter().find(|r| r.name == name) else { continue };
            let Some(trust) = role.trust.and_then(|i| unit.policies.get(i)) else { continue };
            if trust.partial {
                continue;
            }
            let Ok(ids) = Lang::pattern(PatternKind::Equals, id, VarMode::Literal) else { continue };
            let rejected_by: Vec<String> = match accepts_external_id(
                unit,
                trust,
                trust.statements.iter().filter(|st| allows_assume_role(st)),
                &ids,
            ) {
                Acceptance::Rejected(conditions) if !conditions.is_empty() => conditions
                    .iter()
                    .map(|c| {
                        let values: Vec<&str> = c.values.known().map(|(v, _)| v).collect();
                        format!("{} {}", c.operator.raw, values.join("|"))
                    })
                    .collect(),
                Acceptance::Denied(by) => by
                    .iter()
                    .map(|d| {
                        let conds: Vec<String> = d
                            .conditions
                            .iter()
                            .map(|c| {
                                let values: Vec<&str> = c.values.known().map(|(v, _)| v).collect();
                                format!("{} {}", c.operator.raw, values.join("|"))
                            })
                            .collect();
                        if conds.is_empty() {
                            format!("the Deny in {}", d.label())
                        } else {
                            format!("the Deny in {}: {}", d.label(), conds.join(", "))
                        }
                    })
                    .collect(),
                _ => continue,
            };
            out.emit(
                ext.span,
                format!(
                    "external id `{id}` is rejected by the trust policy of {} ({})",
                    role.subject,
                    rejected_by.join("; ")
                ),
            )
            .label("not accepted by the target role")
            .secondary(trust.span, "trust policy")
            .help("use an external id the trust policy accepts, or change the condition");
        }
    }
}
