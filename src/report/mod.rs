//! Reporters: the same findings as code frames, one-line text, JSON, and the CI formats.
//! [`render`] is the one place that picks the format.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod paths;
pub mod pretty;
pub mod sarif;
pub mod sarif_fixes;
pub mod sarif_location;
pub mod statistics;
pub mod terminal;

use std::collections::HashSet;
use std::io::{self, Write};
use std::time::Duration;

use crate::Report;
use crate::rules::{Finding, RuleMeta, Severity};
use crate::source::{LineCol, SourceMap};

/// The output formats of `check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
    Markdown,
}

impl Format {
    /// The format carries each finding's baseline fingerprint (computing them costs a map of
    /// every finding's key, so the other formats skip it).
    pub fn needs_fingerprints(self) -> bool {
        matches!(self, Format::Sarif | Format::Gitlab)
    }
}

/// How the formats look, decided once from flags, environment and terminal.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub human: human::HumanOptions,
    /// OSC 8 hyperlinks from rule codes to their docs (human format).
    pub links: bool,
    /// Counts by rule instead of the findings (`--statistics`, human and concise formats).
    pub statistics: bool,
    /// Report paths are made relative to this directory where a format needs repository-relative
    /// paths (SARIF, GitHub, GitLab, Markdown).
    pub root: paths::Rebase,
    /// Lowest severity that fails the run (JUnit failures); `None` for `--fail-on never`.
    pub threshold: Option<Severity>,
    /// Codes of the rules shipped with trustlint, which have a page under docs/rules/.
    pub documented: HashSet<&'static str>,
    /// What `--fix` did and what is still fixable (human and concise summary line).
    pub fixes: FixCounts,
}

/// Findings fixed by this run and findings left with a fix, by safety.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixCounts {
    pub fixed: usize,
    pub safe: usize,
    pub unsafe_: usize,
    /// The run applied fixes (`--fix`).
    pub fixing: bool,
    /// Unsafe fixes were asked for (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
}

/// `3 fixed, 2 more fixable with --unsafe-fixes`; `None` when there is nothing to say.
pub fn fix_summary(c: &FixCounts) -> Option<String> {
    let mut parts = Vec::new();
    if c.fixed > 0 {
        parts.push(format!("{} fixed", c.fixed));
    }
    if let Some(hint) = fix_hint(c, c.fixed > 0) {
        parts.push(hint);
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// What more the flags would fix: `2 fixable with --fix`, `1 more fixable with --unsafe-fixes`
/// (`more` after fixed ones).
pub fn fix_hint(c: &FixCounts, after_fixed: bool) -> Option<String> {
    let mut parts = Vec::new();
    if c.safe > 0 && !c.fixing {
        parts.push(format!("{} fixable with --fix", c.safe));
    }
    if c.unsafe_ > 0 && !c.unsafe_fixes {
        let more = if after_fixed || !parts.is_empty() { "more " } else { "" };
        let flags = if c.fixing { "--unsafe-fixes" } else { "--fix --unsafe-fixes" };
        parts.push(format!("{} {more}fixable with {flags}", c.unsafe_));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
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
    pub documented: &'a HashSet<&'static str>,
    /// The baseline fingerprint of each finding, in the same order.
    pub fingerprints: &'a [String],
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

/// Writes a run's report in one format to `out` (buffer it: the formats write in small pieces).
/// `fingerprints` are the baseline fingerprints, one per finding (SARIF and GitLab carry them;
/// see [`Format::needs_fingerprints`]).
pub fn render(
    format: Format,
    report: &Report,
    fingerprints: &[String],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules = report.rules.metas();
    let run = Run {
        findings: &report.findings,
        sources: &report.sources,
        files: report.files,
        policies: report.policies,
        elapsed: report.elapsed,
        rules: &rules,
        documented: &opts.documented,
        fingerprints,
        threshold: opts.threshold,
    };
    match format {
        Format::Human | Format::Concise if opts.statistics => statistics::render(out, &run, opts)?,
        Format::Human => human::render(out, &run, opts)?,
        Format::Concise => concise::render(out, &run, opts)?,
        Format::Json => json::write(out, run.findings, run.sources, run.files, run.policies)?,
        Format::Sarif => sarif::write(out, &run, &opts.root)?,
        Format::Github => out.write_all(github::render(&run, &opts.root).as_bytes())?,
        Format::Gitlab => writeln!(out, "{}", gitlab::render(&run, &opts.root))?,
        Format::Markdown => markdown::render(out, &run, &opts.root)?,
        Format::Junit => out.write_all(junit::render(&run, &junit::timestamp()).as_bytes())?,
    }
    out.flush()
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

/// A finding with its path and 1-based positions resolved, as every format needs them.
pub struct Located<'a> {
    pub finding: &'a Finding,
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
}

pub fn locate<'a>(findings: &'a [Finding], sources: &SourceMap) -> Vec<Located<'a>> {
    findings.iter().map(|f| located(f, sources)).collect()
}

/// One finding's [`Located`] form (the streaming reporters resolve one finding at a time).
pub fn located<'a>(f: &'a Finding, sources: &SourceMap) -> Located<'a> {
    match sources.get(f.span.src) {
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
    }
}
