//! `trustlint simulate --role-arn` against moto: the lint binary runs `trustlint-verify
//! fetch-trust-policy` (iam:GetRole), then simulates the fetched policy offline, with code
//! frames into the saved copy (`--save-policy`) or under the role ARN.

mod support;

use support::lint::{trustlint, trustlint_bin};
use support::moto::{KEY, Moto};

const KEYS: [(&str, &str); 2] = [("AWS_ACCESS_KEY_ID", KEY), ("AWS_SECRET_ACCESS_KEY", KEY)];

const TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::324880187172:root"},
      "Action": "sts:AssumeRole",
      "Condition": {"StringLike": {"sts:ExternalId": "acme@*@stack-a@read"}}
    }
  ]
}"#;

#[test]
fn simulate_role_arn_fetches_the_live_trust_policy() {
    let Some(bin) = trustlint_bin("simulate_role_arn") else { return };
    let Some(moto) = Moto::start_or_skip("simulate_role_arn") else { return };
    let arn = moto.create_role("spacelift-read", TRUST);
    let dir = tempfile::tempdir().expect("tempdir");
    let base = [
        "simulate",
        "--role-arn",
        &arn,
        "--endpoint-url",
        &moto.url,
        "--region",
        "us-east-1",
        "--spacelift-account",
        "acme",
        "--spacelift-stack",
        "stack-a",
    ];
    let mut json = base.to_vec();
    json.extend(["--phase", "read", "--format", "json", "--save-policy", "trust.json"]);
    let run = trustlint(&bin, dir.path(), &KEYS, &json);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    assert_eq!(v["decision"], "allow", "{v}");
    // The saved copy is the policy as IAM stores it, and the report points into it.
    let saved = std::fs::read_to_string(dir.path().join("trust.json")).expect("saved");
    assert_eq!(saved.trim_end(), TRUST);
    assert!(run.stdout.contains("trust.json"), "{}", run.stdout);

    // The write phase is refused, at the condition (line 8 of the policy), named by the ARN.
    let mut human = base.to_vec();
    human.extend(["--phase", "write", "--no-probes"]);
    let run = trustlint(&bin, dir.path(), &KEYS, &human);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("deny"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("{arn}:8:")), "{}", run.stdout);
}

#[test]
fn simulate_role_arn_of_another_account_says_why_it_cannot_be_read() {
    let Some(bin) = trustlint_bin("simulate_role_arn_other_account") else { return };
    let Some(moto) = Moto::start_or_skip("simulate_role_arn_other_account") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let arn = "arn:aws:iam::111111111111:role/elsewhere";
    let args = ["simulate", "--role-arn", arn, "--endpoint-url", &moto.url, "--principal", "324880187172"];
    let run = trustlint(&bin, dir.path(), &KEYS, &args);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("iam:GetRole"), "{}", run.stderr);
    assert!(run.stderr.contains("IAM reads only its own account"), "{}", run.stderr);
    assert!(run.stderr.contains("--profile"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}
