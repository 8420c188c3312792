//! The `check` pipeline: discover, load, parse, analyse (in parallel per unit), filter, sort.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::Error;
use crate::config::selector::selector_matches;
use crate::config::{LintOptions, Settings};
use crate::declarative;
use crate::discover::{self, Discovered, FileClass};
use crate::input::{self, InputOptions};
use crate::load;
use crate::model::ReadFailure;
use crate::model::Unit;
use crate::rules::HasMeta;
use crate::rules::registry;
use crate::rules::{Context, Finding, Rule, RuleMeta, Run, Sink};
use crate::source::SourceMap;
use crate::source::{Source, Span};

/// Text read from standard input (`-`), reported under `name`.
#[derive(Debug, Clone)]
pub struct StdinInput {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// `--aws-config FILE`: shared config/credentials files read for their profiles only (not
    /// part of the scanned tree, so TL605 does not report the user's own keys).
    pub aws_config: Vec<PathBuf>,
    pub stdin: Option<StdinInput>,
    pub settings: Settings,
    pub lint: LintOptions,
    pub rules_dir: Option<PathBuf>,
    /// The rule set, when the caller has loaded it already (`check` loads it from `rules_dir`
    /// otherwise), so one run parses `--rules-dir` once.
    pub rules: Option<RuleSet>,
    /// `--var-file` files and `--var NAME=VALUE` assignments for the root modules.
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
    /// Told how many units there are, then once per unit done (drives the progress bar).
    pub progress: Option<Progress>,
    /// Collect [`Report::places`] (`check --policy-places`).
    pub policy_places: bool,
    /// Give back the text of each file that no finding points into once its unit is checked
    /// (`check` without `--fix`/`--diff`); callers that read every text afterwards (the
    /// fixer, the editor server) leave it off.
    pub release_texts: bool,
    /// With `release_texts`: the report prints only where findings are (JSON, concise,
    /// GitHub, JUnit, Markdown, statistics), never a line of text, so every text is given back
    /// once its unit's findings are final, keeping the line and column of each offset they
    /// point at. A run of 100,000 files with findings in nearly all of them then holds no text.
    pub positions_only: bool,
    /// Texts read instead of the files at these paths (`check --diff` re-lints fixed text it
    /// does not write).
    pub overlay: Overlay,
    /// Terraform syntax trees kept from an earlier run (the language server's, across changes).
    pub parse_cache: Option<ParseCache>,
}

/// Terraform syntax trees kept from one run to the next by a long-lived caller (the language
/// server): a file whose text is what it was last time is not parsed again. One tree per path,
/// compared by the whole text; dropped whole past a byte budget.
#[derive(Clone, Default)]
pub struct ParseCache(Arc<std::sync::Mutex<ParseTrees>>);

#[derive(Default)]
struct ParseTrees {
    by_path: std::collections::HashMap<PathBuf, (String, Arc<hcl_edit::structure::Body>)>,
    bytes: usize,
}

/// Text kept with the trees: far above a workspace of open modules.
const PARSE_CACHE_BYTES: usize = 32 << 20;

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParseCache")
    }
}

impl ParseCache {
    /// Gives the run the tree of `source` (a `.tf` file), from the cache when its text is
    /// unchanged, so the module reader finds it parsed. Files that do not parse are left to the
    /// reader, which reports them.
    fn seed(&self, source: &Source, sources: &SourceMap) {
        if discover::classify(&source.path) != Some(FileClass::Terraform) {
            return;
        }
        let lock = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        let hit =
            lock().by_path.get(&source.path).filter(|(text, _)| *text == source.text).map(|(_, b)| b.clone());
        let body = match hit {
            Some(body) => body,
            None => {
                let Ok(body) = input::terraform::parse::parse_file(source) else { return };
                let body = Arc::new(body);
                let mut trees = lock();
                if trees.bytes + source.text.len() > PARSE_CACHE_BYTES {
                    *trees = ParseTrees::default();
                }
                let entry = (source.text.clone(), body.clone());
                if let Some((old, _)) = trees.by_path.insert(source.path.clone(), entry) {
                    trees.bytes = trees.bytes.saturating_sub(old.len());
                }
                trees.bytes += source.text.len();
                body
            }
        };
        sources.memo(source.id, true, || {
            Ok::<_, crate::model::ParseFailure>(hcl_edit::structure::Body::clone(&body))
        });
    }
}

pub use crate::input::Overlay;

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

/// Every rule of a run (built-in, embedded declarative and `--rules-dir`), before selection;
/// loaded once and shared by the engine, the configuration check and the reporters.
#[derive(Clone)]
pub struct RuleSet(Arc<Vec<Box<dyn Rule>>>);

impl RuleSet {
    pub fn load(rules_dir: Option<&std::path::Path>) -> Result<RuleSet, Error> {
        Ok(RuleSet(Arc::new(rule_set(rules_dir)?)))
    }

    /// A rule set of the given rules (embedding trustlint with rules of its own, tests).
    pub fn from_rules(rules: Vec<Box<dyn Rule>>) -> RuleSet {
        RuleSet(Arc::new(rules))
    }

    pub fn rules(&self) -> &[Box<dyn Rule>] {
        &self.0
    }

    pub fn metas(&self) -> Vec<RuleMeta> {
        self.0.iter().map(|r| *r.meta()).collect()
    }

    /// (code, name) of every rule, as the configuration loader checks selectors against.
    pub fn names(&self) -> Vec<(&str, &str)> {
        self.0.iter().map(|r| (r.meta().code, r.meta().name)).collect()
    }
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RuleSet({} rules)", self.0.len())
    }
}

pub struct Report {
    /// Sorted by path, line, column, code.
    pub findings: Vec<Finding>,
    /// The run's whole rule set (SARIF lists every rule's metadata).
    pub rules: RuleSet,
    pub sources: SourceMap,
    pub files: usize,
    pub policies: usize,
    pub elapsed: Duration,
    /// With [`CheckOptions::policy_places`]: one tab-separated line per policy place,
    /// `path line subject kind status reason` (status `linted`, `partial` or `unknown`).
    pub places: Vec<String>,
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

/// The rules that `select`/`ignore` leave to run; an unknown selector is an error.
pub fn selected<'r>(rules: &'r [Box<dyn Rule>], lint: &LintOptions) -> Result<Vec<&'r dyn Rule>, Error> {
    for s in lint.select.iter().chain(&lint.ignore) {
        if !registry::selector_known(rules, s) {
            return Err(Error::Selector(s.clone()));
        }
    }
    Ok(rules
        .iter()
        .map(|r| r.as_ref())
        .filter(|r| {
            let m = r.meta();
            (lint.select.is_empty() || lint.select.iter().any(|s| selector_matches(m.code, m.name, s)))
                && !lint.ignore.iter().any(|s| selector_matches(m.code, m.name, s))
        })
        .collect())
}

/// One job read and parsed: its unit (`None` when its files are not ours), with what the report
/// counts and the merge needs.
struct LoadedUnit {
    unit: Option<Unit>,
    files: usize,
    /// Policies the unit had when it was checked (the model may be slimmed afterwards).
    policies: usize,
    /// The source of the JSON file this unit is, when it is one.
    json_source: Option<crate::source::SourceId>,
}

/// What the run phase keeps of a unit after its own rules: the whole model only when the rules
/// on the whole run read it, so a run of 100,000 lone policy files does not hold 100,000 models.
enum Kept {
    /// The job's files are not ours.
    Nothing,
    /// A unit in the role graph (or any unit with `--policy-places`).
    Model(Box<Unit>),
    /// A unit the graph cannot see: what its suppressions and the merge still need.
    Rest(Box<Rest>),
    /// A unit the graph cannot see whose findings are stored, without suppressions or
    /// templates: nothing of it is read again (most units of a large run).
    Final,
}

/// The parts of a unit outside the role graph that the end of the run reads.
struct Rest {
    sources: Vec<crate::source::SourceId>,
    suppressions: Vec<crate::model::terraform::Suppression>,
    recorded: bool,
    template_files: Vec<PathBuf>,
}

impl Kept {
    /// What to keep of `unit` (already checked), given whether `--policy-places` reads it whole.
    fn of(mut unit: Unit, policy_places: bool) -> Kept {
        if policy_places {
            return Kept::Model(Box::new(unit));
        }
        slim_for_run(&mut unit);
        if !outside_graph(&unit) {
            unit.keep_identity_statements(crate::analysis::graph::reads_identity_statement);
            unit.shrink_for_run();
            return Kept::Model(Box::new(unit));
        }
        let mut suppressions = unit.suppressions;
        suppressions.shrink_to_fit();
        Kept::Rest(Box::new(Rest {
            sources: unit.sources,
            suppressions,
            recorded: unit.recorded,
            template_files: unit.template_files,
        }))
    }

    fn sources(&self) -> &[crate::source::SourceId] {
        match self {
            Kept::Nothing | Kept::Final => &[],
            Kept::Model(u) => &u.sources,
            Kept::Rest(r) => &r.sources,
        }
    }
}

/// A unit after its own rules: what the run keeps of it, its counts, findings and budget note.
/// Held for every unit to the end of the run, so 72 bytes: the rarely set parts are boxed.
struct Checked {
    kept: Kept,
    /// The job's place in the run.
    job: u32,
    /// Set when the findings went to the run's store at once (final when made: a unit outside
    /// the graph without suppression comments), to how many there were.
    stored: Option<u32>,
    files: u32,
    policies: u32,
    json_source: Option<crate::source::SourceId>,
    findings: thin_vec::ThinVec<Finding>,
    over_budget: Option<Box<str>>,
}

const _: () = assert!(std::mem::size_of::<Checked>() <= 72);

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What the merge reads of a unit whose findings were stored when it was checked: 16 bytes
/// for each of most units of a large run, not a whole [`UnitResult`].
struct Counted {
    job: u32,
    files: u32,
    policies: u32,
    json_source: Option<crate::source::SourceId>,
}

/// Findings, files read and policies seen for one unit.
struct UnitResult {
    /// The job's place in the run, and the number of its first finding here (after those it
    /// stored already).
    job: usize,
    first: usize,
    findings: Vec<Finding>,
    files: usize,
    policies: usize,
    /// The source of the JSON file this unit is, when it is one.
    json_source: Option<crate::source::SourceId>,
    /// Files the unit's Terraform renders with `templatefile()`.
    templates: Vec<PathBuf>,
    /// `check --policy-places` lines.
    places: Vec<String>,
    /// Set when the unit's reasoning budget ran out (some answers are unknown).
    over_budget: Option<String>,
}

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
    /// The AWS shared config and credentials files of one directory (profiles refer to each
    /// other across the two); `in_tree[i]` is false for files given with `--aws-config`.
    AwsConfig {
        display: String,
        files: Vec<Discovered>,
        in_tree: Vec<bool>,
    },
    /// A path the walk could not list: reported, nothing to parse.
    Unlisted(discover::Problem),
}

pub fn check(opts: &CheckOptions) -> Result<Report, Error> {
    let start = Instant::now();
    let all = match &opts.rules {
        Some(r) => r.clone(),
        None => RuleSet::load(opts.rules_dir.as_deref())?,
    };
    let rules = selected(all.rules(), &opts.lint)?;
    let known = all.names();
    let jobs = all_jobs(opts)?;
    let tell = |e: ProgressEvent| {
        if let Some(p) = &opts.progress {
            (p.0)(e);
        }
    };
    tell(ProgressEvent::Start(jobs.len()));
    let sources = SourceMap::new();
    let input = &run_input(opts);
    let checker = UnitChecker {
        rules: &rules,
        opts,
        sources: &sources,
        texts: Default::default(),
        store: Default::default(),
    };
    // Each unit is checked as soon as it is loaded, so only the units in flight hold whole
    // models. One unit (the pre-commit case) is checked on this thread: starting the thread
    // pool would cost more than the unit.
    let single = jobs.len() <= 1;
    // Each job is given back once loaded: 100,000 paths are not held while the units are checked.
    let load_check = |(i, job): (usize, Job)| {
        let checked = load_unit(&job, input, opts, &sources).map(|l| checker.check(i, l));
        if checked.is_ok() {
            tell(ProgressEvent::Advance);
        }
        checked
    };
    let checked: Vec<Result<Checked, Error>> = if single {
        jobs.into_iter().enumerate().map(load_check).collect()
    } else {
        jobs.into_par_iter().enumerate().map(load_check).collect()
    };
    let checked: Vec<Checked> = checked.into_iter().collect::<Result<_, _>>()?;
    let (mut results, counted) = finish_run(checked, &rules, &known, &sources, opts);
    let mut places: Vec<String> = results.iter_mut().flat_map(|r| std::mem::take(&mut r.places)).collect();
    places.sort();
    let over_budget: Vec<String> = results.iter_mut().filter_map(|r| r.over_budget.take()).collect();
    let store = checker.store;
    let (templates, files, policies) = merge(&mut results, &counted, &store, &sources);
    // Emptied entries given back before the findings are sorted.
    drop((results, counted));
    let exempt = |f: &Finding| exempt_per_path(f, &opts.lint, &sources);
    let mut findings = store.into_sorted(&sources, &|job| templates.contains(&job), &|f| !exempt(f));
    apply_severity(&mut findings, &opts.lint);
    Ok(Report {
        findings,
        rules: all,
        sources,
        files,
        policies,
        elapsed: start.elapsed(),
        places,
        over_budget,
    })
}

/// Reads one job into a unit, with what the run needs to know of it.
fn load_unit(
    job: &Job,
    input: &InputOptions,
    opts: &CheckOptions,
    sources: &SourceMap,
) -> Result<LoadedUnit, Error> {
    let (mut unit, files) = load_job(job, (input, opts.parse_cache.as_ref()), sources)?;
    if let Some(unit) = unit.as_mut() {
        crate::analysis::access::compute(unit);
    }
    // A JSON job's unit has one source, the file's (of its path, even when unreadable).
    let json_source = match job {
        Job::Json(_) => unit.as_ref().and_then(|u| u.sources.first().copied()),
        _ => None,
    };
    let policies = unit.as_ref().map_or(0, |u| u.policies.len());
    Ok(LoadedUnit { unit, files, policies, json_source })
}

/// What checking one loaded unit shares with every other unit of the run.
struct UnitChecker<'a> {
    rules: &'a [&'a dyn Rule],
    opts: &'a CheckOptions,
    sources: &'a SourceMap,
    /// Findings of a large run repeat their help sentences and many messages: one copy each.
    texts: crate::diagnostic::Interner,
    store: crate::finding_store::Store,
}

impl UnitChecker<'_> {
    /// The unit's own rules; then what the run phase keeps of it, with its texts given back
    /// where the format allows, and its findings stored at once when they are final.
    fn check(&self, job: usize, l: LoadedUnit) -> Checked {
        let (mut findings, over_budget) = match &l.unit {
            Some(unit) => check_loaded(self.rules, &self.opts.settings, self.sources, unit),
            None => (Vec::new(), None),
        };
        if self.opts.positions_only {
            unprinted_labels(&mut findings);
        }
        self.texts.findings(&mut findings);
        findings.shrink_to_fit();
        let mut kept = match l.unit {
            Some(unit) => self.keep(unit, &findings),
            None => Kept::Nothing,
        };
        let stored = match &kept {
            Kept::Rest(rest) if rest.suppressions.is_empty() => {
                if rest.recorded {
                    findings.iter_mut().for_each(|f| f.fix = None);
                }
                let n = findings.len();
                self.store.add(job, 0, std::mem::take(&mut findings));
                Some(to_u32(n))
            }
            _ => None,
        };
        if stored.is_some() && matches!(&kept, Kept::Rest(r) if r.template_files.is_empty()) {
            kept = Kept::Final;
        }
        Checked {
            kept,
            job: to_u32(job),
            stored,
            files: to_u32(l.files),
            policies: to_u32(l.policies),
            json_source: l.json_source,
            findings: findings.into(),
            over_budget: over_budget.map(String::into_boxed_str),
        }
    }

    fn keep(&self, unit: Unit, findings: &[Finding]) -> Kept {
        let opts = self.opts;
        if opts.release_texts && !opts.policy_places && outside_graph(&unit) {
            match opts.positions_only {
                true => release_keeping_positions(&unit.sources, &unit.suppressions, findings, self.sources),
                false => release_unreferenced(&unit, findings, self.sources),
            }
        }
        Kept::of(unit, opts.policy_places)
    }
}

/// Drops the labels of code frames from findings of a report that prints positions only: a
/// run of 600,000 findings would hold their words to the end for nothing.
fn unprinted_labels(findings: &mut [Finding]) {
    for f in findings {
        f.label = None;
        f.secondary = Default::default();
    }
}

/// What the run phase still reads of a checked unit: the role graph reaches policies only
/// through the unit's roles and users, so a unit with neither (a lone policy file) gives its
/// policies back now instead of holding them until the end of the run.
fn slim_for_run(unit: &mut Unit) {
    if unit.roles.is_empty() && unit.users.is_empty() {
        unit.policies = Vec::new();
        unit.unread_policies = Vec::new();
    }
}

/// The unit gives the role graph nothing (no role, user, profile, `assume_role` setting or
/// Spacelift resource), so no finding of the run phase can point into its files.
fn outside_graph(unit: &Unit) -> bool {
    let s = &unit.spacelift;
    unit.roles.is_empty()
        && unit.users.is_empty()
        && unit.assume_roles.is_empty()
        && unit.aws_profiles.sections.is_empty()
        && s.integrations.is_empty()
        && s.attachments.is_empty()
        && s.legacy_roles.is_empty()
}

/// Releases the texts of the unit's files that none of its findings (primary, secondary or
/// edit spans) points into, nor a suppression comment (reported later if unused).
fn release_unreferenced(unit: &Unit, findings: &[Finding], sources: &SourceMap) {
    let referenced = |id: crate::source::SourceId| {
        unit.suppressions.iter().any(|s| s.src == id || s.span.src == id)
            || findings.iter().any(|f| {
                f.span.src == id
                    || f.secondary.iter().any(|(s, _)| s.src == id)
                    || f.fix.as_ref().is_some_and(|x| x.edits.iter().any(|e| e.span.src == id))
            })
    };
    for &id in &unit.sources {
        if !referenced(id) {
            sources.release_text(id);
        }
    }
}

/// Gives back the texts of `ids`, keeping the positions that the findings (and suppression
/// comments, which an unused-suppression finding reports later) point at.
fn release_keeping_positions(
    ids: &[crate::source::SourceId],
    suppressions: &[crate::model::terraform::Suppression],
    findings: &[Finding],
    sources: &SourceMap,
) {
    for &id in ids {
        let mut offsets = Vec::new();
        let mut add = |s: Span, both: bool| {
            if s.src == id {
                offsets.push(s.start);
                if both {
                    offsets.push(s.end);
                }
            }
        };
        for f in findings {
            add(f.span, true);
            f.secondary.iter().for_each(|(s, _)| add(*s, false));
            f.fix.iter().flat_map(|x| &x.edits).for_each(|e| add(e.span, true));
        }
        suppressions.iter().for_each(|s| add(s.span, true));
        sources.release_keeping(id, offsets);
    }
}

/// Every job of a run: paths the walk could not list first (reported), then the files.
fn all_jobs(opts: &CheckOptions) -> Result<Vec<Job>, Error> {
    let unsaved = |p: &std::path::Path| input::overlaid(&opts.overlay, p).is_some();
    let mut found = discover::discover_open(&opts.paths, &unsaved)?;
    unsaved_siblings(&opts.overlay, &mut found.files);
    let mut out: Vec<Job> = found.problems.into_iter().map(Job::Unlisted).collect();
    out.extend(jobs(found.files, aws_config_files(&opts.aws_config)?, opts.stdin.as_ref()));
    Ok(out)
}

/// Overlay texts of Terraform files that exist only in an editor, in the directory of a module
/// the run reads: part of that module.
fn unsaved_siblings(overlay: &Overlay, files: &mut Vec<Discovered>) {
    let modules = discover::terraform_modules(files);
    for path in overlay.keys() {
        let class = discover::classify(path);
        let in_module = path.parent().is_some_and(|d| modules.iter().any(|m| m == d));
        // Files on disk were discovered already (their keys are canonical paths).
        if matches!(class, Some(FileClass::Terraform | FileClass::TerraformJson))
            && in_module
            && std::fs::symlink_metadata(path).is_err()
            && !files.iter().any(|f| &f.path == path)
        {
            files.push(Discovered {
                display: path.to_string_lossy().into_owned(),
                path: path.clone(),
                class: class.unwrap_or(FileClass::Terraform),
                explicit: false,
            });
        }
    }
    files.sort();
}

/// `--aws-config` files: named, so read whatever their name; missing files are errors.
fn aws_config_files(paths: &[PathBuf]) -> Result<Vec<Discovered>, Error> {
    let mut out = Vec::new();
    for path in paths {
        std::fs::metadata(path).map_err(|e| Error::Path { path: path.clone(), source: e })?;
        let display = path.to_string_lossy();
        let display = display.strip_prefix("./").unwrap_or(&display).to_string();
        out.push(Discovered { display, path: path.clone(), class: FileClass::AwsConfig, explicit: true });
    }
    Ok(out)
}

/// The directory a file is in, as the user would name it.
fn display_dir(display: &str) -> String {
    std::path::Path::new(display)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".into())
}

/// What the readers of one run are told: scan roots, variables, input settings.
fn run_input(opts: &CheckOptions) -> InputOptions {
    InputOptions {
        roots: input::terraform::files::canonical_roots(&scan_roots(&opts.paths)),
        var_files: opts.var_files.clone(),
        vars: opts.vars.clone(),
        overlay: opts.overlay.clone(),
        ..input_options(&opts.settings)
    }
}

/// One job per JSON file, per Terraform module directory, per directory of AWS config files, and
/// for standard input.
fn jobs(found: Vec<Discovered>, aws_config: Vec<Discovered>, stdin: Option<&StdinInput>) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut modules: std::collections::BTreeMap<PathBuf, (String, Vec<Discovered>)> = Default::default();
    type AwsGroup = (String, Vec<Discovered>, Vec<bool>);
    let mut aws: std::collections::BTreeMap<PathBuf, AwsGroup> = Default::default();
    let tagged = found.into_iter().map(|d| (d, true)).chain(aws_config.into_iter().map(|d| (d, false)));
    for (d, in_tree) in tagged {
        if d.class == FileClass::AwsConfig {
            let dir = d.path.parent().map(PathBuf::from).unwrap_or_default();
            if aws.get(&dir).is_some_and(|g| g.1.iter().any(|f| f.path == d.path)) {
                continue;
            }
            let group = aws.entry(dir).or_insert_with(|| (display_dir(&d.display), Vec::new(), Vec::new()));
            group.1.push(d);
            group.2.push(in_tree);
            continue;
        }
        match d.class {
            FileClass::Json => jobs.push(Job::Json(d)),
            FileClass::Terraform | FileClass::TerraformJson => {
                let dir = d.path.parent().map(PathBuf::from).unwrap_or_default();
                let display = display_dir(&d.display);
                modules.entry(dir).or_insert_with(|| (display, Vec::new())).1.push(d);
            }
            FileClass::AwsConfig => {}
        }
    }
    for (display, files, in_tree) in aws.into_values() {
        jobs.push(Job::AwsConfig { display, files, in_tree });
    }
    for (dir, (display, files)) in modules {
        jobs.push(Job::Terraform { display, dir, files });
    }
    if let Some(stdin) = stdin {
        jobs.push(Job::Stdin(stdin.clone()));
    }
    jobs
}

/// One unit's own rules, under the unit's reasoning budget: findings (not yet suppressed: rules
/// on the whole run may add findings the unit's comments suppress) and the budget note.
fn check_loaded(
    rules: &[&dyn Rule],
    settings: &Settings,
    sources: &SourceMap,
    unit: &Unit,
) -> (Vec<Finding>, Option<String>) {
    let limit = crate::analysis::reason::budget::STEPS_PER_POLICY.saturating_mul(unit.policies.len().max(1));
    let memo = crate::rules::UnitMemo::default();
    let cx = Context { settings, sources, memo: &memo };
    let (findings, spent) = crate::analysis::reason::budget::with_budget(limit, || analyse(rules, &cx, unit));
    let over_budget = spent.exhausted.then(|| {
        format!(
            "{}: reasoning budget of {} steps spent; later questions about its conditions are unknown and the rules asking them stayed silent",
            unit.name, spent.limit
        )
    });
    (findings, over_budget)
}

/// After every unit's own checks: the rules on the whole run (the role graph, built only when a
/// selected rule reads it), each finding given to the unit whose file it points into, then
/// every unit's suppressions.
fn finish_run(
    mut checked: Vec<Checked>,
    rules: &[&dyn Rule],
    known: &[(&str, &str)],
    sources: &SourceMap,
    opts: &CheckOptions,
) -> (Vec<UnitResult>, Vec<Counted>) {
    let policy_places = opts.policy_places;
    let with_unit = checked.iter().filter(|c| !matches!(c.kept, Kept::Nothing)).count();
    let (mut units, model_of) = take_models(&mut checked);
    let mut run_findings = run_rules(rules, &opts.settings, sources, &units, with_unit);
    if opts.positions_only {
        unprinted_labels(&mut run_findings);
    }
    let (extra, orphans) = by_unit(run_findings, &checked, &units, &model_of);
    let release = opts.release_texts && opts.positions_only && !policy_places;
    let mut out = Vec::new();
    let mut counted = Vec::with_capacity(checked.len());
    for ((c, model), mut extra) in checked.into_iter().zip(model_of).zip(extra) {
        if matches!(c.kept, Kept::Final) && extra.is_empty() && c.over_budget.is_none() {
            let Checked { job, files, policies, json_source, .. } = c;
            counted.push(Counted { job, files, policies, json_source });
            continue;
        }
        let Checked { kept, job, stored, files, policies, json_source, findings, over_budget } = c;
        let mut findings: Vec<Finding> = findings.into();
        findings.append(&mut extra);
        let mut r = UnitResult {
            job: job as usize,
            first: stored.unwrap_or(0) as usize,
            findings,
            files: files as usize,
            policies: policies as usize,
            json_source,
            templates: Vec::new(),
            places: Vec::new(),
            over_budget: over_budget.map(String::from),
        };
        match (model, kept) {
            (Some(m), _) => {
                let unit = &mut units[m];
                if policy_places {
                    r.places = place_lines(unit, sources);
                }
                suppress(&mut r.findings, &unit.suppressions, rules, known, sources);
                if release {
                    release_keeping_positions(&unit.sources, &unit.suppressions, &r.findings, sources);
                }
                r.templates = std::mem::take(&mut unit.template_files);
                out.push(unfixed(r, unit.recorded));
            }
            (None, Kept::Rest(rest)) => {
                suppress(&mut r.findings, &rest.suppressions, rules, known, sources);
                let Rest { template_files, recorded, .. } = *rest;
                r.templates = template_files;
                out.push(unfixed(r, recorded));
            }
            (None, Kept::Final) => out.push(r),
            (None, _) => out.push(UnitResult { policies: 0, ..r }),
        }
    }
    if !orphans.is_empty() {
        // Every node of the graph comes from a unit, so this stays empty; kept, not dropped.
        out.push(UnitResult {
            job: usize::MAX,
            first: 0,
            findings: orphans,
            files: 0,
            policies: 0,
            json_source: None,
            templates: Vec::new(),
            places: Vec::new(),
            over_budget: None,
        });
    }
    (out, counted)
}

/// The models the role graph read, moved out of their entries, and each entry's index among
/// them.
fn take_models(checked: &mut [Checked]) -> (Vec<Unit>, Vec<Option<usize>>) {
    let models = checked.iter().filter(|c| matches!(c.kept, Kept::Model(_))).count();
    let mut units: Vec<Unit> = Vec::with_capacity(models);
    let mut model_of: Vec<Option<usize>> = Vec::with_capacity(checked.len());
    for c in checked {
        model_of.push(match std::mem::replace(&mut c.kept, Kept::Nothing) {
            Kept::Model(unit) => {
                units.push(*unit);
                Some(units.len() - 1)
            }
            other => {
                c.kept = other;
                None
            }
        });
    }
    (units, model_of)
}

/// The run-level findings given to the entry whose file each points into, and those that
/// point into no entry's file.
fn by_unit(
    run_findings: Vec<Finding>,
    checked: &[Checked],
    units: &[Unit],
    model_of: &[Option<usize>],
) -> (Vec<Vec<Finding>>, Vec<Finding>) {
    let sources_of = |i: usize| match model_of[i] {
        Some(m) => &units[m].sources[..],
        None => checked[i].kept.sources(),
    };
    let by_source: std::collections::HashMap<crate::source::SourceId, usize> =
        (0..checked.len()).flat_map(|i| sources_of(i).iter().map(move |&s| (s, i))).collect();
    let mut extra: Vec<Vec<Finding>> = vec![Vec::new(); checked.len()];
    let mut orphans = Vec::new();
    for f in run_findings {
        match by_source.get(&f.span.src) {
            Some(&i) => extra[i].push(f),
            None => orphans.push(f),
        }
    }
    (extra, orphans)
}

/// A plan or a dump records what was deployed: editing it changes nothing, so its findings
/// carry no fix.
fn unfixed(mut r: UnitResult, recorded: bool) -> UnitResult {
    if recorded {
        r.findings.iter_mut().for_each(|f| f.fix = None);
    }
    r
}

/// The findings of the rules that read the whole run, over the role graph of its units.
/// `all` counts every unit of the run, also those outside the graph.
fn run_rules(
    rules: &[&dyn Rule],
    settings: &Settings,
    sources: &SourceMap,
    units: &[Unit],
    all: usize,
) -> Vec<Finding> {
    let wanting: Vec<&&dyn Rule> = rules.iter().filter(|r| r.needs_run()).collect();
    let has_hops = units.iter().any(|u| !u.assume_roles.is_empty() || u.roles.len() > 1) || all > 1;
    if wanting.is_empty() || !has_hops {
        return Vec::new();
    }
    let opts = crate::analysis::graph::GraphOptions {
        spacelift_account: settings.spacelift_account.clone(),
        spacelift_environment: settings.spacelift_environment.unwrap_or_default(),
    };
    let graph = crate::analysis::graph::build_with(units, &opts);
    let run = Run { units, graph: &graph };
    let memo = crate::rules::UnitMemo::default();
    let cx = Context { settings, sources, memo: &memo };
    let mut out = Vec::new();
    for rule in wanting {
        let mut sink = Sink::new(rule.meta());
        rule.check_run(&cx, &run, &mut sink);
        out.append(&mut sink.findings);
    }
    out
}

/// Every unit of a run, parsed and with role access computed, but not checked (what `graph`
/// builds on), with the sources they point into.
pub fn load_units(opts: &CheckOptions) -> Result<(Vec<Unit>, SourceMap), Error> {
    let jobs = all_jobs(opts)?;
    let sources = SourceMap::new();
    let input = &run_input(opts);
    let loaded: Vec<Result<(Option<Unit>, usize), Error>> =
        jobs.par_iter().map(|job| load_job(job, (input, opts.parse_cache.as_ref()), &sources)).collect();
    let mut units = Vec::new();
    for r in loaded {
        if let (Some(mut unit), _) = r? {
            crate::analysis::access::compute(&mut unit);
            units.push(unit);
        }
    }
    Ok((units, sources))
}

/// Reads and parses one job's files: the unit (`None` when they are not ours) and files read.
fn load_job(
    job: &Job,
    (input, cache): (&InputOptions, Option<&ParseCache>),
    sources: &SourceMap,
) -> Result<(Option<Unit>, usize), Error> {
    let mut nfiles = 1;
    let unit = match job {
        Job::Json(d) => json_job(d, input, sources),
        Job::AwsConfig { display, files, in_tree } => {
            aws_config_unit(display, files, in_tree, (sources, input), &mut nfiles)?
        }
        Job::Stdin(s) => {
            let path = PathBuf::from(&s.name);
            let source = sources.add(s.name.clone(), path.clone(), s.text.clone());
            // The reported name decides the format, as for files (`--stdin-filename main.tf`).
            match discover::classify(&path) {
                Some(FileClass::Terraform | FileClass::TerraformJson) => {
                    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
                    Some(input::terraform::parse_module(&s.name, dir, &[source], sources, input))
                }
                _ => input::json::parse_file(&source, input, true),
            }
        }
        Job::Terraform { display, dir, files } => {
            let mut loaded = Vec::with_capacity(files.len());
            let mut failures = Vec::new();
            for f in files {
                match load(f, sources, input) {
                    Loaded::Text(source, fs) => {
                        if let Some(cache) = cache {
                            cache.seed(&source, sources);
                        }
                        loaded.push(source);
                        failures.extend(fs);
                    }
                    Loaded::Failed(_, failure) => failures.push(failure),
                    Loaded::Skipped => {}
                }
            }
            nfiles = files.len();
            let unit = input::terraform::parse_module(display, dir.clone(), &loaded, sources, input);
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
    Ok((unit, nfiles))
}

/// One JSON file (or a named shared config file of any name), read within the size cap; what
/// cannot be read is a unit holding the read failure.
fn json_job(d: &Discovered, input: &InputOptions, sources: &SourceMap) -> Option<Unit> {
    match load(d, sources, input) {
        Loaded::Text(source, _) if is_named_aws_config(d, &source.text) => {
            // Stored masked by `load`, so no secret can be printed or found by path.
            Some(input::aws_config::parse_files(&d.display, &[source], &[true]))
        }
        Loaded::Text(source, failures) => {
            input::json::parse_file(&source, input, d.explicit).map(|unit| with_read_failures(unit, failures))
        }
        Loaded::Failed(source, failure) => Some(failed_unit(&source, failure)),
        Loaded::Skipped => None,
    }
}

/// Reads one directory's AWS config files (secrets masked before they are stored); files that
/// are not shared config files by content are skipped unless named.
fn aws_config_unit(
    display: &str,
    files: &[Discovered],
    in_tree: &[bool],
    (sources, input): (&SourceMap, &InputOptions),
    nfiles: &mut usize,
) -> Result<Option<Unit>, Error> {
    let (mut loaded, mut flags) = (Vec::new(), Vec::new());
    for (f, &tree) in files.iter().zip(in_tree) {
        let text = match input::overlaid(&input.overlay, &f.path) {
            Some(text) => text,
            None => read_text(&f.path)?,
        };
        if !f.explicit && !input::aws_config::looks_like_aws_config(&text) {
            continue;
        }
        loaded.push(sources.add(f.display.clone(), f.path.clone(), input::aws_config::redact(&text)));
        flags.push(tree);
    }
    *nfiles = loaded.len();
    if loaded.is_empty() {
        return Ok(None);
    }
    Ok(Some(input::aws_config::parse_files(display, &loaded, &flags)))
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

/// A named file that is a link resolving outside the directory it was named in (a hook given
/// `policy.json -> ~/.aws/credentials` by a hostile repository): it is linted, but no byte of
/// it is printed in a code frame.
fn leaves_its_directory(path: &std::path::Path) -> bool {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return false;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    match (std::fs::canonicalize(path), std::fs::canonicalize(dir)) {
        (Ok(target), Ok(dir)) => !target.starts_with(dir),
        _ => true,
    }
}

/// A file named on the command line, of any name, that is a shared config file rather than JSON.
fn is_named_aws_config(d: &Discovered, text: &str) -> bool {
    let terraform = matches!(d.class, FileClass::Terraform | FileClass::TerraformJson);
    d.explicit
        && !terraform
        && !text.trim_start().starts_with('{')
        && input::aws_config::looks_like_aws_config(text)
}

fn load(d: &Discovered, sources: &SourceMap, input: &InputOptions) -> Loaded {
    let read = match input::overlaid(&input.overlay, &d.path) {
        // Bounded as a file is: an editor buffer can be as large as anything on disk.
        Some(text) if text.len() as u64 > load::MAX_FILE_BYTES => {
            Err(load::LoadError::TooLarge { size: Some(text.len() as u64) })
        }
        Some(text) => Ok(load::Decoded { text, bom: false, invalid_at: None }),
        None => load::read_path(&d.path),
    };
    match read {
        Ok(decoded) => {
            let invalid_at = decoded.invalid_at;
            let text = if is_named_aws_config(d, &decoded.text) {
                input::aws_config::redact(&decoded.text)
            } else {
                decoded.text
            };
            let source = if d.explicit && leaves_its_directory(&d.path) {
                sources.add_hidden(d.display.clone(), d.path.clone(), text)
            } else {
                sources.add(d.display.clone(), d.path.clone(), text)
            };
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

/// Reads a file as UTF-8 text for the readers that take it whole (AWS config files); invalid
/// UTF-8 is replaced rather than failing the run, so the parser can still point at the problem.
fn read_text(path: &std::path::Path) -> Result<String, Error> {
    let decoded =
        load::read_path(path).map_err(|e| Error::Usage(format!("{}: {}", path.display(), e.message())))?;
    Ok(decoded.text)
}

/// Lints `text` as a file called `name` would be (its name decides the format), with `rules`:
/// what the fuzz targets drive.
pub(crate) fn lint_named(
    name: &str,
    text: &str,
    settings: &Settings,
    rules: &[Box<dyn Rule>],
) -> (Vec<Finding>, SourceMap) {
    let sources = SourceMap::new();
    let path = PathBuf::from(name);
    let class = discover::classify(&path);
    // A shared config file is masked before it is stored, as in a run over files: no secret
    // can reach a report.
    let stored = match class {
        Some(FileClass::AwsConfig) => input::aws_config::redact(text),
        _ => text.to_owned(),
    };
    let source = sources.add(name.to_owned(), path.clone(), stored);
    let input = input_options(settings);
    let unit = match class {
        Some(FileClass::AwsConfig) => Some(input::aws_config::parse_files(name, &[source], &[true])),
        Some(FileClass::Terraform | FileClass::TerraformJson) => {
            let dir = path.parent().map(PathBuf::from).unwrap_or_default();
            Some(input::terraform::parse_module(name, dir, &[source], &sources, &input))
        }
        _ => input::json::parse_file(&source, &input, true),
    };
    let all: Vec<&dyn Rule> = rules.iter().map(|r| r.as_ref()).collect();
    let known: Vec<(&str, &str)> = rules.iter().map(|r| (r.meta().code, r.meta().name)).collect();
    let mut findings = match unit {
        Some(mut unit) => check_unit(&all, &known, settings, &sources, &mut unit),
        None => Vec::new(),
    };
    order_and_dedup(&mut findings, &sources);
    (findings, sources)
}

/// The directories a run reads inside: each scanned directory, a named file's directory, and
/// the current directory for standard input.
fn scan_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" || p.is_dir() {
                if p.as_os_str() == "-" { PathBuf::from(".") } else { p.clone() }
            } else {
                p.parent()
                    .map(PathBuf::from)
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or_else(|| ".".into())
            }
        })
        .collect();
    if roots.is_empty() {
        roots.push(".".into());
    }
    roots
}

/// The part of the settings that readers of input need.
pub fn input_options(settings: &Settings) -> InputOptions {
    InputOptions {
        policy_kind: settings.policy_kind,
        role_access: settings.role_access,
        partition: settings.partition.clone(),
        spacelift_account: settings.spacelift_account.clone(),
        spacelift_environment: settings.spacelift_environment.unwrap_or_default(),
        ..InputOptions::default()
    }
}

/// Puts every unit's findings in the run's store, and counts files and policies; the jobs that
/// are templates, whose findings the report leaves out, are returned.
fn merge(
    results: &mut [UnitResult],
    counted: &[Counted],
    store: &crate::finding_store::Store,
    sources: &SourceMap,
) -> (std::collections::HashSet<usize>, usize, usize) {
    // A file a module renders with `templatefile()` is a template (often `*.json` with `${...}`
    // and `%{ if }`), linted through the call with its variables, not as a document of its own.
    let templates: std::collections::HashSet<PathBuf> =
        results.iter().flat_map(|r| &r.templates).filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    let is_template = |json: Option<crate::source::SourceId>| {
        !templates.is_empty()
            && json
                .and_then(|id| sources.get(id))
                .and_then(|s| std::fs::canonicalize(&s.path).ok())
                .is_some_and(|p| templates.contains(&p))
    };
    let mut template_jobs = std::collections::HashSet::new();
    let (mut files, mut policies) = (0, 0);
    for r in results {
        files += r.files;
        if is_template(r.json_source) {
            template_jobs.insert(r.job);
            continue;
        }
        store.add(r.job, r.first, std::mem::take(&mut r.findings));
        policies += r.policies;
    }
    for c in counted {
        files += c.files as usize;
        if is_template(c.json_source) {
            template_jobs.insert(c.job as usize);
        } else {
            policies += c.policies as usize;
        }
    }
    (template_jobs, files, policies)
}

/// What every parsed unit goes through: role access levels, the rules, inline suppressions.
/// `known` is every rule (code, name), selected or not, to tell an unknown code in a suppression
/// from one whose rule did not run.
fn check_unit(
    rules: &[&dyn Rule],
    known: &[(&str, &str)],
    settings: &Settings,
    sources: &SourceMap,
    unit: &mut Unit,
) -> Vec<Finding> {
    crate::analysis::access::compute(unit);
    let memo = crate::rules::UnitMemo::default();
    let cx = Context { settings, sources, memo: &memo };
    let mut findings = analyse(rules, &cx, unit);
    suppress(&mut findings, &unit.suppressions, rules, known, sources);
    if unit.recorded {
        findings.iter_mut().for_each(|f| f.fix = None);
    }
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
pub fn lint_text(
    name: &str,
    text: &str,
    settings: &Settings,
    rules: &RuleSet,
) -> (Vec<Finding>, SourceMap, Option<Unit>) {
    let sources = SourceMap::new();
    let source = sources.add(name.to_owned(), PathBuf::from(name), text.to_owned());
    let Some(mut unit) = input::json::parse_file(&source, &input_options(settings), true) else {
        return (Vec::new(), sources, None);
    };
    let all: Vec<&dyn Rule> = rules.rules().iter().map(|r| r.as_ref()).collect();
    let mut findings = check_unit(&all, &rules.names(), settings, &sources, &mut unit);
    order_and_dedup(&mut findings, &sources);
    (findings, sources, Some(unit))
}

pub fn analyse(rules: &[&dyn Rule], cx: &Context, unit: &Unit) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules {
        let mut sink = Sink::new(rule.meta());
        rule.check_unit(cx, unit, &mut sink);
        out.append(&mut sink.findings);
    }
    crate::rules::defaults::note_defaults(unit, &mut out);
    out
}

/// Drops findings covered by `# trustlint:ignore` comments of the unit, and reports (TL000, when
/// selected) the comments that name an unknown rule, and those that covered nothing although
/// every rule they name ran (a rule left out by `--select` cannot show a comment unused).
fn suppress(
    findings: &mut Vec<Finding>,
    suppressions: &[crate::model::terraform::Suppression],
    rules: &[&dyn Rule],
    known: &[(&str, &str)],
    sources: &SourceMap,
) {
    if suppressions.is_empty() {
        return;
    }
    let mut used = vec![false; suppressions.len()];
    findings.retain(|f| {
        let Some(src) = sources.get(f.span.src) else { return true };
        let line = src.line_col(f.span.start).line;
        let hit = suppressions.iter().position(|s| {
            s.src == f.span.src
                && s.lines.is_some_and(|(a, b)| (a..=b).contains(&line))
                && (s.codes.is_empty() || s.codes.iter().any(|c| selector_matches(f.code, f.name, c)))
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
    let ran = |c: &str| rules.iter().any(|r| selector_matches(r.meta().code, r.meta().name, c));
    let mut sink = Sink::new(meta);
    for (s, used) in suppressions.iter().zip(used) {
        let unknown: Vec<&str> = s
            .codes
            .iter()
            .map(String::as_str)
            .filter(|c| !known.iter().any(|(code, name)| selector_matches(code, name, c)))
            .collect();
        if !unknown.is_empty() {
            let (rule, them) = if unknown.len() == 1 { ("rule", "it") } else { ("rules", "them") };
            sink.emit(s.span, format!("suppression of unknown {rule} {}", unknown.join(", ")))
                .help(format!("check the code with `trustlint rules`, or remove {them} from the comment"));
        } else if !used && s.codes.iter().all(|c| ran(c)) {
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
        if let Some(s) = lint.severity.get(f.code).or_else(|| lint.severity.get(f.name)) {
            f.severity = *s;
        }
    }
}

/// The finding is exempted by a `[[lint.per-path]]` entry for its file.
fn exempt_per_path(f: &Finding, lint: &LintOptions, sources: &SourceMap) -> bool {
    if lint.per_path.is_empty() {
        return false;
    }
    let Some(src) = sources.get(f.span.src) else { return false };
    lint.per_path
        .iter()
        .any(|pp| pp.ignore.iter().any(|s| selector_matches(f.code, f.name, s)) && pp.matches_path(&src.path))
}

/// Path, line, column, code: deterministic whatever order the threads finished in.
pub fn sort_findings(findings: &mut [Finding], sources: &SourceMap) {
    let rank = crate::finding_store::name_ranks(findings, sources);
    // 16 bytes of key per finding (a cached key of owned parts took 80): code and message,
    // which rarely decide, are compared in place, and the index keeps the sort stable.
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut keys: Vec<[u32; 4]> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            // Lines start at 1: a finding outside every source sorts first, as `None` did.
            let lc = sources.get(f.span.src).map_or((0, 0), |s| {
                let l = s.line_col(f.span.start);
                (to_u32(l.line), to_u32(l.column))
            });
            [rank.get(&f.span.src).copied().unwrap_or(0), lc.0, lc.1, to_u32(i)]
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        let (fa, fb) = (&findings[a[3] as usize], &findings[b[3] as usize]);
        a[..3]
            .cmp(&b[..3])
            .then_with(|| fa.code.cmp(fb.code))
            .then_with(|| fa.message.cmp(&fb.message))
            .then(a[3].cmp(&b[3]))
    });
    let order: Vec<u32> = keys.into_iter().map(|k| k[3]).collect();
    crate::finding_store::permute(findings, order);
}

fn place_lines(unit: &Unit, sources: &SourceMap) -> Vec<String> {
    let at = |span: crate::source::Span| match sources.get(span.src) {
        Some(s) => format!("{}\t{}", s.name, s.line_col(span.start).line),
        None => "?\t0".to_string(),
    };
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    let mut out = Vec::new();
    for p in &unit.policies {
        let partial = p.partial || p.statements.iter().any(|s| s.partial);
        let status = if partial { "partial" } else { "linted" };
        let subject = clean(p.subject.as_deref().unwrap_or("-"));
        out.push(format!("{}\t{subject}\t{}\t{status}\t-", at(p.span), p.kind.name()));
    }
    // Provider and backend `assume_role` settings are places of their own (kind `assume_role`).
    for a in &unit.assume_roles {
        let known = [&a.role_arn, &a.duration, &a.external_id, &a.session_name]
            .iter()
            .all(|v| v.as_ref().is_none_or(|v| v.text.is_some()));
        let status = if known { "linted" } else { "partial" };
        out.push(format!("{}\t{}\tassume_role\t{status}\t-", at(a.span), clean(&a.origin.describe())));
    }
    for u in &unit.unread_policies {
        out.push(format!("{}\t{}\t-\tunknown\t{}", at(u.span), clean(&u.subject), clean(&u.reason)));
    }
    out
}
