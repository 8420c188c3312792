use crate::declare_rule;
use crate::model::{Unit, arn};
use crate::rules::{Context, Rule, RuleMeta, Sink};
use crate::trust::{EXTERNAL_ID, allows_assume_role, key_constraint};

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
    fn meta(&self) -> &RuleMeta {
        &Self::META
    }

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
            let mut accepted = false;
            let mut undecided = false;
            let mut rejected_by = Vec::new();
            for st in trust.statements.iter().filter(|st| allows_assume_role(st)) {
                if st.partial {
                    undecided = true;
                    continue;
                }
                match key_constraint(unit, trust, st, EXTERNAL_ID) {
                    None => undecided = true,
                    Some(kc) if kc.lang.contains(id) => accepted = true,
                    Some(kc) => rejected_by.extend(kc.conditions.iter().map(|c| {
                        let values: Vec<&str> = c.values.known().map(|(v, _)| v).collect();
                        format!("{} {}", c.operator.raw, values.join("|"))
                    })),
                }
            }
            if accepted || undecided || rejected_by.is_empty() {
                continue;
            }
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
