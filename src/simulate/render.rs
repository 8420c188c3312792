//! The simulation as text (code frames through `report::human`, as `check` prints them) and
//! as the version-1 JSON report.

use serde::Serialize;

use crate::analysis::request::Decision;
use crate::diagnostic::{Finding, Severity};
use crate::model::Policy;
use crate::report::human::{HumanOptions, render_findings};
use crate::source::{SourceMap, Span};

use super::explain::{Explanation, explain};
use super::{Check, Simulation};

pub fn decision_word(d: &Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::ExplicitDeny | Decision::ImplicitDeny => "deny",
        Decision::Unknown => "unknown",
    }
}

/// A code frame for one check's answer, as a finding `simulate(allow)`.
fn frame(check: &Check, ex: &Explanation) -> Option<Finding> {
    let (span, label) = ex.primary.clone()?;
    Some(Finding {
        code: "simulate",
        name: decision_word(&ex.decision),
        severity: if check.held() { Severity::Info } else { Severity::Error },
        span,
        message: ex.message.clone().into(),
        help: (!check.held()).then(|| check.risk.clone()).flatten().map(Into::into),
        label: Some(label.into()),
        secondary: ex.secondary.iter().cloned().collect(),
        subject: None,
        fix: None,
    })
}

fn location(sources: &SourceMap, span: Span) -> String {
    match sources.get(span.src) {
        Some(src) => {
            let lc = src.line_col(span.start);
            format!("{}:{}:{}", src.name, lc.line, lc.column)
        }
        None => "?".into(),
    }
}

pub fn human(sim: &Simulation, policy: &Policy, sources: &SourceMap, color: bool) -> String {
    let mut out = format!("trustlint simulate {}", sim.input);
    if sim.target.role.is_some() {
        out.push_str(&format!(" (role {})", sim.target.subject));
    }
    out.push('\n');
    out.push_str(&format!("  caller  {}\n", sim.caller.describe));
    for n in &sim.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    let opts = HumanOptions { color, width: 100, summary: false };
    let mut frames = Vec::new();
    for c in sim.requests() {
        let ex = explain(c, policy);
        let mark = if c.held() { "" } else { " (expected: {})" };
        let mark = mark.replace("{}", c.expected.as_str());
        out.push_str(&format!("\n{}{mark}  {}\n", decision_word(&ex.decision), c.description));
        frames.clear();
        frames.extend(frame(c, &ex));
        if frames.is_empty() {
            out.push_str(&format!("  {}\n", ex.message));
        }
        push_frames(&mut out, &frames, sources, &opts);
    }
    let probes: Vec<&Check> = sim.probes().collect();
    if !probes.is_empty() {
        out.push_str("\nprobes (each must be denied):\n");
    }
    for c in probes {
        let ex = explain(c, policy);
        let status = if c.held() { "passed" } else { "FAILED" };
        let at =
            ex.primary.as_ref().map(|(s, _)| format!(" ({})", location(sources, *s))).unwrap_or_default();
        out.push_str(&format!(
            "  {status}  {:<7}  {}: {}{at}\n",
            decision_word(&ex.decision),
            c.description,
            ex.short
        ));
        if !c.held() {
            frames.clear();
            frames.extend(frame(c, &ex));
            push_frames(&mut out, &frames, sources, &opts);
        }
    }
    let held = sim.checks.iter().filter(|c| c.held()).count();
    let total = sim.checks.len();
    out.push_str(&format!(
        "\ndecision: {}\nresult: {} ({held} of {total} expectation{} held)\n",
        sim.decision(),
        if sim.passed() { "passed" } else { "failed" },
        if total == 1 { "" } else { "s" }
    ));
    out
}

fn push_frames(out: &mut String, frames: &[Finding], sources: &SourceMap, opts: &HumanOptions) {
    if frames.is_empty() {
        return;
    }
    let mut buf = Vec::new();
    if render_findings(&mut buf, frames, sources, opts).is_ok() {
        out.push_str(&String::from_utf8_lossy(&buf));
    }
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct SpanOut {
    path: String,
    start: Position,
    end: Position,
}

fn span_out(sources: &SourceMap, span: Span) -> Option<SpanOut> {
    let src = sources.get(span.src)?;
    let (a, b) = (src.line_col(span.start), src.line_col(span.end));
    Some(SpanOut {
        path: src.name.clone(),
        start: Position { line: a.line, column: a.column },
        end: Position { line: b.line, column: b.column },
    })
}

#[derive(Serialize)]
struct ConditionOut {
    operator: String,
    key: Option<String>,
    values: Vec<Option<String>>,
    span: Option<SpanOut>,
}

#[derive(Serialize)]
struct StatementOut {
    label: String,
    sid: Option<String>,
    effect: &'static str,
    span: Option<SpanOut>,
}

#[derive(Serialize)]
struct CheckOut {
    name: String,
    description: String,
    principal: String,
    actions: Vec<String>,
    context: std::collections::BTreeMap<String, Vec<String>>,
    /// Keys the real request carries with a value not known offline (lowercase).
    unknown_keys: Vec<String>,
    expected: &'static str,
    decision: &'static str,
    /// `explicit` or `implicit` for a deny.
    deny: Option<&'static str>,
    held: bool,
    decided_by: Option<String>,
    message: String,
    statement: Option<StatementOut>,
    condition: Option<ConditionOut>,
    reasons: Vec<String>,
    risk: Option<String>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ReportOut<'a> {
    version: u32,
    tool: Tool,
    input: &'a str,
    role: Option<&'a str>,
    caller: &'a str,
    decision: &'static str,
    requests: Vec<CheckOut>,
    probes: Vec<CheckOut>,
    notes: &'a [String],
    result: &'static str,
}

fn check_out(c: &Check, policy: &Policy, sources: &SourceMap) -> CheckOut {
    let ex = explain(c, policy);
    let st = ex.statement.and_then(|i| policy.statements.get(i));
    let statement = st.map(|s| StatementOut {
        label: s.label(),
        sid: s.sid.as_ref().and_then(|v| v.as_str()).map(str::to_owned),
        effect: if s.is_deny() { "Deny" } else { "Allow" },
        span: span_out(sources, s.span),
    });
    let condition = st.zip(ex.condition).and_then(|(s, i)| s.conditions.get(i)).map(|cond| ConditionOut {
        operator: cond.operator.raw.clone(),
        key: cond.key.as_str().map(str::to_owned),
        values: cond.values.items.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
        span: span_out(sources, super::explain::condition_span(cond)),
    });
    let reasons = c.deciding().map(|(_, e)| e.reasons.clone()).unwrap_or_default();
    CheckOut {
        name: c.name.clone(),
        description: c.description.clone(),
        principal: c.request.principal.clone(),
        actions: c.actions.clone(),
        context: c.request.context().map(|(k, v)| (k.to_owned(), v.to_vec())).collect(),
        unknown_keys: c.request.unknown_keys().map(str::to_owned).collect(),
        expected: c.expected.as_str(),
        decision: decision_word(&ex.decision),
        deny: match ex.decision {
            Decision::ExplicitDeny => Some("explicit"),
            Decision::ImplicitDeny => Some("implicit"),
            _ => None,
        },
        held: c.held(),
        decided_by: (!ex.action.is_empty()).then(|| ex.action.clone()),
        message: ex.message,
        statement,
        condition,
        reasons,
        risk: c.risk.clone(),
    }
}

pub fn json(sim: &Simulation, policy: &Policy, sources: &SourceMap) -> String {
    let out = ReportOut {
        version: 1,
        tool: Tool { name: "trustlint", version: env!("CARGO_PKG_VERSION") },
        input: &sim.input,
        role: sim.target.role.map(|_| sim.target.subject.as_str()),
        caller: &sim.caller.describe,
        decision: sim.decision(),
        requests: sim.requests().map(|c| check_out(c, policy, sources)).collect(),
        probes: sim.probes().map(|c| check_out(c, policy, sources)).collect(),
        notes: &sim.notes,
        result: if sim.passed() { "passed" } else { "failed" },
    };
    serde_json::to_string_pretty(&out).unwrap_or_default()
}
