//! The version-1 JSON report (README, "JSON report").

use serde::Serialize;

use crate::report::locate;
use crate::rules::{Finding, Severity};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct SpanOut {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    path: String,
    span: SpanOut,
    message: &'a str,
    help: Option<&'a str>,
    subject: Option<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    policies: usize,
    error: usize,
    warning: usize,
    info: usize,
}

#[derive(Serialize)]
struct ReportOut<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<FindingOut<'a>>,
    summary: Summary,
}

pub fn render(findings: &[Finding], sources: &SourceMap, files: usize, policies: usize) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let out = ReportOut {
        version: 1,
        tool: Tool { name: "trustlint", version: env!("CARGO_PKG_VERSION") },
        findings: locate(findings, sources)
            .into_iter()
            .map(|l| FindingOut {
                code: &l.finding.code,
                name: &l.finding.name,
                severity: l.finding.severity,
                path: l.path,
                span: SpanOut {
                    start: Position { line: l.start.line, column: l.start.column },
                    end: Position { line: l.end.line, column: l.end.column },
                },
                message: &l.finding.message,
                help: l.finding.help.as_deref(),
                subject: l.finding.subject.as_deref(),
            })
            .collect(),
        summary: Summary {
            files,
            policies,
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
        },
    };
    serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
