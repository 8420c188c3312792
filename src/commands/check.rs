//! `trustlint check`: options from flags, run, report, exit status.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use crate::cli::{CheckArgs, FailOn, OutputFormat, PolicyKindArg, RoleAccessArg, SpaceliftEnvironmentArg};
use crate::commands::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, is_broken_pipe};
use crate::config::{RoleAccessFlag, SpaceliftEnvironment};
use crate::model::PolicyKind;
use crate::report;
use crate::rules::Severity;
use crate::{CheckOptions, StdinInput, check};

pub fn options(args: &CheckArgs) -> Result<CheckOptions, String> {
    let mut opts = CheckOptions::default();
    for p in &args.paths {
        if p.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
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
    for id in &args.trusted_account {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("--trusted-account `{id}` is not a 12-digit AWS account id"));
        }
        s.trusted_accounts.push(id.clone());
    }
    opts.lint.select = args.select.iter().filter(|s| !s.trim().is_empty()).cloned().collect();
    opts.lint.ignore = args.ignore.iter().filter(|s| !s.trim().is_empty()).cloned().collect();
    opts.rules_dir = args.rules_dir.clone();
    Ok(opts)
}

fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

pub fn run(args: &CheckArgs) -> i32 {
    let opts = match options(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let report = match check(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let failed = threshold(args.fail_on).is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    let status = if failed { EXIT_FINDINGS } else { EXIT_OK };

    let to_file = args.output.is_some();
    let mut buf: Vec<u8> = Vec::new();
    let written = match args.format {
        OutputFormat::Json => {
            let text = report::json::render(&report.findings, &report.sources, report.files, report.policies);
            writeln!(buf, "{text}")
        }
        OutputFormat::Human => {
            let color = !to_file && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let opts = report::human::HumanOptions { color, width: 100 };
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

fn write_file(path: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
