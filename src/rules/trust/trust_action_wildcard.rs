use crate::declare_rule;
use crate::model::{Policy, PolicyKind, Unit};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a trust policy statement that allows `*`, `sts:*` or another wildcard action
    /// instead of naming `sts:AssumeRole` (plus `sts:TagSession` or `sts:SetSourceIdentity`
    /// where they are needed).
    ///
    /// ## Why is this bad?
    /// A wildcard also grants `sts:TagSession`, `sts:SetSourceIdentity` and every action STS
    /// adds later to the trusted principal: session tags can then be set by the caller and
    /// used to pass attribute-based access checks in your account.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
    pub struct TrustActionWildcard {
        code: "TL108",
        name: "trust-action-wildcard",
        severity: Warning,
        family: Trust,
        summary: "a trust statement allows a wildcard action instead of `sts:AssumeRole`",
    }
}

impl Rule for TrustActionWildcard {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if policy.kind != PolicyKind::Trust {
            return;
        }
        for st in policy.statements.iter().filter(|st| st.is_allow()) {
            for (action, span) in st.actions().filter(|(a, _)| a.contains('*') || a.contains('?')) {
                out.emit(
                    span,
                    format!("trust {} allows `{action}` instead of naming the STS actions", st.label()),
                )
                .secondary(st.span, "in this statement")
                .help("write \"sts:AssumeRole\" (add \"sts:TagSession\" only if the caller tags sessions)");
            }
        }
    }
}
