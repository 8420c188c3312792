use crate::analysis::external_id::foreign_account_witness;
use crate::analysis::trust::{configured_account, grammar};
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::external_id::common::spacelift_external_ids;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// With `spacelift.account` (or `--spacelift-account`) configured, reports an
    /// `sts:ExternalId` value or pattern in a Spacelift trust statement that accepts an id
    /// whose account part is another account name. The message shows such an id.
    ///
    /// ## Why is this bad?
    /// The account part is what separates your Spacelift account from every other customer's:
    /// all of them run from the same AWS account. A pattern such as `*@*@prod@*` lets a stack
    /// named `prod` in *any* Spacelift account assume your role.
    ///
    /// ## Example
    /// With `spacelift.account = "acme"`:
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "*@*@prod@write"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@prod@write"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws#setup-guide
    pub struct ExternalIdAccountMismatch {
        code: "TL203",
        name: "external-id-account-mismatch",
        severity: Error,
        family: ExternalId,
        summary: "the account part does not match the configured Spacelift account",
    }
}

impl Rule for ExternalIdAccountMismatch {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        let Some(account) = configured_account(cx.settings) else { return };
        let Some(g) = grammar() else { return };
        for v in spacelift_external_ids(cx, unit, policy).iter() {
            let Ok(Some(witness)) = foreign_account_witness(v.lang, g, account) else { continue };
            out.emit(v.value.span, format!("external id `{}` accepts ids of other Spacelift accounts than `{account}`, e.g. `{witness}`", v.text))
                .secondary(v.statement.span, "in this statement")
                .help(format!("start the value with `{account}@`"));
        }
    }
}
