//! The built binary on temporary directories: exit codes, formats, stdin, errors.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::bin;

const GOOD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
const WARNING_ONLY: &str =
    r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
const ERROR: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]\n}\n";

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin()).current_dir(dir).args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmp_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    dir
}

#[test]
fn exit_status_follows_fail_on() {
    let dir = tmp_with(&[("good.json", GOOD), ("warn.json", WARNING_ONLY), ("bad.json", ERROR)]);
    assert_eq!(run(dir.path(), &["check", "good.json"]).0, 0);
    assert_eq!(run(dir.path(), &["check", "warn.json"]).0, 1, "default fail-on is warning");
    assert_eq!(run(dir.path(), &["check", "--fail-on", "error", "warn.json"]).0, 0);
    assert_eq!(run(dir.path(), &["check", "--fail-on", "error", "bad.json"]).0, 1);
    assert_eq!(run(dir.path(), &["check", "--fail-on", "never", "bad.json"]).0, 0);
    assert_eq!(run(dir.path(), &["check", "--fail-on", "info", "."]).0, 1);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tmp_with(&[("good.json", GOOD)]);
    let (code, _, err) = run(dir.path(), &["check", "missing.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json"), "names the path: {err}");
    let (code, _, err) = run(dir.path(), &["check", "--select", "TL999x", "good.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("TL999x"), "{err}");
    assert_eq!(run(dir.path(), &["check", "--format", "yaml", "good.json"]).0, 2);
    assert_eq!(run(dir.path(), &["explain", "TL999"]).0, 2);
}

#[test]
fn a_syntax_error_does_not_stop_the_run() {
    let dir = tmp_with(&[
        ("a-broken.json", "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",,}\n  ]\n}\n"),
        ("b.json", ERROR),
    ]);
    let (code, out, _) = run(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json report");
    let findings = v["findings"].as_array().expect("findings");
    let tl001 = findings.iter().find(|f| f["code"] == "TL001").expect("TL001 reported");
    assert_eq!(tl001["path"], "a-broken.json");
    assert_eq!(tl001["span"]["start"]["line"], 3);
    assert_eq!(tl001["span"]["start"]["column"], 24);
    assert!(
        findings.iter().any(|f| f["code"] == "TL004" && f["path"] == "b.json"),
        "other file still checked"
    );
}

#[test]
fn json_report_matches_schema_version_1() {
    let dir = tmp_with(&[("roles/bad.json", ERROR)]);
    let (code, out, _) = run(dir.path(), &["check", "--format", "json", "roles"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json report");
    let keys = |o: &serde_json::Value| {
        let mut k: Vec<String> = o.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["findings", "summary", "tool", "version"]);
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "trustlint");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let f = &v["findings"][0];
    assert_eq!(keys(f), ["code", "help", "message", "name", "path", "severity", "span", "subject"]);
    assert_eq!(f["code"], "TL004");
    assert_eq!(f["name"], "invalid-effect");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "roles/bad.json", "relative paths stay relative");
    assert_eq!(f["span"]["start"], serde_json::json!({"line": 3, "column": 28}));
    assert_eq!(f["span"]["end"], serde_json::json!({"line": 3, "column": 35}));
    assert_eq!(keys(&v["summary"]), ["error", "files", "info", "policies", "warning"]);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["policies"], 1);
    assert_eq!(v["summary"]["error"], 1);
}

#[test]
fn human_output_has_code_frames_and_a_summary() {
    let dir = tmp_with(&[("bad.json", ERROR)]);
    let (_, out, _) = run(dir.path(), &["check", "bad.json"]);
    assert!(out.contains("TL004(invalid-effect)"), "{out}");
    assert!(out.contains("[bad.json:3:28]"), "{out}");
    assert!(out.contains("help: values are case-sensitive: write \"Allow\""), "{out}");
    assert!(out.contains("1 error, 0 warnings, 0 info in 1 file"), "{out}");
}

#[test]
fn select_and_ignore_by_code_name_and_prefix() {
    let dir = tmp_with(&[(
        "bad.json",
        "{\"Statement\": [{\"Sid\": \"a-b\", \"Effect\": \"allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}",
    )]);
    let codes = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["check", "--format", "json"];
        a.extend_from_slice(args);
        a.push("bad.json");
        let (_, out, _) = run(dir.path(), &a);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["code"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(codes(&[]), ["TL002", "TL010", "TL004"]);
    assert_eq!(codes(&["--select", "TL004"]), ["TL004"]);
    assert_eq!(codes(&["--select", "invalid-sid"]), ["TL010"]);
    assert_eq!(codes(&["--ignore", "TL00"]), ["TL010"]);
    assert_eq!(codes(&["--select", "TL0", "--ignore", "TL002,invalid-effect"]), ["TL010"]);
}

#[test]
fn stdin_with_a_filename() {
    let mut child = Command::new(bin())
        .args(["check", "--format", "json", "--stdin-filename", "from-stdin.json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(ERROR.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["findings"][0]["path"], "from-stdin.json");
}

#[test]
fn output_file() {
    let dir = tmp_with(&[("bad.json", ERROR)]);
    let (code, out, _) =
        run(dir.path(), &["check", "--format", "json", "--output", "report.json", "bad.json"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let text = std::fs::read_to_string(dir.path().join("report.json")).expect("report written");
    assert!(text.contains("\"TL004\""));
}

#[test]
fn gitignored_files_are_skipped_but_named_files_are_read() {
    let dir = tmp_with(&[(".gitignore", "ignored/\n"), ("ignored/bad.json", ERROR), ("ok.json", GOOD)]);
    assert_eq!(run(dir.path(), &["check", "."]).0, 0);
    assert_eq!(run(dir.path(), &["check", "ignored/bad.json"]).0, 1);
}

#[test]
fn rules_and_explain() {
    let dir = tmp_with(&[]);
    let (code, out, _) = run(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let rules = v.as_array().expect("array");
    let rule_count = trustlint::rule_set(None).expect("rules").len();
    assert_eq!(rules.len(), rule_count);
    let tl003 = rules.iter().find(|r| r["code"] == "TL003").expect("TL003 listed");
    assert_eq!(tl003["name"], "unknown-policy-element");
    assert_eq!(tl003["severity"], "error");
    let (code, out, _) = run(dir.path(), &["explain", "TL003"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# TL003 unknown-policy-element"), "{out}");
    for section in ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"]
    {
        assert!(out.contains(section), "explain lacks {section}");
    }
    assert_eq!(run(dir.path(), &["explain", "allow-not-action"]).0, 0, "declarative rules explain too");
}

#[test]
fn user_rules_dir() {
    let rule = r###"
code = "TL901"
name = "no-s3-star"
severity = "error"
family = "permissions"
summary = "no s3:*"
selector = "$.Statement[?@.Action[?@ == 's3:*']]"
report = "Action"
message = "{statement} allows s3:*"
help = "name the S3 actions"
docs = "## What it does\nx"
"###;
    let dir = tmp_with(&[
        ("rules/no-s3-star.toml", rule),
        (
            "p.json",
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}"#,
        ),
    ]);
    let (code, out, err) = run(dir.path(), &["check", "--format", "json", "--rules-dir", "rules", "p.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("\"TL901\""), "{out}");
    std::fs::write(dir.path().join("rules/no-s3-star.toml"), "code = 1").expect("write");
    let (code, _, err) = run(dir.path(), &["check", "--rules-dir", "rules", "p.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-s3-star.toml"), "{err}");
}

#[test]
fn external_id_parses_the_four_parts() {
    let dir = tmp_with(&[]);
    let (code, out, _) = run(dir.path(), &["external-id", "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@read"]);
    assert_eq!(code, 0, "{out}");
    for line in [
        "account         acme",
        "integration id  01GE7K9SR2DQBCRQ90DH70JF6Y",
        "stack/module    stack-a",
        "phase           read",
    ] {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    let (code, out, _) = run(dir.path(), &["external-id", "--format", "json", "acme@01GE7K9@stack-a@read"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["valid"], false);
    assert!(v["problems"][0].as_str().unwrap_or("").contains("26-character ULID"), "{out}");
}

#[test]
fn external_id_pattern_reports_stacks_and_phases_with_witnesses() {
    let dir = tmp_with(&[]);
    let (code, out, _) = run(dir.path(), &["external-id", "--pattern", "acme@*@stack-a@*"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("accepts stack `stack-a` in both phases"), "{out}");
    assert!(out.contains("@stack-a@read") && out.contains("@stack-a@write"), "witnesses: {out}");
    let (_, out, _) =
        run(dir.path(), &["external-id", "--pattern", "--format", "json", "acme@*@stack-a@write"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(v["phases"]["read"].is_null());
    assert!(v["phases"]["write"].as_str().unwrap_or("").ends_with("@stack-a@write"));
    let (code, out, _) = run(dir.path(), &["external-id", "--pattern", "acme@*@*@admin"]);
    assert_eq!(code, 1);
    assert!(out.contains("the last part must be `read` or `write`"), "{out}");
    let (code, out, _) =
        run(dir.path(), &["external-id", "--pattern", "--spacelift-account", "acme", "*@*@prod@write"]);
    assert_eq!(code, 1);
    assert!(out.contains("other accounts  yes"), "{out}");
}

#[test]
fn stdin_terraform_by_filename() {
    let tf = "provider \"aws\" {\n  assume_role {\n    role_arn = \"arn:aws:iam::111122223333:role/x\"\n    duration = \"13h\"\n  }\n}\n";
    let mut child = Command::new(bin())
        .args(["check", "--format", "json", "--stdin-filename", "infra/main.tf", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(tf.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("wait");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = &v["findings"][0];
    assert_eq!(f["code"], "TL401", "{v}");
    assert_eq!(f["path"], "infra/main.tf");
    assert_eq!(f["span"]["start"]["line"], 4);
}

#[test]
fn verbose_summarises_on_stderr() {
    let dir = tmp_with(&[("bad.json", ERROR), ("good.json", GOOD)]);
    let (_, out, err) = run(dir.path(), &["check", "-vv", "--format", "json", "."]);
    assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok(), "stdout stays the report");
    assert!(err.contains("read bad.json") && err.contains("read good.json"), "{err}");
    assert!(err.contains("2 files read, 2 policies, 1 finding (TL004 1)"), "{err}");
}

/// TL110: without a configured environment the principals decide it; once one is configured
/// (flag or file), the other environment's account is the mistake.
#[test]
fn spacelift_environment_is_inferred_unless_configured() {
    let us = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/TL110-principal-environment-mismatch/good/us-account-only.json"),
    )
    .expect("fixture");
    let dir = tmp_with(&[("us.json", &us)]);
    let (_, out, _) = run(dir.path(), &["check", "--format", "concise", "us.json"]);
    assert!(!out.contains("TL110"), "inferred us.spacelift.io: {out}");
    let (_, out, _) = run(
        dir.path(),
        &["check", "--format", "concise", "--spacelift-environment", "spacelift.io", "us.json"],
    );
    assert!(out.contains("TL110 principal 577638371743 is Spacelift's us.spacelift.io account, but the environment is spacelift.io"), "{out}");
    std::fs::write(dir.path().join("trustlint.toml"), "[spacelift]\nenvironment = \"spacelift.io\"\n")
        .expect("write");
    let (_, out, _) = run(dir.path(), &["check", "--format", "concise", "us.json"]);
    assert!(out.contains("TL110"), "configured in trustlint.toml: {out}");
}
