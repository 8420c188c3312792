use crate::analysis::trust::{
    accepts_only_literal_wildcards, describe_principals, has_wildcard, is_literal_wildcard_id,
    spacelift_principals,
};
use crate::declare_rule;
use crate::model::{BaseOp, Condition, Policy, Statement, Unit};
use crate::rules::{Context, Finding, Fix, Rule, Severity, Sink, fix};

declare_rule! {
    /// ## What it does
    /// Reports `*` or `?` inside a value of `StringEquals`, `StringEqualsIgnoreCase` or their
    /// negations, where they are matched literally, and (as an info note) inside
    /// `ArnEquals`/`ArnNotEquals`, where AWS matches them as wildcards exactly as `ArnLike` does.
    /// Policy variables such as `${*}` are not counted. On `sts:ExternalId` such a value can
    /// never be sent (STS rejects `*` and `?` in external ids): the finding says so, is an
    /// error when no value of the condition can match (the statement grants nothing), and the
    /// rules that would report the consequences (TL112, TL201-TL205) leave the value to it.
    ///
    /// ## Why is this bad?
    /// `"StringEquals": {"sts:ExternalId": "acme@*"}` only accepts the literal string `acme@*`,
    /// which Spacelift never sends: every run fails with AccessDenied. The author almost always
    /// meant `StringLike`. AWS documents `ArnEquals` with the same per-part wildcards as
    /// `ArnLike`, so there the pattern works; but readers and other tools take `Equals`
    /// literally, so `ArnLike` says what the policy does.
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
    /// ## Fix
    /// Safe: `StringEquals` becomes `StringLike` and `StringNotEquals` becomes `StringNotLike`
    /// (prefixes such as `ForAnyValue:` and the `IfExists` suffix are kept). Not offered for the
    /// `IgnoreCase` operators (`StringLike` is case-sensitive) nor for `ArnEquals`, which already
    /// matches wildcards, nor when the statement already has a block of the new name, nor when
    /// a value is only wildcards (`"*"` would accept every value: the intent is not certain).
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
    pub struct WildcardInExactMatch {
        code: "TL105",
        name: "wildcard-in-exact-match",
        severity: Warning,
        family: Trust,
        summary: "`*` or `?` under an exact-match operator: literal in `StringEquals`, a wildcard in `ArnEquals`",
        fix: Safe,
    }
}

impl Rule for WildcardInExactMatch {
    fn check_policy(&self, cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
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
                let fix = like_fix(cx, st, c, base);
                for (value, span) in c.values.known().filter(|(v, _)| has_wildcard(v)) {
                    if is_literal_wildcard_id(c, value) {
                        report_unsendable_id(out, st, c, value, span).fix(fix.clone());
                        continue;
                    }
                    if literal {
                        out.emit(
                            span,
                            format!(
                                "`{value}` under `{}` is matched literally: `*` and `?` are not wildcards here",
                                c.operator.raw
                            ),
                        )
                        .secondary(c.operator_span, "exact-match operator")
                        .help(format!("use `{like}` for a pattern"))
                        .fix(fix.clone());
                    } else {
                        // AWS documents ArnEquals with ArnLike's wildcards: it works, it only reads
                        // as an exact match.
                        out.emit(
                            span,
                            format!(
                                "`{value}` has wildcards under `{}`, which AWS matches as `{like}` does: the operator reads as an exact match",
                                c.operator.raw
                            ),
                        )
                        .severity(Severity::Info)
                        .secondary(c.operator_span, "wildcards work here")
                        .help(format!("write `{like}` so the pattern reads as one"));
                    }
                }
            }
        }
    }
}

/// `StringEquals` -> `StringLike` in the operator as written, keeping its prefix and suffix.
fn like_fix(cx: &Context, st: &Statement, c: &Condition, base: BaseOp) -> Option<Fix> {
    let (old, new) = match base {
        BaseOp::StringEquals => ("StringEquals", "StringLike"),
        BaseOp::StringNotEquals => ("StringNotEquals", "StringNotLike"),
        _ => return None,
    };
    // `*` alone as a pattern accepts every value: what the author meant is not certain.
    if c.values.known().any(|(v, _)| !v.is_empty() && v.chars().all(|ch| ch == '*' || ch == '?')) {
        return None;
    }
    let edit = fix::rename_operator(cx, st, c, old, new)?;
    Some(Fix::safe(format!("Replace `{old}` with `{new}`"), vec![edit]))
}

/// The root cause with its consequences: the value can never be sent, so the condition (when
/// all its values are such) and with it the statement accept nothing.
fn report_unsendable_id<'s>(
    out: &'s mut Sink,
    st: &Statement,
    c: &Condition,
    value: &str,
    span: crate::source::Span,
) -> &'s mut Finding {
    let whole = accepts_only_literal_wildcards(c);
    let consequence = if !whole {
        "this value matches no request".to_string()
    } else if !spacelift_principals(st).is_empty() {
        format!(
            "no external id Spacelift sends can match, so {} grants nothing and runs will fail",
            st.label()
        )
    } else {
        format!("no caller can match it, so {} grants nothing to {}", st.label(), describe_principals(st))
    };
    let finding = out
        .emit(
            span,
            format!(
                "`{value}` under `{}` is matched literally, and STS never accepts `*` or `?` in an external id: {consequence}",
                c.operator.raw
            ),
        )
        .secondary(c.operator_span, "exact-match operator")
        .help("use `StringLike` for a pattern");
    if whole {
        finding.severity(Severity::Error);
    }
    finding
}
