//! The version-1 JSON report (README, "JSON report").

use serde::Serialize;

use crate::report::located;
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
    findings: Findings<'a>,
    summary: Summary,
}

/// The findings array, serialised one finding at a time: a report of 600,000 findings is
/// written without building 600,000 output records first.
struct Findings<'a> {
    findings: &'a [Finding],
    sources: &'a SourceMap,
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.findings.iter().map(|f| finding_out(f, self.sources)))
    }
}

fn finding_out<'a>(f: &'a Finding, sources: &SourceMap) -> FindingOut<'a> {
    let l = located(f, sources);
    FindingOut {
        code: f.code,
        name: f.name,
        severity: f.severity,
        path: l.path,
        span: SpanOut {
            start: Position { line: l.start.line, column: l.start.column },
            end: Position { line: l.end.line, column: l.end.column },
        },
        message: &f.message,
        help: f.help.as_deref(),
        subject: f.subject.as_deref(),
        fix: f.fix.as_ref().and_then(|x| fix_out(x, sources)),
    }
}

/// Writes the report (pretty-printed, with a final newline) straight to `out`.
pub fn write(
    out: &mut dyn std::io::Write,
    findings: &[Finding],
    sources: &SourceMap,
    files: usize,
    policies: usize,
) -> std::io::Result<()> {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let report = ReportOut {
        version: 1,
        tool: Tool { name: "trustlint", version: env!("CARGO_PKG_VERSION") },
        findings: Findings { findings, sources },
        summary: Summary {
            files,
            policies,
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
        },
    };
    // serde_json writes a few bytes at a time; through `dyn Write` each one is a call that is
    // not inlined, through a buffer of a known type a copy.
    use std::io::Write as _;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &report).map_err(std::io::Error::other)?;
    writeln!(buffered)?;
    buffered.flush()
}

/// The report as a string, without the final newline (the fuzz and robustness harnesses).
pub fn render(findings: &[Finding], sources: &SourceMap, files: usize, policies: usize) -> String {
    let mut out = Vec::new();
    if let Err(e) = write(&mut out, findings, sources, files, policies) {
        return format!("{{\"error\": \"{e}\"}}");
    }
    out.pop();
    String::from_utf8(out).unwrap_or_default()
}
