//! `trustlint simulate` through the built binary: the documented Spacelift trust policies, a
//! Deny guardrail, Terraform attachments, service principals, and usage errors.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{bin, manifest_dir};
use serde_json::Value;

fn fixtures() -> PathBuf {
    manifest_dir().join("fixtures/simulate")
}

/// Runs in `fixtures/simulate` (whose trustlint.toml sets `spacelift.account = "acme"`).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin()).current_dir(dir).arg("simulate").args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(&fixtures(), args)
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, out, err) = run(&all);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("JSON report ({e}): {out}\n{err}"));
    (code, v)
}

/// `name -> decision` of the probes.
fn probes(v: &Value) -> Vec<(String, String)> {
    v["probes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or("").to_owned(),
                        p["decision"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn documented_stack_policy_allows_its_stack_and_denies_the_probes() {
    let (code, v) =
        json(&["spacelift-stack-a.json", "--spacelift-stack", "stack-a", "--phase", "read,write"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["version"], 1);
    assert_eq!(v["decision"], "allow");
    let requests = v["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 2, "one request per phase");
    for r in requests {
        assert_eq!(r["decision"], "allow");
        assert_eq!(r["statement"]["label"], "statement 1");
        assert_eq!(r["condition"]["operator"], "StringLike");
        assert_eq!(r["condition"]["values"][0], "acme@*@stack-a@*");
        assert_eq!(r["condition"]["span"]["start"]["line"], 8);
    }
    assert_eq!(
        probes(&v),
        [
            ("probe-no-external-id".to_owned(), "deny".to_owned()),
            ("probe-other-stack".to_owned(), "deny".to_owned()),
            ("probe-other-account".to_owned(), "deny".to_owned()),
        ],
        "both phases are requested, so no other-phase probe"
    );
    assert_eq!(v["result"], "passed");
}

#[test]
fn human_report_shows_the_deciding_condition_as_a_code_frame() {
    let (code, out, _) = run(&["spacelift-stack-a.json", "--spacelift-stack", "stack-a", "--phase", "write"]);
    assert_eq!(code, 1, "the read-phase probe is allowed by `@*`:\n{out}");
    assert!(out.contains("allow  stack `stack-a`, write phase"), "{out}");
    assert!(out.contains("╭─[spacelift-stack-a.json:8:36]"), "a code frame at the condition:\n{out}");
    assert!(
        out.contains("holds: StringLike sts:ExternalId = acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@write"),
        "{out}"
    );
    assert!(out.contains("FAILED  allow    the read-phase external id"), "{out}");
    assert!(out.contains("end the sts:ExternalId pattern"), "the failed probe says what to change:\n{out}");
    assert!(out.contains("result: failed (4 of 5 expectations held)"), "{out}");
}

/// What the user reads, reviewed as snapshots: an allow with probes, a named Deny, and the
/// Terraform attachments whose plans are rejected.
#[test]
fn human_reports() {
    let cases: &[(&str, &[&str])] = &[
        ("stack_a_write", &["spacelift-stack-a.json", "--spacelift-stack", "stack-a", "--phase", "write"]),
        ("deny_guardrail", &["deny-guardrail.json", "--spacelift-stack", "stack-a", "--phase", "read"]),
        ("terraform_plan_rejected", &["terraform-plan-rejected", "--as-spacelift", "--no-probes"]),
    ];
    for (name, args) in cases {
        let (_, out, err) = run(args);
        assert!(err.is_empty(), "{name}: {err}");
        insta::assert_snapshot!(format!("simulate_{name}"), out);
    }
}

#[test]
fn us_environment_and_worker_principals() {
    let (code, v) = json(&[
        "spacelift-stack-a.json",
        "--spacelift-environment",
        "us.spacelift.io",
        "--spacelift-stack",
        "stack-a",
        "--phase",
        "write",
        "--no-probes",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["caller"], "Spacelift (577638371743, us.spacelift.io)");
    assert!(
        v["requests"][0]["message"].as_str().is_some_and(|m| m.starts_with("no statement trusts")),
        "{v:#}"
    );
    // A private worker's own role calls AssumeRole in worker mode: --principal replaces Spacelift's.
    let (_, v) = json(&[
        "spacelift-stack-a.json",
        "--principal",
        "arn:aws:iam::111122223333:role/worker",
        "--spacelift-stack",
        "stack-a",
        "--phase",
        "write",
        "--no-probes",
    ]);
    assert_eq!(v["decision"], "deny", "the policy trusts Spacelift's account, not the worker");
}

#[test]
fn documented_any_stack_policy_lets_other_stacks_and_phases_in() {
    let (code, v) = json(&["spacelift-any-stack.json", "--spacelift-stack", "app", "--phase", "write"]);
    assert_eq!(code, 1, "expectations fail: {v:#}");
    assert_eq!(v["decision"], "allow");
    assert_eq!(
        probes(&v),
        [
            ("probe-no-external-id".to_owned(), "deny".to_owned()),
            ("probe-other-phase".to_owned(), "allow".to_owned()),
            ("probe-other-stack".to_owned(), "allow".to_owned()),
            ("probe-other-account".to_owned(), "deny".to_owned()),
        ]
    );
    let failed: Vec<&Value> =
        v["probes"].as_array().into_iter().flatten().filter(|p| p["held"] == false).collect();
    assert!(failed.iter().all(|p| p["risk"].is_string()), "{failed:#?}");
}

#[test]
fn a_deny_guardrail_is_named() {
    let (code, v) =
        json(&["deny-guardrail.json", "--spacelift-stack", "stack-a", "--phase", "read", "--no-probes"]);
    assert_eq!(code, 1);
    assert_eq!(v["decision"], "deny");
    let r = &v["requests"][0];
    assert_eq!(r["deny"], "explicit");
    assert_eq!(r["statement"]["sid"], "DenyPlanRuns");
    assert_eq!(r["statement"]["effect"], "Deny");
    assert_eq!(r["condition"]["values"][0], "*@read");
    assert_eq!(v["probes"].as_array().map(Vec::len), Some(0), "--no-probes");

    let (code, out, _) = run(&["deny-guardrail.json", "--spacelift-stack", "stack-a", "--phase", "read"]);
    assert_eq!(code, 1);
    assert!(out.contains("statement \"DenyPlanRuns\" denies sts:AssumeRole: an explicit Deny wins"), "{out}");
    assert!(out.contains("deny-guardrail.json:16:36"), "{out}");

    let (code, v) = json(&["deny-guardrail.json", "--spacelift-stack", "stack-a", "--phase", "write"]);
    assert_eq!(v["decision"], "allow", "the guardrail only stops plans");
    assert_eq!(v["requests"][0]["statement"]["sid"], "AllowSpaceliftStackA");
    assert_eq!(code, 0, "the read-phase probe hits the Deny: {v:#}");
    let (code, _) =
        json(&["deny-guardrail.json", "--spacelift-stack", "stack-a", "--phase", "read", "--expect-deny"]);
    assert_eq!(code, 0, "--expect-deny: the deny is the expectation");
}

#[test]
fn as_spacelift_runs_every_attached_stack_and_phase() {
    let (code, v) = json(&["terraform", "--as-spacelift"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["role"], "aws_iam_role.this");
    let runs: Vec<&str> =
        v["requests"].as_array().into_iter().flatten().filter_map(|r| r["description"].as_str()).collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(
        runs[0].starts_with("stack `app`, write phase (spacelift_aws_integration_attachment.app)"),
        "{runs:?}"
    );
    assert!(runs[1].starts_with("module `vpc`, write phase"), "{runs:?}");
    // Each run is allowed by the statement the data source generated for it.
    assert_eq!(v["requests"][0]["statement"]["label"], "statement 1");
    assert_eq!(v["requests"][1]["statement"]["label"], "statement 2");
    assert!(probes(&v).iter().any(|(n, d)| n == "probe-other-phase" && d == "deny"));

    let (code, v) = json(&["terraform-plan-rejected", "--as-spacelift"]);
    assert_eq!(code, 1, "plans of app are rejected: {v:#}");
    assert_eq!(v["decision"], "deny");
    let read = &v["requests"][0];
    assert!(read["description"].as_str().is_some_and(|d| d.contains("app`, read phase")), "{read:#}");
    assert_eq!(read["deny"], "implicit");
    assert_eq!(read["condition"]["operator"], "StringEquals");
}

#[test]
fn worker_mode_sends_the_custom_external_id_from_the_worker() {
    let (code, _, err) = run(&["terraform-worker", "--as-spacelift"]);
    assert_eq!(code, 2);
    assert!(err.contains("private worker") && err.contains("--principal"), "{err}");
    let worker = "arn:aws:sts::111122223333:assumed-role/spacelift-worker-pool/i-0abc";
    let (code, v) = json(&["terraform-worker", "--as-spacelift", "--principal", worker]);
    assert_eq!(code, 0, "{v:#}");
    let r = &v["requests"][0];
    assert_eq!(r["context"]["sts:ExternalId"][0], "acme-worker-deploy");
    assert_eq!(r["context"]["aws:PrincipalArn"][0], "arn:aws:iam::111122223333:role/spacelift-worker-pool");
    assert_eq!(r["statement"]["sid"], "WorkerPool");
    assert_eq!(
        probes(&v),
        [("probe-no-external-id".to_owned(), "deny".to_owned())],
        "the custom id is the same for every stack and phase"
    );
}

#[test]
fn service_principal_with_source_account() {
    let base = ["service-role.json", "--principal", "lambda.amazonaws.com"];
    let (code, v) = json(&[&base[..], &["--source-account", "111122223333"]].concat());
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["decision"], "allow");
    assert_eq!(probes(&v), [("probe-no-source".to_owned(), "deny".to_owned())]);
    let (code, v) = json(&[&base[..], &["--source-account", "444455556666"]].concat());
    assert_eq!((code, v["decision"].as_str()), (1, Some("deny")));
    let (_, v) = json(&["service-role.json", "--principal", "ec2.amazonaws.com"]);
    assert_eq!(v["decision"], "deny", "another service is not trusted");
    assert!(v["requests"][0]["message"].as_str().is_some_and(|m| m.contains("no statement trusts")), "{v:#}");
}

fn tmp_policy(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("trust.json"), text).expect("write");
    dir
}

const CI_ROLE: &str = "arn:aws:iam::111122223333:role/ci";

#[test]
fn tags_source_identity_and_mfa_need_their_own_grants() {
    let only_assume = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{CI_ROLE}"}},
            "Action": "sts:AssumeRole", "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "true"}}}}}}]}}"#
    );
    let dir = tmp_policy(&only_assume);
    let sim = |extra: &[&str]| {
        let mut args = vec!["trust.json", "--principal", CI_ROLE, "--no-config", "--format", "json"];
        args.extend(extra);
        let (code, out, err) = run_in(dir.path(), &args);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        (code, v)
    };
    let (code, v) = sim(&[]);
    assert_eq!((code, v["decision"].as_str()), (1, Some("deny")), "no MFA: {v:#}");
    let (code, v) = sim(&["--mfa"]);
    assert_eq!((code, v["decision"].as_str()), (0, Some("allow")), "{v:#}");
    let (_, v) = sim(&["--mfa", "--tag", "team=platform"]);
    assert_eq!(v["decision"], "deny", "tags need sts:TagSession");
    assert_eq!(v["requests"][0]["decided_by"], "sts:TagSession");
    let (_, v) = sim(&["--mfa", "--source-identity", "alice"]);
    assert_eq!(v["requests"][0]["decided_by"], "sts:SetSourceIdentity");
    assert_eq!(v["decision"], "deny");
}

#[test]
fn roles_of_a_dump_are_picked_with_role() {
    let dump = manifest_dir().join("tests/data/authorization-details.json");
    let dump = dump.to_str().expect("utf-8 path");
    let (code, _, err) = run(&[dump, "--spacelift-stack", "app", "--phase", "write"]);
    assert_eq!(code, 2);
    assert!(err.contains("pick one with --role") && err.contains("role/spacelift-admin"), "{err}");
    let (code, out, err) =
        run(&[dump, "--role", "role/spacelift-readonly", "--spacelift-stack", "app", "--phase", "write"]);
    assert_eq!(code, 1, "`acme@*@app@*` also accepts the read phase:\n{out}{err}");
    assert!(
        out.contains("(role role/spacelift-readonly)") && out.contains("\nallow  stack `app`, write phase"),
        "{out}"
    );
    let (code, _, err) = run(&[dump, "--role", "role/nope", "--spacelift-stack", "app", "--phase", "write"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such role"), "{err}");
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["spacelift-stack-a.json"], "say who calls"),
        (
            &["spacelift-stack-a.json", "--no-config", "--spacelift-stack", "a", "--phase", "read"],
            "--spacelift-account",
        ),
        (&["spacelift-stack-a.json", "--principal", "not-an-arn"], "neither an ARN"),
        (&["spacelift-stack-a.json", "--principal", "111122223333", "--tag", "novalue"], "KEY=VALUE"),
        (&["spacelift-stack-a.json", "--principal", "111122223333", "--external-id", "x"], "rejected by STS"),
        (&["missing.json", "--principal", "111122223333"], "missing.json"),
        (
            &[
                "spacelift-stack-a.json",
                "--spacelift-stack",
                "a",
                "--phase",
                "read",
                "--integration-id",
                "bad",
            ],
            "--integration-id",
        ),
        (&["spacelift-stack-a.json", "--as-spacelift"], "--as-spacelift needs a role"),
    ];
    for (args, needle) in cases {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let dir = tmp_policy("{\n  \"Statement\": [\n");
    let (code, _, err) = run_in(dir.path(), &["trust.json", "--principal", "111122223333"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: trust.json:"), "names the file and position: {err}");
}

#[test]
fn principal_forms() {
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": "sts:AssumeRole"}]}"#;
    let dir = tmp_policy(trust);
    let decision = |p: &str| {
        let (_, out, err) =
            run_in(dir.path(), &["trust.json", "--no-config", "--format", "json", "--principal", p]);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        v["decision"].as_str().unwrap_or("").to_owned()
    };
    assert_eq!(decision("arn:aws:iam::111122223333:role/ci"), "allow");
    assert_eq!(
        decision("arn:aws:sts::111122223333:assumed-role/ci/session-1"),
        "allow",
        "a session of the role"
    );
    assert_eq!(decision("arn:aws:iam::111122223333:role/other"), "deny");
    assert_eq!(decision("111122223333"), "deny", "some principal of the account is not the trusted role");
}

/// `--role-arn` without the trustlint-verify binary (which fetches the role) says how to install
/// it or save the trust policy by hand. The binary is copied alone into a scratch directory, so
/// nothing sits beside it; crates/trustlint-verify/tests/simulate_live.rs fetches for real.
#[test]
fn role_arn_without_the_verify_binary_says_how_to_fetch_the_trust_policy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = dir.path().join(format!("trustlint{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(env!("CARGO_BIN_EXE_trustlint"), &exe).expect("copy trustlint");
    let run = || {
        std::process::Command::new(&exe)
            .args([
                "simulate",
                "--role-arn",
                "arn:aws:iam::111122223333:role/app",
                "--principal",
                "111122223333",
            ])
            .env("PATH", dir.path())
            .env_remove("TRUSTLINT_VERIFY_BIN")
            .output()
    };
    // A copied executable can be "busy" for a moment while another test thread forks with the
    // copy's write handle still inherited (ETXTBSY); that is the test harness, not trustlint.
    let mut attempt = run();
    for _ in 0..20 {
        match &attempt {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(50));
                attempt = run();
            }
            _ => break,
        }
    }
    let out = attempt.expect("trustlint runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs the trustlint-verify binary"), "{err}");
    assert!(err.contains("aws iam get-role --role-name app"), "{err}");
}

/// Every `$ trustlint simulate ...` run pasted in docs/simulate.md is what this build prints.
#[test]
fn docs_example_runs_are_current() {
    let doc = std::fs::read_to_string(manifest_dir().join("docs/simulate.md")).expect("docs/simulate.md");
    let mut checked = 0;
    for block in doc.split("```console\n").skip(1) {
        let Some((block, _)) = block.split_once("\n```") else { continue };
        let Some((command, expected)) = block.split_once('\n') else { continue };
        let Some(args) = command.strip_prefix("$ trustlint ") else { continue };
        let out = Command::new(bin())
            .current_dir(manifest_dir())
            .args(args.split_whitespace())
            .env("NO_COLOR", "1")
            .output()
            .expect("binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout.trim_end(),
            expected.trim_end(),
            "docs/simulate.md: `{command}` prints something else"
        );
        checked += 1;
    }
    assert!(checked >= 4, "the example runs were not found");
}
