use crate::analysis::external_id::analyse;
use crate::analysis::reason::Universe;
use crate::analysis::trust::{EXTERNAL_ID, grammar, key_constraint, spacelift_principals};
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink, opening};

declare_rule! {
    /// ## What it does
    /// Reports an `Allow` statement of a trust policy whose conditions can never all hold: for one key, no value
    /// satisfies every condition on it (two `StringEquals` with different values, a
    /// `StringLike` and a `StringNotLike` that cancel out, `Null: true` with a value check),
    /// or, for Spacelift, an external id pattern that accepts no id Spacelift sends.
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
    fn check_policy(&self, _cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        // A trust rule: permission policies have their own (many) conditions, and building
        // automata for all of them would cost most of a corpus run for no finding users expect.
        if !policy.is_trust() {
            return;
        }
        for st in policy.statements.iter().filter(|st| st.is_allow() && !st.partial) {
            let mut keys: Vec<String> = Vec::new();
            for c in &st.conditions {
                if let Some(k) = c.key.as_str()
                    && !keys.iter().any(|x| x.eq_ignore_ascii_case(k))
                {
                    keys.push(k.to_string());
                }
            }
            for key in &keys {
                let Some(kc) = key_constraint(unit, policy, st, key) else { continue };
                if !kc.required {
                    continue;
                }
                let is_external_id = key.eq_ignore_ascii_case(EXTERNAL_ID);
                let universe = if is_external_id { Universe::sts_external_id() } else { Universe::any() };
                let Ok(empty) = kc.lang.is_empty_in(&universe) else { continue };
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
                if empty {
                    let span = kc.conditions.first().map(|c| c.operator_span).unwrap_or(opening(st.span));
                    out.emit(
                        span,
                        format!(
                            "no value of {key} satisfies every condition ({}): {} grants nothing",
                            ops.join("; "),
                            st.label()
                        ),
                    )
                    .secondary(st.span, "in this statement")
                    .help("merge the conditions on this key into one operator with the values you expect");
                    continue;
                }
                if is_external_id && !spacelift_principals(st).is_empty() {
                    let Some(g) = grammar() else { continue };
                    let Ok(a) = analyse(&kc.lang, g) else { continue };
                    if a.current.is_none() && a.legacy.is_none() {
                        let why =
                            a.invalid.map(|d| d.to_string()).unwrap_or_else(|| "no valid id matches".into());
                        out.emit(
                            kc.conditions[0].values.span,
                            format!("the sts:ExternalId condition accepts no external id Spacelift sends ({why}): {} grants nothing", st.label()),
                        )
                        .secondary(st.span, "in this statement")
                        .help("Spacelift sends `<account>@<integration id>@<stack>@<read|write>`");
                    }
                }
            }
        }
    }
}
