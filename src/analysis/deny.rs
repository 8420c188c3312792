//! What the `Deny` statements of a policy refuse, for the questions the trust rules ask: which
//! values of one condition key (external ids, OIDC subjects) a given principal can still pass
//! with. An explicit deny wins over any allow, so a statement's accepted language is its
//! `Allow` language minus what every applicable `Deny` certainly refuses.
//!
//! A `Deny` is *certain* when it names the principal (or anyone), covers the action and has no
//! condition on a key other than the one asked about (those keys are outside what the question
//! models). Otherwise it is *undecided*: it may refuse, so "is this accepted?" answers become
//! unknown while "can this be accepted?" answers stand, saying which Deny might refuse.

use crate::analysis::reason::Lang;
use crate::analysis::trust::key_constraint;
use crate::aws::arn;
use crate::model::{Policy, Principal, Statement, Unit, action_matches};

/// The caller a question is about: an `AWS`/`Federated`/`Service` principal value as written in
/// the `Allow` statement, or anyone (`"*"`).
pub const ANYONE: &str = "*";

/// What a policy's `Deny` statements refuse for one principal, action and key.
#[derive(Clone, Debug)]
pub struct Refusal<'a> {
    /// Values of the key, when sent, that some certain `Deny` refuses.
    pub lang: Lang,
    /// Some certain `Deny` refuses requests that do not send the key.
    pub absent: bool,
    /// The certain `Deny` statements that refuse something.
    pub by: Vec<&'a Statement>,
    /// `Deny` statements that may refuse but cannot be decided, with the reason.
    pub undecided: Vec<(&'a Statement, String)>,
}

impl<'a> Refusal<'a> {
    /// Refuses nothing.
    pub fn none() -> Refusal<'a> {
        Refusal { lang: Lang::nothing(), absent: false, by: Vec::new(), undecided: Vec::new() }
    }

    /// Whether some certain `Deny` applies at all.
    pub fn is_none(&self) -> bool {
        self.by.is_empty()
    }

    /// What is refused for *each* of two callers (a statement with several principals passes
    /// a value when it passes for one of them).
    fn meet(self, other: Refusal<'a>) -> Refusal<'a> {
        let mut by = self.by;
        for st in other.by {
            if !by.iter().any(|s| std::ptr::eq(*s, st)) {
                by.push(st);
            }
        }
        let mut undecided = self.undecided;
        undecided.extend(other.undecided);
        Refusal { lang: self.lang.and(&other.lang), absent: self.absent && other.absent, by, undecided }
    }

    /// "; a Deny may still refuse it (statement "X" has a condition on k, ...)", or "".
    pub fn note(&self) -> String {
        match self.undecided.first() {
            None => String::new(),
            Some((st, why)) => format!("; a Deny may still refuse it ({} {why})", st.label()),
        }
    }
}

/// Does a principal element cover the caller? `None` when it cannot be told (another principal
/// of the same account, unknown values).
fn principal_covers(p: &Principal, caller: &str) -> Option<bool> {
    if p.is_anyone() {
        return Some(true);
    }
    if caller == ANYONE {
        // A named principal never covers every caller.
        return Some(false);
    }
    let caller_account = arn::principal_account(caller);
    let mut maybe = p.partial;
    for e in &p.entries {
        for v in &e.values.items {
            let Some(v) = v.as_str() else {
                maybe = true;
                continue;
            };
            if v == caller {
                return Some(true);
            }
            if e.kind.as_str() != Some("AWS") {
                continue;
            }
            let account = arn::principal_account(v);
            if account.is_some() && account == caller_account {
                if v.len() == 12 || v.ends_with(":root") {
                    return Some(true);
                }
                // Another role of the caller's account: it covers the caller only if the
                // caller is that role.
                maybe = true;
            }
        }
    }
    if maybe { None } else { Some(false) }
}

/// Does the statement apply to the caller? `None` when it cannot be told.
fn covers_caller(st: &Statement, caller: &str) -> Option<bool> {
    match (&st.principal, &st.not_principal) {
        (Some(p), _) => principal_covers(p, caller),
        (None, Some(np)) if caller == ANYONE => principal_covers(np, caller).map(|_| false),
        (None, Some(np)) => principal_covers(np, caller).map(|c| !c),
        (None, None) => Some(true),
    }
}

/// Does the statement cover the action? `None` when its actions are not all known.
fn covers_action(st: &Statement, action: &str) -> Option<bool> {
    let (list, negated) = match (&st.action, &st.not_action) {
        (Some(a), _) => (a, false),
        (None, Some(na)) => (na, true),
        (None, None) => return Some(false),
    };
    let hit = list.known().any(|(p, _)| action_matches(p, action));
    if hit {
        return Some(!negated);
    }
    if !list.is_fully_known() {
        return None;
    }
    Some(negated)
}

/// What one `Deny` statement does to the question.
enum DenyEffect {
    /// Does not apply to this caller or action.
    NotApplicable,
    /// Refuses these values (and absence, when `absent`).
    Refuses {
        lang: Lang,
        absent: bool,
    },
    Undecided(String),
}

fn deny_effect(
    unit: &Unit,
    policy: &Policy,
    st: &Statement,
    caller: &str,
    action: &str,
    key: &str,
) -> DenyEffect {
    if st.partial {
        return DenyEffect::Undecided("has unresolved parts".into());
    }
    match (covers_caller(st, caller), covers_action(st, action)) {
        (Some(false), _) | (_, Some(false)) => return DenyEffect::NotApplicable,
        (None, _) => return DenyEffect::Undecided("names a principal that may be the caller".into()),
        (_, None) => return DenyEffect::Undecided("has actions that cannot be resolved".into()),
        (Some(true), Some(true)) => {}
    }
    if let Some(other) = st.conditions.iter().find(|c| !c.key_is(key)) {
        let name = other.key.as_str().unwrap_or("an unresolved key");
        return DenyEffect::Undecided(format!("has a condition on {name}, which trustlint cannot decide"));
    }
    match key_constraint(unit, policy, st, key) {
        Some(kc) => DenyEffect::Refuses { lang: kc.lang, absent: !kc.required },
        None => DenyEffect::Undecided(format!("has a condition on {key} that cannot be decided")),
    }
}

/// What the policy's `Deny` statements refuse to `caller` calling `action`, over the values of
/// `key`.
pub fn refusal<'a>(unit: &Unit, policy: &'a Policy, caller: &str, action: &str, key: &str) -> Refusal<'a> {
    let mut out = Refusal::none();
    let mut langs = Vec::new();
    for st in policy.statements.iter().filter(|s| s.is_deny()) {
        match deny_effect(unit, policy, st, caller, action, key) {
            DenyEffect::NotApplicable => {}
            DenyEffect::Refuses { lang, absent } => {
                langs.push(lang);
                out.absent |= absent;
                out.by.push(st);
            }
            DenyEffect::Undecided(why) => out.undecided.push((st, why)),
        }
    }
    out.lang = Lang::union(langs);
    out
}

/// The callers an `Allow` statement names, as [`refusal`] takes them.
pub fn callers(st: &Statement) -> Vec<&str> {
    let Some(p) = &st.principal else { return vec![ANYONE] };
    if p.is_anyone() || p.partial {
        return vec![ANYONE];
    }
    let mut out = Vec::new();
    for e in &p.entries {
        for v in &e.values.items {
            match v.as_str() {
                Some(text) => out.push(text),
                // An unknown principal may be anyone: nothing is certainly refused to it.
                None => return vec![ANYONE],
            }
        }
    }
    if out.is_empty() { vec![ANYONE] } else { out }
}

/// What is refused to *every* caller the statement names (its accepted language is its own
/// language minus this).
pub fn refusal_for_statement<'a>(
    unit: &Unit,
    policy: &'a Policy,
    st: &Statement,
    action: &str,
    key: &str,
) -> Refusal<'a> {
    if !policy.statements.iter().any(|s| s.is_deny()) {
        return Refusal::none();
    }
    let mut callers = callers(st).into_iter();
    let Some(first) = callers.next() else { return Refusal::none() };
    callers.fold(refusal(unit, policy, first, action, key), |acc, c| {
        acc.meet(refusal(unit, policy, c, action, key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::reason::{PatternKind, VarMode};
    use crate::analysis::trust::{EXTERNAL_ID, accepts, effective};
    use crate::input::policy::{KindHint, build_policy};
    use crate::input::tree::parse_json;
    use crate::model::PolicyQuota;
    use crate::source::SourceId;

    const SPACELIFT: &str = r#"{"AWS": "arn:aws:iam::324880187172:root"}"#;

    fn policy(allow_condition: &str, deny: &str) -> Policy {
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": [
                {{"Effect": "Allow", "Principal": {SPACELIFT}, "Action": "sts:AssumeRole", "Condition": {allow_condition}}},
                {deny}]}}"#
        );
        let root = parse_json(&json, SourceId(0), 0).expect("test policy parses");
        build_policy(&root, KindHint::Infer, PolicyQuota::Unspecified)
    }

    fn ids(id: &str) -> Lang {
        Lang::pattern(PatternKind::Equals, id, VarMode::Literal).expect("literal")
    }

    #[test]
    fn negated_deny_requires_the_key() {
        let p = policy(
            "{}",
            r#"{"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Condition": {"StringNotLike": {"sts:ExternalId": "acme@*"}}}"#,
        );
        let unit = Unit::default();
        let eff = effective(&unit, &p, &p.statements[0], EXTERNAL_ID).expect("decidable");
        assert!(!eff.absent, "a request without an external id is denied");
        assert!(eff.is_exact());
        assert!(eff.lang.contains("acme@x"));
        assert!(!eff.lang.contains("other@x"));
        let allow = p.statements.iter().filter(|s| s.is_allow());
        assert!(!accepts(&unit, &p, allow, EXTERNAL_ID, Some(&ids("acme@x"))).is_refused());
        let allow = p.statements.iter().filter(|s| s.is_allow());
        assert!(matches!(
            accepts(&unit, &p, allow, EXTERNAL_ID, Some(&ids("other@x"))),
            crate::analysis::trust::Acceptance::Denied(_)
        ));
    }

    #[test]
    fn deny_of_another_principal_does_not_apply() {
        let p = policy(
            "{}",
            r#"{"Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}"#,
        );
        let eff = effective(&Unit::default(), &p, &p.statements[0], EXTERNAL_ID).expect("decidable");
        assert!(eff.absent);
        assert!(!eff.denied());
    }

    #[test]
    fn deny_of_a_role_in_the_same_account_is_undecided() {
        let p = policy(
            "{}",
            r#"{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::324880187172:role/x"}, "Action": "sts:AssumeRole"}"#,
        );
        let eff = effective(&Unit::default(), &p, &p.statements[0], EXTERNAL_ID).expect("decidable");
        assert!(eff.absent, "may accept stays answered");
        assert!(!eff.is_exact(), "must accept becomes unknown");
    }

    #[test]
    fn deny_with_another_key_is_undecided_and_must_accept_is_unknown() {
        let p = policy(
            r#"{"StringLike": {"sts:ExternalId": "acme@*"}}"#,
            r#"{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
                "Condition": {"StringLike": {"sts:ExternalId": "*@read"}, "Bool": {"aws:SecureTransport": "false"}}}"#,
        );
        let unit = Unit::default();
        let eff = effective(&unit, &p, &p.statements[0], EXTERNAL_ID).expect("decidable");
        assert!(eff.lang.contains("acme@a@b@read"));
        assert!(eff.refusal.note().contains("aws:SecureTransport"));
        let allow = p.statements.iter().filter(|s| s.is_allow());
        assert!(matches!(
            accepts(&unit, &p, allow, EXTERNAL_ID, Some(&ids("acme@a@b@read"))),
            crate::analysis::trust::Acceptance::Undecided
        ));
    }

    #[test]
    fn not_action_deny_covers_other_actions_only() {
        let p = policy("{}", r#"{"Effect": "Deny", "Principal": "*", "NotAction": "sts:AssumeRole"}"#);
        let eff = effective(&Unit::default(), &p, &p.statements[0], EXTERNAL_ID).expect("decidable");
        assert!(eff.absent && !eff.denied());
    }
}
