use crate::catalog::catalog;
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::permissions::allow_statements;
use crate::rules::{Context, Rule, Severity, Sink};

/// Services where `<service>:*` hands out control over identities, keys or the organization.
const SENSITIVE: &[&str] = &["iam", "sts", "organizations", "kms"];

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` of every action of one service (`s3:*`, `ec2:*`) in a permission
    /// policy. The finding is a warning, and an error for `iam`, `sts`, `organizations` and
    /// `kms`, whose full access amounts to administrator access (new users, keys and policies,
    /// new sessions, the organization, decryption of everything).
    ///
    /// ## Why is this bad?
    /// A service wildcard grants every present and future action of the service, including
    /// deletions and permission changes (`s3:PutBucketPolicy`, `s3:DeleteBucket`), where the
    /// role usually needs a handful of reads and writes.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::my-bucket/*"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    pub struct ServiceWildcard {
        code: "TL302",
        name: "service-wildcard",
        severity: Warning,
        family: Permissions,
        summary: "`Allow` of `<service>:*` (error for `iam`, `sts`, `organizations`, `kms`)",
    }
}

impl Rule for ServiceWildcard {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in allow_statements(policy) {
            for (action, span) in st.actions() {
                let Some((service, "*")) = action.split_once(':') else { continue };
                if service.is_empty() || service.contains(['*', '?']) {
                    continue;
                }
                let sensitive = SENSITIVE.iter().any(|s| s.eq_ignore_ascii_case(service));
                let expanded = catalog().expanded(action);
                let detail = if expanded.is_empty() {
                    String::new()
                } else {
                    let writes = expanded.iter().filter(|a| a.access.is_write_like()).count();
                    format!(" ({} actions, {writes} of them write-like)", expanded.len())
                };
                let f = out.emit(span, format!("{} allows every action of `{service}`{detail}", st.label()));
                f.label("service wildcard").secondary(st.span, "in this statement");
                if sensitive {
                    f.severity(Severity::Error).help(format!(
                        "full `{service}` access amounts to administrator access: list only the `{service}:` actions the role needs"
                    ));
                } else {
                    f.help(format!(
                        "list only the `{service}:` actions the role needs, e.g. `{service}:Get*` for reads"
                    ));
                }
            }
        }
    }
}
