use crate::declare_rule;
use crate::model::arn::{self, ArnUse};
use crate::model::{Policy, PolicyKind, Unit};
use crate::rules::{Context, Rule, RuleMeta, Sink};

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
    fn meta(&self) -> &RuleMeta {
        &Self::META
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
