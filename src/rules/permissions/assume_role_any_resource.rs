use crate::declare_rule;
use crate::model::{Policy, Unit, action_matches};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a permission policy statement that allows `sts:AssumeRole` (by name or through
    /// an `sts:` wildcard) on `Resource: "*"` with no condition. `"Action": "*"` on `*` is
    /// TL301's.
    ///
    /// ## Why is this bad?
    /// The identity can assume every role, in any account, whose trust policy admits it: a
    /// role trusted by account root (the default for cross-account roles) becomes reachable by
    /// every identity with this policy, and a chain of such roles is hard to audit.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/deploy"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
    pub struct AssumeRoleAnyResource {
        code: "TL117",
        name: "assume-role-any-resource",
        severity: Warning,
        family: Permissions,
        summary: "`sts:AssumeRole` allowed on `Resource: \"*\"` in a permission policy",
    }
}

impl Rule for AssumeRoleAnyResource {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.is_permission() {
            return;
        }
        for st in
            policy.statements.iter().filter(|st| st.is_allow() && !st.partial && st.conditions.is_empty())
        {
            let any_resource = st.resource.iter().flat_map(|r| r.known()).any(|(r, _)| r == "*");
            if !any_resource {
                continue;
            }
            let sts = |a: &str| a.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sts:"));
            for (action, span) in st.actions().filter(|(a, _)| sts(a) && action_matches(a, "sts:AssumeRole"))
            {
                out.emit(span, format!("`{action}` on every role (`Resource: \"*\"`): the identity can assume any role that trusts it, in any account"))
                    .secondary(st.span, "in this statement")
                    .help("list the role ARNs the identity needs in `Resource`");
            }
        }
    }
}
