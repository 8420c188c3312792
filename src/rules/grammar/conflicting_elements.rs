use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink, opening};

declare_rule! {
    /// ## What it does
    /// Reports a statement with both `Action` and `NotAction` (likewise `Principal` and
    /// `NotPrincipal`, `Resource` and `NotResource`), or with neither `Action` nor `NotAction`.
    ///
    /// ## Why is this bad?
    /// IAM requires exactly one of each pair and rejects the policy otherwise; tools that accept
    /// it pick one of the two and silently change what the statement means.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:DeleteBucket", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::my-bucket"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
    pub struct ConflictingElements {
        code: "TL005",
        name: "conflicting-elements",
        severity: Error,
        family: Grammar,
        summary: "both `Action` and `NotAction` (or similar pairs), or no action at all",
    }
}

impl Rule for ConflictingElements {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            let pairs = [
                (
                    "Action",
                    st.action.as_ref().filter(|l| !l.nothing_known()).map(|l| l.span),
                    "NotAction",
                    st.not_action.as_ref().filter(|l| !l.nothing_known()).map(|l| l.span),
                ),
                (
                    "Principal",
                    st.principal.as_ref().filter(|p| !p.nothing_known()).map(|p| p.span),
                    "NotPrincipal",
                    st.not_principal.as_ref().filter(|p| !p.nothing_known()).map(|p| p.span),
                ),
                (
                    "Resource",
                    st.resource.as_ref().filter(|l| !l.nothing_known()).map(|l| l.span),
                    "NotResource",
                    st.not_resource.as_ref().filter(|l| !l.nothing_known()).map(|l| l.span),
                ),
            ];
            // An element of which nothing is known may be null in Terraform, that is absent:
            // "both" needs both to be there.
            for (a, a_span, b, b_span) in pairs {
                if let (Some(a_span), Some(b_span)) = (a_span, b_span) {
                    out.emit(b_span, format!("{} has both `{a}` and `{b}`", st.label()))
                        .label(format!("`{b}` here"))
                        .secondary(a_span, format!("`{a}` here"))
                        .help(format!("keep either `{a}` or `{b}`"));
                }
            }
            if st.action.is_none() && st.not_action.is_none() && !st.partial {
                out.emit(opening(st.span), format!("{} has neither `Action` nor `NotAction`", st.label()))
                    .label("this statement")
                    .help("name the actions the statement applies to in `Action`");
            }
        }
    }
}
