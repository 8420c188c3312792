//! Condition keys that are never present in a trust request: a typo'd global key
//! (`aws:PrincipleArn`) or the claim key of another OIDC provider than the one the statement
//! trusts (FACTS.md, "OIDC providers": a provider's keys are `<provider-url>:<claim>`). A
//! non-negated operator on such a key is never true, so its statement grants nothing.

use crate::model::Statement;
use crate::wildcard::edit_distance;

/// Global condition keys (IAM's global condition context keys reference), in IAM's spelling.
const GLOBAL_KEYS: &[&str] = &[
    "aws:AssumedRoot",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:CurrentTime",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:Ec2InstanceSourceVpc",
    "aws:EpochTime",
    "aws:FederatedProvider",
    "aws:IsMcpServiceAction",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgMasterAccountId",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalType",
    "aws:Referer",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIdentity",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:TagKeys",
    "aws:TokenIssueTime",
    "aws:UserAgent",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
    "aws:userid",
    "aws:username",
];

/// Global keys that take a tag name after the slash.
const GLOBAL_TAG_PREFIXES: &[&str] = &["aws:PrincipalTag/", "aws:RequestTag/", "aws:ResourceTag/"];

/// Why a key is never present, and the key the author probably meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeverPresent {
    pub reason: String,
    pub did_you_mean: Option<String>,
}

/// The issuers of the OIDC (web identity) principals of a statement: the host of an
/// `oidc-provider/<host>` ARN, or a bare provider name such as `accounts.google.com` or
/// `cognito-identity.amazonaws.com`.
pub fn oidc_issuers(st: &Statement) -> Vec<&str> {
    let Some(p) = &st.principal else { return Vec::new() };
    p.values_of("Federated")
        .filter_map(|v| v.as_str())
        .filter_map(|v| match v.split_once(":oidc-provider/") {
            Some((_, host)) => Some(host),
            None if !v.starts_with("arn:") && v.contains('.') => Some(v),
            None => None,
        })
        .collect()
}

/// Whether `key` can never be in a request the statement answers; `None` when it may be.
pub fn never_present(st: &Statement, key: &str) -> Option<NeverPresent> {
    if let Some(rest) = key.get(..4).filter(|p| p.eq_ignore_ascii_case("aws:")).map(|_| &key[4..]) {
        return typo_of_global_key(key, rest);
    }
    foreign_claim_key(st, key)
}

fn typo_of_global_key(key: &str, rest: &str) -> Option<NeverPresent> {
    let known = GLOBAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        || GLOBAL_TAG_PREFIXES
            .iter()
            .any(|p| key.len() > p.len() && key.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
    if known || rest.is_empty() {
        return None;
    }
    // A key trustlint does not know may be one AWS added: only a near miss of a known key is
    // called a typo.
    let name = rest.split('/').next().unwrap_or(rest).to_ascii_lowercase();
    let (best, distance) = GLOBAL_KEYS
        .iter()
        .chain(GLOBAL_TAG_PREFIXES)
        .map(|k| {
            let bare = k[4..].trim_end_matches('/').to_ascii_lowercase();
            (*k, edit_distance(&name, &bare))
        })
        .min_by_key(|(_, d)| *d)?;
    if distance == 0 || distance > 2 {
        return None;
    }
    let suggestion = match rest.split_once('/') {
        Some((_, tag)) if best.ends_with('/') => format!("{best}{tag}"),
        _ => best.trim_end_matches('/').to_string(),
    };
    Some(NeverPresent {
        reason: format!("`{key}` is not an AWS global condition key"),
        did_you_mean: Some(suggestion),
    })
}

fn foreign_claim_key(st: &Statement, key: &str) -> Option<NeverPresent> {
    let (issuer, claim) = key.rsplit_once(':')?;
    // Claim keys are `<host>:<claim>`; service keys (`s3:prefix`) have no dot before the colon.
    if !issuer.contains('.') || claim.is_empty() {
        return None;
    }
    let issuers = oidc_issuers(st);
    if issuers.is_empty() || issuers.iter().any(|i| i.eq_ignore_ascii_case(issuer)) {
        return None;
    }
    let nearest = issuers
        .iter()
        .min_by_key(|i| edit_distance(&i.to_ascii_lowercase(), &issuer.to_ascii_lowercase()))?;
    Some(NeverPresent {
        reason: format!(
            "`{key}` is a claim key of issuer `{issuer}`, not of the trusted OIDC provider `{}`",
            issuers.join("`, `")
        ),
        did_you_mean: Some(format!("{nearest}:{claim}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::policy::{KindHint, build_policy};
    use crate::input::tree::parse_json;
    use crate::model::PolicyQuota;
    use crate::source::SourceId;

    fn statement(principal: &str) -> Statement {
        let json = format!(
            r#"{{"Statement": {{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRoleWithWebIdentity"}}}}"#
        );
        let root = parse_json(&json, SourceId(0), 0).expect("parses");
        build_policy(&root, KindHint::Infer, PolicyQuota::Unspecified).statements.remove(0)
    }

    #[test]
    fn typos_of_global_keys() {
        let st = statement(r#"{"AWS": "111122223333"}"#);
        let n = never_present(&st, "aws:PrincipleArn").expect("a typo");
        assert_eq!(n.did_you_mean.as_deref(), Some("aws:PrincipalArn"));
        assert_eq!(
            never_present(&st, "aws:PrincipleTag/team").and_then(|n| n.did_you_mean).as_deref(),
            Some("aws:PrincipalTag/team")
        );
        assert_eq!(never_present(&st, "aws:PrincipalArn"), None);
        assert_eq!(never_present(&st, "AWS:principalarn"), None, "keys are case-insensitive");
        assert_eq!(never_present(&st, "aws:ResourceTag/x"), None);
        assert_eq!(never_present(&st, "aws:SomethingAwsMayAddLater"), None);
    }

    #[test]
    fn claim_keys_of_another_provider() {
        let st =
            statement(r#"{"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"}"#);
        let n = never_present(&st, "token.actions.githubusercontent.com/acme:sub").expect("foreign");
        assert_eq!(n.did_you_mean.as_deref(), Some("token.actions.githubusercontent.com:sub"));
        assert_eq!(never_present(&st, "token.actions.githubusercontent.com:sub"), None);
        assert_eq!(never_present(&st, "s3:prefix"), None);
        let aws = statement(r#"{"AWS": "111122223333"}"#);
        assert_eq!(never_present(&aws, "token.actions.githubusercontent.com:sub"), None);
    }
}
