//! `trustlint.toml`: discovery, parsing with locations, and validation.
//!
//! Every error names the file, the key and its line:column, so a CI log points at the mistake.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::aws::spacelift::SpaceliftEnvironment;
use crate::config::selector::selector_matches;
use crate::config::{LintOptions, RoleAccessFlag, Settings};
use crate::diagnostic::Severity;
use crate::model::PolicyKind;

/// File names looked for in each directory, in order, from the current directory upward.
pub const FILE_NAMES: [&str; 2] = ["trustlint.toml", ".trustlint.toml"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    spacelift: Option<RawSpacelift>,
    aws: Option<RawAws>,
    terraform: Option<RawTerraform>,
    input: Option<RawInput>,
    lint: Option<RawLint>,
}

/// `[input]`: how inputs without context are read (the file forms of `--policy-kind` and
/// `--role-access`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawInput {
    policy_kind: Option<Spanned<String>>,
    role_access: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSpacelift {
    account: Option<Spanned<String>>,
    environment: Option<Spanned<String>>,
    worker_role_arns: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawAws {
    partition: Option<Spanned<String>>,
    trusted_accounts: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTerraform {
    chained_credentials: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLint {
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    severity: Option<BTreeMap<String, Spanned<String>>>,
    per_path: Option<Vec<RawPerPath>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPerPath {
    path: Spanned<String>,
    ignore: Vec<Spanned<String>>,
    reason: Option<String>,
    expires: Option<Spanned<String>>,
}

/// `fail-on`: the lowest severity that fails the run, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOnSetting {
    At(Severity),
    Never,
}

impl FailOnSetting {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "never" => Some(FailOnSetting::Never),
            other => Severity::parse(other).map(FailOnSetting::At),
        }
    }
}

/// A calendar date (`YYYY-MM-DD`), ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month).contains(&day).then_some(Date { year: year as i32, month, day })
    }

    /// Today in UTC, or `TRUSTLINT_TODAY=YYYY-MM-DD` (for tests and reproducible runs).
    pub fn today() -> Result<Date, String> {
        if let Ok(v) = std::env::var("TRUSTLINT_TODAY") {
            return Date::parse(v.trim())
                .ok_or_else(|| format!("TRUSTLINT_TODAY=`{v}` is not a date (expected YYYY-MM-DD)"));
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Ok(Date::from_days((secs / 86_400) as i64))
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One `[[lint.per-path]]` exemption, resolved against the config file's directory.
#[derive(Debug, Clone)]
pub struct PerPath {
    pub pattern: String,
    pub matcher: globset::GlobMatcher,
    /// Absolute, lexically normalised directory the pattern is relative to.
    pub base: PathBuf,
    pub ignore: Vec<String>,
    pub reason: Option<String>,
    pub expires: Option<Date>,
    /// 1-based line of the entry's `path` key in the config file.
    pub line: usize,
}

impl PerPath {
    /// Does this exemption cover a finding in `path` (as reported; relative to the current dir)?
    pub fn matches_path(&self, path: &Path) -> bool {
        let abs = absolute(path);
        match abs.strip_prefix(&self.base) {
            Ok(rel) => self.matcher.is_match(rel),
            Err(_) => false,
        }
    }
}

/// A configuration file, parsed and validated.
#[derive(Debug, Clone, Default)]
pub struct FileConfig {
    pub path: PathBuf,
    pub spacelift_account: Option<String>,
    pub spacelift_environment: Option<SpaceliftEnvironment>,
    /// `spacelift.worker-role-arns`: the roles private workers assume roles with.
    pub worker_role_arns: Option<Vec<String>>,
    pub partition: Option<String>,
    pub trusted_accounts: Option<Vec<String>>,
    pub chained_credentials: Option<bool>,
    /// `input.policy-kind`: `Some(None)` is an explicit `auto`.
    pub policy_kind: Option<Option<PolicyKind>>,
    pub role_access: Option<RoleAccessFlag>,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub fail_on: Option<FailOnSetting>,
    pub severity: Vec<(String, Severity)>,
    /// Exemptions still in force.
    pub per_path: Vec<PerPath>,
    /// Exemptions whose `expires` date has passed: they no longer apply and are reported.
    pub expired: Vec<PerPath>,
}

impl FileConfig {
    /// The file's `[lint]` choices: selection, severity overrides, per-path exemptions in force.
    pub fn lint_options(&self) -> LintOptions {
        LintOptions {
            select: self.select.clone().unwrap_or_default(),
            ignore: self.ignore.clone().unwrap_or_default(),
            severity: self.severity.iter().cloned().collect(),
            per_path: self.per_path.clone(),
        }
    }

    /// Applies the file's `[spacelift]`, `[aws]`, `[terraform]` and `[input]` values to `settings`.
    pub fn apply_settings(&self, s: &mut Settings) {
        if let Some(a) = &self.spacelift_account {
            s.spacelift_account = Some(a.clone());
        }
        if let Some(e) = self.spacelift_environment {
            s.spacelift_environment = Some(e);
        }
        if let Some(w) = &self.worker_role_arns {
            s.worker_role_arns = w.clone();
        }
        if let Some(p) = &self.partition {
            s.partition = p.clone();
        }
        if let Some(t) = &self.trusted_accounts {
            s.trusted_accounts = t.clone();
        }
        if let Some(c) = self.chained_credentials {
            s.chained_credentials = c;
        }
        if let Some(k) = self.policy_kind {
            s.policy_kind = k;
        }
        if let Some(a) = self.role_access {
            s.role_access = Some(a);
        }
    }
}

/// The nearest `trustlint.toml` / `.trustlint.toml` from `start` upward.
/// Found files are named relative to `start` (`trustlint.toml`, `../trustlint.toml`), as messages
/// show them.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let abs = absolute(start);
    for (up, dir) in abs.ancestors().enumerate() {
        for name in FILE_NAMES {
            if dir.join(name).is_file() {
                let mut rel = if start == Path::new(".") { PathBuf::new() } else { start.to_path_buf() };
                for _ in 0..up {
                    rel.push("..");
                }
                return Some(rel.join(name));
            }
        }
    }
    None
}

/// `path` made absolute against the current directory, with `.` and `..` resolved lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// 1-based line and column of a byte offset, for messages about the configuration file.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let lc = crate::source::line_col_in(text, offset);
    (lc.line, lc.column)
}

/// The dotted key whose value or name is at `offset`: the enclosing `[table]` header plus the
/// key on that line (best effort, for messages from the TOML parser that do not name it).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim();
    let header = |l: &str| -> Option<String> {
        let l = l.trim();
        let inner = l.strip_prefix("[[").and_then(|x| x.strip_suffix("]]"));
        let inner = inner.or_else(|| l.strip_prefix('[').and_then(|x| x.strip_suffix(']')))?;
        Some(inner.trim().to_string())
    };
    if let Some(h) = header(line) {
        return Some(h);
    }
    let key = line.split_once('=').map(|(k, _)| k.trim().trim_matches('"').to_string());
    let table = text[..line_start].lines().rev().find_map(header);
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (None, Some(k)) => Some(k),
        (Some(t), None) => Some(t),
        (None, None) => None,
    }
}

/// An error in a configuration file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
    /// (code, name) of every rule, for checking selectors.
    rules: &'a [(&'a str, &'a str)],
}

impl Ctx<'_> {
    fn selectors(&self, list: Vec<Spanned<String>>, key: &str) -> Result<Vec<String>, ConfigError> {
        list.into_iter()
            .map(|s| {
                if self.rules.iter().any(|(code, name)| selector_matches(code, name, s.get_ref())) {
                    Ok(s.into_inner())
                } else {
                    Err(self.err(s.span(), key, format!("`{}` matches no rule", s.get_ref())))
                }
            })
            .collect()
    }

    fn err(&self, span: std::ops::Range<usize>, key: &str, message: impl std::fmt::Display) -> ConfigError {
        let (line, col) = line_col(self.text, span.start);
        ConfigError { message: format!("{}:{line}:{col}: `{key}`: {message}", self.file.display()) }
    }
}

/// Reads, parses and validates a configuration file. `rules` are the (code, name) of every
/// rule, for checking selectors; `today` decides which exemptions have expired.
pub fn load(file: &Path, rules: &[(&str, &str)], today: Date) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| ConfigError { message: format!("cannot read configuration {}: {e}", file.display()) })?;
    parse(file, &text, rules, today)
}

pub fn parse(
    file: &Path,
    text: &str,
    rules: &[(&str, &str)],
    today: Date,
) -> Result<FileConfig, ConfigError> {
    let cx = Ctx { file, text, rules };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => {
                let (line, col) = line_col(text, span.start);
                let key = key_at(text, span.start).map(|k| format!("`{k}`: ")).unwrap_or_default();
                ConfigError { message: format!("{}:{line}:{col}: {key}{message}", file.display()) }
            }
            None => ConfigError { message: format!("{}: {message}", file.display()) },
        }
    })?;
    let mut out = FileConfig { path: file.to_path_buf(), ..FileConfig::default() };
    if let Some(sp) = raw.spacelift {
        parse_spacelift(&cx, sp, &mut out)?;
    }
    if let Some(aws) = raw.aws {
        parse_aws(&cx, aws, &mut out)?;
    }
    if let Some(tf) = raw.terraform {
        out.chained_credentials = tf.chained_credentials;
    }
    if let Some(input) = raw.input {
        parse_input(&cx, input, &mut out)?;
    }
    if let Some(lint) = raw.lint {
        parse_lint(&cx, lint, today, &mut out)?;
    }
    Ok(out)
}

fn parse_spacelift(cx: &Ctx, sp: RawSpacelift, out: &mut FileConfig) -> Result<(), ConfigError> {
    if let Some(a) = sp.account {
        let v = a.get_ref().trim();
        if v.is_empty() || v.contains('@') || v.contains(char::is_whitespace) {
            return Err(cx.err(
                a.span(),
                "spacelift.account",
                format!("`{v}` is not a Spacelift account name"),
            ));
        }
        out.spacelift_account = Some(v.to_string());
    }
    if let Some(e) = sp.environment {
        let env = SpaceliftEnvironment::parse(e.get_ref()).ok_or_else(|| {
            cx.err(
                e.span(),
                "spacelift.environment",
                format!(
                    "`{}` is not a Spacelift environment (expected spacelift.io or us.spacelift.io)",
                    e.get_ref()
                ),
            )
        })?;
        out.spacelift_environment = Some(env);
    }
    if let Some(list) = sp.worker_role_arns {
        let mut arns = Vec::new();
        for arn in list {
            if !crate::aws::arn::is_role_arn(arn.get_ref()) {
                let message = format!(
                    "`{}` is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>, no wildcards)",
                    arn.get_ref()
                );
                return Err(cx.err(arn.span(), "spacelift.worker-role-arns", message));
            }
            arns.push(arn.into_inner());
        }
        out.worker_role_arns = Some(arns);
    }
    Ok(())
}

fn parse_aws(cx: &Ctx, aws: RawAws, out: &mut FileConfig) -> Result<(), ConfigError> {
    if let Some(p) = aws.partition {
        if !crate::aws::PARTITIONS.contains(&p.get_ref().as_str()) {
            return Err(cx.err(
                p.span(),
                "aws.partition",
                format!("`{}` is not an AWS partition", p.get_ref()),
            ));
        }
        out.partition = Some(p.into_inner());
    }
    if let Some(list) = aws.trusted_accounts {
        let mut accounts = Vec::new();
        for id in list {
            if !crate::aws::is_account_id(id.get_ref()) {
                let message = format!("`{}` is not a 12-digit AWS account id", id.get_ref());
                return Err(cx.err(id.span(), "aws.trusted-accounts", message));
            }
            accounts.push(id.into_inner());
        }
        out.trusted_accounts = Some(accounts);
    }
    Ok(())
}

fn parse_input(cx: &Ctx, input: RawInput, out: &mut FileConfig) -> Result<(), ConfigError> {
    if let Some(k) = input.policy_kind {
        out.policy_kind = Some(match k.get_ref().as_str() {
            "auto" => None,
            "trust" => Some(PolicyKind::Trust),
            "permission" => Some(PolicyKind::Permission),
            other => {
                let message = format!("`{other}` is not one of auto, trust, permission");
                return Err(cx.err(k.span(), "input.policy-kind", message));
            }
        });
    }
    if let Some(a) = input.role_access {
        out.role_access = Some(match a.get_ref().as_str() {
            "read" => RoleAccessFlag::Read,
            "write" => RoleAccessFlag::Write,
            other => {
                return Err(cx.err(
                    a.span(),
                    "input.role-access",
                    format!("`{other}` is not one of read, write"),
                ));
            }
        });
    }
    Ok(())
}

fn parse_lint(cx: &Ctx, lint: RawLint, today: Date, out: &mut FileConfig) -> Result<(), ConfigError> {
    if let Some(s) = lint.select {
        out.select = Some(cx.selectors(s, "lint.select")?);
    }
    if let Some(s) = lint.ignore {
        out.ignore = Some(cx.selectors(s, "lint.ignore")?);
    }
    if let Some(f) = lint.fail_on {
        out.fail_on = Some(FailOnSetting::parse(f.get_ref()).ok_or_else(|| {
            cx.err(
                f.span(),
                "lint.fail-on",
                format!("`{}` is not one of error, warning, info, never", f.get_ref()),
            )
        })?);
    }
    for (code, sev) in lint.severity.unwrap_or_default() {
        let key = format!("lint.severity.{code}");
        // Severity overrides name one rule each: its code or its name.
        if !cx.rules.iter().any(|(c, n)| *c == code || *n == code) {
            return Err(cx.err(sev.span(), &key, format!("`{code}` is not a rule code or name")));
        }
        let s = Severity::parse(sev.get_ref()).ok_or_else(|| {
            cx.err(sev.span(), &key, format!("`{}` is not one of error, warning, info", sev.get_ref()))
        })?;
        out.severity.push((code, s));
    }
    let base = absolute(cx.file.parent().unwrap_or(Path::new(".")));
    for (i, pp) in lint.per_path.unwrap_or_default().into_iter().enumerate() {
        let entry = per_path(cx, pp, &format!("lint.per-path[{i}]"), &base)?;
        if entry.expires.is_some_and(|d| today > d) {
            out.expired.push(entry);
        } else {
            out.per_path.push(entry);
        }
    }
    Ok(())
}

fn per_path(cx: &Ctx, pp: RawPerPath, key: &str, base: &Path) -> Result<PerPath, ConfigError> {
    let glob = globset::GlobBuilder::new(pp.path.get_ref())
        .literal_separator(true)
        .build()
        .map_err(|e| cx.err(pp.path.span(), &format!("{key}.path"), format!("bad glob: {}", e.kind())))?;
    let ignore = cx.selectors(pp.ignore, &format!("{key}.ignore"))?;
    let expires = match &pp.expires {
        Some(d) => Some(Date::parse(d.get_ref()).ok_or_else(|| {
            let message = format!("`{}` is not a date (expected YYYY-MM-DD)", d.get_ref());
            cx.err(d.span(), &format!("{key}.expires"), message)
        })?),
        None => None,
    };
    Ok(PerPath {
        pattern: pp.path.get_ref().clone(),
        matcher: glob.compile_matcher(),
        base: base.to_path_buf(),
        ignore,
        reason: pp.reason,
        expires,
        line: line_col(cx.text, pp.path.span().start).0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[(&str, &str)] = &[("TL002", "invalid-policy-version"), ("TL004", "invalid-effect")];

    fn today() -> Date {
        Date::parse("2026-06-01").unwrap()
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_454).to_string(), "2026-01-01");
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2024-1-01").is_none());
    }

    #[test]
    fn worker_role_arns_are_read_and_applied() {
        let text = "[spacelift]\nworker-role-arns = [\"arn:aws:iam::111122223333:role/spacelift-worker\"]\n";
        let cfg = parse(Path::new("t.toml"), text, RULES, today()).unwrap();
        let mut settings = Settings::default();
        cfg.apply_settings(&mut settings);
        assert_eq!(settings.worker_role_arns, ["arn:aws:iam::111122223333:role/spacelift-worker"]);
        let bad = "[spacelift]\nworker-role-arns = [\"111122223333\"]\n";
        let e = parse(Path::new("t.toml"), bad, RULES, today()).unwrap_err();
        assert!(
            e.message.contains("`spacelift.worker-role-arns`: `111122223333` is not an IAM role ARN"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_key_is_located() {
        let e =
            parse(Path::new("t.toml"), "[lint]\nselect = [\"TL\"]\nfial-on = \"error\"\n", RULES, today())
                .unwrap_err();
        assert!(
            e.message.starts_with("t.toml:3:1: `lint.fial-on`: unknown field `fial-on`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bad_values_are_located() {
        let e =
            parse(Path::new("t.toml"), "[aws]\ntrusted-accounts = [\"12\"]\n", RULES, today()).unwrap_err();
        assert_eq!(e.message, "t.toml:2:21: `aws.trusted-accounts`: `12` is not a 12-digit AWS account id");
        let e = parse(Path::new("t.toml"), "[lint]\nfail-on = 3\n", RULES, today()).unwrap_err();
        assert!(e.message.starts_with("t.toml:2:11: `lint.fail-on`: invalid type"), "{}", e.message);
    }

    #[test]
    fn key_at_finds_table_and_key() {
        let t = "[lint]\nselect = 1\n[[lint.per-path]]\npath = 2\n";
        assert_eq!(key_at(t, t.find('1').unwrap()).as_deref(), Some("lint.select"));
        assert_eq!(key_at(t, t.find('2').unwrap()).as_deref(), Some("lint.per-path.path"));
    }
}
