use crate::declare_rule;
use crate::rules::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a `# trustlint:ignore` comment that suppresses nothing: no finding of the named
    /// rules lies in the block or attribute below it. The engine emits these after the other
    /// rules ran, so this rule has no check of its own.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real problem at that place, and its reason text no
    /// longer describes the code.
    ///
    /// ## Example
    /// ```hcl
    /// # trustlint:ignore TL101 vendor has no external id
    /// resource "aws_s3_bucket" "logs" {}
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_s3_bucket" "logs" {}
    /// ```
    ///
    /// ## References
    /// - https://docs.astral.sh/ruff/rules/unused-noqa/
    pub struct UnusedSuppression {
        code: "TL000",
        name: "unused-suppression",
        severity: Info,
        family: Grammar,
        summary: "a `trustlint:ignore` comment suppresses nothing",
    }
}

impl Rule for UnusedSuppression {}
