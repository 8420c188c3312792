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
struct Summary {
    files: usize,
    policies: usize,
    error: usize,
    warning: usize,
    info: usize,
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
    let summary = Summary {
        files,
        policies,
        error: count(Severity::Error),
        warning: count(Severity::Warning),
        info: count(Severity::Info),
    };
    let mut w = Pretty { buf: Vec::with_capacity(FLUSH_AT + 4096), out };
    w.raw("{\n  \"version\": 1,\n  \"tool\": {\n    \"name\": \"trustlint\",\n    \"version\": ");
    w.string(env!("CARGO_PKG_VERSION"));
    w.raw("\n  },\n  \"findings\": [");
    for (i, f) in findings.iter().enumerate() {
        w.raw(if i == 0 { "\n    " } else { ",\n    " });
        w.finding(&finding_out(f, sources));
        w.flush_when_full()?;
    }
    w.raw(if findings.is_empty() { "],\n  \"summary\": " } else { "\n  ],\n  \"summary\": " });
    w.value(&summary, 1);
    w.raw("\n}\n");
    w.out.write_all(&w.buf)
}

/// Bytes of report gathered before they are written out.
const FLUSH_AT: usize = 1 << 16;

/// The report as serde_json's pretty printer writes it, with the findings written by hand:
/// serde_json escapes every string byte by byte (6% of a 10,000-file check) where finding
/// texts almost never hold a character to escape.
struct Pretty<'o> {
    buf: Vec<u8>,
    out: &'o mut dyn std::io::Write,
}

impl Pretty<'_> {
    fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn flush_when_full(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// A JSON string: as it is when nothing in it needs an escape, else as serde_json escapes it.
    fn string(&mut self, s: &str) {
        if needs_escape(s) {
            self.value(s, 0);
        } else {
            self.buf.push(b'"');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.push(b'"');
        }
    }

    fn opt_string(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.raw("null"),
        }
    }

    /// Anything else through serde_json, indented for `depth` (written into a vector, which
    /// cannot fail).
    fn value<T: Serialize + ?Sized>(&mut self, v: &T, depth: usize) {
        let start = self.buf.len();
        let _ = serde_json::to_writer_pretty(&mut self.buf, v);
        if depth > 0 {
            let indented = indent(&self.buf[start..], depth);
            self.buf.truncate(start);
            self.buf.extend_from_slice(&indented);
        }
    }

    fn number(&mut self, n: usize) {
        use std::io::Write as _;
        let _ = write!(self.buf, "{n}");
    }

    /// `"key": ` on a new line at `depth`, after a comma unless it is the first.
    fn key(&mut self, key: &str, depth: usize, first: bool) {
        self.raw(if first { "\n" } else { ",\n" });
        for _ in 0..depth {
            self.raw("  ");
        }
        self.buf.push(b'"');
        self.raw(key);
        self.raw("\": ");
    }

    fn close(&mut self, depth: usize, bracket: &str) {
        self.raw("\n");
        for _ in 0..depth {
            self.raw("  ");
        }
        self.raw(bracket);
    }

    fn position(&mut self, key: &str, p: &Position, depth: usize, first: bool) {
        self.key(key, depth, first);
        self.raw("{");
        self.key("line", depth + 1, true);
        self.number(p.line);
        self.key("column", depth + 1, false);
        self.number(p.column);
        self.close(depth, "}");
    }

    /// One finding at depth 2 (inside the findings array).
    fn finding(&mut self, f: &FindingOut) {
        self.raw("{");
        self.key("code", 3, true);
        self.string(f.code);
        self.key("name", 3, false);
        self.string(f.name);
        self.key("severity", 3, false);
        self.string(f.severity.name());
        self.key("path", 3, false);
        self.string(&f.path);
        self.key("span", 3, false);
        self.raw("{");
        self.position("start", &f.span.start, 4, true);
        self.position("end", &f.span.end, 4, false);
        self.close(3, "}");
        self.key("message", 3, false);
        self.string(f.message);
        self.key("help", 3, false);
        self.opt_string(f.help);
        self.key("subject", 3, false);
        self.opt_string(f.subject);
        if let Some(fix) = &f.fix {
            self.key("fix", 3, false);
            self.value(fix, 3);
        }
        self.close(2, "}");
    }
}

/// The characters serde_json escapes in strings; looked for 16 bytes at a time.
fn needs_escape(s: &str) -> bool {
    s.as_bytes()
        .chunks(16)
        .any(|c| c.iter().fold(false, |any, &b| any | (b < 0x20) | (b == b'"') | (b == b'\\')))
}

/// serde_json's pretty text of a nested value, its lines after the first indented by `depth`.
fn indent(text: &[u8], depth: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 4);
    for &b in text {
        out.push(b);
        if b == b'\n' {
            out.extend(std::iter::repeat_n(b' ', 2 * depth));
        }
    }
    out
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
