//! Code frames through miette, rendered from the line index into one buffered writer.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::report::{RenderOptions, Run, plural};
use crate::rules::{Applicability, Finding, Severity};
use crate::source::{Source, SourceMap};

/// miette's `SourceCode` for `str` rescans the text from the start for every label; this one
/// answers from the line index, so thousands of findings in one file stay linear. For a
/// [`Window`] the source is the excerpt, and line numbers and the header column are shifted back
/// to the file's.
struct Indexed<'a> {
    src: &'a Source,
    /// 0-based line of the file where the excerpt's first line is.
    line_base: usize,
    /// Characters of the primary line left out before the excerpt's text (the header column).
    column_base: usize,
}

impl SourceCode for Indexed<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let src = self.src;
        let len = src.text.len();
        let start = span.offset().min(len);
        let end = (span.offset() + span.len()).min(len).max(start);
        let first_line0 = src.line_col(start).line - 1;
        let last_line0 = src.line_col(end.saturating_sub(1).max(start)).line - 1;
        let from_line0 = first_line0.saturating_sub(before);
        let to_line0 = (last_line0 + after).min(src.line_count() - 1);
        let (data_start, column) = if before == 0 {
            (start, src.line_col(start).column - 1 + self.column_base)
        } else {
            (src.line_start(from_line0), 0)
        };
        let data_end = if to_line0 + 1 < src.line_count() { src.line_start(to_line0 + 1) } else { len };
        let data_end = data_end.max(data_start);
        Ok(Box::new(MietteSpanContents::new_named(
            src.name.clone(),
            &src.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            self.line_base + if before == 0 { first_line0 } else { from_line0 },
            column,
            to_line0 - from_line0 + 1,
        )))
    }
}

/// Lines longer than this (in bytes) are shown as a window around the finding: a 200 MB
/// one-line file or a one-line plan must not print the whole line for every finding.
pub const LONG_LINE: usize = 400;

/// A code frame's excerpt of a file with long lines: the context lines of the finding, each cut
/// to the same byte columns around the primary span, with `…` where text was left out.
struct Window {
    source: Source,
    line_base: usize,
    column_base: usize,
    /// Per excerpt line: (file byte range shown, excerpt offset of its first shown byte).
    lines: Vec<(std::ops::Range<usize>, usize)>,
}

const ELLIPSIS: &str = "…";

impl Window {
    /// `None` when every line of the frame is short enough to show whole.
    fn new(src: &Source, start: usize, end: usize, width: usize) -> Option<Window> {
        let first = src.line_col(start).line;
        let last = src.line_col(end.saturating_sub(1).max(start)).line.min(first + 2);
        let (from, to) = (first.saturating_sub(1).max(1), (last + 1).min(src.line_count()));
        if (from..=to).all(|l| src.line_range(l).len() <= LONG_LINE) {
            return None;
        }
        let shown = width.saturating_sub(16).max(40);
        // Byte columns relative to a line start: a third of the window before the span.
        let col0 = start.saturating_sub(src.line_range(first).start).saturating_sub(shown / 3);
        let mut text = String::new();
        let mut lines = Vec::new();
        for l in from..=to {
            let r = src.line_range(l);
            let a = floor_boundary(&src.text, (r.start + col0).min(r.end));
            let b = floor_boundary(&src.text, (a + shown).min(r.end));
            if a > r.start {
                text.push_str(ELLIPSIS);
            }
            lines.push((a..b, text.len()));
            text.push_str(&src.text[a..b]);
            if b < r.end {
                text.push_str(ELLIPSIS);
            }
            text.push('\n');
        }
        let cut = lines.get(first - from).map_or(0, |(r, _)| r.start);
        let left_out = src.line_col(cut).column - 1;
        let column_base = left_out.saturating_sub(if left_out > 0 { 1 } else { 0 });
        let source = Source::new(src.id, src.name.clone(), src.path.clone(), text);
        Some(Window { source, line_base: from - 1, column_base, lines })
    }

    /// Excerpt offset of a file offset the window shows.
    fn exact(&self, offset: usize) -> Option<usize> {
        self.lines
            .iter()
            .find(|(r, _)| r.contains(&offset) || offset == r.end)
            .map(|(r, at)| at + offset - r.start)
    }

    /// The primary span in the excerpt: its end is cut at the window's edge.
    fn primary(&self, start: usize, end: usize) -> (usize, usize) {
        let Some((r, at)) = self.lines.iter().find(|(r, _)| r.contains(&start) || start == r.end) else {
            return (0, 0);
        };
        let s = at + start - r.start;
        let e = match self.exact(end) {
            Some(e) if e >= s => e,
            _ => at + r.len(),
        };
        (s, e.max(s))
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How many lines a secondary label may be from the primary one and still share its frame
/// (with one line of context on each side, further apart miette prints two frames).
const SECONDARY_REACH: usize = 2;

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    /// The file the finding points into (line numbers of secondary labels).
    file: Option<&'a Source>,
    /// What the frame shows: the file, or a window of it; `None` for no frame.
    source: Option<Indexed<'a>>,
    /// The rule's docs page, linked from the code when the terminal renders OSC 8 links.
    url: Option<String>,
    window: Option<&'a Window>,
    /// Without a frame, the message names the place itself.
    location: Option<String>,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(
        finding: &'a Finding,
        file: Option<&'a Source>,
        window: Option<&'a Window>,
        url: Option<String>,
    ) -> Self {
        let (mut source, mut location) = (None, None);
        match (file, window) {
            (Some(src), _) if src.hidden => {
                // Read through a link out of the scanned root: never print its bytes.
                let lc = src.line_col(finding.span.start);
                location = Some(format!("{}:{}:{}", src.name, lc.line, lc.column));
            }
            (Some(src), _) if src.text.is_empty() => location = Some(src.name.clone()),
            (Some(_), Some(w)) => {
                source = Some(Indexed { src: &w.source, line_base: w.line_base, column_base: w.column_base })
            }
            (Some(src), None) => source = Some(Indexed { src, line_base: 0, column_base: 0 }),
            (None, _) => {}
        }
        FindingDiagnostic { finding, file, source, window, location, url }
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{at}: {}", self.finding.message),
            None => f.write_str(&self.finding.message),
        }
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
        let f = self.finding;
        // Which findings `--fix` takes care of, under the help, as ruff marks them.
        let fix = f.fix.as_ref().map(|x| {
            let flags = match x.applicability {
                Applicability::Safe => "--fix",
                Applicability::Unsafe => "--fix --unsafe-fixes",
            };
            format!("fix ({}, {flags}): {}", x.applicability, x.message)
        });
        match (&f.help, fix) {
            (Some(h), Some(fix)) => Some(Box::new(format!("{h}\n{fix}"))),
            (Some(h), None) => Some(Box::new(h)),
            (None, Some(fix)) => Some(Box::new(fix)),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let f = self.finding;
        let window = self.window;
        let (start, end) = match window {
            Some(w) => w.primary(f.span.start, f.span.end),
            None => (f.span.start, f.span.end),
        };
        let primary =
            LabeledSpan::new_primary_with_span(f.label.as_deref().map(String::from), to_span(start, end));
        let source = self.file;
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
            // Only the first character of an enclosing span, so the frame stays short; in a
            // window, only what the window shows.
            .filter_map(move |(span, label)| {
                let at = match window {
                    Some(w) => w.exact(span.start)?,
                    None => span.start,
                };
                Some(LabeledSpan::new_with_span(Some(label.clone()), to_span(at, at + 1)))
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
        let mut line = summary_line(run.findings, run.files, run.elapsed);
        if let Some(fixes) = crate::report::fix_summary(&style.fixes) {
            line.push_str(&format!("; {fixes}"));
        }
        writeln!(out, "{line}")?;
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
        let url = docs(f.code);
        let window = src.as_deref().and_then(|s| Window::new(s, f.span.start, f.span.end, opts.width));
        let diag = FindingDiagnostic::new(f, src.as_deref(), window.as_ref(), url);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Sink;
    use crate::rules::grammar::parse_error::ParseError;
    use crate::source::Span;

    fn render_one(sources: &SourceMap, span: Span) -> String {
        let mut sink = Sink::new(&ParseError::META);
        sink.emit(span, "something is wrong").label("here");
        let mut out = Vec::new();
        let opts = HumanOptions { color: false, width: 100, summary: false };
        render_findings(&mut out, &sink.findings, sources, &opts).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_hidden_source_is_named_but_never_printed() {
        let sources = SourceMap::new();
        let s = sources.add_hidden("env".into(), "env".into(), "A=1\nSECRET=hunter2\n".into());
        let out = render_one(&sources, Span::new(s.id, 4, 10));
        assert!(out.contains("env:2:1: something is wrong"), "{out}");
        assert!(!out.contains("hunter2") && !out.contains("SECRET"), "{out}");
    }

    #[test]
    fn a_long_line_is_shown_as_a_window() {
        let sources = SourceMap::new();
        let text = format!("{}TARGET{}\n", "a".repeat(100_000), "b".repeat(100_000));
        let s = sources.add("one-line.json".into(), "one-line.json".into(), text);
        let out = render_one(&sources, Span::new(s.id, 100_000, 100_006));
        assert!(out.contains("╭─[one-line.json:1:100001]"), "{out}");
        assert!(out.contains("…aaaa") && out.contains("TARGETbbb") && out.contains("bbb…"), "{out}");
        assert!(out.len() < 1_000, "{} bytes", out.len());
    }
}
