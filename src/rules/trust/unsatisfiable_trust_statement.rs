use crate::analysis::condition_keys::never_present;
use crate::analysis::external_id::Questions;
use crate::analysis::reason::Universe;
use crate::analysis::trust::{
    EXTERNAL_ID, accepts_only_literal_wildcards, effective, grammar, requires_presence, spacelift_principals,
};
use crate::declare_rule;
use crate::model::{Policy, Statement, Unit};
use crate::rules::external_id::common::spacelift_external_ids;
use crate::rules::{Context, Rule, Sink, opening};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` statement of a trust policy whose conditions can never all hold: for one key, no value
    /// satisfies every condition on it (two `StringEquals` with different values, a
    /// `StringLike` and a `StringNotLike` that cancel out, `Null: true` with a value check),
    /// or, for Spacelift, an external id pattern that accepts no id Spacelift sends. A `Deny`
    /// that refuses every value the statement accepts (for its principals) counts the same,
    /// and so does a non-negated condition on a key no request carries: a typo'd global key
    /// (`aws:PrincipleArn`, with a "did you mean") or the claim key of another OIDC provider
    /// than the one the statement trusts.
    ///
    /// ## Why is this bad?
    /// The statement grants nothing. A role whose only trust statement is unsatisfiable cannot
    /// be assumed, and every run fails with AccessDenied; the mistake is usually found only on
    /// the next deploy.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringEquals": {"sts:ExternalId": "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@app@write"},
    ///               "StringLike": {"sts:ExternalId": "acme@*@app@read"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@app@write"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
    pub struct UnsatisfiableTrustStatement {
        code: "TL112",
        name: "unsatisfiable-trust-statement",
        severity: Warning,
        family: Trust,
        summary: "the conditions of an `Allow` statement can never all hold",
    }
}

impl Rule for UnsatisfiableTrustStatement {
    fn check_policy(&self, cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        // A trust rule: permission policies have their own (many) conditions, and building
        // automata for all of them would cost most of a corpus run for no finding users expect.
        if !policy.is_trust() {
            return;
        }
        for st in policy.statements.iter().filter(|st| st.is_allow() && !st.partial) {
            if report_never_present_key(st, out) {
                continue;
            }
            for key in &condition_keys(st) {
                check_key(cx, unit, policy, st, key, out);
            }
        }
    }
}

/// A non-negated condition on a key no request carries: the statement grants nothing. One
/// finding per statement (the first such key), since the statement is dead either way.
fn report_never_present_key(st: &Statement, out: &mut Sink) -> bool {
    for c in st.conditions.iter().filter(|c| requires_presence(c)) {
        let Some(key) = c.key.as_str() else { continue };
        let Some(np) = never_present(st, key) else { continue };
        let hint = np.did_you_mean.as_ref().map(|k| format!(" (did you mean `{k}`?)")).unwrap_or_default();
        let finding = out
            .emit(
                c.key.span,
                format!(
                    "{}{hint}: no request carries it, so `{}` on it is never true and {} grants nothing",
                    np.reason,
                    c.operator.raw,
                    st.label()
                ),
            )
            .label("never present")
            .secondary(st.span, "in this statement");
        match &np.did_you_mean {
            Some(k) => finding.help(format!("write `{k}`")),
            None => finding.help("use a condition key the request carries"),
        };
        return true;
    }
    false
}

/// The condition keys of a statement, once each (IAM compares key names case-insensitively).
fn condition_keys(st: &Statement) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for c in &st.conditions {
        if let Some(k) = c.key.as_str()
            && !keys.iter().any(|x| x.eq_ignore_ascii_case(k))
        {
            keys.push(k.to_string());
        }
    }
    keys
}

/// Whether the conditions on `key` (after the Deny statements) leave any value, and for the
/// external id of a Spacelift principal, any id Spacelift sends.
fn check_key(cx: &Context, unit: &Unit, policy: &Policy, st: &Statement, key: &str, out: &mut Sink) {
    // `*` under StringEquals on the external id: TL105 reports it with this consequence.
    if st.conditions_on(key).any(accepts_only_literal_wildcards) {
        return;
    }
    let Some(eff) = effective(unit, policy, st, key) else { return };
    if eff.absent {
        return;
    }
    let kc = &eff.allow;
    let is_external_id = key.eq_ignore_ascii_case(EXTERNAL_ID);
    let universe = if is_external_id { Universe::sts_external_id() } else { Universe::any() };
    let Ok(empty) = eff.lang.is_empty_in(&universe) else { return };
    // Only a Deny that refused what the Allow accepts is worth naming.
    let by_deny = match (empty, eff.denied()) {
        (true, true) => kc.lang.is_empty_in(&universe).ok() == Some(false),
        _ => false,
    };
    let denied = if by_deny {
        let labels: Vec<String> = eff.refusal.by.iter().map(|d| d.label()).collect();
        format!(" once the Deny in {} is applied", labels.join(", "))
    } else {
        String::new()
    };
    if empty {
        let ops: Vec<String> = kc
            .conditions
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c.operator.raw,
                    c.values.known().map(|(v, _)| v).collect::<Vec<_>>().join("|")
                )
            })
            .collect();
        let span = kc.conditions.first().map(|c| c.operator_span).unwrap_or(opening(st.span));
        let deny_spans: Vec<Span> =
            if by_deny { eff.refusal.by.iter().map(|d| d.span).collect() } else { Vec::new() };
        report_empty(st, key, span, &ops.join("; "), &denied, &deny_spans, out);
        return;
    }
    if is_external_id && !spacelift_principals(st).is_empty() {
        // When every value alone matches no Spacelift id, TL201 reports each one;
        // this finding is for conditions that only together exclude every id.
        let ids = spacelift_external_ids(cx, unit, policy);
        let values: Vec<_> = ids.iter().filter(|v| std::ptr::eq(v.statement, st)).collect();
        if !eff.denied() && !values.is_empty() {
            let valid: Vec<_> = values.iter().map(|v| v.analysis.accepts_valid()).collect();
            if valid.iter().all(|a| *a == Ok(false)) {
                return;
            }
            // One condition, no Deny: the language is the union of its values, so a value that
            // accepts a valid id answers for all of them.
            if kc.conditions.len() == 1 && valid.contains(&Ok(true)) {
                return;
            }
        }
        let Some(g) = grammar() else { return };
        let q = Questions::new(eff.lang.clone(), g);
        if q.accepts_valid() == Ok(false) {
            let Ok(invalid) = q.invalid() else { return };
            let why = invalid.map(|d| d.to_string()).unwrap_or_else(|| "no valid id matches".into());
            out.emit(
                kc.conditions[0].values.span,
                format!("the sts:ExternalId condition accepts no external id Spacelift sends ({why}){denied}: {} grants nothing", st.label()),
            )
            .secondary(st.span, "in this statement")
            .help("Spacelift sends `<account>@<integration id>@<stack>@<read|write>`");
        }
    }
}

/// The statement's conditions on `key` leave no value (`deny_spans`: the Deny statements that
/// removed what the Allow accepted, if that is why).
fn report_empty(
    st: &Statement,
    key: &str,
    span: Span,
    ops: &str,
    denied: &str,
    deny_spans: &[Span],
    out: &mut Sink,
) {
    let help = if deny_spans.is_empty() {
        "merge the conditions on this key into one operator with the values you expect"
    } else {
        "narrow the Deny so it leaves the values this statement is for, or remove the statement"
    };
    let mut finding = out
        .emit(
            span,
            format!(
                "no value of {key} satisfies every condition ({ops}){denied}: {} grants nothing",
                st.label()
            ),
        )
        .secondary(st.span, "in this statement")
        .help(help);
    for d in deny_spans {
        finding = finding.secondary(*d, "refused by this Deny");
    }
}
