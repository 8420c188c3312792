use crate::declare_rule;
use crate::model::{BaseOp, Policy, Unit};
use crate::rules::{Context, Rule, Sink, did_you_mean};

declare_rule! {
    /// ## What it does
    /// Reports a condition operator IAM does not know (with a "did you mean" for near misses,
    /// such as `StringEqual` or `stringequals`; operators are case-sensitive), and `IfExists`
    /// on `Null`, which IAM does not allow.
    ///
    /// ## Why is this bad?
    /// IAM rejects the policy. A tool that tolerates it drops the condition, and a trust
    /// policy that relied on it (for example to require `sts:ExternalId`) trusts everybody the
    /// principal allows.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringEqual": {"sts:ExternalId": "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@prod@write"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@prod@write"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    pub struct UnknownConditionOperator {
        code: "TL008",
        name: "unknown-condition-operator",
        severity: Error,
        family: Grammar,
        summary: "a condition operator IAM does not know, or `IfExists` on `Null`",
    }
}

impl Rule for UnknownConditionOperator {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            let mut seen = Vec::new();
            for c in &st.conditions {
                // One finding per operator block, not per key under it.
                if seen.contains(&c.operator_span) {
                    continue;
                }
                seen.push(c.operator_span);
                let op = &c.operator;
                match op.base {
                    None => {
                        let f = out.emit(c.operator_span, format!("unknown condition operator `{}`", op.raw));
                        f.label("not an IAM condition operator");
                        let bare = op.raw.rsplit(':').next().unwrap_or(&op.raw);
                        let bare = bare.strip_suffix("IfExists").unwrap_or(bare);
                        if let Some(s) = did_you_mean(bare, BaseOp::ALL.iter().map(|b| b.name())) {
                            let mut fixed = op.raw.replacen(bare, s, 1);
                            if fixed == op.raw {
                                fixed = s.to_string();
                            }
                            f.help(format!("did you mean `{fixed}`?"));
                        } else {
                            f.help("see the list of IAM condition operators");
                        }
                    }
                    Some(BaseOp::Null) if op.if_exists => {
                        out.emit(c.operator_span, "`IfExists` cannot be used with `Null`")
                            .help("write `Null`: it already tests whether the key is present");
                    }
                    _ => {}
                }
            }
        }
    }
}
