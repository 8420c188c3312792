use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a `spacelift_aws_integration_attachment` used for the write phase (`write`,
    /// true by default) whose integration's role can only read: every permission it has,
    /// inline and attached, is a read or list action (from the embedded action catalog).
    ///
    /// ## Why is this bad?
    /// Applies, tasks and destroys run with the write integration's credentials. With a
    /// read-only role they fail on the first change, after the plan was approved.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_integration_attachment" "app" {
    ///   integration_id = spacelift_aws_integration.readonly.id # role has ReadOnlyAccess
    ///   stack_id       = "app"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "spacelift_aws_integration_attachment" "app" {
    ///   integration_id = spacelift_aws_integration.readonly.id
    ///   stack_id       = "app"
    ///   write          = false # a separate write integration for applies
    /// }
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_integration_attachment
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    pub struct WriteAttachmentReadOnlyRole {
        code: "TL509",
        name: "write-attachment-read-only-role",
        severity: Warning,
        family: Spacelift,
        summary: "an attachment for the write phase whose integration's role can only read",
    }
}

impl Rule for WriteAttachmentReadOnlyRole {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for att in unit.spacelift.attachments.iter().filter(|a| !a.is_external_id_source) {
            if att.write != Some(true) {
                continue;
            }
            let Some(integration) = att.integration.and_then(|i| unit.spacelift.integrations.get(i)) else {
                continue;
            };
            let Some(role) = integration.role.and_then(|i| unit.roles.get(i)) else { continue };
            // A role with no permissions here may get them from another configuration.
            if role.permissions.is_empty() && role.managed_policies.is_empty() {
                continue;
            }
            let Some(access) = role.access.as_ref().filter(|a| !a.can_write) else { continue };
            let how = if att.write_span.is_some() {
                "sets write = true"
            } else {
                "is used for the write phase (write defaults to true)"
            };
            let f = out
                .emit(
                    att.write_span.unwrap_or(att.span),
                    format!(
                        "{} {how}, but {} can only read ({}): applies will fail on their first change",
                        att.address, role.subject, access.evidence
                    ),
                )
                .help("set `write = false` and attach a write-capable integration for applies, or give the role the permissions applies need")
                .subject(att.address.clone());
            f.secondary(role.span, "read-only role");
        }
    }
}
