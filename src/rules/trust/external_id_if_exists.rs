use crate::analysis::trust::{EXTERNAL_ID, describe_principals, effective};
use crate::declare_rule;
use crate::model::{Condition, Policy, Statement, Unit};
use crate::rules::{Context, Fix, Rule, Sink, fix};

declare_rule! {
    /// ## What it does
    /// Reports an `...IfExists` operator (`StringLikeIfExists`, `StringEqualsIfExists`, ...) on
    /// `sts:ExternalId` in an `Allow` statement.
    ///
    /// ## Why is this bad?
    /// `sts:ExternalId` is only in the request when the caller sends one. `IfExists` makes the
    /// condition true when the key is absent, so a caller that simply sends no external id
    /// passes: the condition protects nothing against the confused deputy.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringLikeIfExists": {"sts:ExternalId": "acme@*"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*"}}
    /// ```
    ///
    /// ## Fix
    /// Safe: the `IfExists` suffix is dropped, so callers without an external id are refused.
    /// Offered when `sts:ExternalId` is the only key under the operator (the suffix applies to
    /// every key of the block) and the statement has no block of the plain operator yet.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
    pub struct ExternalIdIfExists {
        code: "TL103",
        name: "external-id-if-exists",
        severity: Error,
        family: Trust,
        summary: "`...IfExists` on sts:ExternalId lets callers without an external id pass",
        fix: Safe,
    }
}

impl Rule for ExternalIdIfExists {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in policy.statements.iter().filter(|st| st.is_allow()) {
            // The cheap test first: the Allow-minus-Deny reasoning scans the whole policy, and a
            // policy of 20,000 statements without this condition must not pay it per statement.
            if !st.conditions_on(EXTERNAL_ID).any(|c| c.operator.if_exists) {
                continue;
            }
            // A Deny that refuses requests without an external id makes the suffix harmless.
            if effective(unit, policy, st, EXTERNAL_ID).is_some_and(|e| !e.absent) {
                continue;
            }
            for c in st.conditions_on(EXTERNAL_ID).filter(|c| c.operator.if_exists) {
                let fixed = c.operator.raw.trim_end_matches("IfExists").to_string();
                out.emit(
                    c.operator_span,
                    format!(
                        "`{}` on sts:ExternalId passes when the caller sends no external id: {} can assume the role without one",
                        c.operator.raw,
                        describe_principals(st)
                    ),
                )
                .label("true when sts:ExternalId is absent")
                .secondary(st.span, "in this statement")
                .help(format!("write `{fixed}`"))
                .fix(drop_if_exists(cx, st, c, &fixed));
            }
        }
    }
}

/// `StringLikeIfExists` -> `StringLike`, when the external id is the only key of the block (the
/// suffix applies to every key under it).
fn drop_if_exists(cx: &Context, st: &Statement, c: &Condition, fixed: &str) -> Option<Fix> {
    if !fix::alone_in_block(st, c) {
        return None;
    }
    let edit = fix::rename_operator(cx, st, c, "IfExists", "")?;
    Some(Fix::safe(format!("Replace `{}` with `{fixed}`", c.operator.raw), vec![edit]))
}
