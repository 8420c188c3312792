use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a JSON object that repeats a key anywhere in a policy, for example two
    /// `StringEquals` blocks in one `Condition`, or two `Effect` keys: one finding per repeated
    /// key and object, at its second occurrence, counting all of them.
    ///
    /// ## Why is this bad?
    /// JSON parsers silently keep one of the two (usually the last), so the policy AWS stores
    /// is not the one that was reviewed: two `StringEquals` blocks leave only one condition.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "a@..."}, "StringEquals": {"aws:SourceAccount": "111122223333"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "a@...", "aws:SourceAccount": "111122223333"}}
    /// ```
    ///
    /// ## References
    /// - https://www.rfc-editor.org/rfc/rfc8259#section-4
    pub struct DuplicateJsonKey {
        code: "TL011",
        name: "duplicate-json-key",
        severity: Error,
        family: Grammar,
        summary: "a JSON object repeats a key",
    }
}

impl Rule for DuplicateJsonKey {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for d in &policy.duplicate_keys {
            let times = if d.count == 2 { "twice".to_string() } else { format!("{} times", d.count) };
            out.emit(d.span, format!("key `{}` appears {times} in the same object", d.key))
                .label("repeated here")
                .secondary(d.first, "first here")
                .help("merge the two entries into one; parsers keep only one of them");
        }
    }
}
