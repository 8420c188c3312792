use crate::analysis::trust::{
    EXTERNAL_ID, Trusted, allows_assume_role, aws_principals, configured_account, requires_presence,
};
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Severity, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` of `sts:AssumeRole` to Spacelift or to a known third-party vendor
    /// account without a condition that requires `sts:ExternalId` (a `StringEquals` or
    /// `StringLike` on that key, without `IfExists` and without `ForAllValues:`). When
    /// `aws.trusted-accounts` is configured, any other account outside that list is reported
    /// as a warning. The message names the vendor.
    ///
    /// ## Why is this bad?
    /// This is the confused deputy: every customer of the vendor can ask the vendor to assume
    /// *your* role, because the vendor's account is the same for all of them. The external id
    /// is what tells your role apart; without it, anyone who can name your role ARN in the
    /// vendor's product gets in.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole",
    ///  "Condition": {"StringLike": {"sts:ExternalId": "acme@*@stack-a@*"}}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    /// - https://docs.spacelift.io/integrations/cloud-providers/aws
    pub struct MissingExternalId {
        code: "TL101",
        name: "missing-external-id",
        severity: Error,
        family: Trust,
        summary: "a vendor or Spacelift principal may assume the role without sts:ExternalId",
    }
}

impl Rule for MissingExternalId {
    fn check_policy(&self, cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in policy.statements.iter().filter(|st| allows_assume_role(st) && !st.partial) {
            if st.conditions_on(EXTERNAL_ID).any(requires_presence) {
                continue;
            }
            for (value, who) in aws_principals(st) {
                let (severity, help) = match &who {
                    Trusted::Spacelift { .. } => {
                        let account = configured_account(cx.settings).unwrap_or("<account>");
                        (
                            Severity::Error,
                            format!(
                                "add \"Condition\": {{\"StringLike\": {{\"sts:ExternalId\": \"{account}@*@<stack>@*\"}}}}"
                            ),
                        )
                    }
                    Trusted::Vendor { name, .. } => (
                        Severity::Error,
                        format!(
                            "add a `StringEquals` condition on `sts:ExternalId` with the external id {name} shows you"
                        ),
                    ),
                    Trusted::Account { account } => {
                        let trusted = &cx.settings.trusted_accounts;
                        if trusted.is_empty() || trusted.iter().any(|t| t == account) {
                            continue;
                        }
                        (
                            Severity::Warning,
                            "require `sts:ExternalId`, or add the account to `aws.trusted-accounts` if it is yours"
                                .to_string(),
                        )
                    }
                };
                out.emit(
                    value.span,
                    format!("role trusts {} without requiring sts:ExternalId", who.describe()),
                )
                .severity(severity)
                .label("trusted without an external id")
                .secondary(st.span, "in this statement")
                .help(help);
            }
        }
    }
}
