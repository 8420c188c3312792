//! Code frames through miette, rendered from the line index into one buffered writer.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::report::{RenderOptions, Run, plural};
use crate::rules::{Finding, Severity};
use crate::source::{Source, SourceMap};

/// miette's `SourceCode` for `str` rescans the text from the start for every label; this one
/// answers from the line index, so thousands of findings in one file stay linear.
struct Indexed<'a>(&'a Source);

impl SourceCode for Indexed<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let src = self.0;
        let len = src.text.len();
        let start = span.offset().min(len);
        let end = (span.offset() + span.len()).min(len).max(start);
        let first_line0 = src.line_col(start).line - 1;
        let last_line0 = src.line_col(end.saturating_sub(1).max(start)).line - 1;
        let from_line0 = first_line0.saturating_sub(before);
        let to_line0 = (last_line0 + after).min(src.line_count() - 1);
        let (data_start, column) = if before == 0 {
            (start, src.line_col(start).column - 1)
        } else {
            (src.line_start(from_line0), 0)
        };
        let data_end = if to_line0 + 1 < src.line_count() { src.line_start(to_line0 + 1) } else { len };
        let data_end = data_end.max(data_start);
        Ok(Box::new(MietteSpanContents::new_named(
            src.name.clone(),
            &src.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            if before == 0 { first_line0 } else { from_line0 },
            column,
            to_line0 - from_line0 + 1,
        )))
    }
}

/// How many lines a secondary label may be from the primary one and still share its frame
/// (with one line of context on each side, further apart miette prints two frames).
const SECONDARY_REACH: usize = 2;

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<Indexed<'a>>,
    /// The rule's docs page, linked from the code when the terminal renders OSC 8 links.
    url: Option<String>,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

fn to_span(start: usize, end: usize) -> SourceSpan {
    (start, end.saturating_sub(start)).into()
}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{}({})", self.finding.code, self.finding.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.url.as_ref().map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let f = self.finding;
        let primary = LabeledSpan::new_primary_with_span(f.label.clone(), to_span(f.span.start, f.span.end));
        let source = self.source.as_ref().map(|s| s.0);
        let primary_line = source.map(|s| s.line_col(f.span.start).line).unwrap_or(0);
        let secondary = f
            .secondary
            .iter()
            // A code frame shows one file; context in another file is left out, and so is
            // context too far above the finding to share its frame (it would print a second one).
            .filter(|(span, _)| span.src == f.span.src && *span != f.span)
            .filter(move |(span, _)| {
                let line = source.map(|s| s.line_col(span.start).line).unwrap_or(0);
                primary_line.abs_diff(line) <= SECONDARY_REACH
            })
            // Only the first line of an enclosing span, so the frame stays short.
            .map(|(span, label)| {
                LabeledSpan::new_with_span(Some(label.clone()), to_span(span.start, span.start + 1))
            });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

#[derive(Debug, Clone)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// The closing summary line (`--quiet` leaves it out).
    pub summary: bool,
}

/// Renders every finding as a code frame, then the summary line.
pub fn render(out: &mut dyn Write, run: &Run, style: &RenderOptions) -> io::Result<()> {
    let docs = |code: &str| if style.links { run.docs_url(code) } else { None };
    render_frames(out, run.findings, run.sources, &style.human, &docs)?;
    if style.human.summary {
        writeln!(out, "{}", summary_line(run.findings, run.files, run.elapsed))?;
    }
    Ok(())
}

/// The code frames alone (snapshots use this: the summary holds a duration).
pub fn render_findings(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    opts: &HumanOptions,
) -> io::Result<()> {
    render_frames(out, findings, sources, opts, &|_| None)
}

fn render_frames(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    opts: &HumanOptions,
    docs: &dyn Fn(&str) -> Option<String>,
) -> io::Result<()> {
    let theme = if opts.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // Links replace the plain code only where the terminal renders them; no `(link)` text, and
    // no URL printed after the code elsewhere.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_context_lines(1)
        .with_break_words(false)
        .with_links(true)
        .with_link_display_text("");
    let mut buf = String::new();
    for f in findings {
        let src = sources.get(f.span.src);
        let url = docs(&f.code);
        let diag = FindingDiagnostic { finding: f, source: src.as_deref().map(Indexed), url };
        buf.clear();
        if handler.render_report(&mut buf, &diag).is_err() {
            buf = format!("{}: {}", f.code, f.message);
        }
        writeln!(out, "{buf}")?;
    }
    Ok(())
}

pub fn summary_line(findings: &[Finding], files: usize, elapsed: std::time::Duration) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let errors = plural(count(Severity::Error), "error");
    let warnings = plural(count(Severity::Warning), "warning");
    let infos = count(Severity::Info);
    let files = plural(files, "file");
    format!("{errors}, {warnings}, {infos} info in {files} ({:.2} s)", elapsed.as_secs_f64())
}
