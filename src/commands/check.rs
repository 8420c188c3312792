//! `trustlint check`: options from configuration and flags, run, report, exit status.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::collections::{BTreeMap, HashSet};

use crate::Error;
use crate::aws::spacelift::SpaceliftEnvironment;
use crate::baseline::{Baseline, Entry, norm_path};
use crate::cli::{
    CheckArgs, FailOn, OutputFormat, PolicyKindArg, RoleAccessArg, SeverityArg, SpaceliftEnvironmentArg,
};
use crate::commands::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, exit, write_stdout_bytes};
use crate::config::RoleAccessFlag;
use crate::config::file::{self as config_file, Date, FailOnSetting, FileConfig};
use crate::config::selector::selector_matches;
use crate::fixer;
use crate::model::PolicyKind;
use crate::report::paths::Rebase;
use crate::report::terminal::{self, ColorEnv, use_color, use_links};
use crate::report::{self, plural};
use crate::rules::{Applicability, Finding, Severity};
use crate::{CheckOptions, Progress, ProgressEvent, Report, RuleSet, StdinInput, check, selected};

/// Everything a run needs, from the configuration file and the flags (flags win).
pub struct Prepared {
    pub opts: CheckOptions,
    /// Lowest severity that fails the run; `None` for never.
    pub threshold: Option<Severity>,
    pub config: Option<FileConfig>,
}

/// The configuration file to use: `--config`, none with `--no-config`, else the nearest one.
fn config_path(args: &CheckArgs) -> Option<PathBuf> {
    if args.no_config {
        return None;
    }
    if let Some(p) = &args.config {
        return Some(p.clone());
    }
    config_file::discover(Path::new("."))
}

/// `--var-file` (must be readable files) and `--var NAME=VALUE`.
fn terraform_vars(args: &CheckArgs, opts: &mut CheckOptions) -> Result<(), String> {
    for f in &args.var_file {
        if !f.is_file() {
            return Err(format!("--var-file {}: no such file", f.display()));
        }
        opts.var_files.push(f.clone());
    }
    for v in &args.var {
        match v.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                opts.vars.push((name.trim().to_string(), value.to_string()));
            }
            _ => return Err(format!("--var `{v}`: expected NAME=VALUE")),
        }
    }
    Ok(())
}

pub fn options(args: &CheckArgs) -> Result<Prepared, Error> {
    let mut opts = CheckOptions::default();
    let rules = RuleSet::load(args.rules_dir.as_deref())?;
    let config = match config_path(args) {
        Some(path) => {
            let today = Date::today().map_err(Error::Usage)?;
            Some(config_file::load(&path, &rules.names(), today).map_err(|e| Error::Usage(e.to_string()))?)
        }
        None => None,
    };
    opts.rules = Some(rules);
    if let Some(c) = &config {
        c.apply_settings(&mut opts.settings);
        opts.lint = c.lint_options();
    }
    let default = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() && !args.scan.aws { &default[..] } else { &args.paths[..] };
    for p in paths {
        if p.as_os_str() == "-" {
            // Bounded like files; a BOM or invalid bytes are left for the parser to point at.
            let text = match crate::load::read_stream(std::io::stdin().lock()) {
                Ok(decoded) => decoded.text,
                Err(e) => return Err(Error::Usage(format!("standard input: {}", e.message()))),
            };
            let name = args.stdin_filename.clone().unwrap_or_else(|| "-".into());
            opts.stdin = Some(StdinInput { name, text });
        } else {
            opts.paths.push(p.clone());
        }
    }
    opts.policy_places = args.policy_places;
    // The fixer compares and edits the texts after the run; a plain check needs only the
    // texts findings point into.
    opts.release_texts = !(args.fix || args.diff);
    opts.positions_only = opts.release_texts && positions_only(args);
    opts.aws_config = args.aws_config.clone();
    apply_setting_flags(args, &mut opts.settings)?;
    let select: Vec<String> = args.select.iter().filter(|s| !s.trim().is_empty()).cloned().collect();
    if !select.is_empty() {
        opts.lint.select = select;
    }
    let ignore: Vec<String> = args.ignore.iter().filter(|s| !s.trim().is_empty()).cloned().collect();
    if !ignore.is_empty() {
        opts.lint.ignore = ignore;
    }
    opts.rules_dir = args.rules_dir.clone();
    terraform_vars(args, &mut opts).map_err(Error::Usage)?;
    let threshold = match (args.fail_on, config.as_ref().and_then(|c| c.fail_on)) {
        (Some(flag), _) => threshold(flag),
        (None, Some(FailOnSetting::At(s))) => Some(s),
        (None, Some(FailOnSetting::Never)) => None,
        (None, None) => Some(Severity::Warning),
    };
    Ok(Prepared { opts, threshold, config })
}

/// The report prints where findings are, never the text they point at: no code frames
/// (human), no fingerprints (SARIF, GitLab, baselines hash the text at each finding).
fn positions_only(args: &CheckArgs) -> bool {
    let located = matches!(
        args.format,
        OutputFormat::Json
            | OutputFormat::Concise
            | OutputFormat::Github
            | OutputFormat::Junit
            | OutputFormat::Markdown
    );
    (located || args.statistics) && args.baseline.is_none() && args.write_baseline.is_none()
}

/// The flags that set what the rules read (`--policy-kind`, `--role-access`, Spacelift facts,
/// `--trusted-account`); they win over the configuration file.
fn apply_setting_flags(args: &CheckArgs, s: &mut crate::config::Settings) -> Result<(), Error> {
    if let Some(kind) = args.policy_kind {
        s.policy_kind = match kind {
            PolicyKindArg::Auto => None,
            PolicyKindArg::Trust => Some(PolicyKind::Trust),
            PolicyKindArg::Permission => Some(PolicyKind::Permission),
            PolicyKindArg::Resource => Some(PolicyKind::Resource),
        };
    }
    if let Some(a) = args.role_access {
        s.role_access = Some(match a {
            RoleAccessArg::Read => RoleAccessFlag::Read,
            RoleAccessArg::Write => RoleAccessFlag::Write,
        });
    }
    if let Some(a) = &args.spacelift_account {
        s.spacelift_account = Some(a.clone());
    }
    if let Some(env) = args.spacelift_environment {
        s.spacelift_environment = Some(match env {
            SpaceliftEnvironmentArg::SpaceliftIo => SpaceliftEnvironment::Eu,
            SpaceliftEnvironmentArg::UsSpaceliftIo => SpaceliftEnvironment::Us,
        });
    }
    if !args.trusted_account.is_empty() {
        s.trusted_accounts.clear();
    }
    for id in &args.trusted_account {
        if !crate::aws::is_account_id(id) {
            return Err(Error::Usage(format!("--trusted-account `{id}` is not a 12-digit AWS account id")));
        }
        s.trusted_accounts.push(id.clone());
    }
    Ok(())
}

fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// A progress bar on stderr, shown only on a terminal, without `--quiet`, once the run has
/// taken over a second.
fn progress_bar(quiet: bool) -> Option<(indicatif::ProgressBar, Progress)> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::hidden();
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} checking {pos}/{len} [{bar:30}] {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let started = Instant::now();
    let shown = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let b = bar.clone();
    let hook = Progress(Arc::new(move |e| match e {
        ProgressEvent::Start(n) => b.set_length(n as u64),
        ProgressEvent::Advance => {
            b.inc(1);
            if started.elapsed() > Duration::from_secs(1)
                && !shown.swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }
    }));
    Some((bar, hook))
}

/// Flag combinations clap cannot express.
fn validate(args: &CheckArgs) -> Result<(), Error> {
    if args.statistics && !matches!(args.format, OutputFormat::Human | OutputFormat::Concise) {
        return Err(Error::Usage("--statistics works with --format human or concise".into()));
    }
    if let Some(root) = &args.root
        && !root.is_dir()
    {
        return Err(Error::Usage(format!("--root {}: not a directory", root.display())));
    }
    if args.unsafe_fixes && !args.fix && !args.diff {
        return Err(Error::Usage("--unsafe-fixes works with --fix or --diff".into()));
    }
    Ok(())
}

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    validate(args)?;
    let Prepared { mut opts, threshold, config } = options(args)?;
    if let Some(c) = &config {
        warn_expired(c);
        if args.verbose > 0 {
            eprintln!("using configuration {}", c.path.display());
        }
    }
    let fetched =
        if args.scan.aws { Some(super::check_aws::fetch(&args.scan, args.quiet, &mut opts)?) } else { None };
    let bar = progress_bar(args.quiet);
    opts.progress = bar.as_ref().map(|(_, hook)| hook.clone());
    let fixing = (args.fix || args.diff)
        .then_some(fixer::Request { unsafe_fixes: args.unsafe_fixes, write: args.fix && !args.diff });
    let shown = shown_filter(args, fixing.is_some())?;
    let result = match fixing {
        Some(req) => fixer::run_shown(&opts, req, &shown).map(|(r, fixed)| (r, Some(fixed))),
        None => check(&opts).map(|r| (r, None)),
    };
    if let Some((bar, _)) = &bar {
        bar.finish_and_clear();
    }
    let (mut report, outcome) = result?;
    if args.diff {
        let keep = shown(&report);
        let mut it = keep.iter();
        report.findings.retain(|_| *it.next().unwrap_or(&true));
        return print_diff(args, &report, &outcome.unwrap_or_default());
    }
    for note in &report.over_budget {
        eprintln!("warning: {note}");
    }
    for line in &report.places {
        eprintln!("{line}");
    }
    if args.verbose > 0 {
        run_summary(&report, args.verbose);
    }
    if let Some(path) = &args.write_baseline {
        super::check_aws::baseline_allowed(fetched.as_ref(), path)?;
        return write_baseline(args, path, &report);
    }
    let fmt = format(args.format);
    // Fingerprints cost a key per finding: only the baseline and the formats that carry them.
    let mut fps = if fmt.needs_fingerprints() || args.baseline.is_some() {
        crate::baseline::fingerprints(&report.findings, &report.sources)
    } else {
        Vec::new()
    };
    if let Some(path) = &args.baseline {
        apply_baseline(path, &mut report, &mut fps, &opts, args.quiet)?;
    }
    apply_min_severity(args.min_severity, &mut report.findings, &mut fps);
    let failed = threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    let mut render = render_options(args, threshold)?;
    render.fixes = fix_counts(args, &report.findings, outcome.as_ref());
    write_report(args, fmt, &report, &fps, &render)?;
    if let Some(o) = &outcome
        && !fixes_reported(args, o, &report.findings)
    {
        return Ok(exit(EXIT_USAGE));
    }
    Ok(exit(super::check_aws::status(fetched.as_ref(), if failed { EXIT_FINDINGS } else { EXIT_OK })))
}

/// Streamed to the destination: a report of many findings is never held whole.
fn write_report(
    args: &CheckArgs,
    fmt: report::Format,
    report: &Report,
    fps: &[String],
    render: &report::RenderOptions,
) -> Result<(), Error> {
    match &args.output {
        Some(path) => std::fs::File::create(path)
            .and_then(|f| report::render(fmt, report, fps, render, &mut std::io::BufWriter::new(f)))
            .map_err(|e| Error::Path { path: path.clone(), source: e }),
        None => Ok(report::render(
            fmt,
            report,
            fps,
            render,
            &mut std::io::BufWriter::new(std::io::stdout().lock()),
        )?),
    }
}

/// The notes after `--fix`: fixes left unwritten and fixes dropped; false when a fix failed.
fn fixes_reported(args: &CheckArgs, o: &fixer::Fixed, findings: &[Finding]) -> bool {
    let left = fixes_left(args, findings).saturating_sub(o.dropped.len());
    if left > 0 && !args.quiet {
        eprintln!(
            "note: {} with a fix were left as they are: standard input, files outside the scanned paths and files trustlint re-encoded to read are never written",
            plural(left, "finding")
        );
    }
    fix_notes(o, args.quiet)
}

/// Fixed and still fixable findings, for the summary line.
fn fix_counts(args: &CheckArgs, findings: &[Finding], outcome: Option<&fixer::Fixed>) -> report::FixCounts {
    let left = |a: Applicability| {
        findings.iter().filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability == a)).count()
    };
    report::FixCounts {
        fixed: outcome.map_or(0, |o| o.fixed),
        safe: left(Applicability::Safe),
        unsafe_: left(Applicability::Unsafe),
        fixing: args.fix,
        unsafe_fixes: args.unsafe_fixes,
    }
}

/// Findings left with a fix this run was asked to make.
fn fixes_left(args: &CheckArgs, findings: &[Finding]) -> usize {
    let allowed = |a: Applicability| a == Applicability::Safe || args.unsafe_fixes;
    findings.iter().filter(|f| f.fix.as_ref().is_some_and(|x| allowed(x.applicability))).count()
}

/// Says on stderr which fixes were dropped and which files could not be written; false when a
/// file could not be written (the run then exits 2).
fn fix_notes(o: &fixer::Fixed, quiet: bool) -> bool {
    for d in &o.dropped {
        eprintln!("warning: {d}");
    }
    if o.rounds >= fixer::MAX_ROUNDS && !quiet {
        eprintln!("warning: fixes had not settled after {} rounds; run again to finish", fixer::MAX_ROUNDS);
    }
    for u in &o.unwritten {
        eprintln!("error: could not write the fixed file {u}");
    }
    o.unwritten.is_empty()
}

/// `--diff`: every change `--fix` would make, as unified diffs on standard output (or
/// `--output`); exit status 1 when there is one.
fn print_diff(args: &CheckArgs, report: &Report, o: &fixer::Fixed) -> Result<ExitCode, Error> {
    let mut buf = String::new();
    for c in &o.changed {
        buf.push_str(&fixer::diff::unified(&c.name, &c.before, &c.after));
    }
    match &args.output {
        Some(path) => {
            write_file(path, buf.as_bytes()).map_err(|e| Error::Path { path: path.clone(), source: e })?
        }
        None => write_stdout_bytes(buf.as_bytes())?,
    }
    fix_notes(o, args.quiet);
    if !args.quiet {
        let counts = fix_counts(args, &report.findings, Some(o));
        let mut line =
            format!("would fix {} in {}", plural(o.fixed, "finding"), plural(o.changed.len(), "file"));
        if let Some(more) = report::fix_hint(&counts, true) {
            line.push_str(&format!("; {more}"));
        }
        eprintln!("{line}");
    }
    Ok(exit(if o.changed.is_empty() { EXIT_OK } else { EXIT_FINDINGS }))
}

fn format(f: OutputFormat) -> report::Format {
    match f {
        OutputFormat::Human => report::Format::Human,
        OutputFormat::Concise => report::Format::Concise,
        OutputFormat::Json => report::Format::Json,
        OutputFormat::Sarif => report::Format::Sarif,
        OutputFormat::Github => report::Format::Github,
        OutputFormat::Gitlab => report::Format::Gitlab,
        OutputFormat::Junit => report::Format::Junit,
        OutputFormat::Markdown => report::Format::Markdown,
    }
}

/// Colour, width and links from the flags, the environment and the terminal; where
/// repository-relative paths start; which rules have docs pages.
fn render_options(args: &CheckArgs, threshold: Option<Severity>) -> Result<report::RenderOptions, Error> {
    let terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = use_color(args.color, terminal, &ColorEnv::from_process());
    let documented: HashSet<&'static str> =
        RuleSet::load(None)?.rules().iter().map(|r| r.meta().code).collect();
    Ok(report::RenderOptions {
        human: report::human::HumanOptions { color, width: terminal::width(), summary: !args.quiet },
        links: use_links(color),
        statistics: args.statistics,
        root: Rebase::detect(args.root.as_deref()),
        threshold,
        documented,
        fixes: report::FixCounts::default(),
    })
}

/// Applies `--baseline`: drops recorded findings and says how many recorded ones are fixed,
/// counting only entries whose rule ran on their file.
fn apply_baseline(
    path: &Path,
    report: &mut Report,
    fps: &mut Vec<String>,
    opts: &CheckOptions,
    quiet: bool,
) -> Result<(), Error> {
    let b = Baseline::read(path).map_err(Error::Usage)?;
    // Code -> name of the rules that ran (per-path exemptions may name a rule by its name).
    let ran: BTreeMap<&str, &str> =
        selected(report.rules.rules(), &opts.lint)?.iter().map(|r| (r.meta().code, r.meta().name)).collect();
    let sources = report.sources.all();
    let checked_rule = |e: &Entry| {
        let Some(name) = ran.get(e.code.as_str()) else { return false };
        let src = sources.iter().find(|s| norm_path(&s.name) == e.path);
        let exempt = src.is_some_and(|src| {
            opts.lint.per_path.iter().any(|pp| {
                pp.ignore.iter().any(|s| selector_matches(&e.code, name, s)) && pp.matches_path(&src.path)
            })
        });
        !exempt
    };
    let fixed = b.filter(&mut report.findings, fps, &report.sources, &checked_rule);
    if fixed > 0 && !quiet {
        let are = if fixed == 1 { "is" } else { "are" };
        eprintln!(
            "{} {are} fixed; rewrite the baseline with --write-baseline",
            plural(fixed, "baseline finding")
        );
    }
    Ok(())
}

/// `--min-severity`: drops the findings below it, and their fingerprints.
fn apply_min_severity(min: Option<SeverityArg>, findings: &mut Vec<Finding>, fps: &mut Vec<String>) {
    let Some(min) = min_severity(min) else { return };
    let keep: Vec<bool> = findings.iter().map(|f| f.severity >= min).collect();
    let mut it = keep.iter();
    findings.retain(|_| *it.next().unwrap_or(&true));
    let mut it = keep.iter();
    fps.retain(|_| *it.next().unwrap_or(&true));
}

/// Which findings of a report the user will be shown: `--fix` changes only those. A finding the
/// report hides (recorded in the baseline, below `--min-severity`) is not fixed: the user asked
/// to be spared it, and the summary counts must agree with what shows.
fn shown_filter(args: &CheckArgs, fixing: bool) -> Result<impl Fn(&Report) -> Vec<bool>, Error> {
    let baseline = match &args.baseline {
        Some(path) if fixing => Some(Baseline::read(path).map_err(Error::Usage)?),
        _ => None,
    };
    let min = min_severity(args.min_severity);
    Ok(move |r: &Report| {
        let mut keep = match &baseline {
            Some(b) => b.shown(&r.findings, &r.sources),
            None => vec![true; r.findings.len()],
        };
        for (k, f) in keep.iter_mut().zip(&r.findings) {
            *k &= min.is_none_or(|m| f.severity >= m);
        }
        keep
    })
}

fn min_severity(arg: Option<SeverityArg>) -> Option<Severity> {
    arg.map(|a| match a {
        SeverityArg::Info => Severity::Info,
        SeverityArg::Warning => Severity::Warning,
        SeverityArg::Error => Severity::Error,
    })
}

/// Expired `[[lint.per-path]]` exemptions no longer apply; say so on every run until removed.
fn warn_expired(c: &FileConfig) {
    for pp in &c.expired {
        let date = pp.expires.map(|d| d.to_string()).unwrap_or_default();
        let reason = pp.reason.as_deref().map(|r| format!(" (reason: {r})")).unwrap_or_default();
        eprintln!(
            "warning: {}:{}: per-path exemption `{}` expired on {date} and no longer applies{reason}",
            c.path.display(),
            pp.line,
            pp.pattern
        );
    }
    if !c.expired.is_empty() {
        eprintln!("warning: {}", plural(c.expired.len(), "expired per-path exemption"));
    }
}

/// `-v`: counts by rule; `-vv`: every file read too.
fn run_summary(report: &crate::Report, verbose: u8) {
    if verbose > 1 {
        for name in report.sources.names() {
            eprintln!("read {name}");
        }
    }
    let mut by_code: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for f in &report.findings {
        *by_code.entry(f.code.as_ref()).or_default() += 1;
    }
    let counts: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} {n}")).collect();
    let policies =
        if report.policies == 1 { "1 policy".to_string() } else { format!("{} policies", report.policies) };
    eprintln!(
        "{} read, {policies}, {} ({}) in {:.3} s",
        plural(report.files, "file"),
        plural(report.findings.len(), "finding"),
        if counts.is_empty() { "none".to_string() } else { counts.join(", ") },
        report.elapsed.as_secs_f64()
    );
}

fn write_baseline(args: &CheckArgs, path: &Path, report: &crate::Report) -> Result<ExitCode, Error> {
    let b = Baseline::from_findings(&report.findings, &report.sources);
    write_file(path, b.to_json().as_bytes())
        .map_err(|e| Error::Path { path: path.to_path_buf(), source: e })?;
    if !args.quiet {
        eprintln!("recorded {} in {}", plural(b.entries.len(), "finding"), path.display());
    }
    Ok(exit(EXIT_OK))
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
