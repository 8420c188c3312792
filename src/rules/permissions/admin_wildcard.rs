use crate::analysis::access::is_admin_statement;
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::permissions::allow_statements;
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` statement of a permission policy whose `Action` is `*` (or `*:*`) and
    /// whose `Resource` is `*`.
    ///
    /// ## Why is this bad?
    /// It grants every action of every AWS service on every resource: full administrator
    /// access, including changing IAM itself. Whoever can use the role (a CI run, a vendor)
    /// owns the account. TL307 (privilege-escalation) stays silent on such statements: one
    /// finding is enough.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "*", "Resource": "*"}
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
    pub struct AdminWildcard {
        code: "TL301",
        name: "admin-wildcard",
        severity: Error,
        family: Permissions,
        summary: "`Allow` of `*` (or `*:*`) on resource `*`",
    }
}

impl Rule for AdminWildcard {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in allow_statements(policy).filter(|s| is_admin_statement(s)) {
            let Some((action, span)) = st.actions().find(|(a, _)| *a == "*" || *a == "*:*") else { continue };
            out.emit(span, format!("{} allows every action (`{action}`) on every resource", st.label()))
                .label("every action")
                .secondary(st.span, "in this statement")
                .help("grant only the actions and resources the role needs; attach AdministratorAccess deliberately where full access is really intended");
        }
    }
}
