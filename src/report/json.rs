//! The version-1 JSON report (README, "JSON report").

use serde::Serialize;

use crate::report::locate;
use crate::rules::{Applicability, Finding, Fix, Severity};
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
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixOut<'a>>,
}

/// A finding's fix: edits with 1-based positions and byte offsets into the file.
#[derive(Serialize)]
struct FixOut<'a> {
    applicability: Applicability,
    message: &'a str,
    edits: Vec<EditOut<'a>>,
}

#[derive(Serialize)]
struct EditOut<'a> {
    start: Position,
    end: Position,
    /// Byte offset and length of the replaced text (0 for an insertion).
    offset: usize,
    length: usize,
    replacement: &'a str,
}

fn fix_out<'a>(fix: &'a Fix, sources: &SourceMap) -> Option<FixOut<'a>> {
    let mut edits = Vec::with_capacity(fix.edits.len());
    for e in &fix.edits {
        let src = sources.get(e.span.src)?;
        let (start, end) = (src.line_col(e.span.start), src.line_col(e.span.end));
        edits.push(EditOut {
            start: Position { line: start.line, column: start.column },
            end: Position { line: end.line, column: end.column },
            offset: e.span.start,
            length: e.span.end - e.span.start,
            replacement: &e.replacement,
        });
    }
    Some(FixOut { applicability: fix.applicability, message: &fix.message, edits })
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
                fix: l.finding.fix.as_ref().and_then(|f| fix_out(f, sources)),
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
