use crate::declare_rule;
use crate::model::{Policy, PolicyKind, Unit};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a `Sid` used twice in one policy, and a `Sid` with characters other than
    /// A-Z, a-z and 0-9.
    ///
    /// ## Why is this bad?
    /// IAM rejects non-alphanumeric `Sid`s in identity and trust policies, and requires them to
    /// be unique; tools that merge statements by `Sid` (Terraform's `aws_iam_policy_document`
    /// with `override_policy_documents`) silently replace one of the duplicates. Resource
    /// policies are left alone: S3 bucket policies (and the other services' resource policies)
    /// accept any `Sid` text and repeated `Sid`s, and AWS's own examples use spaces in them.
    ///
    /// ## Example
    /// ```json
    /// {"Sid": "allow-spacelift", "Effect": "Allow", ...}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Sid": "AllowSpacelift", "Effect": "Allow", ...}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
    pub struct InvalidSid {
        code: "TL010",
        name: "invalid-sid",
        severity: Warning,
        family: Grammar,
        summary: "duplicate `Sid`, or a `Sid` that is not alphanumeric",
    }
}

impl Rule for InvalidSid {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if policy.kind == PolicyKind::Resource {
            return;
        }
        let mut seen: Vec<(&str, crate::source::Span)> = Vec::new();
        for st in &policy.statements {
            let Some(sid) = &st.sid else { continue };
            let Some(text) = sid.as_str() else { continue };
            if !text.chars().all(|c| c.is_ascii_alphanumeric()) {
                let cleaned: String =
                    text.split(|c: char| !c.is_ascii_alphanumeric()).map(capitalise).collect();
                out.emit(sid.span, format!("`Sid` \"{text}\" has characters other than A-Z, a-z, 0-9"))
                    .help(format!("write \"{cleaned}\""));
            }
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == text) {
                out.emit(sid.span, format!("duplicate `Sid` \"{text}\""))
                    .secondary(*first, "first used here")
                    .help("give every statement its own `Sid`");
            } else if !text.is_empty() {
                seen.push((text, sid.span));
            }
        }
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}
