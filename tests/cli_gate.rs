//! CI-gate features through the built binary: configuration, SARIF/GitHub/JUnit, baselines,
//! and the pre-commit hook.
//!
//! `sarif-schema-2.1.0.json` is the SARIF 2.1.0 JSON schema as shipped (file `sarif-2.1.0.json`,
//! MIT) in the npm package `@microsoft/sarif-multitool-linux` 5.7.0, Microsoft's SARIF SDK.
//! `junit-windyroad.xsd` is the common JUnit XML schema (windyroad/JUnit-Schema, Apache-2.0; its
//! header says where from); the JUnit test validates with Python's xmlschema from `.venv`.

use std::path::Path;
use std::process::{Command, Output};

const MISSING_VERSION: &str = r#"{
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
  ]
}
"#;

const BAD_EFFECT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}
  ]
}
"#;

const UNKNOWN_ELEMENT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Colour": "blue, 100%"}
  ]
}
"#;

const GOOD: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
  ]
}
"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A project: a/missing_version.json (TL002 warning), b/bad_effect.json (TL004 error),
/// b/unknown.json (TL003 error), b/good.json (clean).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/missing_version.json", MISSING_VERSION);
    write(dir.path(), "b/bad_effect.json", BAD_EFFECT);
    write(dir.path(), "b/unknown.json", UNKNOWN_ELEMENT);
    write(dir.path(), "b/good.json", GOOD);
    dir
}

fn tl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TRUSTLINT_TODAY", "2026-06-01")
        // 2026-06-01T12:00:00 UTC: JUnit timestamps are reproducible.
        .env("SOURCE_DATE_EPOCH", "1780315200")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn codes(o: &Output) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["path"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

fn normalise(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "[TMP]")
}

// ---------------------------------------------------------------- formats

#[test]
fn sarif_validates_against_the_official_schema() {
    let dir = project();
    let out = tl(dir.path(), &["check", "--format", "sarif", "a", "b"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();

    let schema: serde_json::Value =
        serde_json::from_str(include_str!("sarif-schema-2.1.0.json")).expect("vendored schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
    // The schema really is enforced: a bad level or a missing message is caught.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
    let mut bad = log.clone();
    bad["runs"][0]["results"][0].as_object_mut().unwrap().remove("message");
    assert!(!validator.is_valid(&bad));

    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "trustlint");
    assert!(driver["informationUri"].is_string());
    let rules = driver["rules"].as_array().unwrap();
    // Every rule of `trustlint rules` is listed, with its docs.
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&tl(dir.path(), &["rules", "--format", "json"]))).unwrap();
    assert_eq!(rules.len(), listed.as_array().unwrap().len());
    for r in rules {
        for key in
            ["id", "name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration"]
        {
            assert!(!r[key].is_null(), "rule {} lacks {key}", r["id"]);
        }
        assert!(r["help"]["markdown"].as_str().unwrap().contains("## What it does"));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for res in results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
        assert!(res["partialFingerprints"]["trustlint/v1"].as_str().unwrap().len() == 16);
        let region = &res["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
    }
    let first = &results[0];
    assert_eq!(first["ruleId"], "TL002");
    assert_eq!(first["level"], "warning");
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a/missing_version.json"
    );
}

#[test]
fn github_output() {
    let dir = project();
    let out = tl(dir.path(), &["check", "--format", "github", "a", "b"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("github", normalise(&stdout(&out), dir.path()));
}

#[test]
fn junit_output_lists_every_file() {
    let dir = project();
    let out = tl(dir.path(), &["check", "--format", "junit", "a", "b"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("junit", normalise(&stdout(&out), dir.path()));
}

#[test]
fn output_file_works_for_every_format() {
    let dir = project();
    for format in ["human", "json", "sarif", "github", "junit"] {
        let file = format!("report.{format}");
        let out = tl(dir.path(), &["check", "--format", format, "--output", &file, "a", "b"]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{format}");
        let written = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        assert!(written.contains("TL004"), "{format}: {written}");
    }
}

#[test]
fn quiet_drops_the_summary_line() {
    let dir = project();
    let loud = tl(dir.path(), &["check", "b/good.json"]);
    assert!(stdout(&loud).contains("0 errors, 0 warnings, 0 info in 1 file"), "{}", stdout(&loud));
    let quiet = tl(dir.path(), &["check", "--quiet", "b/good.json"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stdout(&quiet), "");
    assert_eq!(stderr(&quiet), "");
}

// ---------------------------------------------------------------- configuration

#[test]
fn config_unknown_key_names_key_and_line() {
    let dir = project();
    write(dir.path(), "trustlint.toml", "[lint]\nselect = [\"TL\"]\nfial-on = \"error\"\n");
    let out = tl(dir.path(), &["check", "a"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("trustlint.toml:3:1: `lint.fial-on`: unknown field `fial-on`"), "{err}");
}

#[test]
fn config_bad_values_name_key_and_line() {
    let dir = project();
    let cases = [
        ("[spacelift]\nenvironment = \"eu.spacelift.io\"\n", "trustlint.toml:2:15: `spacelift.environment`"),
        (
            "[spacelift]\nworker-role-arns = [\"arn:aws:iam::111122223333:role/w*\"]\n",
            "trustlint.toml:2:21: `spacelift.worker-role-arns`: `arn:aws:iam::111122223333:role/w*` is not an IAM role ARN",
        ),
        (
            "[aws]\ntrusted-accounts = [\"1234\"]\n",
            "trustlint.toml:2:21: `aws.trusted-accounts`: `1234` is not a 12-digit",
        ),
        ("[lint]\nignore = [\"TL9\"]\n", "trustlint.toml:2:11: `lint.ignore`: `TL9` matches no rule"),
        ("[lint]\nfail-on = \"sometimes\"\n", "trustlint.toml:2:11: `lint.fail-on`"),
        ("[lint.severity]\nTL002 = \"fatal\"\n", "trustlint.toml:2:9: `lint.severity.TL002`"),
        (
            "[lint.severity]\nTL = \"error\"\n",
            "trustlint.toml:2:6: `lint.severity.TL`: `TL` is not a rule code or name",
        ),
        ("[lint]\nselect = \"TL\"\n", "trustlint.toml:2:10: `lint.select`: invalid type"),
        (
            "[[lint.per-path]]\npath = \"b/**\"\nignore = [\"TL004\"]\nwhy = \"x\"\n",
            "trustlint.toml:4:1: `lint.per-path.why`: unknown field `why`",
        ),
        (
            "[terraform]\nchained-credentials = \"yes\"\n",
            "trustlint.toml:2:23: `terraform.chained-credentials`",
        ),
        (
            "[[lint.per-path]]\npath = \"b/**\"\nignore = [\"TL004\"]\nexpires = \"2026-13-01\"\n",
            "trustlint.toml:4:11: `lint.per-path[0].expires`",
        ),
    ];
    for (text, want) in cases {
        write(dir.path(), "trustlint.toml", text);
        let out = tl(dir.path(), &["check", "a"]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(stderr(&out).contains(want), "{text}\n{}", stderr(&out));
    }
}

#[test]
fn config_is_discovered_upward_and_selectable() {
    let dir = project();
    write(dir.path(), ".trustlint.toml", "[lint]\nignore = [\"TL004\"]\n");
    // From a subdirectory, the file in the parent applies.
    let out = tl(&dir.path().join("b"), &["check", "--format", "json", "."]);
    assert_eq!(codes(&out), ["unknown.json TL003 error"]);
    // --no-config ignores it; --config picks another.
    let out = tl(&dir.path().join("b"), &["check", "--no-config", "--format", "json", "."]);
    assert_eq!(codes(&out), ["bad_effect.json TL004 error", "unknown.json TL003 error"]);
    write(dir.path(), "other.toml", "[lint]\nselect = [\"TL004\"]\n");
    let out = tl(dir.path(), &["check", "--config", "other.toml", "--format", "json", "a", "b"]);
    assert_eq!(codes(&out), ["b/bad_effect.json TL004 error"]);
    let out = tl(dir.path(), &["check", "--config", "missing.toml", "a"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn flags_override_config() {
    let dir = project();
    write(
        dir.path(),
        "trustlint.toml",
        "[lint]\nselect = [\"TL00\"]\nignore = [\"invalid-effect\"]\nfail-on = \"error\"\n\n[lint.severity]\nTL003 = \"info\"\n",
    );
    // Config: TL004 ignored, TL003 downgraded to info; fail-on error so only... nothing fails.
    let out = tl(dir.path(), &["check", "--format", "json", "a", "b"]);
    assert_eq!(codes(&out), ["a/missing_version.json TL002 warning", "b/unknown.json TL003 info"]);
    assert_eq!(out.status.code(), Some(0), "fail-on = error from the config");
    // --fail-on on the command line wins.
    let out = tl(dir.path(), &["check", "--fail-on", "info", "--format", "json", "b"]);
    assert_eq!(out.status.code(), Some(1));
    // --ignore replaces the config's list; --select too.
    let out = tl(dir.path(), &["check", "--ignore", "TL002", "--format", "json", "a", "b"]);
    assert_eq!(codes(&out), ["b/bad_effect.json TL004 error", "b/unknown.json TL003 info"]);
    assert_eq!(out.status.code(), Some(1));
    let out = tl(dir.path(), &["check", "--select", "TL002", "--format", "json", "a", "b"]);
    assert_eq!(codes(&out), ["a/missing_version.json TL002 warning"]);
}

#[test]
fn per_path_exemptions_active_and_expired() {
    let dir = project();
    let config = |expires: &str| {
        format!(
            "[lint]\n\n[[lint.per-path]]\npath = \"b/**\"\nignore = [\"TL004\", \"unknown-policy-element\"]\nreason = \"legacy\"\nexpires = \"{expires}\"\n"
        )
    };
    write(dir.path(), "trustlint.toml", &config("2026-06-01"));
    let out = tl(dir.path(), &["check", "--format", "json", "a", "b"]);
    assert_eq!(codes(&out), ["a/missing_version.json TL002 warning"]);
    assert_eq!(stderr(&out), "");
    // Relative to the config file's directory, even when run from elsewhere.
    let out = tl(&dir.path().join("b"), &["check", "--format", "json", "."]);
    assert_eq!(codes(&out), Vec::<String>::new());

    write(dir.path(), "trustlint.toml", &config("2026-05-31"));
    let out = tl(dir.path(), &["check", "--format", "json", "a", "b"]);
    assert_eq!(
        codes(&out),
        [
            "a/missing_version.json TL002 warning",
            "b/bad_effect.json TL004 error",
            "b/unknown.json TL003 error"
        ]
    );
    let err = stderr(&out);
    assert!(
        err.contains("trustlint.toml:4: per-path exemption `b/**` expired on 2026-05-31 and no longer applies (reason: legacy)"),
        "{err}"
    );
    assert!(err.contains("1 expired per-path exemption"), "{err}");
}

// ---------------------------------------------------------------- baseline

#[test]
fn baseline_round_trip() {
    let dir = project();
    let out = tl(dir.path(), &["check", "--write-baseline", "baseline.json", "a", "b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap()).unwrap();
    assert_eq!(b["version"], 1);
    let entries = b["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["path"], "a/missing_version.json");
    assert_eq!(entries[0]["code"], "TL002");

    let out = tl(dir.path(), &["check", "--baseline", "baseline.json", "a", "b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // Unrelated edits above the findings: lines move, nothing new.
    let edited = BAD_EFFECT
        .replace("\"Version\": \"2012-10-17\",", "\"Version\": \"2012-10-17\",\n  \"Id\": \"added\",\n\n");
    write(dir.path(), "b/bad_effect.json", &edited);
    let edited = UNKNOWN_ELEMENT.replace("{\n", "{\n  \"Id\": \"x\",\n");
    write(dir.path(), "b/unknown.json", &edited);
    let out = tl(dir.path(), &["check", "--baseline", "baseline.json", "--format", "json", "a", "b"]);
    assert_eq!(codes(&out), Vec::<String>::new());
    assert_eq!(out.status.code(), Some(0));

    // A new problem: only it is reported.
    write(dir.path(), "b/good.json", &GOOD.replace("\"Allow\"", "\"allow\""));
    let out = tl(dir.path(), &["check", "--baseline", "baseline.json", "--format", "json", "a", "b"]);
    assert_eq!(codes(&out), ["b/good.json TL004 error"]);
    assert_eq!(out.status.code(), Some(1));

    // Fixing a recorded one is reported on stderr.
    write(dir.path(), "a/missing_version.json", GOOD);
    let out = tl(dir.path(), &["check", "--baseline", "baseline.json", "--format", "json", "a", "b"]);
    assert_eq!(codes(&out), ["b/good.json TL004 error"]);
    assert!(
        stderr(&out).contains("1 baseline finding is fixed; rewrite the baseline with --write-baseline"),
        "{}",
        stderr(&out)
    );
    // A partial run (pre-commit) does not count other files' entries as fixed.
    let out = tl(dir.path(), &["check", "--baseline", "baseline.json", "b/unknown.json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!stderr(&out).contains("fixed"), "{}", stderr(&out));
}

#[test]
fn identical_findings_get_distinct_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let twice = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Colour": 1},
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Colour": 1}
  ]
}
"#;
    write(dir.path(), "p.json", twice);
    write(dir.path(), "q.json", twice);
    let out = tl(dir.path(), &["check", "--write-baseline", "bl.json", "p.json", "q.json"]);
    assert_eq!(out.status.code(), Some(0));
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("bl.json")).unwrap()).unwrap();
    let mut fps: Vec<&str> =
        b["entries"].as_array().unwrap().iter().map(|e| e["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fps.len(), 4);
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), 4, "occurrence index and path keep identical findings apart");
}

// ---------------------------------------------------------------- pre-commit

/// The hook's `entry` from `.pre-commit-hooks.yaml`, split as pre-commit does (shlex).
fn hook_entry() -> Vec<String> {
    let hooks = include_str!("../.pre-commit-hooks.yaml");
    let entry = hooks.lines().find_map(|l| l.trim().strip_prefix("entry:")).expect("entry");
    assert!(hooks.contains("id: trustlint"));
    assert!(hooks.contains("pass_filenames: true"));
    entry.split_whitespace().map(str::to_string).collect()
}

#[test]
fn pre_commit_hook_lints_exactly_the_files_given() {
    let dir = project();
    let entry = hook_entry();
    assert_eq!(entry[0], "trustlint");
    // pre-commit runs `entry` + the staged file names from the repository root.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trustlint"));
    cmd.args(&entry[1..])
        .args(["--format", "json", "a/missing_version.json", "b/unknown.json", "b/good.json"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    // b/bad_effect.json is not staged: not reported.
    assert_eq!(codes(&out), ["a/missing_version.json TL002 warning", "b/unknown.json TL003 error"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["summary"]["files"], 3);

    // Only clean files staged: exit 0.
    let out = Command::new(env!("CARGO_BIN_EXE_trustlint"))
        .args(&entry[1..])
        .args(["b/good.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn github_output_escapes_properties_and_message() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c/odd,name:1.json", &BAD_EFFECT.replace("Alow", "Al%ow"));
    let out = tl(dir.path(), &["check", "--format", "github", "c"]);
    assert_eq!(
        stdout(&out),
        "::error file=c/odd%2Cname%3A1.json,line=4,col=16,endLine=4,endColumn=23,title=TL004 invalid-effect::`Effect` must be `Allow` or `Deny`, found `Al%25ow`%0Ahelp: write \"Allow\" or \"Deny\"%0Adocs: https://github.com/trustlint/trustlint/blob/main/docs/rules/TL004.md\n"
    );
}

#[test]
fn pre_commit_with_terraform_files_and_missing_baseline() {
    let dir = project();
    write(dir.path(), "infra/main.tf", "resource \"aws_iam_role\" \"r\" {}\n");
    write(dir.path(), "infra/iam.tf", "");
    let out = tl(dir.path(), &["check", "--format", "json", "infra/main.tf", "a/missing_version.json"]);
    assert_eq!(codes(&out), ["a/missing_version.json TL002 warning"], "{}", stderr(&out));
    let out = tl(dir.path(), &["check", "--baseline", "nope.json", "a"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read baseline nope.json"), "{}", stderr(&out));
}

// ---------------------------------------------------------------- what CI systems read

fn in_ci() -> bool {
    std::env::var("CI").map(|v| !v.is_empty() && v != "false" && v != "0").unwrap_or(false)
}

/// Validates XML against the vendored JUnit schema with Python's xmlschema from `.venv`; `None`
/// (after a SKIPPED line) when that is not installed, a failure under CI.
fn junit_schema_errors(xml: &str) -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let py = root.join(".venv/bin/python");
    let has = py.is_file()
        && Command::new(&py).args(["-c", "import xmlschema"]).output().is_ok_and(|o| o.status.success());
    if !has {
        assert!(!in_ci(), "xmlschema is required under CI: run scripts/setup-moto.sh");
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "SKIPPED JUnit schema validation: no xmlschema in .venv");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let script = "import sys, xmlschema\n\
                  s = xmlschema.XMLSchema(sys.argv[1])\n\
                  errs = [str(e) for e in s.iter_errors(sys.argv[2])]\n\
                  print('\\n'.join(errs))";
    let out = Command::new(&py)
        .args(["-c", script])
        .arg(root.join("tests/junit-windyroad.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "xmlschema failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn junit_validates_against_the_common_schema_with_correct_counts() {
    let dir = project();
    let out = tl(dir.path(), &["check", "--format", "junit", "--fail-on", "error", "a", "b"]);
    let xml = stdout(&out);
    // TL002 is a warning, below --fail-on error: listed, not a failure.
    let suite_a = xml.lines().find(|l| l.contains("name=\"a/missing_version.json\"")).unwrap();
    assert!(suite_a.contains("tests=\"1\" failures=\"0\""), "{suite_a}");
    assert!(xml.contains("<system-out>a/missing_version.json:1:1: TL002"), "{xml}");
    let failures = xml.matches("<failure ").count();
    let declared: usize = xml
        .lines()
        .filter(|l| l.contains("<testsuite "))
        .map(|l| l.split("failures=\"").nth(1).unwrap().split('"').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!((failures, declared), (2, 2), "{xml}");
    if let Some(errors) = junit_schema_errors(&xml) {
        assert!(errors.is_empty(), "JUnit does not validate:\n{errors}\n{xml}");
        // The schema really is checked: the old `file` attribute on a test case is rejected.
        let bad = xml.replacen("<testcase name=", "<testcase file=\"x\" name=", 1);
        assert!(!junit_schema_errors(&bad).unwrap_or_default().is_empty());
    }
}

/// A git repository with the shipped Spacelift trust policy in `policies/`, checked from `infra/`.
fn repo_with_trust_policy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/spacelift-trust.json");
    write(dir.path(), "policies/trust.json", &std::fs::read_to_string(example).unwrap());
    std::fs::create_dir_all(dir.path().join("infra")).unwrap();
    dir
}

#[test]
fn sarif_has_what_github_code_scanning_reads() {
    let dir = repo_with_trust_policy();
    let out = tl(&dir.path().join("infra"), &["check", "--format", "sarif", "../policies"]);
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let run = &log["runs"][0];
    // Paths are relative to the git root, whatever directory trustlint ran in.
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(root.starts_with("file://") && root.ends_with('/'), "{root}");
    assert!(!root.ends_with("/infra/"), "{root}");
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc["uri"], "policies/trust.json");
        assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    }
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |code: &str| rules.iter().find(|r| r["id"] == code).unwrap();
    // An error about who may assume a role is Critical in GitHub (security-severity >= 9.0).
    let tl101 = &rule("TL101")["properties"];
    assert_eq!(tl101["security-severity"], "9.1");
    assert!(tl101["tags"].as_array().unwrap().contains(&"security".into()), "{tl101}");
    assert_eq!(tl101["precision"], "very-high");
    // Grammar rules are correctness problems: no security severity, GitHub shows their level.
    let tl004 = &rule("TL004")["properties"];
    assert!(tl004.get("security-severity").is_none(), "{tl004}");
    assert!(tl004["tags"].as_array().unwrap().contains(&"correctness".into()), "{tl004}");
    for r in rules {
        let p = &r["properties"];
        assert!(["very-high", "high", "medium"].contains(&p["precision"].as_str().unwrap()), "{r}");
        if let Some(s) = p.get("security-severity") {
            let score: f64 = s.as_str().unwrap().parse().unwrap();
            assert!((0.0..=10.0).contains(&score), "{r}");
        }
        let uri = r["helpUri"].as_str().unwrap();
        assert!(uri.starts_with(env!("CARGO_PKG_REPOSITORY")), "{uri}");
        assert!(uri.ends_with(&format!("/docs/rules/{}.md", r["id"].as_str().unwrap())), "{uri}");
    }
    // --root moves the base: from infra/ with --root .., the same paths.
    let out = tl(&dir.path().join("infra"), &["check", "--format", "sarif", "--root", "..", "../policies"]);
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "policies/trust.json");
}

#[test]
fn github_annotations_are_repository_relative_and_say_when_some_are_hidden() {
    let dir = repo_with_trust_policy();
    let out = tl(&dir.path().join("infra"), &["check", "--format", "github", "../policies"]);
    let text = stdout(&out);
    assert!(text.lines().all(|l| !l.starts_with("::notice title=trustlint::")), "{text}");
    for l in text.lines() {
        assert!(l.contains("file=policies/trust.json,"), "{l}");
        assert!(l.contains("%0Ahelp: "), "{l}");
    }
    // Eleven errors: more than GitHub shows in one step, and the first line says so.
    let policy: String = (0..11)
        .map(|i| format!(r#"{{"Sid": "S{i}", "Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}}"#))
        .collect::<Vec<_>>()
        .join(",\n");
    write(
        dir.path(),
        "many.json",
        &format!("{{\"Version\": \"2012-10-17\", \"Statement\": [\n{policy}\n]}}\n"),
    );
    let out = tl(dir.path(), &["check", "--format", "github", "many.json"]);
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("::notice title=trustlint::trustlint reported 11 error findings"), "{first}");
    assert_eq!(text.lines().filter(|l| l.starts_with("::error ")).count(), 11);
}

#[test]
fn gitlab_code_quality_report() {
    let dir = repo_with_trust_policy();
    let out = tl(&dir.path().join("infra"), &["check", "--format", "gitlab", "../policies"]);
    let issues: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let issues = issues.as_array().unwrap();
    assert!(!issues.is_empty());
    let mut fingerprints = std::collections::HashSet::new();
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key} in {i}");
        }
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&i["severity"].as_str().unwrap()));
        assert_eq!(i["location"]["path"], "policies/trust.json");
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()), "unique: {i}");
    }
    // The example's Spacelift statement uses StringLikeIfExists: one error finding (TL103) that
    // names the consequence, so an error-severity rule is "critical" for GitLab.
    let tl103 = issues.iter().find(|i| i["check_name"] == "TL103").expect("TL103 in the report");
    assert_eq!(tl103["severity"], "critical");
}

#[test]
fn baseline_with_select_does_not_call_unselected_findings_fixed() {
    let dir = project();
    let out = tl(dir.path(), &["check", "--write-baseline", "base.json", "a", "b"]);
    assert_eq!(out.status.code(), Some(0));
    // Only TL0 rules of one code run: the other recorded findings were not looked for.
    let out = tl(dir.path(), &["check", "--baseline", "base.json", "--select", "TL004", "a", "b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("fixed"), "{}", stderr(&out));
    // Nor does a per-path exemption, by code or by name.
    write(
        dir.path(),
        "trustlint.toml",
        "[[lint.per-path]]\npath = \"b/**\"\nignore = [\"unknown-policy-element\", \"TL004\"]\n",
    );
    let out = tl(dir.path(), &["check", "--baseline", "base.json", "a", "b"]);
    assert!(!stderr(&out).contains("fixed"), "{}", stderr(&out));
    std::fs::remove_file(dir.path().join("trustlint.toml")).unwrap();
    // A real fix is still reported.
    write(dir.path(), "b/bad_effect.json", GOOD);
    let out = tl(dir.path(), &["check", "--baseline", "base.json", "--select", "TL004", "a", "b"]);
    assert!(stderr(&out).contains("1 baseline finding is fixed"), "{}", stderr(&out));
}

#[test]
fn min_severity_hides_findings_below_it_from_output_and_exit_status() {
    let dir = project();
    let out = tl(dir.path(), &["check", "--format", "json", "--min-severity", "error", "a"]);
    assert_eq!(out.status.code(), Some(0), "the only finding is a warning");
    assert_eq!(codes(&out), Vec::<String>::new());
    let out = tl(dir.path(), &["check", "--format", "json", "--min-severity", "warning", "a"]);
    assert_eq!(codes(&out), ["a/missing_version.json TL002 warning"]);
}

#[test]
fn markdown_summary_links_rules_and_counts() {
    let dir = project();
    let out = tl(dir.path(), &["check", "--format", "markdown", "a", "b"]);
    let md = stdout(&out);
    assert!(md.starts_with("## trustlint\n\n2 errors, 1 warning, 0 info in 4 files.\n"), "{md}");
    assert!(md.contains("| severity | location | rule | message |"), "{md}");
    let docs = format!("[TL004]({}/blob/main/docs/rules/TL004.md)", env!("CARGO_PKG_REPOSITORY"));
    assert!(md.contains(&format!("| error | `b/bad_effect.json:4:16` | {docs} `invalid-effect` |")), "{md}");
    // Every row has its four cells.
    assert!(md.lines().filter(|l| l.starts_with("| error")).all(|l| l.matches(" | ").count() == 3), "{md}");
}

/// The `trustlint check` step of action.yml, run as GitHub would run it (bash, the step's env,
/// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) with the built binary on PATH.
#[test]
fn the_github_action_check_step_writes_sarif_summary_and_exit_code() {
    let action = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let step = action.split("id: check").nth(1).expect("check step");
    let script: String = step
        .split("run: |\n")
        .nth(1)
        .expect("run block")
        .lines()
        .take_while(|l| l.starts_with("        ") || l.is_empty())
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    let dir = project();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_trustlint")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("bash")
        .args(["-eo", "pipefail", "-c", &script])
        .current_dir(dir.path())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("TL_PATHS", "a b")
        .env("TL_ARGS", "--fail-on error")
        .env("TL_SARIF", "out.sarif")
        .env("TL_ANNOTATIONS", "true")
        .env("TL_SUMMARY", "true")
        .env("GITHUB_OUTPUT", dir.path().join("output"))
        .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.md"))
        .output()
        .unwrap();
    assert!(out.status.success(), "the step itself does not fail: {}", stderr(&out));
    assert!(stdout(&out).contains("::error file=b/bad_effect.json"), "annotations: {}", stdout(&out));
    let output = std::fs::read_to_string(dir.path().join("output")).unwrap();
    assert_eq!(output, "exit-code=1\n");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
    let summary = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(summary.contains("2 errors, 1 warning"), "{summary}");
}
