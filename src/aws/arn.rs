//! ARN syntax (docs/facts.md, "ARNs, accounts and partitions"), shared by every rule that sees a literal ARN.

pub const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// Where an ARN appears decides what it must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnUse {
    /// `Resource` in a permission policy: wildcards allowed anywhere.
    Resource,
    /// An `AWS` principal: no wildcards inside, IAM/STS entities only.
    Principal,
    /// `role_arn` of an assume-role setting: must be an IAM role.
    Role,
    /// Any other literal ARN (managed policy ARNs and the like).
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

fn has_wildcard(s: &str) -> bool {
    s.contains('*') || s.contains('?') || s.contains("${")
}

/// Splits an ARN into its six parts (the resource part may hold more colons).
pub fn split(arn: &str) -> Option<Arn<'_>> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    Some(Arn {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    })
}

/// Checks a literal ARN; the error says what is wrong in the user's terms.
pub fn validate(arn: &str, usage: ArnUse) -> Result<(), String> {
    if usage == ArnUse::Resource && arn == "*" {
        return Ok(());
    }
    if !arn.starts_with("arn:") {
        return Err(format!("`{arn}` does not start with `arn:`"));
    }
    let Some(parts) = split(arn) else {
        return Err(format!("`{arn}` has fewer than six `:`-separated parts"));
    };
    if usage == ArnUse::Principal && has_wildcard(arn) && arn.contains('*') {
        return Err(format!("`{arn}`: a principal ARN may not contain a wildcard"));
    }
    if !has_wildcard(parts.partition) && !PARTITIONS.contains(&parts.partition) {
        return Err(format!("`{arn}`: unknown partition `{}`", parts.partition));
    }
    if parts.service.is_empty() {
        return Err(format!("`{arn}`: the service part is empty"));
    }
    let account = parts.account;
    // The legacy CloudFront origin access identity principal names the pseudo-account
    // `cloudfront` (S3 bucket policies, documented by CloudFront).
    if usage != ArnUse::Role
        && parts.service == "iam"
        && account == "cloudfront"
        && parts.resource.starts_with("user/CloudFront Origin Access Identity ")
    {
        return Ok(());
    }
    let account_ok =
        account.is_empty() || has_wildcard(account) || account == "aws" || super::is_account_id(account);
    if !account_ok {
        return Err(format!("`{arn}`: account `{account}` is not 12 digits"));
    }
    let iam_like = matches!(parts.service, "iam" | "sts");
    if iam_like && account.is_empty() {
        return Err(format!("`{arn}`: an IAM ARN needs a 12-digit account"));
    }
    match usage {
        ArnUse::Role if !has_wildcard(arn) => {
            if parts.service != "iam" || !parts.resource.starts_with("role/") {
                return Err(format!(
                    "`{arn}` is not an IAM role ARN (`arn:<partition>:iam::<account>:role/<name>`)"
                ));
            }
            if parts.resource.len() <= "role/".len() {
                return Err(format!("`{arn}`: the role name is empty"));
            }
        }
        ArnUse::Principal if !iam_like => {
            return Err(format!(
                "`{arn}`: an AWS principal must be an IAM or STS ARN, not `{}`",
                parts.service
            ));
        }
        _ => {}
    }
    // An empty resource part is accepted by IAM (`arn:aws:organizations::*:` in AWS's own
    // managed policies), so it is not reported.
    Ok(())
}

/// A literal IAM role ARN with a 12-digit account and no wildcards or interpolations (what a
/// setting that names one role must hold).
pub fn is_role_arn(arn: &str) -> bool {
    !has_wildcard(arn)
        && validate(arn, ArnUse::Role).is_ok()
        && split(arn).is_some_and(|p| super::is_account_id(p.account))
}

/// Role name from a role ARN (`arn:aws:iam::123456789012:role/path/name` -> `name`), as
/// `iam:GetRole` wants it and as Terraform's `aws_iam_role.name` holds it. `None` if `arn` is
/// not a role ARN.
pub fn role_name(arn: &str) -> Option<&str> {
    let parts = split(arn)?;
    if parts.service != "iam" {
        return None;
    }
    let name = parts.resource.strip_prefix("role/")?.rsplit('/').next()?;
    (!name.is_empty()).then_some(name)
}

/// The 12-digit account an `AWS` principal value names, bare or in an ARN.
pub fn principal_account(value: &str) -> Option<&str> {
    if super::is_account_id(value) {
        return Some(value);
    }
    let parts = split(value)?;
    super::is_account_id(parts.account).then_some(parts.account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns() {
        assert!(validate("arn:aws:iam::123456789012:role/x", ArnUse::Role).is_ok());
        assert!(validate("arn:aws:iam::12345:role/x", ArnUse::Role).is_err());
        assert!(validate("arn:aws:iam::123456789012:user/x", ArnUse::Role).is_err());
        assert!(validate("arn:awz:s3:::bucket", ArnUse::Resource).is_err());
        assert!(is_role_arn("arn:aws:iam::123456789012:role/path/worker"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:role/work*"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/x"));
        assert!(!is_role_arn("arn:aws:iam:::role/x"));
        assert!(validate("arn:aws:s3:::bucket/*", ArnUse::Resource).is_ok());
        assert!(validate("arn:aws:iam::aws:policy/ReadOnlyAccess", ArnUse::Any).is_ok());
        assert!(validate("arn:aws:iam::123456789012:role/*", ArnUse::Principal).is_err());
        assert_eq!(principal_account("arn:aws:iam::324880187172:root"), Some("324880187172"));
        assert_eq!(principal_account("324880187172"), Some("324880187172"));
    }
}
