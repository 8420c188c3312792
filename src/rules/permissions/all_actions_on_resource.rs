use crate::analysis::access::is_admin_statement;
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::permissions::allow_statements;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` statement of a permission policy whose `Action` is `*` (or `*:*`)
    /// on specific resources rather than on `*` (that is TL301's error).
    ///
    /// ## Why is this bad?
    /// Every action of every service applies to the named resources: for a bucket that
    /// includes `s3:DeleteBucket`, `s3:PutBucketPolicy` (handing the bucket to anyone) and
    /// `s3:PutLifecycleConfiguration`; for a key, scheduling its deletion. Such statements are
    /// usually meant as "read and write the objects" and grant control of the resource.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::my-bucket/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::my-bucket/*"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    pub struct AllActionsOnResource {
        code: "TL308",
        name: "all-actions-on-resource",
        severity: Warning,
        family: Permissions,
        summary: "`Allow` of `*` (or `*:*`) on specific resources",
    }
}

impl Rule for AllActionsOnResource {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in allow_statements(policy).filter(|s| !is_admin_statement(s)) {
            let Some((action, span)) = st.actions().find(|(a, _)| *a == "*" || *a == "*:*") else { continue };
            let Some(resources) = st.resource.as_ref() else { continue };
            let named: Vec<&str> = resources.known().map(|(r, _)| r).collect();
            let Some(first) = named.first() else { continue };
            let more = if named.len() > 1 { format!(" and {} more", named.len() - 1) } else { String::new() };
            out.emit(
                span,
                format!("{} allows every action (`{action}`) on `{first}`{more}, deleting the resource and rewriting its policy included", st.label()),
            )
            .label("every action")
            .secondary(resources.span, "on these resources")
            .help("list the actions the resource needs, e.g. `s3:GetObject` and `s3:PutObject` for a bucket's objects");
        }
    }
}
