//! IAM evaluation of one concrete request against one policy (docs/facts.md, "Policy grammar
//! and evaluation"): used by `verify` to predict the STS answer, by `simulate` to answer it
//! offline, and by cross-resource rules.
//!
//! Semantics: a statement applies when principal, action and every condition match; an
//! applicable `Deny` wins over any `Allow`; nothing applicable is an implicit deny. A missing
//! key makes a condition false, except for negated operators, `...IfExists` and
//! `ForAllValues:`, which are true. Values under one key are ORed; keys and operators ANDed.
//!
//! Every statement's outcome is kept with the index of the condition that decided it, so a
//! report can point at the deciding statement and condition in the user's file.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::reason::{Lang, PatternKind, VarMode};
use crate::analysis::trust::value_lang;
use crate::aws::arn;
use crate::model::{
    BaseOp, Condition, Policy, Principal, SetQualifier, Statement, Unit, Value, action_matches,
};

/// The caller and what it sends.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `arn:aws:iam::324880187172:root`, a role or assumed-role ARN, or a service principal.
    pub principal: String,
    pub action: String,
    /// Condition keys present in the request (lowercase key -> values).
    context: BTreeMap<String, Vec<String>>,
    /// Each key as first written (`aws:PrincipalArn`), for reports.
    names: BTreeMap<String, String>,
    /// Keys present in the real request whose value the caller of the evaluator does not know
    /// (lowercase): a condition on one of them cannot be decided rather than taken as absent.
    unknown: BTreeSet<String>,
}

impl Request {
    pub fn new(principal: impl Into<String>, action: impl Into<String>) -> Self {
        Request {
            principal: principal.into(),
            action: action.into(),
            context: BTreeMap::new(),
            names: BTreeMap::new(),
            unknown: BTreeSet::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        let lower = key.to_ascii_lowercase();
        self.names.entry(lower.clone()).or_insert_with(|| key.to_owned());
        self.context.entry(lower).or_default().push(value.into());
        self
    }

    /// The key is in the request, with a value nobody here knows.
    pub fn with_unknown(mut self, key: &str) -> Self {
        self.unknown.insert(key.to_ascii_lowercase());
        self
    }

    /// The same request without `key` (a probe that leaves a key out).
    pub fn without(mut self, key: &str) -> Self {
        self.context.remove(&key.to_ascii_lowercase());
        self.names.remove(&key.to_ascii_lowercase());
        self.unknown.remove(&key.to_ascii_lowercase());
        self
    }

    /// The same request for another action (`sts:TagSession` next to `sts:AssumeRole`).
    pub fn for_action(&self, action: &str) -> Self {
        Request { action: action.to_owned(), ..self.clone() }
    }

    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.context.get(&key.to_ascii_lowercase()).map(|v| v.as_slice())
    }

    /// Every key the request sends (as first written), with its values, in key order.
    pub fn context(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.context.iter().map(|(k, v)| (self.names.get(k).map_or(k.as_str(), String::as_str), v.as_slice()))
    }

    /// Keys present in the request with an unknown value (lowercase).
    pub fn unknown_keys(&self) -> impl Iterator<Item = &str> {
        self.unknown.iter().map(String::as_str)
    }

    fn is_unknown(&self, key: &str) -> bool {
        self.unknown.contains(&key.to_ascii_lowercase())
    }

    /// Condition keys the policy tests that this request neither sends nor marks unknown: the
    /// evaluation takes them as absent, which a report should say.
    pub fn keys_not_sent(&self, policy: &Policy) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in policy.statements.iter().flat_map(|s| &s.conditions) {
            let Some(k) = c.key.as_str() else { continue };
            if self.get(k).is_none() && !self.is_unknown(k) && !out.iter().any(|o| o.eq_ignore_ascii_case(k))
            {
                out.push(k.to_owned());
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
    /// A statement that matters could not be decided (unknown values, unsupported operators).
    Unknown,
}

impl Decision {
    pub fn is_allow(&self) -> bool {
        *self == Decision::Allow
    }

    pub fn is_deny(&self) -> bool {
        matches!(self, Decision::ExplicitDeny | Decision::ImplicitDeny)
    }
}

/// What one statement made of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Principal, action and every condition match.
    Applies,
    /// `Principal` does not name the caller (or `NotPrincipal` does).
    OtherPrincipal,
    /// `Action` does not cover the action (or `NotAction` does).
    OtherAction,
    /// `conditions[condition]` does not hold.
    ConditionFails { condition: usize, detail: String },
    /// The statement cannot be decided: unresolved parts (`condition: None`) or an
    /// undecidable condition.
    Undecided { condition: Option<usize>, detail: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementResult {
    /// Index into `policy.statements`.
    pub statement: usize,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// One line per statement that matters: why it applies or not.
    pub reasons: Vec<String>,
    /// One entry per statement, in policy order.
    pub statements: Vec<StatementResult>,
}

impl Evaluation {
    /// The statement that decided an allow or an explicit deny (the first applicable `Deny`,
    /// else the first applicable `Allow`).
    pub fn deciding(&self, policy: &Policy) -> Option<usize> {
        let applies = |want_deny: bool| {
            self.statements.iter().find(|r| {
                r.outcome == Outcome::Applies
                    && policy.statements.get(r.statement).is_some_and(|s| s.is_deny() == want_deny)
            })
        };
        match self.decision {
            Decision::ExplicitDeny => applies(true),
            Decision::Allow => applies(false),
            _ => None,
        }
        .map(|r| r.statement)
    }

    /// `Allow` statements that trust the caller for the action but whose conditions refused:
    /// the reasons for an implicit deny worth pointing at.
    pub fn refusing<'a>(&'a self, policy: &'a Policy) -> impl Iterator<Item = &'a StatementResult> + 'a {
        self.statements.iter().filter(move |r| {
            matches!(r.outcome, Outcome::ConditionFails { .. } | Outcome::Undecided { .. })
                && policy.statements.get(r.statement).is_some_and(|s| s.is_allow())
        })
    }
}

/// Three-valued: `None` when undecidable.
type Tri = Option<bool>;

pub fn evaluate(policy: &Policy, req: &Request) -> Evaluation {
    evaluate_in(policy, req, None)
}

/// As [`evaluate`], with the unit the policy came from: a Terraform value that is unknown but
/// has a known shape (an external id from Spacelift's data source) is matched by that shape.
pub fn evaluate_in(policy: &Policy, req: &Request, unit: Option<&Unit>) -> Evaluation {
    let mut reasons = Vec::new();
    let mut statements = Vec::with_capacity(policy.statements.len());
    let (mut allow, mut deny, mut unknown) = (false, false, false);
    for (i, st) in policy.statements.iter().enumerate() {
        let outcome = statement_outcome(policy, st, req, unit);
        let label = st.label();
        match (&outcome, st.is_deny()) {
            (Outcome::Applies, true) => {
                deny = true;
                reasons.push(format!("{label} denies the request"));
            }
            (Outcome::Applies, false) if st.is_allow() => {
                allow = true;
                reasons.push(format!("{label} allows the request"));
            }
            (Outcome::ConditionFails { detail, .. }, _) => reasons.push(format!("{label}: {detail}")),
            (Outcome::Undecided { detail, .. }, _) => {
                unknown = true;
                reasons.push(format!("{label}: {detail}"));
            }
            _ => {}
        }
        statements.push(StatementResult { statement: i, outcome });
    }
    let decision = if deny {
        Decision::ExplicitDeny
    } else if unknown {
        Decision::Unknown
    } else if allow {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    };
    Evaluation { decision, reasons, statements }
}

fn statement_outcome(policy: &Policy, st: &Statement, req: &Request, unit: Option<&Unit>) -> Outcome {
    if st.partial && !only_condition_values_unknown(st) {
        return Outcome::Undecided {
            condition: None,
            detail: "has unresolved parts and cannot be decided".into(),
        };
    }
    let principal_ok = match (&st.principal, &st.not_principal) {
        (Some(p), _) => principal_matches(p, &req.principal),
        (None, Some(np)) => !principal_matches(np, &req.principal),
        (None, None) => true,
    };
    if !principal_ok {
        return Outcome::OtherPrincipal;
    }
    let action_ok = match (&st.action, &st.not_action) {
        (Some(a), _) => a.known().any(|(p, _)| action_matches(p, &req.action)),
        (None, Some(na)) => !na.known().any(|(p, _)| action_matches(p, &req.action)),
        (None, None) => false,
    };
    if !action_ok {
        return Outcome::OtherAction;
    }
    let vars = if policy.variables_enabled() { VarMode::AnyValue } else { VarMode::Literal };
    for (i, c) in st.conditions.iter().enumerate() {
        let key = c.key.as_str().unwrap_or("?");
        match condition_holds(c, req, vars, unit) {
            Some(true) => {}
            Some(false) => {
                let sent = match req.get(key) {
                    Some(v) => format!("the request sends {key} = {}", v.join(", ")),
                    None => format!("the request does not send {key}"),
                };
                let detail = format!("condition {} on {key} does not hold: {sent}", c.operator.raw);
                return Outcome::ConditionFails { condition: i, detail };
            }
            None => {
                let why = if req.is_unknown(key) { " (its value in the request is unknown)" } else { "" };
                let detail = format!("condition {} on {key} cannot be decided{why}", c.operator.raw);
                return Outcome::Undecided { condition: Some(i), detail };
            }
        }
    }
    Outcome::Applies
}

/// The statement is partial only because some condition values are unknown (a Terraform
/// reference): those conditions are asked one by one, and a value with a known shape still
/// decides. (A wholly unknown `Condition` block also leaves no known keys: not this case.)
fn only_condition_values_unknown(st: &Statement) -> bool {
    st.effect.as_ref().is_some_and(|e| e.kind.is_some())
        && [&st.action, &st.not_action, &st.resource, &st.not_resource]
            .iter()
            .all(|l| l.as_ref().is_none_or(|l| l.is_fully_known()))
        && [&st.principal, &st.not_principal].iter().all(|p| p.as_ref().is_none_or(|p| !p.partial))
        && st.conditions.iter().any(|c| c.values.partial)
}

fn principal_matches(p: &Principal, caller: &str) -> bool {
    if p.is_anyone() {
        return true;
    }
    let caller_account = arn::principal_account(caller);
    p.entries.iter().any(|e| {
        e.values.known().any(|(v, _)| match e.kind.as_str() {
            Some("AWS") => {
                let whole_account = v.len() == 12 || v.ends_with(":root");
                if whole_account {
                    arn::principal_account(v).is_some_and(|a| Some(a) == caller_account)
                } else {
                    v == caller || assumed_role_of(caller).is_some_and(|role| role == v)
                }
            }
            _ => v == caller,
        })
    })
}

/// `arn:aws:sts::1:assumed-role/name/session` -> `arn:aws:iam::1:role/name`.
fn assumed_role_of(caller: &str) -> Option<String> {
    let parts = arn::split(caller)?;
    let rest = parts.resource.strip_prefix("assumed-role/")?;
    let name = rest.split('/').next()?;
    Some(format!("arn:{}:iam::{}:role/{}", parts.partition, parts.account, name))
}

fn condition_holds(c: &Condition, req: &Request, vars: VarMode, unit: Option<&Unit>) -> Tri {
    let base = c.operator.base?;
    let key = c.key.as_str()?;
    let present = req.get(key);
    if base == BaseOp::Null {
        let want_absent = c.values.known().next().map(|(v, _)| v.eq_ignore_ascii_case("true"))?;
        return Some(want_absent == (present.is_none() && !req.is_unknown(key)));
    }
    if req.is_unknown(key) {
        return None;
    }
    let Some(sent) = present else {
        return Some(
            base.is_negated()
                || c.operator.if_exists
                || c.operator.qualifier == Some(SetQualifier::ForAllValues),
        );
    };
    let one = |s: &str| -> Tri { value_matches(base, &c.values.items, s, vars, unit) };
    match c.operator.qualifier {
        Some(SetQualifier::ForAllValues) => {
            let mut all = true;
            for s in sent {
                all &= one(s)?;
            }
            Some(all)
        }
        // Single-valued keys behave like ForAnyValue: any sent value may match.
        _ => {
            let mut any = false;
            for s in sent {
                any |= one(s)?;
            }
            Some(any)
        }
    }
}

fn string_kind(base: BaseOp) -> Option<PatternKind> {
    Some(match base {
        BaseOp::StringEquals | BaseOp::StringNotEquals => PatternKind::Equals,
        BaseOp::StringEqualsIgnoreCase | BaseOp::StringNotEqualsIgnoreCase => PatternKind::EqualsIgnoreCase,
        BaseOp::StringLike | BaseOp::StringNotLike => PatternKind::Like,
        BaseOp::ArnEquals | BaseOp::ArnNotEquals => PatternKind::ArnEquals,
        BaseOp::ArnLike | BaseOp::ArnNotLike => PatternKind::ArnLike,
        _ => return None,
    })
}

fn value_matches(base: BaseOp, items: &[Value], sent: &str, vars: VarMode, unit: Option<&Unit>) -> Tri {
    let matched = if let Some(kind) = string_kind(base) {
        let mut any = false;
        for v in items {
            let lang = match (v.as_str(), unit) {
                (Some(text), _) => Lang::pattern(kind, text, vars).ok()?,
                // An unknown Terraform value with a known shape (Spacelift's data source).
                (None, Some(unit)) => value_lang(unit, kind, v, vars)?,
                (None, None) => return None,
            };
            any |= lang.contains(sent);
        }
        any
    } else {
        let values: Vec<&str> = items.iter().map(|v| v.as_str()).collect::<Option<_>>()?;
        match base {
            BaseOp::Bool => values.iter().any(|v| v.eq_ignore_ascii_case(sent)),
            BaseOp::NumericEquals | BaseOp::NumericNotEquals => {
                let s: f64 = sent.parse().ok()?;
                values.iter().map(|v| v.parse::<f64>().ok()).collect::<Option<Vec<_>>>()?.contains(&s)
            }
            BaseOp::NumericLessThan
            | BaseOp::NumericLessThanEquals
            | BaseOp::NumericGreaterThan
            | BaseOp::NumericGreaterThanEquals => {
                let s: f64 = sent.parse().ok()?;
                let mut any = false;
                for v in values {
                    let v: f64 = v.parse().ok()?;
                    any |= match base {
                        BaseOp::NumericLessThan => s < v,
                        BaseOp::NumericLessThanEquals => s <= v,
                        BaseOp::NumericGreaterThan => s > v,
                        _ => s >= v,
                    };
                }
                any
            }
            // Dates, IP ranges and binary values are not evaluated: undecidable.
            _ => return None,
        }
    };
    Some(if base.is_negated() { !matched } else { matched })
}

#[cfg(test)]
mod tests;
