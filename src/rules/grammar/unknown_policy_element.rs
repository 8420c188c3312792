use crate::declare_rule;
use crate::input::policy::{POLICY_KEYS, STATEMENT_KEYS};
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink, did_you_mean};

declare_rule! {
    /// ## What it does
    /// Reports a top-level or statement key that is not part of the IAM policy grammar, such as
    /// `Actions`, `Principals`, `Conditions` or a wrong case like `effect`.
    ///
    /// ## Why is this bad?
    /// IAM rejects the policy. Where a tool tolerates it, the misspelt element is ignored, so a
    /// `Conditions` block that was meant to restrict access restricts nothing.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Actions": "sts:AssumeRole", "Principal": {"AWS": "111122223333"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "111122223333"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
    pub struct UnknownPolicyElement {
        code: "TL003",
        name: "unknown-policy-element",
        severity: Error,
        family: Grammar,
        summary: "a top-level or statement key that IAM does not know",
    }
}

impl Rule for UnknownPolicyElement {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for key in &policy.unknown_keys {
            let name = key.as_str().unwrap_or_default();
            let f = out.emit(key.span, format!("unknown policy element `{name}`"));
            f.label("not a policy element");
            match did_you_mean(name, POLICY_KEYS.iter().copied()) {
                Some(s) => f.help(format!("did you mean `{s}`?")),
                None => f.help("a policy holds only `Version`, `Id` and `Statement`"),
            };
        }
        for st in &policy.statements {
            for key in &st.unknown_keys {
                let name = key.as_str().unwrap_or_default();
                let f = out.emit(key.span, format!("unknown statement element `{name}` in {}", st.label()));
                f.label("not a statement element").secondary(st.span, "in this statement");
                match did_you_mean(name, STATEMENT_KEYS.iter().copied()) {
                    Some(s) => f.help(format!("did you mean `{s}`?")),
                    None => f.help(format!("a statement holds only {}", STATEMENT_KEYS.join(", "))),
                };
            }
        }
    }
}
