use crate::analysis::trust::{Trusted, allows_assume_role, aws_principals};
use crate::aws::arn;
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Notes (info) a trust statement that lets a whole other AWS account (`"AWS":
    /// "111122223333"` or `arn:aws:iam::111122223333:root`) assume the role with no condition
    /// at all. Spacelift and known vendor accounts are TL101's; the role's own account (when
    /// its ARN is known) is not cross-account.
    ///
    /// ## Why is this bad?
    /// Every user and role of that account whose own policies allow `sts:AssumeRole` on this
    /// role gets in: the other account's administrators decide who can, not you. It is often
    /// intended, but worth narrowing.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/deployer"}, "Action": "sts:AssumeRole"}
    /// ```
    /// or a condition on `aws:PrincipalArn`, `aws:PrincipalOrgID`, `aws:MultiFactorAuthPresent`
    /// or `sts:ExternalId`.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
    pub struct CrossAccountWithoutCondition {
        code: "TL116",
        name: "cross-account-without-condition",
        severity: Info,
        family: Trust,
        summary: "another whole account may assume the role with no condition",
    }
}

impl Rule for CrossAccountWithoutCondition {
    fn check_policy(&self, _cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.is_trust() {
            return;
        }
        let own = unit.role_of(policy).and_then(|r| r.arn.as_deref()).and_then(arn::principal_account);
        for st in policy.statements.iter().filter(|st| allows_assume_role(st) && !st.partial) {
            if !st.conditions.is_empty() || st.condition_span.is_some() {
                continue;
            }
            for (value, who) in aws_principals(st) {
                let Trusted::Account { account } = &who else { continue };
                let Some(text) = value.as_str() else { continue };
                let whole = text.len() == 12 || text.ends_with(":root");
                if !whole || Some(account.as_str()) == own {
                    continue;
                }
                out.emit(
                    value.span,
                    format!("every principal of account {account} that may call sts:AssumeRole can assume the role: the statement has no condition"),
                )
                .label("the whole account")
                .secondary(st.span, "in this statement")
                .help("name a role ARN, or add a condition on aws:PrincipalArn, aws:PrincipalOrgID, aws:MultiFactorAuthPresent or sts:ExternalId");
            }
        }
    }
}
