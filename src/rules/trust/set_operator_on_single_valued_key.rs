use crate::declare_rule;
use crate::model::{Policy, SetQualifier, Unit};
use crate::rules::{Context, Rule, Sink};

/// Global and STS keys that never carry more than one value.
const SINGLE_VALUED: &[&str] = &[
    "sts:ExternalId",
    "sts:RoleSessionName",
    "sts:SourceIdentity",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalType",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SecureTransport",
    "aws:username",
    "aws:userid",
    "aws:MultiFactorAuthPresent",
    "aws:RequestedRegion",
];

declare_rule! {
    /// ## What it does
    /// Reports `ForAllValues:` or `ForAnyValue:` on a single-valued condition key such as
    /// `sts:ExternalId`, `aws:PrincipalArn` or `aws:SourceAccount`.
    ///
    /// ## Why is this bad?
    /// The set qualifiers are for multivalued keys (`aws:TagKeys`, `aws:PrincipalOrgPaths`).
    /// On a single-valued key `ForAllValues:` is true when the key is absent (the empty set
    /// satisfies "for all"), so a caller that sends no external id passes.
    /// `ForAnyValue:` behaves like the plain operator but tells the reader something false.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"ForAllValues:StringEquals": {"sts:ExternalId": "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@write"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@write"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
    pub struct SetOperatorOnSingleValuedKey {
        code: "TL106",
        name: "set-operator-on-single-valued-key",
        severity: Error,
        family: Trust,
        summary: "`ForAllValues:`/`ForAnyValue:` on a single-valued key",
    }
}

impl Rule for SetOperatorOnSingleValuedKey {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            for c in &st.conditions {
                let Some(q) = c.operator.qualifier else { continue };
                let Some(key) = SINGLE_VALUED.iter().find(|k| c.key_is(k)) else { continue };
                let plain = c.operator.raw.split_once(':').map(|(_, rest)| rest).unwrap_or(&c.operator.raw);
                let why = match q {
                    SetQualifier::ForAllValues => "it passes when the key is absent",
                    SetQualifier::ForAnyValue => "the qualifier is meant for multivalued keys",
                };
                out.emit(c.operator_span, format!("`{}` on single-valued key {key}: {why}", c.operator.raw))
                    .secondary(c.key.span, "single-valued key")
                    .help(format!("write `{plain}`"));
            }
        }
    }
}
