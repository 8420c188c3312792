//! The `check` pipeline: discover, load, parse, analyse (in parallel per unit), filter, sort.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::Error;
use crate::config::{LintOptions, Settings};
use crate::declarative;
use crate::discover::{self, Discovered, FileClass};
use crate::input;
use crate::load;
use crate::model::ReadFailure;
use crate::model::Unit;
use crate::rules::registry::{self, selector_matches};
use crate::rules::{Context, Finding, Rule, Sink};
use crate::source::{Source, SourceMap, Span};

/// Text read from standard input (`-`), reported under `name`.
#[derive(Debug, Clone)]
pub struct StdinInput {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub stdin: Option<StdinInput>,
    pub settings: Settings,
    pub lint: LintOptions,
    pub rules_dir: Option<PathBuf>,
    /// Told how many units there are, then once per unit done (drives the progress bar).
    pub progress: Option<Progress>,
}

/// What the engine tells a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressEvent {
    /// The number of units (files or Terraform modules) about to be analysed.
    Start(usize),
    /// One unit is done.
    Advance,
}

/// A progress callback; called from worker threads.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(ProgressEvent) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

pub struct Report {
    /// Sorted by path, line, column, code.
    pub findings: Vec<Finding>,
    pub sources: SourceMap,
    pub files: usize,
    pub policies: usize,
    pub elapsed: Duration,
    /// Units whose reasoning budget ran out (some answers are unknown), one line each.
    pub over_budget: Vec<String>,
}

/// Every rule (built-in and declarative, plus `rules_dir`), before selection.
pub fn rule_set(rules_dir: Option<&std::path::Path>) -> Result<Vec<Box<dyn Rule>>, Error> {
    let mut rules = registry::builtin();
    for r in declarative::embedded()? {
        rules.push(Box::new(r));
    }
    if let Some(dir) = rules_dir {
        for r in declarative::load_dir(dir)? {
            if rules.iter().any(|x| x.meta().code == r.meta().code) {
                return Err(Error::Usage(format!(
                    "{}: rule code {} is already taken",
                    dir.display(),
                    r.meta().code
                )));
            }
            rules.push(Box::new(r));
        }
    }
    Ok(rules)
}

fn selected(rules: Vec<Box<dyn Rule>>, lint: &LintOptions) -> Result<Vec<Box<dyn Rule>>, Error> {
    for s in lint.select.iter().chain(&lint.ignore) {
        if !registry::selector_known(&rules, s) {
            return Err(Error::Selector(s.clone()));
        }
    }
    Ok(rules
        .into_iter()
        .filter(|r| {
            let m = r.meta();
            (lint.select.is_empty() || lint.select.iter().any(|s| selector_matches(m.code, m.name, s)))
                && !lint.ignore.iter().any(|s| selector_matches(m.code, m.name, s))
        })
        .collect())
}

/// Findings, files read and policies seen for one unit, and a note if its reasoning budget ran
/// out.
type UnitResult = (Vec<Finding>, usize, usize, Option<String>);

/// A unit of work before parsing: one JSON file, or one Terraform module directory.
enum Job {
    Json(Discovered),
    Stdin(StdinInput),
    /// One directory of `*.tf` / `*.tf.json` files.
    Terraform {
        display: String,
        dir: PathBuf,
        files: Vec<Discovered>,
    },
    /// A path the walk could not list: reported, nothing to parse.
    Unlisted(discover::Problem),
}

pub fn check(opts: &CheckOptions) -> Result<Report, Error> {
    let start = Instant::now();
    let rules = selected(rule_set(opts.rules_dir.as_deref())?, &opts.lint)?;
    let found = discover::discover(&opts.paths)?;
    let mut jobs: Vec<Job> = found.problems.into_iter().map(Job::Unlisted).collect();
    let mut modules: std::collections::BTreeMap<PathBuf, (String, Vec<Discovered>)> = Default::default();
    for d in found.files {
        match d.class {
            FileClass::Json => jobs.push(Job::Json(d)),
            FileClass::Terraform | FileClass::TerraformJson => {
                let dir = d.path.parent().map(PathBuf::from).unwrap_or_default();
                let display = std::path::Path::new(&d.display)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| ".".into());
                modules.entry(dir).or_insert_with(|| (display, Vec::new())).1.push(d);
            }
        }
    }
    for (dir, (display, files)) in modules {
        jobs.push(Job::Terraform { display, dir, files });
    }
    if let Some(stdin) = &opts.stdin {
        jobs.push(Job::Stdin(stdin.clone()));
    }

    let tell = |e: ProgressEvent| {
        if let Some(p) = &opts.progress {
            (p.0)(e);
        }
    };
    tell(ProgressEvent::Start(jobs.len()));
    let sources = SourceMap::new();
    let settings = &opts.settings;
    let results: Vec<UnitResult> = jobs
        .par_iter()
        .map(|job| run_job(job, &rules, settings, &sources))
        .inspect(|_| tell(ProgressEvent::Advance))
        .collect();

    let mut findings = Vec::new();
    let (mut files, mut policies) = (0, 0);
    let mut over_budget = Vec::new();
    for (f, nfiles, npolicies, note) in results {
        findings.extend(f);
        over_budget.extend(note);
        files += nfiles;
        policies += npolicies;
    }
    apply_severity(&mut findings, &opts.lint);
    apply_per_path(&mut findings, &opts.lint, &sources);
    order_and_dedup(&mut findings, &sources);
    Ok(Report { findings, sources, files, policies, elapsed: start.elapsed(), over_budget })
}

/// Reads, parses and checks one job. Never fails: what cannot be read is a TL001 finding.
fn run_job(job: &Job, rules: &[Box<dyn Rule>], settings: &Settings, sources: &SourceMap) -> UnitResult {
    let mut nfiles = 1;
    let unit = match job {
        Job::Json(d) => match load(d, sources) {
            Loaded::Text(source, failures) => input::json::parse_file(&source, settings, d.explicit)
                .map(|unit| with_read_failures(unit, failures)),
            Loaded::Failed(source, failure) => Some(failed_unit(&source, failure)),
            Loaded::Skipped => None,
        },
        Job::Stdin(s) => parse_named(&s.name, s.text.clone(), settings, sources),
        Job::Terraform { display, dir, files } => {
            let mut loaded = Vec::with_capacity(files.len());
            let mut failures = Vec::new();
            for f in files {
                match load(f, sources) {
                    Loaded::Text(source, fs) => {
                        loaded.push(source);
                        failures.extend(fs);
                    }
                    Loaded::Failed(_, failure) => failures.push(failure),
                    Loaded::Skipped => {}
                }
            }
            nfiles = files.len();
            let unit = input::terraform::parse_module(display, dir.clone(), &loaded, sources, settings);
            Some(with_read_failures(unit, failures))
        }
        Job::Unlisted(p) => {
            let source = sources.add(p.display.clone(), p.path.clone(), String::new());
            let failure = ReadFailure {
                span: Span::new(source.id, 0, 0),
                message: p.message.clone(),
                label: "not read",
                help: "make the directory readable by the user running trustlint; the other files were still checked",
            };
            nfiles = 0;
            Some(failed_unit(&source, failure))
        }
    };
    let Some(mut unit) = unit else { return (Vec::new(), nfiles, 0, None) };
    let limit = crate::reason::budget::STEPS_PER_POLICY.saturating_mul(unit.policies.len().max(1));
    let (findings, spent) =
        crate::reason::budget::with_budget(limit, || check_unit(rules, settings, sources, &mut unit));
    let note = spent.exhausted.then(|| {
        format!(
            "{}: reasoning budget of {} steps spent; later questions about its conditions are unknown and the rules asking them stayed silent",
            unit.name, spent.limit
        )
    });
    (findings, nfiles, unit.policies.len(), note)
}

/// Parses in-memory text as a file called `name`: the name decides the format, as for files
/// (`--stdin-filename main.tf`).
fn parse_named(name: &str, text: String, settings: &Settings, sources: &SourceMap) -> Option<Unit> {
    let path = PathBuf::from(name);
    let source = sources.add(name.to_owned(), path.clone(), text);
    match discover::classify(&path) {
        Some(FileClass::Terraform | FileClass::TerraformJson) => {
            let dir = path.parent().map(PathBuf::from).unwrap_or_default();
            Some(input::terraform::parse_module(name, dir, &[source], sources, settings))
        }
        _ => input::json::parse_file(&source, settings, true),
    }
}

/// Lints in-memory text as a file called `name` with the given rules (the fuzz targets keep
/// one rule set for millions of inputs): findings sorted, and the sources they point into.
pub(crate) fn lint_named(
    name: &str,
    text: &str,
    settings: &Settings,
    rules: &[Box<dyn Rule>],
) -> (Vec<Finding>, SourceMap) {
    let sources = SourceMap::new();
    let mut findings = match parse_named(name, text.to_owned(), settings, &sources) {
        Some(mut unit) => check_unit(rules, settings, &sources, &mut unit),
        None => Vec::new(),
    };
    order_and_dedup(&mut findings, &sources);
    (findings, sources)
}

/// A file read into the source map, or why it was not.
enum Loaded {
    /// Text to parse, with what was wrong with its encoding (reported only if it is parsed as
    /// one of ours).
    Text(Arc<Source>, Vec<ReadFailure>),
    /// Nothing to parse: an empty source under the file's name, and the reason.
    Failed(Arc<Source>, ReadFailure),
    /// A walked file in another encoding that does not look like anything trustlint reads.
    Skipped,
}

fn load(d: &Discovered, sources: &SourceMap) -> Loaded {
    match load::read_path(&d.path) {
        Ok(decoded) => {
            let invalid_at = decoded.invalid_at;
            let source = sources.add(d.display.clone(), d.path.clone(), decoded.text);
            let mut failures = Vec::new();
            if decoded.bom {
                failures.push(ReadFailure {
                    span: Span::new(source.id, 0, 0),
                    message:
                        "file starts with a UTF-8 byte order mark; IAM and Terraform read UTF-8 without one"
                            .into(),
                    label: "byte order mark before this",
                    help: "save the file as UTF-8 without a byte order mark",
                });
            }
            if let Some(at) = invalid_at {
                failures.push(ReadFailure {
                    span: Span::new(source.id, at, at + '\u{FFFD}'.len_utf8()),
                    message: "file is not valid UTF-8 (first invalid byte sequence here); IAM and Terraform read UTF-8".into(),
                    label: "invalid UTF-8",
                    help: "save the file as UTF-8; this byte is from another encoding (e.g. Latin-1 or Windows-1252)",
                });
            }
            Loaded::Text(source, failures)
        }
        Err(e) => {
            if let load::LoadError::Utf16 { text, .. } = &e
                && !d.explicit
                && d.class == FileClass::Json
                && !input::json::looks_like_ours(text)
            {
                return Loaded::Skipped;
            }
            let source = sources.add(d.display.clone(), d.path.clone(), String::new());
            let failure = ReadFailure {
                span: Span::new(source.id, 0, 0),
                message: e.message(),
                label: e.label(),
                help: e.help(),
            };
            Loaded::Failed(source, failure)
        }
    }
}

fn with_read_failures(mut unit: Unit, failures: Vec<ReadFailure>) -> Unit {
    unit.read_failures.extend(failures);
    unit
}

fn failed_unit(source: &Source, failure: ReadFailure) -> Unit {
    Unit {
        name: source.name.clone(),
        sources: vec![source.id],
        read_failures: vec![failure],
        ..Unit::default()
    }
}

/// What every parsed unit goes through: role access levels, the rules, inline suppressions.
fn check_unit(
    rules: &[Box<dyn Rule>],
    settings: &Settings,
    sources: &SourceMap,
    unit: &mut Unit,
) -> Vec<Finding> {
    crate::model::access::compute(unit);
    let cx = Context { settings, sources };
    let mut findings = analyse(rules, &cx, unit);
    suppress(&mut findings, unit, rules, sources);
    findings
}

/// Sorted for deterministic output; a policy document used by two resources reports once per
/// location.
fn order_and_dedup(findings: &mut Vec<Finding>, sources: &SourceMap) {
    sort_findings(findings, sources);
    findings.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
}

/// Lints one JSON policy text (e.g. a trust policy fetched with `iam:GetRole`) with every rule,
/// as `check` would lint a file of that name: findings sorted, the sources they point into, and
/// the parsed unit (`None` when the text is not a document trustlint reads).
pub fn lint_text(name: &str, text: &str, settings: &Settings) -> (Vec<Finding>, SourceMap, Option<Unit>) {
    let sources = SourceMap::new();
    let source = sources.add(name.to_owned(), PathBuf::from(name), text.to_owned());
    let Some(mut unit) = input::json::parse_file(&source, settings, true) else {
        return (Vec::new(), sources, None);
    };
    let rules = rule_set(None).unwrap_or_default();
    let mut findings = check_unit(&rules, settings, &sources, &mut unit);
    order_and_dedup(&mut findings, &sources);
    (findings, sources, Some(unit))
}

pub fn analyse(rules: &[Box<dyn Rule>], cx: &Context, unit: &Unit) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules {
        let mut sink = Sink::new(rule.meta());
        rule.check_unit(cx, unit, &mut sink);
        out.append(&mut sink.findings);
    }
    out
}

/// Drops findings covered by `# trustlint:ignore` comments of the unit, and reports the
/// comments that covered nothing (TL000, when selected).
fn suppress(findings: &mut Vec<Finding>, unit: &Unit, rules: &[Box<dyn Rule>], sources: &SourceMap) {
    if unit.suppressions.is_empty() {
        return;
    }
    let mut used = vec![false; unit.suppressions.len()];
    findings.retain(|f| {
        let Some(src) = sources.get(f.span.src) else { return true };
        let line = src.line_col(f.span.start).line;
        let hit = unit.suppressions.iter().position(|s| {
            s.src == f.span.src
                && s.lines.is_some_and(|(a, b)| (a..=b).contains(&line))
                && (s.codes.is_empty() || s.codes.iter().any(|c| selector_matches(&f.code, &f.name, c)))
        });
        if let Some(i) = hit {
            used[i] = true;
        }
        hit.is_none()
    });
    let meta = &crate::rules::grammar::unused_suppression::UnusedSuppression::META;
    if !rules.iter().any(|r| r.meta().code == meta.code) {
        return;
    }
    let mut sink = Sink::new(meta);
    for (s, used) in unit.suppressions.iter().zip(used) {
        if !used {
            let what = if s.codes.is_empty() { "any rule".to_string() } else { s.codes.join(", ") };
            sink.emit(s.span, format!("unused suppression of {what}: nothing below it is reported"))
                .help("remove the comment, or move it to the line above the flagged block or attribute");
        }
    }
    findings.append(&mut sink.findings);
}

fn apply_severity(findings: &mut [Finding], lint: &LintOptions) {
    if lint.severity.is_empty() {
        return;
    }
    for f in findings {
        if let Some(s) = lint.severity.get(f.code.as_ref()).or_else(|| lint.severity.get(f.name.as_ref())) {
            f.severity = *s;
        }
    }
}

/// Drops findings exempted by a `[[lint.per-path]]` entry for their file.
fn apply_per_path(findings: &mut Vec<Finding>, lint: &LintOptions, sources: &SourceMap) {
    if lint.per_path.is_empty() {
        return;
    }
    findings.retain(|f| {
        let Some(src) = sources.get(f.span.src) else { return true };
        !lint.per_path.iter().any(|pp| {
            pp.ignore.iter().any(|s| selector_matches(&f.code, &f.name, s)) && pp.matches_path(&src.path)
        })
    });
}

/// Path, line, column, code: deterministic whatever order the threads finished in.
pub fn sort_findings(findings: &mut [Finding], sources: &SourceMap) {
    findings.sort_by_cached_key(|f| {
        let src = sources.get(f.span.src);
        let name = src.as_ref().map(|s| s.name.clone()).unwrap_or_default();
        let lc = src.as_ref().map(|s| s.line_col(f.span.start));
        (name, lc.map(|l| (l.line, l.column)), f.code.to_string(), f.message.clone())
    });
}
