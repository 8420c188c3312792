//! IAM evaluation of one concrete request against one policy (docs/facts.md,
//! "Policy grammar and evaluation"): used by `verify` to predict the STS answer and by cross-resource rules.
//!
//! Semantics: a statement applies when principal, action and every condition match; an
//! applicable `Deny` wins over any `Allow`; nothing applicable is an implicit deny. A missing
//! key makes a condition false, except for negated operators, `...IfExists` and
//! `ForAllValues:`, which are true. Values under one key are ORed; keys and operators ANDed.

use std::collections::BTreeMap;

use crate::analysis::reason::{Lang, PatternKind, VarMode};
use crate::aws::arn;
use crate::model::{BaseOp, Condition, Policy, Principal, SetQualifier, Statement, action_matches};

/// The caller and what it sends.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `arn:aws:iam::324880187172:root`, a role or assumed-role ARN, or a service principal.
    pub principal: String,
    pub action: String,
    /// Condition keys present in the request (lowercase key -> values).
    context: BTreeMap<String, Vec<String>>,
}

impl Request {
    pub fn new(principal: impl Into<String>, action: impl Into<String>) -> Self {
        Request { principal: principal.into(), action: action.into(), context: BTreeMap::new() }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context.entry(key.to_ascii_lowercase()).or_default().push(value.into());
        self
    }

    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.context.get(&key.to_ascii_lowercase()).map(|v| v.as_slice())
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// One line per statement: why it applies or not.
    pub reasons: Vec<String>,
}

/// Three-valued: `None` when undecidable.
type Tri = Option<bool>;

pub fn evaluate(policy: &Policy, req: &Request) -> Evaluation {
    let mut reasons = Vec::new();
    let (mut allow, mut deny, mut unknown) = (false, false, false);
    for st in &policy.statements {
        let applies = statement_applies(policy, st, req);
        let label = st.label();
        match (applies, st.is_deny()) {
            (Ok(true), true) => {
                deny = true;
                reasons.push(format!("{label} denies the request"));
            }
            (Ok(true), false) if st.is_allow() => {
                allow = true;
                reasons.push(format!("{label} allows the request"));
            }
            (Ok(true), false) => {}
            (Ok(false), _) => {}
            (Err(why), _) => {
                reasons.push(format!("{label}: {why}"));
                if let Some(r) = reasons.last_mut()
                    && r.ends_with("cannot be decided")
                {
                    unknown = true;
                }
            }
        }
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
    Evaluation { decision, reasons }
}

/// `Ok(true)` applies, `Ok(false)` not (without a reason worth showing), `Err(reason)` does
/// not apply for the reason given (or "... cannot be decided").
fn statement_applies(policy: &Policy, st: &Statement, req: &Request) -> Result<bool, String> {
    if st.partial {
        return Err("has unresolved parts and cannot be decided".into());
    }
    let principal_ok = match (&st.principal, &st.not_principal) {
        (Some(p), _) => principal_matches(p, &req.principal),
        (None, Some(np)) => !principal_matches(np, &req.principal),
        (None, None) => true,
    };
    if !principal_ok {
        return Ok(false);
    }
    let action_ok = match (&st.action, &st.not_action) {
        (Some(a), _) => a.known().any(|(p, _)| action_matches(p, &req.action)),
        (None, Some(na)) => !na.known().any(|(p, _)| action_matches(p, &req.action)),
        (None, None) => false,
    };
    if !action_ok {
        return Ok(false);
    }
    let vars = if policy.variables_enabled() { VarMode::AnyValue } else { VarMode::Literal };
    for c in &st.conditions {
        match condition_holds(c, req, vars) {
            Some(true) => {}
            Some(false) => {
                let key = c.key.as_str().unwrap_or("?");
                let sent = match req.get(key) {
                    Some(v) => format!("the request sends {key} = {}", v.join(", ")),
                    None => format!("the request does not send {key}"),
                };
                return Err(format!("condition {} on {key} does not hold: {sent}", c.operator.raw));
            }
            None => {
                return Err(format!(
                    "condition {} on {} cannot be decided",
                    c.operator.raw,
                    c.key.as_str().unwrap_or("?")
                ));
            }
        }
    }
    Ok(true)
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

fn condition_holds(c: &Condition, req: &Request, vars: VarMode) -> Tri {
    let base = c.operator.base?;
    let key = c.key.as_str()?;
    let present = req.get(key);
    if base == BaseOp::Null {
        let want_absent = c.values.known().next().map(|(v, _)| v.eq_ignore_ascii_case("true"))?;
        return Some(want_absent == present.is_none());
    }
    let Some(sent) = present else {
        return Some(
            base.is_negated()
                || c.operator.if_exists
                || c.operator.qualifier == Some(SetQualifier::ForAllValues),
        );
    };
    let values: Vec<&str> = c.values.items.iter().map(|v| v.as_str()).collect::<Option<_>>()?;
    let one = |s: &str| -> Tri { value_matches(base, &values, s, vars) };
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

fn value_matches(base: BaseOp, values: &[&str], sent: &str, vars: VarMode) -> Tri {
    let string_kind = match base {
        BaseOp::StringEquals | BaseOp::StringNotEquals => Some(PatternKind::Equals),
        BaseOp::StringEqualsIgnoreCase | BaseOp::StringNotEqualsIgnoreCase => {
            Some(PatternKind::EqualsIgnoreCase)
        }
        BaseOp::StringLike | BaseOp::StringNotLike => Some(PatternKind::Like),
        BaseOp::ArnEquals | BaseOp::ArnNotEquals => Some(PatternKind::ArnEquals),
        BaseOp::ArnLike | BaseOp::ArnNotLike => Some(PatternKind::ArnLike),
        _ => None,
    };
    let matched = if let Some(kind) = string_kind {
        let mut any = false;
        for v in values {
            any |= Lang::pattern(kind, v, vars).ok()?.contains(sent);
        }
        any
    } else {
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
