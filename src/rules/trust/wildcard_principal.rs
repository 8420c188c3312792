use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink};

/// Condition keys that pin down who the caller is.
const RESTRICTING_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:PrincipalOrgPaths",
    // Resource policies restrict `*` by network or by the calling account (KMS key policies).
    "aws:SourceVpce",
    "aws:SourceVpc",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "kms:CallerAccount",
];

declare_rule! {
    /// ## What it does
    /// Reports `"Principal": "*"` or `{"AWS": "*"}` on an `Allow` statement without a
    /// condition that restricts the caller (`aws:PrincipalOrgID`, `aws:PrincipalAccount`,
    /// `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, `aws:PrincipalOrgPaths`;
    /// without `IfExists`).
    ///
    /// ## Why is this bad?
    /// `*` is every AWS principal in every account in the world. In a trust policy anyone who
    /// can call STS can assume the role, limited only by whatever other conditions happen to
    /// hold.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
    ///  "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
    pub struct WildcardPrincipal {
        code: "TL102",
        name: "wildcard-principal",
        severity: Error,
        family: Trust,
        summary: "`Principal: \"*\"` on an `Allow` without a condition restricting the caller",
    }
}

impl Rule for WildcardPrincipal {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in policy.statements.iter().filter(|st| st.is_allow() && !st.partial) {
            let Some(p) = &st.principal else { continue };
            if !p.is_anyone() {
                continue;
            }
            let restricted = st.conditions.iter().any(|c| {
                !c.operator.if_exists
                    && RESTRICTING_KEYS.iter().any(|k| c.key_is(k))
                    && c.operator.base.is_some()
            });
            if restricted {
                continue;
            }
            let whose = policy.owner.as_ref().map(|o| format!("{o}: ")).unwrap_or_default();
            out.emit(p.span, format!("{whose}{} allows any AWS principal (`*`) without restricting the caller", st.label()))
                .label("anyone")
                .secondary(st.span, "in this statement")
                .help("name the account or role, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn");
        }
    }
}
