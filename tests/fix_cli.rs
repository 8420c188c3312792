//! `check --fix`, `--unsafe-fixes` and `--diff` through the built binary: files rewritten (or
//! not), the exit status and summary, what is never written, and fixes in JSON and SARIF.

use std::path::Path;
use std::process::{Command, Output};

/// TL105 (wildcard under StringEquals) and TL002 (no Version): both fixable, safely.
const FIXABLE: &str = r#"{
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::324880187172:root"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "acme@*@stack-a@*"}}
    }
  ]
}
"#;

const FIXED: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::324880187172:root"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringLike": {"sts:ExternalId": "acme@*@stack-a@*"}}
    }
  ]
}
"#;

/// TL004 (invalid Effect): no fix.
const UNFIXABLE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}]
}
"#;

fn tl(dir: &Path, args: &[&str]) -> Output {
    tl_stdin(dir, args, None)
}

fn tl_stdin(dir: &Path, args: &[&str], input: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.unwrap_or("").as_bytes()).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("run")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).expect("read")
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

#[test]
fn fix_rewrites_the_file_and_the_exit_status_reflects_what_is_left() {
    let dir = project(&[("p.json", FIXABLE)]);
    let o = tl(dir.path(), &["check", "--fix", "--no-config", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert_eq!(read(dir.path(), "p.json"), FIXED);
    assert!(
        out(&o).contains("0 errors, 0 warnings, 0 info in 1 file") && out(&o).contains("; 2 fixed"),
        "{}",
        out(&o)
    );
    // Nothing more to do: a second run changes nothing and says nothing about fixes.
    let again = tl(dir.path(), &["check", "--fix", "--no-config", "."]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(read(dir.path(), "p.json"), FIXED);
    assert!(!out(&again).contains("fixed"), "{}", out(&again));

    let dir = project(&[("p.json", FIXABLE), ("q.json", UNFIXABLE)]);
    let o = tl(dir.path(), &["check", "--fix", "--no-config", "--format", "concise", "."]);
    assert_eq!(o.status.code(), Some(1), "an unfixable finding is left: {}", out(&o));
    assert_eq!(read(dir.path(), "p.json"), FIXED);
    assert_eq!(read(dir.path(), "q.json"), UNFIXABLE);
    assert!(out(&o).contains("q.json:3:28: TL004"), "{}", out(&o));
    assert!(!out(&o).contains("TL105"), "{}", out(&o));
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_and_leaves_no_temporary_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("p.json", FIXABLE)]);
    let path = dir.path().join("p.json");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let o = tl(dir.path(), &["check", "--fix", "--no-config", "p.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(names, vec!["p.json".to_string()]);
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = project(&[("p.json", FIXABLE)]);
    let o = tl(dir.path(), &["check", "--diff", "--no-config", "p.json"]);
    assert_eq!(o.status.code(), Some(1), "a change is pending: {}", err(&o));
    assert_eq!(read(dir.path(), "p.json"), FIXABLE);
    let diff = out(&o);
    assert!(
        diff.starts_with(
            "--- a/p.json\n+++ b/p.json\n@@ -1,10 +1,11 @@\n {\n+  \"Version\": \"2012-10-17\",\n"
        ),
        "{diff}"
    );
    assert!(
        diff.contains("\n-      \"Condition\": {\"StringEquals\": ")
            && diff.contains("\n+      \"Condition\": {\"StringLike\": "),
        "{diff}"
    );
    assert!(err(&o).contains("would fix 2 findings in 1 file"), "{}", err(&o));
    // `git apply` takes it: applying the diff gives what --fix writes (skipped without git).
    std::fs::write(dir.path().join("fix.patch"), &diff).expect("patch");
    let apply = Command::new("git").args(["apply", "fix.patch"]).current_dir(dir.path()).output();
    match apply {
        Ok(a) => {
            assert!(a.status.success(), "git apply: {}", String::from_utf8_lossy(&a.stderr));
            assert_eq!(read(dir.path(), "p.json"), FIXED);
        }
        Err(e) => eprintln!("skipping the git apply check: {e}"),
    }
    // Nothing to fix: no diff, exit 0.
    let clean = project(&[("p.json", FIXED)]);
    let o = tl(clean.path(), &["check", "--diff", "--no-config", "p.json"]);
    assert_eq!((o.status.code(), out(&o).as_str()), (Some(0), ""));
}

#[test]
fn unsafe_fixes_need_their_flag_and_fix_or_diff() {
    let dir = project(&[("p.json", FIXABLE)]);
    let o = tl(dir.path(), &["check", "--unsafe-fixes", "--no-config", "p.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--unsafe-fixes works with --fix or --diff"), "{}", err(&o));
    let o = tl(dir.path(), &["check", "--no-config", "p.json"]);
    assert!(out(&o).contains("; 2 fixable with --fix"), "{}", out(&o));
}

#[test]
fn standard_input_is_never_written() {
    let dir = project(&[]);
    let o = tl_stdin(
        dir.path(),
        &["check", "--fix", "--no-config", "--stdin-filename", "p.json", "-"],
        Some(FIXABLE),
    );
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(!dir.path().join("p.json").exists());
    assert!(!out(&o).contains("fixed"), "{}", out(&o));
    assert!(err(&o).contains("2 findings with a fix were left as they are"), "{}", err(&o));
}

#[test]
fn a_file_with_a_byte_order_mark_is_not_rewritten() {
    let text = format!("\u{feff}{FIXABLE}");
    let dir = project(&[("p.json", &text)]);
    let o = tl(dir.path(), &["check", "--fix", "--no-config", "p.json"]);
    assert_eq!(read(dir.path(), "p.json"), text);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn json_and_sarif_carry_the_fix() {
    let dir = project(&[("p.json", FIXABLE)]);
    let o = tl(dir.path(), &["check", "--format", "json", "--no-config", "--select", "TL105", "p.json"]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    let fix = &v["findings"][0]["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["message"], "Replace `StringEquals` with `StringLike`");
    let edit = &fix["edits"][0];
    let offset = edit["offset"].as_u64().expect("offset") as usize;
    assert_eq!(&FIXABLE[offset..offset + edit["length"].as_u64().expect("len") as usize], "StringEquals");
    assert_eq!(edit["replacement"], "StringLike");
    assert_eq!((edit["start"]["line"].as_u64(), edit["start"]["column"].as_u64()), (Some(7), Some(22)));

    let o = tl(dir.path(), &["check", "--format", "sarif", "--no-config", "--root", ".", "p.json"]);
    let log: serde_json::Value = serde_json::from_str(&out(&o)).expect("sarif");
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("sarif-schema-2.1.0.json")).expect("vendored schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
    let results = log["runs"][0]["results"].as_array().expect("results");
    let tl105 = results.iter().find(|r| r["ruleId"] == "TL105").expect("TL105 result");
    let change = &tl105["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "p.json");
    let r = &change["replacements"][0];
    assert_eq!(r["deletedRegion"]["startLine"], 7);
    assert_eq!(r["deletedRegion"]["startColumn"], 22);
    assert_eq!(r["deletedRegion"]["endColumn"], 34);
    assert_eq!(r["insertedContent"]["text"], "StringLike");
    assert_eq!(tl105["fixes"][0]["properties"]["applicability"], "safe");
    // The schema sees the fixes: a replacement without its region is caught.
    let mut bad = log.clone();
    let i = results.iter().position(|r| r["ruleId"] == "TL105").expect("index");
    bad["runs"][0]["results"][i]["fixes"][0]["artifactChanges"][0]["replacements"][0]
        .as_object_mut()
        .expect("object")
        .remove("deletedRegion");
    assert!(!validator.is_valid(&bad));
}

/// A role whose trust policy has TL105 (a wildcard under StringEquals), behind an inline
/// suppression of it.
const SUPPRESSED_TF: &str = r#"# trustlint:ignore TL105 reviewed: migrating next sprint
resource "aws_iam_role" "spacelift" {
  name = "spacelift"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::324880187172:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "acme@*@stack-a@*" } }
    }]
  })
}
"#;

#[test]
fn fix_leaves_what_the_baseline_or_a_suppression_hides() {
    // The baseline records old.json's two findings; new.json has the same two, not recorded.
    let dir = project(&[("old.json", FIXABLE)]);
    let o = tl(dir.path(), &["check", "--no-config", "--write-baseline", "baseline.json", "old.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    std::fs::write(dir.path().join("new.json"), FIXABLE).expect("write");
    std::fs::create_dir(dir.path().join("tf")).expect("mkdir");
    std::fs::write(dir.path().join("tf/main.tf"), SUPPRESSED_TF).expect("write");
    let args = ["check", "--fix", "--no-config", "--baseline", "baseline.json", "old.json", "new.json", "tf"];
    let o = tl(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert_eq!(read(dir.path(), "new.json"), FIXED, "what the report shows is fixed");
    assert_eq!(read(dir.path(), "old.json"), FIXABLE, "what the baseline hides is not");
    assert_eq!(read(dir.path(), "tf/main.tf"), SUPPRESSED_TF, "what a comment suppresses is not");
    // The summary counts the two fixes made, and nothing fixable is left to show.
    assert!(out(&o).contains("; 2 fixed"), "{}", out(&o));
    assert!(!out(&o).contains("fixable"), "{}", out(&o));
    // The baseline still hides old.json's findings: none of them counts as fixed.
    assert!(!err(&o).contains("baseline finding"), "{}", err(&o));

    // --diff agrees: nothing to change once new.json is fixed, and no hint of hidden fixes.
    let o = tl(dir.path(), &["check", "--diff", "--no-config", "--baseline", "baseline.json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert_eq!(out(&o), "");
    assert!(
        err(&o).contains("would fix 0 findings in 0 files") && !err(&o).contains("fixable"),
        "{}",
        err(&o)
    );

    // Without the baseline both are fixed, and the summary says so.
    let o = tl(dir.path(), &["check", "--fix", "--no-config", "old.json"]);
    assert_eq!(read(dir.path(), "old.json"), FIXED, "{}", out(&o));
    assert!(out(&o).contains("; 2 fixed"), "{}", out(&o));
}

#[test]
fn fix_leaves_findings_below_min_severity() {
    // TL002 (no Version) is a warning, TL105 here an error: only the error is shown, so only it
    // is fixed.
    let dir = project(&[("p.json", FIXABLE)]);
    let o = tl(dir.path(), &["check", "--fix", "--no-config", "--min-severity", "error", "p.json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let text = read(dir.path(), "p.json");
    assert!(text.contains("StringLike") && !text.contains("Version"), "{text}");
    assert!(out(&o).contains("; 1 fixed"), "{}", out(&o));
}

#[test]
fn a_policy_in_a_tf_json_string_is_renamed_in_place_and_never_given_unescaped_quotes() {
    // No Version (TL002, whose fix inserts a member) and a wildcard under StringEquals (TL105,
    // whose fix renames the operator), in a policy written as a JSON string.
    let policy = r#"{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::324880187172:root\"}, \"Action\": \"sts:AssumeRole\", \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"acme@*@stack-a@*\"}}}]}"#;
    let text = format!(
        "{{\n  \"resource\": {{\"aws_iam_role\": {{\"r\": {{\"name\": \"r\", \"assume_role_policy\": \"{policy}\"}}}}}}\n}}\n"
    );
    let dir = project(&[("main.tf.json", &text)]);
    let o = tl(dir.path(), &["check", "--fix", "--no-config", "--format", "json", "."]);
    assert!(err(&o).is_empty(), "no fix was dropped: {}", err(&o));
    assert_eq!(read(dir.path(), "main.tf.json"), text.replace("StringEquals", "StringLike"));
    let report: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
    assert_eq!(codes, ["TL002"], "{findings:#?}");
    assert!(findings[0].get("fix").is_none(), "inserting `\"Version\"` there needs escaping: {findings:#?}");
}
