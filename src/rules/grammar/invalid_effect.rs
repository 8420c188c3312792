use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink, opening};

declare_rule! {
    /// ## What it does
    /// Reports a statement without `Effect`, or with an `Effect` other than `Allow` or `Deny`
    /// (values are case-sensitive).
    ///
    /// ## Why is this bad?
    /// IAM rejects the policy. A statement meant as a guard-rail `Deny` that is written
    /// `deny` never lands, and the permissive statements around it do.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html
    pub struct InvalidEffect {
        code: "TL004",
        name: "invalid-effect",
        severity: Error,
        family: Grammar,
        summary: "`Effect` missing or not `Allow`/`Deny`",
    }
}

impl Rule for InvalidEffect {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            match &st.effect {
                None if !st.partial => {
                    out.emit(opening(st.span), format!("{} has no `Effect`", st.label()))
                        .label("this statement")
                        .help("add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"");
                }
                Some(e) if e.kind.is_none() => {
                    let Some(text) = e.value.as_str() else { continue };
                    let f =
                        out.emit(e.value.span, format!("`Effect` must be `Allow` or `Deny`, found `{text}`"));
                    f.secondary(st.span, "in this statement");
                    if text.eq_ignore_ascii_case("allow") {
                        f.help("values are case-sensitive: write \"Allow\"");
                    } else if text.eq_ignore_ascii_case("deny") {
                        f.help("values are case-sensitive: write \"Deny\"");
                    } else {
                        f.help("write \"Allow\" or \"Deny\"");
                    }
                }
                _ => {}
            }
        }
    }
}
