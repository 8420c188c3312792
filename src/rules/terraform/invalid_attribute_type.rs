use crate::declare_rule;
use crate::model::Unit;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a Terraform value that does not have the type its attribute takes: a list inside
    /// `identifiers`, `actions` or a condition's `values` (a set or list of strings); a list for
    /// `effect`, `type`, `test` or `variable` (strings); an object or a list for
    /// `assume_role_policy` or `policy` (a JSON string: `jsonencode()` was forgotten). Numbers
    /// and bools are not reported: Terraform converts them to strings.
    ///
    /// ## Why is this bad?
    /// `terraform plan` fails with "Inappropriate value for attribute", so nothing is deployed
    /// until it is fixed. The rest of the policy is still linted, with this value unknown; it is
    /// not a malformed policy (TL001), since the document is never produced.
    ///
    /// ## Example
    /// ```hcl
    /// data "aws_iam_policy_document" "trust" {
    ///   statement {
    ///     actions = ["sts:AssumeRole"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = [var.ci_role_arns]
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// data "aws_iam_policy_document" "trust" {
    ///   statement {
    ///     actions = ["sts:AssumeRole"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = var.ci_role_arns
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
    /// - https://developer.hashicorp.com/terraform/language/expressions/type-constraints#conversion-of-primitive-types
    pub struct InvalidAttributeType {
        code: "TL406",
        name: "invalid-attribute-type",
        severity: Error,
        family: Terraform,
        summary: "a Terraform value of the wrong type for its attribute (`terraform plan` fails)",
    }
}

impl Rule for InvalidAttributeType {
    fn check_unit(&self, _cx: &Context, unit: &Unit, out: &mut Sink) {
        for e in &unit.type_errors {
            out.emit(e.span, format!("`{}` must be {}, found {}", e.attribute, e.expected, e.found))
                .label(format!("Terraform rejects {}", e.found))
                .help(e.help);
        }
    }
}
