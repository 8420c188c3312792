use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Fix, Rule, Severity, Sink, fix, opening};

declare_rule! {
    /// ## What it does
    /// Checks the policy's `Version`: a warning when it is missing, an error when it is not one
    /// of the two strings IAM accepts (`2012-10-17`, `2008-10-17`).
    ///
    /// ## Why is this bad?
    /// Without `Version`, IAM applies the 2008-10-17 language: policy variables such as
    /// `${aws:username}` are matched literally, so conditions silently stop meaning what they
    /// say. Any other value is rejected by IAM.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-18", "Statement": [...]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [...]}
    /// ```
    ///
    /// ## Fix
    /// Safe: a missing `Version` is added as the document's first member, in the style of the
    /// member that follows (its line and indentation, quoting, `:` or `=`); an invalid one is
    /// replaced with `"2012-10-17"`; a `version` key in another case is renamed. Not offered for a document that is computed (`merge(...)`,
    /// a reference) rather than written out.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
    pub struct InvalidPolicyVersion {
        code: "TL002",
        name: "invalid-policy-version",
        severity: Warning,
        family: Grammar,
        summary: "`Version` missing or not a valid policy language version",
        fix: Safe,
    }
}

impl Rule for InvalidPolicyVersion {
    fn check_policy(&self, cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.malformed.is_empty() && policy.statements.is_empty() {
            return;
        }
        match &policy.version {
            None if !policy.partial => {
                out.emit(opening(policy.span), "policy has no `Version`: IAM applies 2008-10-17 semantics")
                    .label("no `Version` in this policy")
                    .help(
                        "add \"Version\": \"2012-10-17\"; without it policy variables are matched literally",
                    )
                    .fix(add_version(cx, policy));
            }
            Some(v) => match v.as_str() {
                Some("2012-10-17") | Some("2008-10-17") | None => {}
                Some(other) => {
                    out.emit(v.span, format!("`{other}` is not a policy language version"))
                        .severity(Severity::Error)
                        .help("use \"2012-10-17\"")
                        .fix(
                            fix::replace_literal(cx, v.span, other, CURRENT)
                                .map(|e| Fix::safe(format!("Replace `{other}` with `{CURRENT}`"), vec![e])),
                        );
                }
            },
            None => {}
        }
    }
}

/// The current policy language version.
const CURRENT: &str = "2012-10-17";

/// `"Version": "2012-10-17"` as the first member, or the key renamed when it is written in
/// another case (`"version"`, which IAM does not read).
fn add_version(cx: &Context, policy: &Policy) -> Option<Fix> {
    let miscased =
        policy.unknown_keys.iter().find(|k| k.as_str().is_some_and(|t| t.eq_ignore_ascii_case("Version")));
    if let Some(key) = miscased {
        let text = key.as_str()?;
        let edit = fix::replace_literal(cx, key.span, text, "Version")?;
        return Some(Fix::safe(format!("Rename `{text}` to `Version`"), vec![edit]));
    }
    let edit = fix::insert_first_member(cx, policy.span, "Version", CURRENT)?;
    Some(Fix::safe("Add \"Version\": \"2012-10-17\"", vec![edit]))
}
