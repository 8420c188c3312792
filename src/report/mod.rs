//! Reporters: the same findings as code frames, one-line text, JSON, and the CI formats.
//! [`render`] is the one place that picks the format.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod paths;
pub mod sarif;
pub mod statistics;
pub mod terminal;

use std::collections::HashSet;
use std::io::{self, Write};
use std::time::Duration;

use crate::cli::OutputFormat;
use crate::rules::{Finding, RuleMeta, Severity};
use crate::source::{LineCol, SourceMap};

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

/// What a run produced, as the reporters need it.
pub struct Run<'a> {
    /// Sorted, after every filter (baseline, `--min-severity`).
    pub findings: &'a [Finding],
    pub sources: &'a SourceMap,
    pub files: usize,
    pub policies: usize,
    pub elapsed: Duration,
    /// Every rule of the run, selected or not (SARIF lists them all).
    pub rules: &'a [RuleMeta],
    /// Codes of the rules shipped with trustlint, which have a page under docs/rules/.
    pub documented: &'a HashSet<&'static str>,
    /// The baseline fingerprint of each finding, in the same order.
    pub fingerprints: &'a [String],
    /// Lowest severity that fails the run; `None` for `--fail-on never`.
    pub threshold: Option<Severity>,
}

impl Run<'_> {
    /// The rule's documentation page, for rules shipped with trustlint (user rules have none).
    pub fn docs_url(&self, code: &str) -> Option<String> {
        let meta = self.rules.iter().find(|m| m.code == code)?;
        self.documented.contains(meta.code).then(|| meta.help_uri())
    }

    pub fn fails(&self, f: &Finding) -> bool {
        self.threshold.is_some_and(|t| f.severity >= t)
    }
}

/// How the text formats look, decided once from flags, environment and terminal.
pub struct Style {
    pub color: bool,
    /// OSC 8 hyperlinks from rule codes to their docs.
    pub links: bool,
    pub width: usize,
    /// The closing summary line (`--quiet` leaves it out).
    pub summary: bool,
    /// Counts by rule instead of the findings (`--statistics`).
    pub statistics: bool,
    /// Report paths are made relative to this directory where a format needs repository-relative
    /// paths (SARIF, GitHub, GitLab).
    pub root: paths::Rebase,
}

pub fn render(format: OutputFormat, run: &Run, style: &Style, out: &mut Vec<u8>) -> io::Result<()> {
    match format {
        OutputFormat::Human if style.statistics => statistics::render(out, run, style),
        OutputFormat::Concise if style.statistics => statistics::render(out, run, style),
        OutputFormat::Human => human::render(out, run, style),
        OutputFormat::Concise => concise::render(out, run, style),
        OutputFormat::Json => {
            let text = json::render(run.findings, run.sources, run.files, run.policies);
            writeln!(out, "{text}")
        }
        OutputFormat::Sarif => writeln!(out, "{}", sarif::render(run, &style.root)),
        OutputFormat::Github => out.write_all(github::render(run, &style.root).as_bytes()),
        OutputFormat::Gitlab => writeln!(out, "{}", gitlab::render(run, &style.root)),
        OutputFormat::Markdown => markdown::render(out, run, &style.root),
        OutputFormat::Junit => out.write_all(junit::render(run, &junit::timestamp()).as_bytes()),
    }
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}
