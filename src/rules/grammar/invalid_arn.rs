use crate::aws::arn::{self, ArnUse};
use crate::declare_rule;
use crate::model::{Policy, PolicyKind, Unit, Value};
use crate::rules::{Context, Rule, Sink, check_policies};

declare_rule! {
    /// ## What it does
    /// Reports a literal ARN that is malformed: a missing `arn:` prefix, an unknown partition,
    /// an account that is not 12 digits, an IAM ARN without an account, a wildcard inside a
    /// principal ARN, or a role ARN without `role/`. It checks `Resource` values, `AWS`
    /// principals, and ARNs in Terraform settings such as `role_arn` and `policy_arns`.
    ///
    /// ## Why is this bad?
    /// IAM rejects the policy, or (for principals) the role becomes impossible to assume;
    /// a typo in an account number silently trusts or targets somebody else's account.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::32488018717:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    pub struct InvalidArn {
        code: "TL007",
        name: "invalid-arn",
        severity: Error,
        family: Grammar,
        summary: "a literal ARN is malformed",
    }
}

impl Rule for InvalidArn {
    fn check_unit(&self, cx: &Context, unit: &Unit, out: &mut Sink) {
        check_policies(self, cx, unit, out);
        // Terraform settings: assume-role targets, session policy ARNs, Spacelift integrations,
        // attached managed policies.
        let check = |v: &Value, usage: ArnUse, what: &str, out: &mut Sink| {
            let Some(text) = v.as_str() else { return };
            if let Err(why) = arn::validate(text, usage) {
                out.emit(v.span, format!("invalid {what}: {why}")).help(match usage {
                    ArnUse::Role => "a role ARN is `arn:<partition>:iam::<12-digit account>:role/<name>`",
                    _ => "an ARN is `arn:<partition>:<service>:<region>:<account>:<resource>`",
                });
            }
        };
        for c in &unit.assume_roles {
            if let Some(v) = &c.role_arn {
                check(v, ArnUse::Role, "role_arn", out);
            }
            for v in &c.policy_arns {
                check(v, ArnUse::Any, "policy ARN in policy_arns", out);
            }
        }
        for i in &unit.spacelift.integrations {
            if let Some(v) = &i.role_arn {
                check(v, ArnUse::Role, "role_arn", out);
            }
        }
        for r in &unit.spacelift.legacy_roles {
            if let Some(v) = &r.role_arn {
                check(v, ArnUse::Role, "role_arn", out);
            }
        }
        for role in &unit.roles {
            for v in &role.managed_policies {
                check(v, ArnUse::Any, "managed policy ARN", out);
            }
        }
    }

    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            if policy.kind == PolicyKind::Permission {
                for list in [&st.resource, &st.not_resource].into_iter().flatten() {
                    for (value, span) in list.known() {
                        if let Err(why) = arn::validate(value, ArnUse::Resource) {
                            out.emit(span, format!("invalid resource ARN: {why}"))
                                .help("a resource is `*` or `arn:<partition>:<service>:<region>:<account>:<resource>`");
                        }
                    }
                }
            }
            for p in [&st.principal, &st.not_principal].into_iter().flatten() {
                for v in p.values_of("AWS") {
                    let Some(value) = v.as_str() else { continue };
                    if value == "*" || arn::principal_account(value).is_some() && !value.starts_with("arn:") {
                        continue;
                    }
                    if !value.starts_with("arn:") {
                        out.emit(
                            v.span,
                            format!("invalid AWS principal `{value}`: not an ARN or a 12-digit account id"),
                        )
                        .help("write `arn:aws:iam::<12-digit account>:root` or the bare 12-digit account id");
                        continue;
                    }
                    if let Err(why) = arn::validate(value, ArnUse::Principal) {
                        out.emit(v.span, format!("invalid principal ARN: {why}"))
                            .help("a principal is `arn:<partition>:iam::<account>:root`, `:role/<name>` or `:user/<name>`; use a condition on `aws:PrincipalArn` for patterns");
                    }
                }
            }
        }
    }
}
