//! Why a check got its answer, as spans into the policy: the deciding statement and
//! condition, or for an implicit deny the conditions that refused.

use crate::analysis::request::{Decision, Evaluation, Outcome};
use crate::model::{Condition, Policy, Statement};
use crate::source::Span;

use super::Check;

/// The answer of one check, pointed at the policy.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub decision: Decision,
    /// The action whose evaluation decided (`sts:AssumeRole`, or `sts:TagSession` when that
    /// one was refused).
    pub action: String,
    /// One line: `statement "X" allows sts:AssumeRole`.
    pub message: String,
    /// A short form for one-line probe reports: `allowed by statement "X"`.
    pub short: String,
    /// The deciding statement (allow, explicit deny) or the first refusing one (implicit deny).
    pub statement: Option<usize>,
    /// The deciding or refusing condition of that statement.
    pub condition: Option<usize>,
    /// Where a code frame points, with its label; `None` when no statement is relevant.
    pub primary: Option<(Span, String)>,
    pub secondary: Vec<(Span, String)>,
}

impl Explanation {
    fn new(decision: Decision, action: &str, message: &str) -> Self {
        Explanation {
            decision,
            action: action.to_owned(),
            message: message.to_owned(),
            short: message.to_owned(),
            statement: None,
            condition: None,
            primary: None,
            secondary: Vec::new(),
        }
    }
}

pub fn explain(check: &Check, policy: &Policy) -> Explanation {
    let Some((action, ev)) = check.deciding() else {
        return Explanation::new(Decision::Unknown, "", "nothing was evaluated");
    };
    let mut out = Explanation::new(ev.decision.clone(), action, "");
    match ev.deciding(policy).and_then(|i| policy.statements.get(i).map(|st| (i, st))) {
        Some((i, st)) => decided(&mut out, check, i, st),
        None => refused(&mut out, check, ev, policy),
    }
    out
}

/// An allow or explicit deny: the statement that applied, at its most telling condition.
fn decided(out: &mut Explanation, check: &Check, i: usize, st: &Statement) {
    let verb = if st.is_deny() { "denies" } else { "allows" };
    out.message = format!("{} {verb} {}", st.label(), out.action);
    out.short = format!("{} by {}", if st.is_deny() { "denied" } else { "allowed" }, st.label());
    if st.is_deny() {
        out.message.push_str(": an explicit Deny wins over every Allow");
        out.short.push_str(" (explicit Deny)");
    }
    out.statement = Some(i);
    let shown = shown_condition(st);
    out.condition = shown;
    let labels: Vec<(Span, String)> =
        st.conditions.iter().map(|c| (condition_span(c), holds_label(c, check))).collect();
    match shown {
        Some(ci) => {
            out.primary = labels.get(ci).cloned();
            out.secondary.extend(labels.into_iter().enumerate().filter(|(j, _)| *j != ci).map(|(_, l)| l));
        }
        None => out.primary = Some((head_span(st), format!("{verb} without a condition"))),
    }
    out.secondary.push((st.span, st.label()));
}

/// An implicit deny (or an undecided answer): the `Allow` statements that trust the caller and
/// the conditions that refused, the first one as the frame's primary label.
fn refused(out: &mut Explanation, check: &Check, ev: &Evaluation, policy: &Policy) {
    let refusing: Vec<_> = ev.refusing(policy).collect();
    let subject = &check.request.principal;
    let action = &out.action;
    out.message = match ev.decision {
        Decision::Unknown => format!("cannot decide whether {action} is allowed for {subject}"),
        _ if refusing.is_empty() => format!("no statement trusts {subject} for {action} (an implicit deny)"),
        _ => format!("no statement allows {action} for {subject} (an implicit deny)"),
    };
    out.short = out.message.clone();
    for (n, r) in refusing.iter().enumerate() {
        let Some(st) = policy.statements.get(r.statement) else { continue };
        let (ci, detail, fails) = match &r.outcome {
            Outcome::ConditionFails { condition, detail } => (Some(*condition), detail.as_str(), true),
            Outcome::Undecided { condition, detail } => (*condition, detail.as_str(), false),
            _ => (None, "", false),
        };
        let cond = ci.and_then(|c| st.conditions.get(c));
        let span = cond.map(condition_span).unwrap_or(st.span);
        let label = match cond {
            Some(c) if fails => {
                let why = detail.split_once(": ").map_or(detail, |(_, why)| why);
                format!("{} does not hold: {why}", c.operator.raw)
            }
            _ => detail.to_owned(),
        };
        if n > 0 {
            out.secondary.push((span, label));
            continue;
        }
        let what = match cond {
            Some(c) => format!(
                "{} on {} {}",
                c.operator.raw,
                c.key.as_str().unwrap_or("?"),
                if fails { "does not hold" } else { "cannot be decided" }
            ),
            None => detail.to_owned(),
        };
        out.short = format!("{}: {what}", st.label());
        out.statement = Some(r.statement);
        out.condition = ci;
        out.primary = Some((span, label));
        out.secondary.push((st.span, st.label()));
    }
}

/// The condition a frame points at: the one on sts:ExternalId, else the first.
fn shown_condition(st: &Statement) -> Option<usize> {
    st.conditions.iter().position(|c| c.key_is("sts:ExternalId")).or(if st.conditions.is_empty() {
        None
    } else {
        Some(0)
    })
}

/// `"sts:ExternalId": "acme@*"`: from the key to the end of its values.
pub fn condition_span(c: &Condition) -> Span {
    if c.key.span.src == c.values.span.src && c.key.span.start <= c.values.span.start {
        c.key.span.to(c.values.span)
    } else {
        c.span()
    }
}

/// The principal (or the effect) of a statement without conditions.
fn head_span(st: &Statement) -> Span {
    st.principal.as_ref().map(|p| p.span).or(st.effect.as_ref().map(|e| e.value.span)).unwrap_or(st.span)
}

/// `holds: sts:ExternalId = acme@...@read`.
fn holds_label(c: &Condition, check: &Check) -> String {
    let key = c.key.as_str().unwrap_or("?");
    match check.request.get(key) {
        Some(v) => format!("holds: {} {key} = {}", c.operator.raw, v.join(", ")),
        None => format!("holds: {} passes when {key} is not sent", c.operator.raw),
    }
}
