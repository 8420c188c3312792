use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::external_id::common::spacelift_external_ids;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// For every `sts:ExternalId` value or pattern in a statement that trusts Spacelift,
    /// decides over the patterns whether any id Spacelift produces can match it:
    /// `<account>@<integration-id>@<stack>@<read|write>` or the legacy `<account>@<stack>`.
    /// The message says which part is wrong: the number of `@`-separated parts, a last part
    /// other than `read`/`write`, an integration id that is not a 26-character ULID, bad
    /// characters.
    ///
    /// ## Why is this bad?
    /// The value never matches, so the statement never applies and every run of the stacks it
    /// was meant for fails with AccessDenied.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@*@admin"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@*@write"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws#setup-guide
    pub struct ExternalIdGrammar {
        code: "TL201",
        name: "external-id-grammar",
        severity: Error,
        family: ExternalId,
        summary: "no external id that Spacelift produces can match the value or pattern",
    }
}

impl Rule for ExternalIdGrammar {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        for v in spacelift_external_ids(cx, unit, policy).iter() {
            let Ok(false) = v.analysis.accepts_valid() else { continue };
            let Ok(invalid) = v.analysis.invalid() else { continue };
            let why = invalid.map(|d| d.to_string()).unwrap_or_else(|| "it matches no valid id".into());
            out.emit(v.value.span, format!("external id `{}` can never match an id Spacelift sends: {why}", v.text))
                .label("matches no Spacelift external id")
                .secondary(v.statement.span, "in this statement")
                .help("Spacelift sends `<account>@<integration id>@<stack>@<read|write>`, e.g. `acme@*@stack-a@write`");
        }
    }
}
