//! The version-1 JSON report (README, "JSON report").

use std::io::{self, Write};
use std::sync::Arc;

use crate::report::pretty::Pretty;
use crate::rules::{Finding, Fix, Severity};
use crate::source::{LineCol, Source, SourceMap};

/// Writes the report (pretty-printed, with a final newline) straight to `out`, one finding at
/// a time: a report of 600,000 findings is written without building output records first.
pub fn write(
    out: &mut dyn Write,
    findings: &[Finding],
    sources: &SourceMap,
    files: usize,
    policies: usize,
) -> io::Result<()> {
    // Many small pieces: a statically dispatched buffer takes them as plain copies.
    let mut j = Pretty::new(io::BufWriter::with_capacity(1 << 16, out));
    j.open_object()?;
    j.num("version", 1)?;
    j.key("tool")?;
    j.open_object()?;
    j.str("name", "trustlint")?;
    j.str("version", env!("CARGO_PKG_VERSION"))?;
    j.close_object()?;
    j.key("findings")?;
    j.open_array()?;
    // One snapshot of the sources, indexed by id: no lock taken per finding.
    let all = sources.all();
    for f in findings {
        j.element()?;
        finding(&mut j, f, &all)?;
    }
    j.close_array()?;
    j.key("summary")?;
    summary(&mut j, findings, files, policies)?;
    j.close_object()?;
    j.finish()?.flush()
}

fn finding<W: Write>(j: &mut Pretty<W>, f: &Finding, sources: &[Arc<Source>]) -> io::Result<()> {
    let src = sources.get(f.span.src.0 as usize);
    let at = |offset| src.map_or(LineCol { line: 1, column: 1 }, |s| s.line_col(offset));
    j.open_object()?;
    j.str("code", f.code)?;
    j.str("name", f.name)?;
    j.str("severity", f.severity.name())?;
    j.str("path", src.map_or("", |s| s.name.as_str()))?;
    j.key("span")?;
    span(j, at(f.span.start), at(f.span.end))?;
    j.str("message", &f.message)?;
    j.opt_str("help", f.help.as_deref())?;
    j.opt_str("subject", f.subject.as_deref())?;
    if let Some(fix) = f.fix.as_deref()
        && let Some(edits) = fix_edits(fix, sources)
    {
        j.key("fix")?;
        fix_out(j, fix, &edits)?;
    }
    j.close_object()
}

fn span<W: Write>(j: &mut Pretty<W>, start: LineCol, end: LineCol) -> io::Result<()> {
    j.open_object()?;
    positions(j, start, end)?;
    j.close_object()
}

/// The members `start` and `end`, each a 1-based line and column.
fn positions<W: Write>(j: &mut Pretty<W>, start: LineCol, end: LineCol) -> io::Result<()> {
    for (key, at) in [("start", start), ("end", end)] {
        j.key(key)?;
        j.open_object()?;
        j.num("line", at.line)?;
        j.num("column", at.column)?;
        j.close_object()?;
    }
    Ok(())
}

/// Each edit's start and end, or `None` (no fix printed) when an edit's source is unknown.
fn fix_edits(fix: &Fix, sources: &[Arc<Source>]) -> Option<Vec<(LineCol, LineCol)>> {
    fix.edits
        .iter()
        .map(|e| {
            let src = sources.get(e.span.src.0 as usize)?;
            Some((src.line_col(e.span.start), src.line_col(e.span.end)))
        })
        .collect()
}

/// A finding's fix: edits with 1-based positions and byte offsets into the file.
fn fix_out<W: Write>(j: &mut Pretty<W>, fix: &Fix, at: &[(LineCol, LineCol)]) -> io::Result<()> {
    j.open_object()?;
    j.str("applicability", fix.applicability.name())?;
    j.str("message", &fix.message)?;
    j.key("edits")?;
    j.open_array()?;
    for (e, &(start, end)) in fix.edits.iter().zip(at) {
        j.element()?;
        j.open_object()?;
        positions(j, start, end)?;
        // Byte offset and length of the replaced text (0 for an insertion).
        j.num("offset", e.span.start)?;
        j.num("length", e.span.end - e.span.start)?;
        j.str("replacement", &e.replacement)?;
        j.close_object()?;
    }
    j.close_array()?;
    j.close_object()
}

fn summary<W: Write>(
    j: &mut Pretty<W>,
    findings: &[Finding],
    files: usize,
    policies: usize,
) -> io::Result<()> {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    j.open_object()?;
    j.num("files", files)?;
    j.num("policies", policies)?;
    j.num("error", count(Severity::Error))?;
    j.num("warning", count(Severity::Warning))?;
    j.num("info", count(Severity::Info))?;
    j.close_object()
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

#[cfg(test)]
mod tests;
