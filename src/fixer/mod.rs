//! `check --fix` / `--diff`: the fixes findings carry, made on the files they point into,
//! round after round (the fixed text is linted again) until nothing more is fixable.
//!
//! Only files of the scanned tree are changed: never standard input, never a file read through
//! `file()` from outside the scanned paths, never a source whose text is not the file's bytes
//! (a masked AWS config file, a file with a byte order mark or invalid UTF-8), never a plan or
//! an authorization-details dump (they record what was deployed).

pub mod apply;
pub mod diff;
pub mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::selector::selector_matches;
use crate::diagnostic::{Applicability, Finding, Fix};
use crate::discover::{self, FileClass};
use crate::source::SourceMap;
use crate::{CheckOptions, Error, Report, check};

/// Rounds of fixing and re-linting before giving up on reaching a fixed point.
pub const MAX_ROUNDS: usize = 10;

/// What `--fix`, `--unsafe-fixes` and `--diff` ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Unsafe fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Write the files (`--fix`); otherwise only compute the result (`--diff`).
    pub write: bool,
}

impl Request {
    pub fn allows(&self, a: Applicability) -> bool {
        a == Applicability::Safe || self.unsafe_fixes
    }
}

/// One file the fixes changed.
#[derive(Debug, Clone)]
pub struct Changed {
    pub path: PathBuf,
    /// As reports name it.
    pub name: String,
    pub before: String,
    pub after: String,
}

/// What fixing did (the report of the last round, what is left, comes with it).
#[derive(Debug, Default)]
pub struct Fixed {
    pub changed: Vec<Changed>,
    /// Findings whose fix was made.
    pub fixed: usize,
    /// Fixes dropped because the text no longer parsed, as `name:line:col: CODE message`.
    pub dropped: Vec<String>,
    /// Files that could not be written, with the error.
    pub unwritten: Vec<String>,
    /// Rounds run; [`MAX_ROUNDS`] means the fixes had not settled.
    pub rounds: usize,
}

/// A file of the scanned tree that fixes may change (keyed by its canonical path, inside a
/// scanned root: what is written).
#[derive(Debug, Clone)]
struct Target {
    name: String,
    class: FileClass,
    /// The bytes on disk when the run started.
    original: String,
}

/// The state of a fixing run between rounds.
struct Fixing {
    req: Request,
    targets: BTreeMap<PathBuf, Target>,
    /// The current text of every file changed so far.
    overlay: BTreeMap<PathBuf, String>,
    /// Files whose fixes broke them: left as they are.
    frozen: BTreeSet<PathBuf>,
    /// The last round's changes per file: the text before, and its fixes described.
    last: HashMap<PathBuf, (String, Vec<String>)>,
    failures_before: HashMap<PathBuf, usize>,
    /// Fixes already reported as dropped (file, code, message): each once.
    seen: BTreeSet<(PathBuf, String, String)>,
    fixed: usize,
    dropped: Vec<String>,
    rounds: usize,
}

/// Runs `check`, fixes what it may, and checks again until nothing more changes.
pub fn run(opts: &CheckOptions, req: Request) -> Result<(Report, Fixed), Error> {
    run_shown(opts, req, &|r: &Report| vec![true; r.findings.len()])
}

/// Which findings of a report the user is shown (one flag per finding, in order): `check`
/// hides those its `--baseline` records and those under `--min-severity`.
pub type Shown<'a> = &'a dyn Fn(&Report) -> Vec<bool>;

/// [`run`], fixing only the findings `shown` keeps: a finding the user does not see (recorded
/// in the baseline, below `--min-severity`) is not theirs to review, so it is not changed.
/// Inline suppressions are applied by `check` itself, before this sees the report.
pub fn run_shown(opts: &CheckOptions, req: Request, shown: Shown) -> Result<(Report, Fixed), Error> {
    let mut opts = opts.clone();
    // Parse failures are how a round that broke a file is recognised: they are checked even
    // when the user left TL001 out, and dropped from what is reported then.
    let parse_errors_wanted = reports_parse_errors(&opts);
    if !parse_errors_wanted {
        opts.lint.ignore.retain(|s| !selector_matches(PARSE_ERROR.0, PARSE_ERROR.1, s));
        opts.lint.select.push(PARSE_ERROR.0.to_string());
    }
    let mut state = Fixing {
        req,
        targets: targets(&opts)?,
        overlay: BTreeMap::new(),
        frozen: BTreeSet::new(),
        last: HashMap::new(),
        failures_before: HashMap::new(),
        seen: BTreeSet::new(),
        fixed: 0,
        dropped: Vec::new(),
        rounds: 0,
    };
    let mut report = loop {
        opts.overlay = Arc::new(state.overlay.clone());
        let report = check(&opts)?;
        if state.undo_broken(&report) {
            continue;
        }
        if state.rounds >= MAX_ROUNDS || !state.round(&report, &shown(&report)) {
            break report;
        }
    };
    if !parse_errors_wanted {
        report.findings.retain(|f| f.code != PARSE_ERROR.0);
    }
    Ok((report, state.finish()))
}

impl Fixing {
    /// Undoes the last round for every file it made unparsable (or a policy embedded in it);
    /// true when one was undone (the text must be checked again).
    fn undo_broken(&mut self, report: &Report) -> bool {
        let failures = parse_failures(report);
        let count = |m: &HashMap<PathBuf, usize>, p: &PathBuf| m.get(p).copied().unwrap_or(0);
        let mut undone = false;
        for (path, (before, descs)) in std::mem::take(&mut self.last) {
            if count(&failures, &path) > count(&self.failures_before, &path) {
                self.overlay.insert(path.clone(), before);
                self.frozen.insert(path);
                self.fixed -= descs.len();
                self.dropped.extend(descs);
                undone = true;
            }
        }
        if !undone {
            self.failures_before = failures;
        }
        undone
    }

    /// Makes the fixes the report offers; false when nothing changed (the fixes have settled).
    fn round(&mut self, report: &Report, shown: &[bool]) -> bool {
        let plan = plan(report, shown, self.req, (&self.targets, &self.overlay, &self.frozen));
        if plan.is_empty() {
            return false;
        }
        self.rounds += 1;
        let mut changed = false;
        for (path, fixes) in plan {
            let Some(target) = self.targets.get(&path) else { continue };
            let current = self.overlay.get(&path).unwrap_or(&target.original).clone();
            let only: Vec<&Fix> = fixes.iter().map(|(_, f)| *f).collect();
            let round = apply::apply(&current, &only, |t| parses(target.class, t));
            for &i in &round.broke {
                // The same fix is offered again on the next round's text: report it once.
                let (f, x) = fixes[i];
                if self.seen.insert((path.clone(), f.code.to_string(), x.message.clone())) {
                    self.dropped.push(describe(&report.sources, f, "the fixed text would not parse"));
                }
            }
            if round.text != current {
                let descs: Vec<String> = round
                    .applied
                    .iter()
                    .map(|&i| describe(&report.sources, fixes[i].0, "the fixed policy would not parse"))
                    .collect();
                self.fixed += round.applied.len();
                self.last.insert(path.clone(), (current, descs));
                self.overlay.insert(path, round.text);
                changed = true;
            }
        }
        changed
    }

    /// The files changed, written when the request says so.
    fn finish(self) -> Fixed {
        let targets = &self.targets;
        let changed: Vec<Changed> = self
            .overlay
            .into_iter()
            .filter_map(|(path, after)| {
                let t = targets.get(&path)?;
                (after != t.original).then(|| Changed {
                    path,
                    name: t.name.clone(),
                    before: t.original.clone(),
                    after,
                })
            })
            .collect();
        let mut unwritten = Vec::new();
        if self.req.write {
            for c in &changed {
                if let Err(e) = write::atomic(&c.path, &c.after) {
                    unwritten.push(format!("{}: {e}", c.name));
                }
            }
        }
        Fixed { changed, fixed: self.fixed, dropped: self.dropped, unwritten, rounds: self.rounds }
    }
}

/// The rule that reports text that does not parse.
const PARSE_ERROR: (&str, &str) = ("TL001", "parse-error");

fn reports_parse_errors(opts: &CheckOptions) -> bool {
    let (code, name) = PARSE_ERROR;
    (opts.lint.select.is_empty() || opts.lint.select.iter().any(|s| selector_matches(code, name, s)))
        && !opts.lint.ignore.iter().any(|s| selector_matches(code, name, s))
}

/// The files of the scanned tree fixes may change, by canonical path: regular
/// files of a format trustlint reads, inside a scanned path once symlinks are resolved, whose
/// bytes are UTF-8 without a byte order mark (so the source text is exactly the file).
fn targets(opts: &CheckOptions) -> Result<BTreeMap<PathBuf, Target>, Error> {
    let roots: Vec<PathBuf> = opts.paths.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    let mut out = BTreeMap::new();
    for d in discover::discover(&opts.paths)?.files {
        if !matches!(d.class, FileClass::Json | FileClass::Terraform | FileClass::TerraformJson) {
            continue;
        }
        let Ok(real) = std::fs::canonicalize(&d.path) else { continue };
        if !roots.iter().any(|r| real.starts_with(r)) || !real.is_file() {
            continue;
        }
        let Ok(bytes) = std::fs::read(&real) else { continue };
        let Ok(original) = String::from_utf8(bytes) else { continue };
        if original.starts_with('\u{feff}') || (d.class == FileClass::Json && !is_policy_document(&original))
        {
            continue;
        }
        out.entry(real).or_insert(Target { name: d.display.clone(), class: d.class, original });
    }
    Ok(out)
}

/// The targets, the current text of the files changed so far, and the files left alone.
type Files<'s> = (&'s BTreeMap<PathBuf, Target>, &'s BTreeMap<PathBuf, String>, &'s BTreeSet<PathBuf>);

/// The fixes of a round, by file, in report order: of findings the user is shown, allowed by
/// the request, with all their edits in one source that is a target's current text.
fn plan<'r>(
    report: &'r Report,
    shown: &[bool],
    req: Request,
    (targets, overlay, frozen): Files,
) -> BTreeMap<PathBuf, Vec<(&'r Finding, &'r Fix)>> {
    let mut out: BTreeMap<PathBuf, Vec<(&Finding, &Fix)>> = BTreeMap::new();
    let mut real: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    for (f, _) in
        report.findings.iter().zip(shown.iter().chain(std::iter::repeat(&true))).filter(|(_, s)| **s)
    {
        let Some(fix) = f.fix.as_ref().filter(|x| req.allows(x.applicability)) else { continue };
        let Some(first) = fix.edits.first() else { continue };
        if fix.edits.iter().any(|e| e.span.src != first.span.src) {
            continue;
        }
        let Some(src) = report.sources.get(first.span.src) else { continue };
        let Some(path) =
            real.entry(src.path.clone()).or_insert_with(|| std::fs::canonicalize(&src.path).ok()).clone()
        else {
            continue;
        };
        let Some(target) = targets.get(&path) else { continue };
        let current = overlay.get(&path).unwrap_or(&target.original);
        if src.hidden || frozen.contains(&path) || &src.text != current {
            continue;
        }
        out.entry(path).or_default().push((f, fix));
    }
    out
}

/// A policy document, not a plan or an authorization-details dump: those record what AWS or
/// Terraform computed, and fixing them would change nothing that is deployed.
fn is_policy_document(text: &str) -> bool {
    use crate::input::json::{JsonDocument, detect};
    crate::input::tree::parse_json(text, crate::source::SourceId(0), 0)
        .is_ok_and(|root| detect(&root) == JsonDocument::Policy)
}

/// Findings that say a text does not parse, by file (canonical path).
fn parse_failures(report: &Report) -> HashMap<PathBuf, usize> {
    let mut out = HashMap::new();
    for f in report.findings.iter().filter(|f| f.code == PARSE_ERROR.0) {
        if let Some(path) =
            report.sources.get(f.span.src).and_then(|src| std::fs::canonicalize(&src.path).ok())
        {
            *out.entry(path).or_default() += 1;
        }
    }
    out
}

/// Does the fixed text still parse as the file's format?
fn parses(class: FileClass, text: &str) -> bool {
    match class {
        FileClass::Terraform => hcl_edit::parser::parse_body(text).is_ok(),
        _ => crate::input::tree::parse_json(text, crate::source::SourceId(0), 0).is_ok(),
    }
}

/// `name:line:col: CODE fix message: why`, for fixes dropped.
fn describe(sources: &SourceMap, f: &Finding, why: &str) -> String {
    let (name, pos) = match sources.get(f.span.src) {
        Some(src) => {
            let lc = src.line_col(f.span.start);
            (src.name.clone(), format!("{}:{}", lc.line, lc.column))
        }
        None => (String::new(), "1:1".into()),
    };
    let what = f.fix.as_ref().map_or("", |x| x.message.as_str());
    format!("{name}:{pos}: {} fix dropped ({what}): {why}", f.code)
}
