//! Reporters: the same findings as code frames, JSON, and the CI formats.

pub mod github;
pub mod graph;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::io::Write;

use crate::Report;
use crate::rules::Finding;
use crate::source::{LineCol, SourceMap};

/// The output formats of `check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

/// How the human format looks; the other formats have no options.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub human: human::HumanOptions,
}

/// Renders a run's report in one format. `fingerprints` are the baseline fingerprints, one per
/// finding (SARIF carries them as partial fingerprints).
pub fn render(
    format: Format,
    report: &Report,
    fingerprints: &[String],
    opts: &RenderOptions,
) -> std::io::Result<Vec<u8>> {
    let (findings, sources) = (&report.findings, &report.sources);
    let mut buf = Vec::new();
    match format {
        Format::Json => writeln!(buf, "{}", json::render(findings, sources, report.files, report.policies))?,
        Format::Sarif => {
            writeln!(buf, "{}", sarif::render(findings, sources, &report.rules.metas(), fingerprints))?
        }
        Format::Github => buf.write_all(github::render(findings, sources).as_bytes())?,
        Format::Junit => buf.write_all(junit::render(findings, sources).as_bytes())?,
        Format::Human => {
            human::render(&mut buf, findings, sources, report.files, report.elapsed, &opts.human)?
        }
    }
    Ok(buf)
}

/// A finding with its path and 1-based positions resolved, as every format needs them.
pub struct Located<'a> {
    pub finding: &'a Finding,
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
}

pub fn locate<'a>(findings: &'a [Finding], sources: &SourceMap) -> Vec<Located<'a>> {
    findings
        .iter()
        .map(|f| match sources.get(f.span.src) {
            Some(src) => Located {
                finding: f,
                path: src.name.clone(),
                start: src.line_col(f.span.start),
                end: src.line_col(f.span.end),
            },
            None => Located {
                finding: f,
                path: String::new(),
                start: LineCol { line: 1, column: 1 },
                end: LineCol { line: 1, column: 1 },
            },
        })
        .collect()
}
