use crate::declare_rule;
use crate::model::{BaseOp, Policy, Unit};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Reports `*` or `?` inside a value of `StringEquals`, `StringEqualsIgnoreCase` or their
    /// negations, where they are matched literally, and inside `ArnEquals`/`ArnNotEquals`.
    /// Policy variables such as `${*}` are not counted.
    ///
    /// ## Why is this bad?
    /// `"StringEquals": {"sts:ExternalId": "acme@*"}` only accepts the literal string `acme@*`,
    /// which Spacelift never sends: every run fails with AccessDenied. The author almost always
    /// meant `StringLike`. AWS documents `ArnEquals` with the same per-part wildcards as
    /// `ArnLike`, but other tools and readers take `Equals` literally; write `ArnLike` so the
    /// pattern's intent is plain.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "acme@*@stack-a@*"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@stack-a@*"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
    pub struct WildcardInExactMatch {
        code: "TL105",
        name: "wildcard-in-exact-match",
        severity: Warning,
        family: Trust,
        summary: "`*` or `?` in an exact-match operator, matched literally",
    }
}

fn has_wildcard(value: &str) -> bool {
    // `${*}`, `${?}` and other policy variables are not wildcards.
    let mut rest = value;
    let mut plain = String::new();
    while let Some(start) = rest.find("${") {
        plain.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    plain.push_str(rest);
    plain.contains('*') || plain.contains('?')
}

impl Rule for WildcardInExactMatch {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        for st in &policy.statements {
            for c in &st.conditions {
                let Some(base) = c.operator.base else { continue };
                let (like, literal) = match base {
                    BaseOp::StringEquals | BaseOp::StringEqualsIgnoreCase => ("StringLike", true),
                    BaseOp::StringNotEquals | BaseOp::StringNotEqualsIgnoreCase => ("StringNotLike", true),
                    BaseOp::ArnEquals => ("ArnLike", false),
                    BaseOp::ArnNotEquals => ("ArnNotLike", false),
                    _ => continue,
                };
                for (value, span) in c.values.known().filter(|(v, _)| has_wildcard(v)) {
                    let message = if literal {
                        format!(
                            "`{value}` under `{}` is matched literally: `*` and `?` are not wildcards here",
                            c.operator.raw
                        )
                    } else {
                        format!(
                            "`{value}` uses wildcards under `{}`; the intent reads as an exact match",
                            c.operator.raw
                        )
                    };
                    out.emit(span, message)
                        .secondary(c.operator_span, "exact-match operator")
                        .help(format!("use `{like}` for a pattern"));
                }
            }
        }
    }
}
