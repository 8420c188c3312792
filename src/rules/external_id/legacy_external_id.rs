use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::external_id::common::spacelift_external_ids;
use crate::rules::{Context, Rule, Sink};

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
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws#migrating-from-legacy-integrations
    pub struct LegacyExternalId {
        code: "TL202",
        name: "legacy-external-id",
        severity: Warning,
        family: ExternalId,
        summary: "the external id only matches the legacy `<account>@<stack>` format",
    }
}

impl Rule for LegacyExternalId {
    fn check_policy(&self, _cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        for v in spacelift_external_ids(unit, policy) {
            let Ok(Some(witness)) = v.analysis.legacy_only() else { continue };
            out.emit(
                v.value.span,
                format!("external id `{}` only matches the legacy format (e.g. `{witness}`)", v.text),
            )
            .secondary(v.statement.span, "in this statement")
            .help("match the current format too: `<account>@*@<stack>@*`, or `<account>@*` for both");
        }
    }
}
