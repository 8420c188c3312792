//! A plan reads as its configuration does: the same configuration, as HCL
//! (`tests/data/plan-parity/hcl`) and as the plan `terraform show -json` writes for it
//! (`plan.json`, written by hand in the documented format: offline, `terraform plan` cannot
//! download providers), gives the same findings. It covers a provider's `assume_role` (from
//! `configuration.provider_config`), Spacelift integrations and attachments (linked through the
//! configuration's references, since ids are only known after apply), a resource policy, and a
//! module address.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::bin;

fn findings(path: &str) -> Vec<serde_json::Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/plan-parity");
    let out = Command::new(bin())
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "json", "--fail-on", "never", path])
        .output()
        .expect("binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    doc["findings"].as_array().cloned().unwrap_or_default()
}

fn code_and_message(fs: &[serde_json::Value]) -> BTreeSet<(String, String)> {
    fs.iter()
        .map(|f| {
            (f["code"].as_str().unwrap_or("").to_string(), f["message"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn a_plan_gives_the_findings_of_its_configuration() {
    let (hcl, plan) = (findings("hcl"), findings("plan.json"));
    let (h, p) = (code_and_message(&hcl), code_and_message(&plan));
    assert_eq!(h, p, "HCL and plan differ");
    let codes: BTreeSet<&str> = h.iter().map(|(c, _)| c.as_str()).collect();
    // Each part of the plan is read: provider assume_role (TL401), the integration (TL501), its
    // link to the role and the attachment (TL503), the bucket policy (TL102).
    assert_eq!(codes, BTreeSet::from(["TL102", "TL401", "TL501", "TL503"]));
}

#[test]
fn findings_in_a_plan_carry_the_module_address() {
    let plan = findings("plan.json");
    let tl102: Vec<&serde_json::Value> = plan.iter().filter(|f| f["code"] == "TL102").collect();
    assert_eq!(tl102.len(), 1);
    assert_eq!(tl102[0]["subject"], "module.logs.aws_s3_bucket_policy.logs");
    assert!(tl102[0]["path"].as_str().is_some_and(|p| p.ends_with("plan.json")));
}
