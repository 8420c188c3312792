//! The `check` pipeline: discover, load, parse, analyse (in parallel per unit), filter, sort.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::Error;
use crate::config::{LintOptions, Settings};
use crate::declarative;
use crate::discover::{self, Discovered, FileClass};
use crate::input;
use crate::model::Unit;
use crate::rules::registry::{self, selector_matches};
use crate::rules::{Context, Finding, Rule, Sink};
use crate::source::SourceMap;

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
}

pub struct Report {
    /// Sorted by path, line, column, code.
    pub findings: Vec<Finding>,
    pub sources: SourceMap,
    pub files: usize,
    pub policies: usize,
    pub elapsed: Duration,
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

/// Findings, files read and policies seen for one unit.
type UnitResult = (Vec<Finding>, usize, usize);

/// A unit of work before parsing: one JSON file, or one Terraform module directory.
enum Job {
    Json(Discovered),
    Stdin(StdinInput),
}

pub fn check(opts: &CheckOptions) -> Result<Report, Error> {
    let start = Instant::now();
    let rules = selected(rule_set(opts.rules_dir.as_deref())?, &opts.lint)?;
    let found = discover::discover(&opts.paths)?;
    let mut jobs: Vec<Job> = Vec::new();
    for d in found {
        match d.class {
            FileClass::Json => jobs.push(Job::Json(d)),
            // Terraform modules are read by the Terraform input.
            FileClass::Terraform | FileClass::TerraformJson => {}
        }
    }
    if let Some(stdin) = &opts.stdin {
        jobs.push(Job::Stdin(stdin.clone()));
    }

    let sources = SourceMap::new();
    let settings = &opts.settings;
    let results: Vec<Result<UnitResult, Error>> = jobs
        .par_iter()
        .map(|job| {
            let unit = match job {
                Job::Json(d) => {
                    let text = read_text(&d.path)?;
                    let source = sources.add(d.display.clone(), d.path.clone(), text);
                    input::json::parse_file(&source, settings, d.explicit)
                }
                Job::Stdin(s) => {
                    let source = sources.add(s.name.clone(), PathBuf::from(&s.name), s.text.clone());
                    input::json::parse_file(&source, settings, true)
                }
            };
            let Some(mut unit) = unit else { return Ok((Vec::new(), 1, 0)) };
            crate::model::access::compute(&mut unit);
            let cx = Context { settings, sources: &sources };
            Ok((analyse(&rules, &cx, &unit), 1, unit.policies.len()))
        })
        .collect();

    let mut findings = Vec::new();
    let (mut files, mut policies) = (0, 0);
    for r in results {
        let (f, nfiles, npolicies) = r?;
        findings.extend(f);
        files += nfiles;
        policies += npolicies;
    }
    apply_severity(&mut findings, &opts.lint);
    sort_findings(&mut findings, &sources);
    Ok(Report { findings, sources, files, policies, elapsed: start.elapsed() })
}

/// Reads a file as UTF-8 text; invalid UTF-8 is replaced rather than failing the run, so the
/// parser can still point at the problem.
fn read_text(path: &std::path::Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Path { path: path.to_path_buf(), source: e })?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
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

/// Path, line, column, code: deterministic whatever order the threads finished in.
pub fn sort_findings(findings: &mut [Finding], sources: &SourceMap) {
    findings.sort_by_cached_key(|f| {
        let src = sources.get(f.span.src);
        let name = src.as_ref().map(|s| s.name.clone()).unwrap_or_default();
        let lc = src.as_ref().map(|s| s.line_col(f.span.start));
        (name, lc.map(|l| (l.line, l.column)), f.code.to_string(), f.message.clone())
    });
}
