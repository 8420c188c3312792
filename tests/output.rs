//! What users see in a terminal and in editors: colour and its environment variables, links,
//! the concise format, statistics, wording; custom rule codes; completions and the man page.

mod common;

use std::process::Command;

use common::bin;

const ERROR: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]\n}\n";
const WARNING_ONLY: &str =
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;

const COLOR_VARS: &[&str] =
    &["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "PRE_COMMIT_COLOR", "FORCE_HYPERLINK", "COLUMNS"];

/// Runs the binary with the colour variables cleared, then `env` set; (status, stdout, stderr).
fn run_env(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(bin());
    cmd.current_dir(dir).args(args);
    for v in COLOR_VARS {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

const ESC: char = '\u{1b}';

#[test]
fn colour_follows_the_flag_then_no_color_force_color_and_clicolor_force() {
    let dir = dir_with(&[("bad.json", ERROR)]);
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        all.push("bad.json");
        run_env(dir.path(), &all, env).1.contains(ESC)
    };
    assert!(!coloured(&[], &[]), "a pipe is not coloured");
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]), "the flag wins");
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]), "the flag wins");
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]), "NO_COLOR first");
    assert!(coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "")]), "an empty NO_COLOR is unset");
    assert!(coloured(&[], &[("PRE_COMMIT_COLOR", "always")]));
}

#[test]
fn codes_link_to_their_docs_where_the_terminal_renders_links() {
    let dir = dir_with(&[("bad.json", ERROR)]);
    let env = [("FORCE_COLOR", "1"), ("FORCE_HYPERLINK", "1")];
    let (_, out, _) = run_env(dir.path(), &["check", "bad.json"], &env);
    let link = format!("{ESC}]8;;{}/blob/main/docs/rules/TL004.md{ESC}\\", env!("CARGO_PKG_REPOSITORY"));
    assert!(out.contains(&link), "{out:?}");
    let (_, out, _) = run_env(dir.path(), &["check", "bad.json"], &[("FORCE_COLOR", "1")]);
    assert!(!out.contains("]8;;"), "no OSC 8 unless the terminal supports it: {out:?}");
}

#[test]
fn frames_use_the_width_they_are_given() {
    let long = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "{}": 1}}]}}"#,
        "VeryLongUnknownElementName".repeat(3)
    );
    let dir = dir_with(&[("p.json", &long)]);
    let widest = |cols: &str| {
        let (_, out, _) = run_env(dir.path(), &["check", "p.json"], &[("COLUMNS", cols)]);
        out.lines()
            .filter(|l| !l.starts_with(' ') || l.contains('×'))
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
    };
    let (narrow, wide) = (widest("60"), widest("200"));
    assert!(narrow <= 60, "wrapped at 60 columns: {narrow}");
    assert!(wide > 60, "a wide terminal is used: {wide}");
}

#[test]
fn concise_is_one_line_per_finding() {
    let dir = dir_with(&[("bad.json", ERROR), ("warn.json", WARNING_ONLY)]);
    let (code, out, _) = run_env(dir.path(), &["check", "--format", "concise", "-q", "."], &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "bad.json:3:28: TL004 `Effect` must be `Allow` or `Deny`, found `allow`",
            "warn.json:1:1: TL002 policy has no `Version`: IAM applies 2008-10-17 semantics",
        ],
        "{out}"
    );
}

#[test]
fn statistics_count_findings_by_rule() {
    let two_errors = ERROR.replace(
        "\"Resource\": \"*\"}]",
        "\"Resource\": \"*\"}, {\"Effect\": \"deny\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]",
    );
    let dir = dir_with(&[("bad.json", &two_errors), ("warn.json", WARNING_ONLY)]);
    let (_, out, _) = run_env(dir.path(), &["check", "--statistics", "."], &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["2", "TL004", "invalid-effect", "error"]);
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["1", "TL002", "invalid-policy-version", "warning"]
    );
    assert!(lines[2].starts_with("2 errors, 1 warning, 0 info in 2 files"), "{out}");
    let (code, _, err) = run_env(dir.path(), &["check", "--statistics", "--format", "json", "."], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--statistics works with --format human or concise"), "{err}");
    let (code, _, err) = run_env(dir.path(), &["check", "--format", "sarif", "--root", "nowhere", "."], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--root nowhere: not a directory"), "{err}");
}

#[test]
fn verbose_long_flag_and_singular_wording() {
    let dir = dir_with(&[("bad.json", ERROR)]);
    let (_, _, err) = run_env(dir.path(), &["check", "--verbose", "bad.json"], &[]);
    assert!(err.contains("1 file read, 1 policy, 1 finding (TL004 1)"), "{err}");
}

const USER_RULE: &str = r###"
code = "ACME01"
name = "allow-s3-delete-bucket"
severity = "error"
family = "permissions"
summary = "`Allow` of `s3:DeleteBucket`"
selector = "$.Statement[?@.Effect == 'Allow' && @.Action[?@ == 's3:DeleteBucket']]"
report = "Action"
message = "{statement} allows s3:DeleteBucket"
help = "buckets are deleted by the platform team's pipeline only"
docs = "## What it does\nFlags statements that allow deleting buckets."
"###;

const DELETES: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:DeleteBucket"], "Resource": "*"}]}"#;

#[test]
fn user_rules_have_their_own_prefix_and_show_in_rules_and_explain() {
    let dir = dir_with(&[("rules/acme.toml", USER_RULE), ("p.json", DELETES)]);
    let (code, out, err) =
        run_env(dir.path(), &["check", "--format", "concise", "--rules-dir", "rules", "p.json"], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("p.json:1:71: ACME01 statement 1 allows s3:DeleteBucket"), "{out}");
    let (_, out, _) =
        run_env(dir.path(), &["check", "--select", "ACME", "--rules-dir", "rules", "p.json"], &[]);
    assert!(out.contains("ACME01(allow-s3-delete-bucket)"), "select by the user's prefix: {out}");
    let (code, out, _) = run_env(dir.path(), &["rules", "--rules-dir", "rules"], &[]);
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.starts_with("ACME01  allow-s3-delete-bucket")), "{out}");
    let (code, out, _) = run_env(dir.path(), &["explain", "--rules-dir", "rules", "ACME01"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("Flags statements that allow deleting buckets."), "{out}");
    // User rules have no page in trustlint's docs: no link to one.
    let (_, out, _) =
        run_env(dir.path(), &["check", "--format", "sarif", "--rules-dir", "rules", "p.json"], &[]);
    let log: serde_json::Value = serde_json::from_str(&out).expect("sarif");
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    let acme = rules.iter().find(|r| r["id"] == "ACME01").expect("ACME01 listed");
    assert!(acme.get("helpUri").is_none(), "{acme}");
    // A code outside the pattern is refused, naming the file.
    std::fs::write(dir.path().join("rules/acme.toml"), USER_RULE.replace("ACME01", "ACME1")).expect("write");
    let (code, _, err) = run_env(dir.path(), &["rules", "--rules-dir", "rules"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("acme.toml") && err.contains("`ACME1`"), "{err}");
}

#[test]
fn the_readme_declarative_rule_example_works_when_copied() {
    let readme = std::fs::read_to_string(common::manifest_dir().join("README.md")).expect("README");
    let after = readme.split("in a directory given with\n`--rules-dir`:").nth(1).expect("example intro");
    let toml = after.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).expect("toml block");
    let dir = dir_with(&[("rules/example.toml", toml), ("p.json", DELETES)]);
    let (code, out, err) = run_env(dir.path(), &["rules", "--rules-dir", "rules"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ACME01"), "{out}");
    let (code, _, err) = run_env(dir.path(), &["check", "--rules-dir", "rules", "p.json"], &[]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn unknown_rules_in_suppressions_are_named_as_such() {
    let dir = common::manifest_dir().join("fixtures/TL000-unused-suppression/bad/unknown-rule");
    let (_, out, _) = run_env(&dir, &["check", "--format", "concise", "main.tf"], &[]);
    assert!(out.contains("main.tf:1:1: TL000 suppression of unknown rule TL999"), "{out}");
    assert!(!out.contains("unused"), "{out}");
    // A rule left out by --select cannot make its suppression "unused".
    let used = common::manifest_dir().join("fixtures/TL000-unused-suppression/bad/unused");
    let (_, out, _) = run_env(&used, &["check", "--format", "concise", "--select", "TL000", "main.tf"], &[]);
    assert!(!out.contains("TL000"), "{out}");
}

#[test]
fn completions_and_man_page_come_from_the_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run_env(dir.path(), &["completions", shell], &[]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains("min-severity"), "{shell} completes check's flags");
    }
    let (code, out, _) = run_env(dir.path(), &["man"], &[]);
    assert_eq!(code, 0);
    assert!(out.starts_with(".ie") || out.contains(".TH trustlint"), "{}", &out[..out.len().min(200)]);
    assert!(out.contains("TRUSTLINT CHECK") && out.contains("min\\-severity"), "every subcommand's options");
}
