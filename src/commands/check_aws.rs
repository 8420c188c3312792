//! `check --aws`: the live account as a dump file. The lint binary has no AWS SDK, so each
//! account is fetched by `trustlint-verify fetch-authorization-details` (found as `verify`
//! finds it), which writes the AWS CLI's `get-account-authorization-details` JSON into a
//! private temporary directory. The text is then linted exactly as a dump file: saved where
//! `--save-dump` says (reports point at that file), or kept in memory under the name
//! `aws:<account id>` (the temporary copy is removed before linting starts).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use serde::Deserialize;

use crate::cli::{AwsScanArgs, FetchDumpArgs};
use crate::commands::verify::{binary_name, find_binary};
use crate::report::plural;
use crate::{CheckOptions, Error};

/// How the fetches went; a failed one makes the run exit 2 after reporting the others.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fetched {
    pub accounts: usize,
    pub failed: usize,
}

/// The line `fetch-authorization-details` prints on standard output.
#[derive(Debug, Deserialize)]
struct Meta {
    account: String,
    pages: usize,
    roles: usize,
    users: usize,
    groups: usize,
    policies: usize,
}

/// Fetches every account (`--profile` values, else the standard chain) and adds each dump to
/// the run: a path in `opts.paths`, and for an unsaved dump its text in the overlay.
pub fn fetch(scan: &AwsScanArgs, quiet: bool, opts: &mut CheckOptions) -> Result<Fetched, Error> {
    let Some(bin) = find_binary() else {
        return Err(Error::Usage(format!(
            "`check --aws` needs the {} binary (the part of trustlint that talks to AWS), which is \
             not installed next to this trustlint or on PATH; install it from the trustlint \
             repository with `cargo install --locked --path crates/trustlint-verify`, or lint a \
             dump made with `aws iam get-account-authorization-details > dump.json`",
            binary_name()
        )));
    };
    let profiles = profiles(scan);
    let several = profiles.len() > 1;
    if let Some(save) = &scan.save_dump
        && several
        && save.exists()
        && !save.is_dir()
    {
        return Err(Error::Usage(format!(
            "--save-dump {}: with several --profile values this must be a directory (one \
             `<account id>.json` each)",
            save.display()
        )));
    }
    let tmp = private_tempdir()
        .map_err(|e| Error::Usage(format!("--aws: cannot make a temporary directory: {e}")))?;
    let mut overlay: BTreeMap<PathBuf, String> = (*opts.overlay).clone();
    let mut seen = BTreeSet::new();
    let mut out = Fetched::default();
    for (i, profile) in profiles.iter().enumerate() {
        let args = FetchDumpArgs {
            profile: profile.clone(),
            region: scan.region.clone(),
            endpoint_url: scan.endpoint_url.clone(),
            out: tmp.path().join(format!("{i}.json")),
            quiet,
        };
        let who =
            profile.as_deref().map_or("the default credentials".to_string(), |p| format!("profile `{p}`"));
        let meta = match run_fetch(&bin, &args) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: --aws: {who}: {e}");
                out.failed += 1;
                continue;
            }
        };
        if !seen.insert(meta.account.clone()) {
            eprintln!("warning: --aws: {who} is account {} again; it is linted once", meta.account);
            continue;
        }
        let text = crate::load::read_path(&args.out)
            .map_err(|e| Error::Usage(format!("--aws: {who}: the fetched dump: {}", e.message())))?
            .text;
        if !quiet {
            eprintln!("{}", summary(&meta, &who));
        }
        opts.paths.push(place(scan.save_dump.as_deref(), several, &meta.account, text, &mut overlay)?);
        out.accounts += 1;
    }
    drop(tmp);
    if out.accounts == 0 {
        return Err(Error::Usage(format!(
            "--aws: no account could be fetched ({} failed)",
            plural(out.failed, "fetch")
        )));
    }
    opts.overlay = Arc::new(overlay);
    Ok(out)
}

/// Where a fetched dump is linted from: the `--save-dump` file (written), else the overlay
/// under `aws:<account id>`.
fn place(
    save: Option<&Path>,
    several: bool,
    account: &str,
    text: String,
    overlay: &mut BTreeMap<PathBuf, String>,
) -> Result<PathBuf, Error> {
    match save {
        Some(save) => {
            let into_dir = several || save.is_dir();
            let path = if into_dir { save.join(format!("{account}.json")) } else { save.to_path_buf() };
            save_to(&path, &text)?;
            Ok(path)
        }
        None => {
            let name = PathBuf::from(format!("aws:{account}"));
            overlay.insert(name.clone(), text);
            Ok(name)
        }
    }
}

/// `--write-baseline` after a failed fetch would record a run that misses an account, whose
/// findings would all be new next time: refused.
pub fn baseline_allowed(fetched: Option<&Fetched>, path: &Path) -> Result<(), Error> {
    match fetched {
        Some(f) if f.failed > 0 => {
            Err(Error::Usage(format!("{} was not written: an --aws fetch failed", path.display())))
        }
        _ => Ok(()),
    }
}

/// The run's exit status: 2 when a fetch failed (the other accounts were still reported),
/// else `status`.
pub fn status(fetched: Option<&Fetched>, status: i32) -> i32 {
    match fetched {
        Some(f) if f.failed > 0 => crate::commands::EXIT_USAGE,
        _ => status,
    }
}

/// The `--profile` values in order, once each; none means the standard chain.
fn profiles(scan: &AwsScanArgs) -> Vec<Option<String>> {
    let mut seen = BTreeSet::new();
    let named: Vec<Option<String>> =
        scan.profile.iter().filter(|p| seen.insert(p.as_str())).map(|p| Some(p.clone())).collect();
    if named.is_empty() { vec![None] } else { named }
}

/// Runs one fetch: its errors and progress go straight to our standard error (and an MFA prompt
/// to the terminal); its standard output is the [`Meta`] line.
fn run_fetch(bin: &Path, args: &FetchDumpArgs) -> Result<Meta, String> {
    let output = Command::new(bin)
        .arg(FetchDumpArgs::SUBCOMMAND)
        .args(args.to_args())
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !output.status.success() {
        let status = output.status.code().map_or("a signal".to_string(), |c| format!("status {c}"));
        return Err(format!("{} exited with {status}; nothing was linted for it", binary_name()));
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let meta: Meta = serde_json::from_str(line.trim())
        .map_err(|e| format!("{} printed no account summary ({e})", binary_name()))?;
    // The id names a file (`<account id>.json`): nothing but twelve digits.
    if !crate::aws::is_account_id(&meta.account) {
        return Err(format!("{} reported an account id that is not 12 digits", binary_name()));
    }
    Ok(meta)
}

fn summary(m: &Meta, who: &str) -> String {
    format!(
        "fetched account {} ({who}): {}, {}, {}, {} ({})",
        m.account,
        plural(m.roles, "role"),
        plural(m.users, "user"),
        plural(m.groups, "group"),
        if m.policies == 1 {
            "1 managed policy".to_string()
        } else {
            format!("{} managed policies", m.policies)
        },
        plural(m.pages, "page"),
    )
}

/// A temporary directory only we can read: the dump lists every principal of the account.
fn private_tempdir() -> std::io::Result<tempfile::TempDir> {
    let mut b = tempfile::Builder::new();
    b.prefix("trustlint-aws-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o700));
    }
    b.tempdir()
}

fn save_to(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::Path { path: dir.to_path_buf(), source: e })?;
    }
    std::fs::write(path, text).map_err(|e| Error::Path { path: path.to_path_buf(), source: e })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::FetchTrustArgs;
    use clap::{Args, FromArgMatches};

    fn parse<T: Args + FromArgMatches>(args: Vec<std::ffi::OsString>) -> T {
        let cmd = T::augment_args(clap::Command::new("x").no_binary_name(true));
        let m = cmd.try_get_matches_from(args).expect("parses");
        T::from_arg_matches(&m).expect("fields")
    }

    /// What the lint binary writes is what trustlint-verify reads back.
    #[test]
    fn fetch_command_lines_parse_back() {
        let a = FetchDumpArgs {
            profile: Some("prod".into()),
            region: None,
            endpoint_url: Some("http://127.0.0.1:5000".into()),
            out: PathBuf::from("/tmp/x y/0.json"),
            quiet: true,
        };
        let b: FetchDumpArgs = parse(a.to_args());
        assert_eq!(
            (b.profile, b.region, b.endpoint_url, b.out, b.quiet),
            (a.profile, a.region, a.endpoint_url, a.out, a.quiet)
        );
        let t = FetchTrustArgs {
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            profile: None,
            region: Some("eu-west-1".into()),
            endpoint_url: None,
        };
        let u: FetchTrustArgs = parse(t.to_args());
        assert_eq!(
            (u.role_arn, u.profile, u.region, u.endpoint_url),
            (t.role_arn, t.profile, t.region, t.endpoint_url)
        );
    }

    #[test]
    fn profiles_once_each_in_order() {
        let scan =
            AwsScanArgs { profile: vec!["b".into(), "a".into(), "b".into()], ..AwsScanArgs::default() };
        assert_eq!(profiles(&scan), [Some("b".to_string()), Some("a".to_string())]);
        assert_eq!(profiles(&AwsScanArgs::default()), [None]);
    }
}
