//! The hand-written report against the serde-derived writer it replaced: the same bytes for
//! any findings (escapes, missing sources, fixes, no findings at all).

use proptest::prelude::*;
use serde::Serialize;

use super::*;
use crate::rules::{Applicability, Edit};
use crate::source::{SourceId, Span};

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
    let l = crate::report::located(f, sources);
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
fn serde_write(
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
    serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::other)?;
    writeln!(out)
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a",
            "Z",
            " ",
            "\"",
            "\\",
            "\n",
            "\r",
            "\t",
            "\u{1}",
            "\u{8}",
            "\u{c}",
            "\u{1f}",
            "abcdefghijklmnop",
            "\u{7f}",
            "é",
            "→",
            "😀",
            "/",
        ]),
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// A finding of source `src` (0 or 1 exist; 2 does not) at byte offsets `a..b`.
fn finding() -> impl Strategy<Value = Finding> {
    let texts = (text(), prop::option::of(text()), prop::option::of(text()));
    let fix = prop::option::of((
        any::<bool>(),
        text(),
        prop::collection::vec((0u32..3, 0usize..40, 0usize..8, text()), 0..3),
    ));
    (0u32..3, 0usize..40, 0usize..40, 0u8..3, texts, fix).prop_map(
        |(src, a, b, sev, (message, help, subject), fix)| {
            let span = Span::new(SourceId(src), a.min(b), a.max(b));
            let mut f = Finding::for_test("TL999", span, &message);
            f.severity(match sev {
                0 => Severity::Info,
                1 => Severity::Warning,
                _ => Severity::Error,
            });
            if let Some(h) = help {
                f.help(h);
            }
            if let Some(s) = subject {
                f.subject(s);
            }
            f.fix(fix.map(|(safe, message, edits)| {
                let edits = edits
                    .into_iter()
                    .map(|(src, at, len, r)| Edit::replace(Span::new(SourceId(src), at, at + len), r))
                    .collect();
                if safe { Fix::safe(message, edits) } else { Fix::unsafe_edits(message, edits) }
            }));
            f
        },
    )
}

fn sources() -> SourceMap {
    let map = SourceMap::new();
    map.add(
        "a \"quoted\" name.json".into(),
        "a.json".into(),
        "{\n  \"é\": [1,\n 2]\r\n}\n\nlast line, longer than the others\n".into(),
    );
    map.add("dir/main.tf".into(), "dir/main.tf".into(), "resource \"x\" \"y\" {}\n".into());
    map
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn writes_what_serde_wrote(findings in prop::collection::vec(finding(), 0..6), files in 0usize..5, policies in 0usize..5) {
        let map = sources();
        let (mut mine, mut theirs) = (Vec::new(), Vec::new());
        write(&mut mine, &findings, &map, files, policies).expect("written");
        serde_write(&mut theirs, &findings, &map, files, policies).expect("written");
        prop_assert_eq!(String::from_utf8_lossy(&mine), String::from_utf8_lossy(&theirs));
    }
}

#[test]
fn no_findings_is_an_empty_array() {
    let report = render(&[], &SourceMap::new(), 0, 0);
    assert!(report.contains("\"findings\": [],"), "{report}");
    let _: serde_json::Value = serde_json::from_str(&report).expect("valid JSON");
}

#[test]
fn enum_names_match_serde() {
    for a in [Applicability::Safe, Applicability::Unsafe] {
        assert_eq!(serde_json::to_string(&a).expect("json"), format!("\"{}\"", a.name()));
    }
    for s in [Severity::Info, Severity::Warning, Severity::Error] {
        assert_eq!(serde_json::to_string(&s).expect("json"), format!("\"{}\"", s.name()));
    }
}
