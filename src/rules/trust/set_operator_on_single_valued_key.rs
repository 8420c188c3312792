use crate::analysis::trust::{EXTERNAL_ID, describe_principals};
use crate::declare_rule;
use crate::model::{Condition, Policy, SetQualifier, Statement, Unit};
use crate::rules::{Context, Fix, Rule, Sink, fix};

/// Global and STS keys that never carry more than one value (IAM's global condition key
/// reference marks the others, such as `aws:TagKeys` and `aws:PrincipalOrgPaths`, multivalued).
const SINGLE_VALUED: &[&str] = &[
    "sts:ExternalId",
    "sts:RoleSessionName",
    "sts:SourceIdentity",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalType",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceIdentity",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:VpcSourceIp",
    "aws:SecureTransport",
    "aws:username",
    "aws:userid",
    "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthAge",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:ViaAWSService",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:TokenIssueTime",
    "aws:FederatedProvider",
    "aws:Referer",
    "aws:UserAgent",
];

/// Tag keys hold one value per tag name.
const SINGLE_VALUED_PREFIXES: &[&str] = &["aws:ResourceTag/", "aws:RequestTag/", "aws:PrincipalTag/"];

/// OIDC claims that are one string in every token: `<provider>:sub`, `<provider>:aud`, ...
/// (`amr` is a list in Cognito tokens and stays out).
const SINGLE_VALUED_CLAIMS: &[&str] = &["sub", "aud", "azp", "oaud", "email"];

/// The canonical spelling of `key` when it is single-valued.
fn single_valued(key: &str) -> Option<String> {
    if let Some(k) = SINGLE_VALUED.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return Some(k.to_string());
    }
    if SINGLE_VALUED_PREFIXES
        .iter()
        .any(|p| key.len() > p.len() && key.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
    {
        return Some(key.to_string());
    }
    // `<host>:<claim>` of an OIDC provider: the host has a dot, global keys do not.
    let (host, claim) = key.rsplit_once(':')?;
    (host.contains('.') && SINGLE_VALUED_CLAIMS.iter().any(|c| c.eq_ignore_ascii_case(claim)))
        .then(|| key.to_string())
}

declare_rule! {
    /// ## What it does
    /// Reports `ForAllValues:` or `ForAnyValue:` on a single-valued condition key: the STS and
    /// global keys such as `sts:ExternalId`, `aws:PrincipalArn` or `aws:SourceAccount`, the
    /// tag keys `aws:ResourceTag/<key>`, `aws:RequestTag/<key>` and `aws:PrincipalTag/<key>`,
    /// and OIDC claims such as `<provider>:sub` and `<provider>:aud`. A `ForAllValues:` is also
    /// a missing condition (it passes when the key is absent), and the message says both; on
    /// `sts:ExternalId` it names who can then assume the role without an external id (TL101
    /// leaves that statement to this rule).
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
    /// ## Fix
    /// Safe: the `ForAllValues:`/`ForAnyValue:` qualifier is dropped. Offered when the key is the
    /// only one under the operator (a sibling key may be multivalued and need the qualifier) and
    /// the statement has no block of the plain operator yet.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
    pub struct SetOperatorOnSingleValuedKey {
        code: "TL106",
        name: "set-operator-on-single-valued-key",
        severity: Error,
        family: Trust,
        summary: "`ForAllValues:`/`ForAnyValue:` on a single-valued key",
        fix: Safe,
    }
}

impl Rule for SetOperatorOnSingleValuedKey {
    fn check_policy(&self, cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            for c in &st.conditions {
                let Some(q) = c.operator.qualifier else { continue };
                let Some(key) = c.key.as_str().and_then(single_valued) else { continue };
                let external_id = key.eq_ignore_ascii_case(EXTERNAL_ID);
                // `ForAllValues:StringLikeIfExists` on the external id: TL103 reports it.
                if external_id && c.operator.if_exists && st.is_allow() {
                    continue;
                }
                let plain = c.operator.raw.split_once(':').map(|(_, rest)| rest).unwrap_or(&c.operator.raw);
                let why = match q {
                    SetQualifier::ForAllValues if external_id && st.is_allow() => format!(
                        "it passes when the key is absent, so it is a missing condition: {} can assume the role without an external id",
                        describe_principals(st)
                    ),
                    SetQualifier::ForAllValues => {
                        "it passes when the key is absent, so it is a missing condition for requests without it"
                            .to_string()
                    }
                    SetQualifier::ForAnyValue => "the qualifier is meant for multivalued keys".to_string(),
                };
                out.emit(c.operator_span, format!("`{}` on single-valued key {key}: {why}", c.operator.raw))
                    .secondary(c.key.span, "single-valued key")
                    .help(format!("write `{plain}`"))
                    .fix(drop_qualifier(cx, st, c, plain));
            }
        }
    }
}

/// `ForAllValues:StringEquals` -> `StringEquals`, when the key is the only one of the block (a
/// sibling may be multivalued and need the qualifier).
fn drop_qualifier(cx: &Context, st: &Statement, c: &Condition, plain: &str) -> Option<Fix> {
    let (qualifier, _) = c.operator.raw.split_once(':')?;
    if !fix::alone_in_block(st, c) {
        return None;
    }
    let edit = fix::rename_operator(cx, st, c, &format!("{qualifier}:"), "")?;
    Some(Fix::safe(format!("Replace `{}` with `{plain}`", c.operator.raw), vec![edit]))
}
