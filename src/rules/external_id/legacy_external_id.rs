use crate::declare_rule;
use crate::model::{BaseOp, Policy, Unit};
use crate::rules::external_id::common::{ExternalIdValue, spacelift_external_ids};
use crate::rules::{Context, Fix, Rule, Sink, fix};

declare_rule! {
    /// ## What it does
    /// Reports an `sts:ExternalId` value or pattern (in a statement that trusts Spacelift)
    /// that only matches the legacy `<account>@<stack>` format. `<account>@*` matches both
    /// formats and is not reported.
    ///
    /// ## Why is this bad?
    /// The legacy format belongs to the deprecated `spacelift_aws_role` integration. When the
    /// stack moves to a cloud integration, Spacelift sends
    /// `<account>@<integration-id>@<stack>@<read|write>` and the role stops accepting it.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "acme@stack-a"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@stack-a@*"}}
    /// ```
    ///
    /// ## Fix
    /// Safe: the value becomes `<account>@*` (the documented migration pattern, which matches
    /// both formats), with the account it names; `StringEquals` becomes `StringLike` when the
    /// external id is the only key of the block. Offered for a condition with this one value.
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws#migrating-from-legacy-integrations
    pub struct LegacyExternalId {
        code: "TL202",
        name: "legacy-external-id",
        severity: Warning,
        family: ExternalId,
        summary: "the external id only matches the legacy `<account>@<stack>` format",
        fix: Safe,
    }
}

impl Rule for LegacyExternalId {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        for v in spacelift_external_ids(cx, unit, policy).iter() {
            let Ok(Some(witness)) = v.analysis.legacy_only() else { continue };
            out.emit(
                v.value.span,
                format!("external id `{}` only matches the legacy format (e.g. `{witness}`)", v.text),
            )
            .secondary(v.statement.span, "in this statement")
            .help("match the current format too: `<account>@*@<stack>@*`, or `<account>@*` for both")
            .fix(widen(cx, &v));
        }
    }
}

/// `acme@stack-a` -> `acme@*` under `StringLike`.
fn widen(cx: &Context, v: &ExternalIdValue) -> Option<Fix> {
    let (account, _) = v.text.split_once('@')?;
    if !crate::aws::spacelift::is_account_name(account) || v.condition.values.items.len() != 1 {
        return None;
    }
    let widened = format!("{account}@*");
    let mut edits = vec![fix::replace_literal(cx, v.value.span, v.text, &widened)?];
    match v.condition.operator.base {
        Some(BaseOp::StringLike) => {}
        Some(BaseOp::StringEquals) if fix::alone_in_block(v.statement, v.condition) => {
            edits.push(fix::rename_operator(cx, v.statement, v.condition, "StringEquals", "StringLike")?);
        }
        _ => return None,
    }
    Some(Fix::safe(format!("Match both formats with `{widened}`"), edits))
}
