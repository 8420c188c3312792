use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports the deprecated `spacelift_aws_role` and `spacelift_stack_aws_role` resources.
    ///
    /// ## Why is this bad?
    /// They use the legacy external id `<account>@<stack>`, which stops matching once the stack
    /// moves to a cloud integration, and they are being removed from the provider. Cloud
    /// integrations give read/write-scoped external ids.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_role" "this" {
    ///   stack_id = "infra"
    ///   role_arn = aws_iam_role.spacelift.arn
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "spacelift_aws_integration" "this" {
    ///   name     = "infra"
    ///   role_arn = aws_iam_role.spacelift.arn
    /// }
    ///
    /// resource "spacelift_aws_integration_attachment" "this" {
    ///   integration_id = spacelift_aws_integration.this.id
    ///   stack_id       = "infra"
    /// }
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_role
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    pub struct LegacyAwsRole {
        code: "TL504",
        name: "legacy-aws-role",
        severity: Warning,
        family: Spacelift,
        summary: "deprecated `spacelift_aws_role` / `spacelift_stack_aws_role`",
    }
}

impl Rule for LegacyAwsRole {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for r in &unit.spacelift.legacy_roles {
            let head = crate::source::Span::new(r.span.src, r.span.start, r.span.start + "resource".len());
            out.emit(head, format!("{} uses the deprecated `{}` resource", r.address, r.resource_type))
                .help("migrate to `spacelift_aws_integration` with a `spacelift_aws_integration_attachment` per stack")
                .subject(r.address.clone());
        }
    }
}
