use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a `spacelift_aws_integration_attachment` with both `read = false` and
    /// `write = false`.
    ///
    /// ## Why is this bad?
    /// The attachment gives the stack credentials in no phase, which the Spacelift provider
    /// rejects: the apply that creates it fails. It is usually a read/write pair where the
    /// wrong flag was turned off.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_integration_attachment" "app" {
    ///   integration_id = spacelift_aws_integration.app.id
    ///   stack_id       = "app"
    ///   read           = false
    ///   write          = false
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep the phase the integration is for (`read = true` for a read-only role), or remove
    /// the attachment.
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_integration_attachment
    pub struct AttachmentWithoutPhase {
        code: "TL508",
        name: "attachment-without-phase",
        severity: Error,
        family: Spacelift,
        summary: "an integration attachment with both `read` and `write` false",
    }
}

impl Rule for AttachmentWithoutPhase {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for att in unit.spacelift.attachments.iter().filter(|a| !a.is_external_id_source) {
            if att.read != Some(false) || att.write != Some(false) {
                continue;
            }
            let f = out
                .emit(
                    att.read_span.unwrap_or(att.span),
                    format!(
                        "{} sets both read and write to false: it grants credentials in no phase",
                        att.address
                    ),
                )
                .help("set `read = true` (plans) or `write = true` (applies), or remove the attachment")
                .subject(att.address.clone());
            if let Some(w) = att.write_span {
                f.secondary(w, "write = false");
            }
        }
    }
}
