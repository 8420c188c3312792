//! The pre-commit hook, run by the real `pre-commit` (from PyPI, installed into `.venv` by
//! `scripts/setup-moto.sh`) in a scratch git repository. Skipped with a SKIPPED line when
//! pre-commit is absent; under CI (`CI=true`) that is a failure.
//!
//! The hook's definition is read from this checkout's `.pre-commit-hooks.yaml` and run as a
//! `repo: local` hook with `language: system` pointing at the binary cargo already built for
//! this test run: with `language: rust` pre-commit would `cargo install` the crate a second time,
//! which the team guide forbids in CI (and would take minutes). Every other field of the hook
//! (entry, files, pass_filenames, require_serial) is the shipped one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn in_ci() -> bool {
    std::env::var("CI").map(|v| !v.is_empty() && v != "false" && v != "0").unwrap_or(false)
}

fn pre_commit() -> Option<PathBuf> {
    let exe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/pre-commit");
    if exe.is_file() {
        return Some(exe);
    }
    let why = format!("{} not found; run scripts/setup-moto.sh", exe.display());
    assert!(!in_ci(), "pre-commit is required under CI: {why}");
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED pre-commit hook tests: {why}");
    None
}

/// The `key: value` fields of the one hook in `.pre-commit-hooks.yaml` (a flat list of scalars;
/// comments and the leading `- ` dropped).
fn shipped_hook() -> Vec<(String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(&path).expect("read .pre-commit-hooks.yaml");
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let l = l.trim_start().trim_start_matches("- ");
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// `.pre-commit-config.yaml` with the shipped hook as a local system hook on the built binary.
fn config(binary: &Path) -> String {
    let mut hook = String::new();
    for (k, v) in shipped_hook() {
        let v = match k.as_str() {
            "language" => "system".to_string(),
            // pre-commit splits the entry as a shell would; the YAML string holds the quoted path.
            "entry" => format!("\"{}\"", v.replacen("trustlint", &format!("'{}'", binary.display()), 1)),
            _ => v,
        };
        let sep = if hook.is_empty() { "      - " } else { "        " };
        hook.push_str(&format!("{sep}{k}: {v}\n"));
    }
    format!("repos:\n  - repo: local\n    hooks:\n{hook}")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").args(args).current_dir(dir).output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A repository with one Terraform module in six files, so pre-commit (which batches at least
/// four files per process) would split it into two parallel batches without require_serial.
fn scratch_repo(dir: &Path) {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let module = dir.join("infra");
    std::fs::create_dir_all(&module).expect("mkdir");
    std::fs::copy(examples.join("terraform/main.tf"), module.join("main.tf")).expect("copy main.tf");
    for i in 1..=5 {
        std::fs::write(module.join(format!("extra{i}.tf")), format!("locals {{\n  n{i} = {i}\n}}\n"))
            .expect("write extra tf");
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_trustlint"));
    std::fs::write(dir.join(".pre-commit-config.yaml"), config(&binary)).expect("write config");
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
}

fn run_hook(pre_commit: &Path, dir: &Path, color: &str) -> (Output, String) {
    let out = Command::new(pre_commit)
        .args(["run", "--all-files", "--verbose", "--color", color])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
        .env_remove("PRE_COMMIT_NO_CONCURRENCY")
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("PRE_COMMIT_COLOR")
        .output()
        .expect("run pre-commit");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out, text)
}

#[test]
fn the_hook_reports_each_finding_of_a_module_once() {
    let Some(pre_commit) = pre_commit() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    scratch_repo(dir.path());
    let (out, text) = run_hook(&pre_commit, dir.path(), "never");
    assert_eq!(out.status.code(), Some(1), "the example module has findings:\n{text}");
    // TL111 (read-write-scope) is reported once for the module's one role.
    assert_eq!(text.matches("TL111(read-write-scope)").count(), 1, "{text}");
    let summaries: Vec<&str> = text.lines().filter(|l| l.contains(" info in ")).collect();
    assert_eq!(summaries.len(), 1, "one trustlint process, one summary line:\n{text}");
    assert!(summaries[0].contains("in 6 files"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour under --color never:\n{text}");
}

#[test]
fn the_hook_is_coloured_when_pre_commit_asks_for_colour() {
    let Some(pre_commit) = pre_commit() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    scratch_repo(dir.path());
    let (_, text) = run_hook(&pre_commit, dir.path(), "always");
    let frame = text.lines().find(|l| l.contains("TL111")).unwrap_or_default();
    assert!(frame.contains("\u{1b}["), "trustlint's own output is coloured: {frame:?}\n{text}");
}
