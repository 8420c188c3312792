use crate::analysis::trust::spacelift_principals;
use crate::declare_rule;
use crate::model::{Policy, Unit, action_matches};
use crate::rules::{Context, Fix, Rule, Sink, fix};

declare_rule! {
    /// ## What it does
    /// When session tagging is enabled for a Spacelift integration (`tag_assume_role = true`),
    /// reports a role whose trust policy does not allow `sts:TagSession` to the Spacelift
    /// principal that assumes it.
    ///
    /// ## Why is this bad?
    /// Spacelift tags the session (`run`, `stack`, `space`); STS then requires
    /// `sts:TagSession` in the trust policy as well as `sts:AssumeRole`. Without it every run
    /// fails with AccessDenied.
    ///
    /// ## Example
    /// ```hcl
    /// resource "spacelift_aws_integration" "this" { role_arn = aws_iam_role.this.arn, tag_assume_role = true }
    /// # trust policy allows only "sts:AssumeRole"
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "324880187172"}, "Action": ["sts:AssumeRole", "sts:TagSession"], ...}
    /// ```
    ///
    /// ## Fix
    /// Safe: `"sts:TagSession"` is appended to the `Action` of every statement that allows
    /// Spacelift to assume the role, in the list's own style (a single action becomes a list).
    /// Not offered when an `Action` is computed rather than written out.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
    /// - https://registry.terraform.io/providers/spacelift-io/spacelift/latest/docs/resources/aws_integration
    pub struct MissingTagSession {
        code: "TL113",
        name: "missing-tag-session",
        severity: Error,
        family: Trust,
        summary: "session tagging is enabled but the trust policy does not allow sts:TagSession",
        fix: Safe,
    }
}

impl Rule for MissingTagSession {
    fn check_unit(&self, cx: &Context, unit: &Unit, out: &mut Sink) {
        for role in &unit.roles {
            let Some(tag_span) = role.tag_session_required else { continue };
            let Some(trust) = role.trust.and_then(|i| unit.policies.get(i)) else { continue };
            if trust.partial || trust.statements.iter().any(|s| s.partial) {
                continue;
            }
            let trusts_spacelift =
                trust.statements.iter().any(|st| st.is_allow() && !spacelift_principals(st).is_empty());
            let tags = trust.statements.iter().any(|st| {
                st.is_allow()
                    && !spacelift_principals(st).is_empty()
                    && st.actions().any(|(a, _)| action_matches(a, "sts:TagSession"))
            });
            if trusts_spacelift && !tags {
                out.emit(
                    tag_span,
                    format!("session tagging is enabled, but the trust policy of {} does not allow sts:TagSession to Spacelift", role.subject),
                )
                .secondary(trust.span, "trust policy")
                .subject(role.subject.clone())
                .help("add \"sts:TagSession\" to the actions of the Spacelift trust statement")
                .fix(add_tag_session(cx, trust));
            }
        }
    }
}

/// `sts:TagSession` next to `sts:AssumeRole` in every Spacelift statement, or no fix when one of
/// them cannot be edited as written.
fn add_tag_session(cx: &Context, trust: &Policy) -> Option<Fix> {
    let mut edits = Vec::new();
    for st in trust.statements.iter().filter(|st| st.is_allow() && !spacelift_principals(st).is_empty()) {
        let Some(actions) = &st.action else { continue };
        if !st.actions().any(|(a, _)| action_matches(a, "sts:AssumeRole")) {
            continue;
        }
        edits.extend(fix::append_to_list(cx, actions, "sts:TagSession")?);
    }
    Some(Fix::safe("Add \"sts:TagSession\" to the Spacelift statement's actions", edits))
}
