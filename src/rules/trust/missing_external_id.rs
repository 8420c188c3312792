use crate::analysis::trust::{
    EXTERNAL_ID, Trusted, allows_assume_role, aws_principals, configured_account, effective_for,
    requires_presence,
};
use crate::declare_rule;
use crate::model::{Policy, SetQualifier, Statement, Unit};
use crate::rules::{Context, Fix, Rule, Severity, Sink, fix};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` of `sts:AssumeRole` to Spacelift or to a known third-party vendor
    /// account without a condition that requires `sts:ExternalId` (a `StringEquals` or
    /// `StringLike` on that key), once `Deny`
    /// statements are applied: a `Deny` with `StringNotLike` on `sts:ExternalId` (true when
    /// the key is absent) requires one too. A `Deny` whose other conditions trustlint cannot
    /// decide does not silence the finding; the message says it may still refuse. A condition
    /// made optional by `IfExists` or `ForAllValues:` is reported once, by TL103 or TL106,
    /// whose message names this consequence. When
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
    /// ## Fix
    /// Unsafe (runs of stacks not attached in this configuration are refused): in Terraform, for
    /// a statement that trusts only Spacelift and has no `Condition`, a `StringLike` condition on
    /// `sts:ExternalId` is added with one `<account>@*@<stack>@<phase>` per stack or module
    /// attached to the role's Spacelift integration, built from the configured
    /// `spacelift.account`. Offered when every attachment is known exactly.
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
        fix: Unsafe,
    }
}

impl Rule for MissingExternalId {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in policy.statements.iter().filter(|st| allows_assume_role(st) && !st.partial) {
            // A condition on the key made optional by `IfExists` or `ForAllValues:`: TL103 and
            // TL106 name that root cause and this consequence.
            if st
                .conditions_on(EXTERNAL_ID)
                .any(|c| c.operator.if_exists || c.operator.qualifier == Some(SetQualifier::ForAllValues))
            {
                continue;
            }
            for (value, who) in aws_principals(st) {
                // A Deny that refuses requests without an external id (a negated operator on
                // the key is true when it is absent) makes the Allow require one.
                let Some(caller) = value.as_str() else { continue };
                let (absent, note) = match effective_for(unit, policy, st, caller, EXTERNAL_ID) {
                    Some(eff) => (eff.absent, eff.refusal.note()),
                    // Values the automata cannot read: whether the key is required still shows.
                    None => (!st.conditions_on(EXTERNAL_ID).any(requires_presence), String::new()),
                };
                if !absent {
                    continue;
                }
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
                    format!("role trusts {} without requiring sts:ExternalId{}", who.describe(), note),
                )
                .severity(severity)
                .label("trusted without an external id")
                .secondary(st.span, "in this statement")
                .help(help)
                .fix(match who {
                    Trusted::Spacelift { .. } => require_external_id(cx, unit, policy, st),
                    _ => None,
                });
            }
        }
    }
}

/// A `StringLike` condition on the external id of every stack attached to the role, added to a
/// statement that trusts only Spacelift and has no `Condition` yet.
fn require_external_id(cx: &Context, unit: &Unit, policy: &Policy, st: &Statement) -> Option<Fix> {
    let p = st.principal.as_ref()?;
    let only_spacelift = !p.wildcard
        && p.entries.iter().all(|e| e.kind.as_str() == Some("AWS"))
        && aws_principals(st).iter().all(|(_, who)| matches!(who, Trusted::Spacelift { .. }));
    if st.condition_span.is_some() || !only_spacelift {
        return None;
    }
    let account = configured_account(cx.settings)?;
    let patterns = fix::attached_patterns(unit, policy, account)?;
    let src = cx.sources.get(st.span.src)?;
    let edit = if src.slice(st.span).starts_with("statement") {
        fix::append_condition_block(cx, st.span, "StringLike", EXTERNAL_ID, &patterns)?
    } else {
        let list = fix::string_list(&patterns);
        let json = format!("{{\"StringLike\": {{\"{EXTERNAL_ID}\": {list}}}}}");
        let hcl = format!("{{ StringLike = {{ \"{EXTERNAL_ID}\" = {list} }} }}");
        fix::append_member(cx, st.span, "Condition", &json, &hcl)?
    };
    Some(Fix::unsafe_edits("Require the external ids of the attached stacks", vec![edit]))
}
