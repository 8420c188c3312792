//! `trustlint check`: options from configuration and flags, run, report, exit status.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::baseline::Baseline;
use crate::cli::{CheckArgs, FailOn, OutputFormat, PolicyKindArg, RoleAccessArg, SpaceliftEnvironmentArg};
use crate::commands::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, is_broken_pipe};
use crate::config::file::{self as config_file, Date, FailOnSetting, FileConfig};
use crate::config::{RoleAccessFlag, SpaceliftEnvironment};
use crate::model::PolicyKind;
use crate::report;
use crate::rules::Severity;
use crate::{CheckOptions, Progress, ProgressEvent, StdinInput, check, rule_set};

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

pub fn options(args: &CheckArgs) -> Result<Prepared, String> {
    let mut opts = CheckOptions::default();
    let rules = rule_set(args.rules_dir.as_deref()).map_err(|e| e.to_string())?;
    let config = match config_path(args) {
        Some(path) => {
            let today = Date::today()?;
            let names: Vec<(&str, &str)> = rules.iter().map(|r| (r.meta().code, r.meta().name)).collect();
            Some(config_file::load(&path, &names, today).map_err(|e| e.to_string())?)
        }
        None => None,
    };
    if let Some(c) = &config {
        c.apply_settings(&mut opts.settings);
        opts.lint.select = c.select.clone().unwrap_or_default();
        opts.lint.ignore = c.ignore.clone().unwrap_or_default();
        opts.lint.severity = c.severity.iter().cloned().collect();
        opts.lint.per_path = c.per_path.clone();
    }
    for p in &args.paths {
        if p.as_os_str() == "-" {
            // Bounded like files; a BOM or invalid bytes are left for the parser to point at.
            let text = match crate::load::read_stream(std::io::stdin().lock()) {
                Ok(decoded) => decoded.text,
                Err(e) => return Err(format!("standard input: {}", e.message())),
            };
            let name = args.stdin_filename.clone().unwrap_or_else(|| "-".into());
            opts.stdin = Some(StdinInput { name, text });
        } else {
            opts.paths.push(p.clone());
        }
    }
    let s = &mut opts.settings;
    s.policy_kind = match args.policy_kind {
        PolicyKindArg::Auto => None,
        PolicyKindArg::Trust => Some(PolicyKind::Trust),
        PolicyKindArg::Permission => Some(PolicyKind::Permission),
    };
    s.role_access = args.role_access.map(|a| match a {
        RoleAccessArg::Read => RoleAccessFlag::Read,
        RoleAccessArg::Write => RoleAccessFlag::Write,
    });
    if let Some(a) = &args.spacelift_account {
        s.spacelift_account = Some(a.clone());
    }
    if let Some(env) = args.spacelift_environment {
        s.spacelift_environment = match env {
            SpaceliftEnvironmentArg::SpaceliftIo => SpaceliftEnvironment::Eu,
            SpaceliftEnvironmentArg::UsSpaceliftIo => SpaceliftEnvironment::Us,
        };
    }
    if !args.trusted_account.is_empty() {
        s.trusted_accounts.clear();
    }
    for id in &args.trusted_account {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("--trusted-account `{id}` is not a 12-digit AWS account id"));
        }
        s.trusted_accounts.push(id.clone());
    }
    let select: Vec<String> = args.select.iter().filter(|s| !s.trim().is_empty()).cloned().collect();
    if !select.is_empty() {
        opts.lint.select = select;
    }
    let ignore: Vec<String> = args.ignore.iter().filter(|s| !s.trim().is_empty()).cloned().collect();
    if !ignore.is_empty() {
        opts.lint.ignore = ignore;
    }
    opts.rules_dir = args.rules_dir.clone();
    let threshold = match (args.fail_on, config.as_ref().and_then(|c| c.fail_on)) {
        (Some(flag), _) => threshold(flag),
        (None, Some(FailOnSetting::At(s))) => Some(s),
        (None, Some(FailOnSetting::Never)) => None,
        (None, None) => Some(Severity::Warning),
    };
    Ok(Prepared { opts, threshold, config })
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

pub fn run(args: &CheckArgs) -> i32 {
    let Prepared { mut opts, threshold, config } = match options(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if let Some(c) = &config {
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
            let n = c.expired.len();
            eprintln!("warning: {n} expired per-path exemption{}", if n == 1 { "" } else { "s" });
        }
    }
    if args.verbose > 0
        && let Some(c) = &config
    {
        eprintln!("using configuration {}", c.path.display());
    }
    let bar = progress_bar(args.quiet);
    opts.progress = bar.as_ref().map(|(_, hook)| hook.clone());
    let result = check(&opts);
    if let Some((bar, _)) = &bar {
        bar.finish_and_clear();
    }
    let mut report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    for note in &report.over_budget {
        eprintln!("warning: {note}");
    }
    if args.verbose > 1 {
        for name in report.sources.names() {
            eprintln!("read {name}");
        }
    }
    if args.verbose > 0 {
        let mut by_code: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for f in &report.findings {
            *by_code.entry(f.code.as_ref()).or_default() += 1;
        }
        let counts: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} {n}")).collect();
        eprintln!(
            "{} files read, {} policies, {} finding{} ({}) in {:.3} s",
            report.files,
            report.policies,
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" },
            if counts.is_empty() { "none".to_string() } else { counts.join(", ") },
            report.elapsed.as_secs_f64()
        );
    }

    if let Some(path) = &args.write_baseline {
        let b = Baseline::from_findings(&report.findings, &report.sources);
        if let Err(e) = write_file(path, b.to_json().as_bytes()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
        if !args.quiet {
            let n = b.entries.len();
            eprintln!("recorded {n} finding{} in {}", if n == 1 { "" } else { "s" }, path.display());
        }
        return EXIT_OK;
    }
    let mut fps = crate::baseline::fingerprints(&report.findings, &report.sources);
    if let Some(path) = &args.baseline {
        let b = match Baseline::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
        let fixed = b.filter(&mut report.findings, &mut fps, &report.sources);
        if fixed > 0 && !args.quiet {
            let (s, are) = if fixed == 1 { ("", "is") } else { ("s", "are") };
            eprintln!("{fixed} baseline finding{s} {are} fixed; rewrite the baseline with --write-baseline");
        }
    }

    let failed = threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    let status = if failed { EXIT_FINDINGS } else { EXIT_OK };

    let to_file = args.output.is_some();
    let mut buf: Vec<u8> = Vec::new();
    let written = match args.format {
        OutputFormat::Json => {
            let text = report::json::render(&report.findings, &report.sources, report.files, report.policies);
            writeln!(buf, "{text}")
        }
        OutputFormat::Sarif => {
            let rules = match rule_set(opts.rules_dir.as_deref()) {
                Ok(r) => r.iter().map(|r| *r.meta()).collect::<Vec<_>>(),
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            };
            writeln!(buf, "{}", report::sarif::render(&report.findings, &report.sources, &rules, &fps))
        }
        OutputFormat::Github => {
            buf.write_all(report::github::render(&report.findings, &report.sources).as_bytes())
        }
        OutputFormat::Junit => {
            buf.write_all(report::junit::render(&report.findings, &report.sources).as_bytes())
        }
        OutputFormat::Human => {
            let color = !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let opts = report::human::HumanOptions { color, width: 100, summary: !args.quiet };
            report::human::render(
                &mut buf,
                &report.findings,
                &report.sources,
                report.files,
                report.elapsed,
                &opts,
            )
        }
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    match &args.output {
        Some(path) => {
            if let Err(e) = write_file(path, &buf) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            if let Err(e) = lock.write_all(&buf).and_then(|_| lock.flush())
                && !is_broken_pipe(&e)
            {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    status
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
