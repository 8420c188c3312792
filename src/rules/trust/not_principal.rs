use crate::declare_rule;
use crate::model::{Policy, PolicyKind, Unit};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `NotPrincipal` in a role trust policy (IAM rejects it there), and `NotPrincipal`
    /// with `Allow` in any policy.
    ///
    /// ## Why is this bad?
    /// `Allow` + `NotPrincipal` grants access to every principal in the world except the ones
    /// listed, including anonymous callers: the opposite of what a reviewer reads. In a role
    /// trust policy it is not allowed at all, and the deploy fails.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    pub struct NotPrincipal {
        code: "TL107",
        name: "not-principal",
        severity: Error,
        family: Trust,
        summary: "`NotPrincipal` in a trust policy, or with `Allow`",
    }
}

impl Rule for NotPrincipal {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            let Some(np) = &st.not_principal else { continue };
            if policy.kind == PolicyKind::Trust {
                out.emit(
                    np.span,
                    format!("{} uses `NotPrincipal`, which IAM rejects in a role trust policy", st.label()),
                )
                .secondary(st.span, "in this statement")
                .help("name the principals that may assume the role in `Principal`");
            } else if st.is_allow() {
                out.emit(
                    np.span,
                    format!("{} allows every principal except the ones in `NotPrincipal`", st.label()),
                )
                .secondary(st.span, "in this statement")
                .help("use `Principal` with the principals to allow; keep `NotPrincipal` for `Deny` only");
            }
        }
    }
}
