use crate::analysis::reason::Universe;
use crate::analysis::trust::{EXTERNAL_ID, effective};
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::{Context, Rule, Sink};

declare_rule! {
    /// ## What it does
    /// Computes, over the patterns, every external id the statement's conditions accept, and
    /// reports the condition when that set is every value STS lets a caller send (2 to 1224
    /// characters of `[\w+=,.@:/-]`): `*`, `?*`, `??*` and the like. What `Deny`
    /// statements refuse to the statement's principals is taken out first.
    ///
    /// ## Why is this bad?
    /// A condition that every caller satisfies is the same as no condition: the role is open
    /// to the confused deputy while the policy looks protected to a reviewer.
    ///
    /// ## Example
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "?*"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": {"StringLike": {"sts:ExternalId": "acme@*@stack-a@*"}}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
    pub struct WildcardExternalId {
        code: "TL104",
        name: "wildcard-external-id",
        severity: Error,
        family: Trust,
        summary: "the sts:ExternalId condition accepts every external id",
    }
}

impl Rule for WildcardExternalId {
    fn check_policy(&self, _cx: &Context, unit: &Unit, policy: &Policy, out: &mut Sink) {
        let universe = Universe::sts_external_id();
        // Only statements that constrain the id can accept every id; the test is cheap, the
        // Allow-minus-Deny reasoning scans the whole policy.
        let constrained = policy
            .statements
            .iter()
            .filter(|st| st.is_allow() && st.conditions_on(EXTERNAL_ID).next().is_some());
        for st in constrained {
            let Some(eff) = effective(unit, policy, st, EXTERNAL_ID) else { continue };
            let kc = &eff.allow;
            if kc.conditions.is_empty() || !kc.required || kc.has_holes() {
                // A value with unknown holes could be anything there: "accepts every id" would
                // be a guess.
                continue;
            }
            // A Deny that refuses some ids narrows the statement: only what is left counts.
            if eff.lang.is_universal_over(&universe).is_err() {
                continue;
            }
            let first = kc.conditions[0];
            let shown: Vec<&str> =
                kc.conditions.iter().flat_map(|c| c.values.known().map(|(v, _)| v)).collect();
            out.emit(
                first.values.span,
                format!(
                    "the sts:ExternalId condition (`{}`) accepts every external id a caller can send, even `aa`{}",
                    shown.join("`, `"),
                    eff.refusal.note()
                ),
            )
            .label("matches every external id")
            .secondary(st.span, "in this statement")
            .help("match the ids you expect, e.g. `acme@*@stack-a@*` for Spacelift or the exact id a vendor gives you");
        }
    }
}
