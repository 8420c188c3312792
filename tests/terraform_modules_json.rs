//! Registry and git module sources resolved through `.terraform/modules/modules.json` (what
//! `terraform init` writes; here written by hand in its format), for calls at any depth (keys
//! `a.b`, paths relative to the root module), and for a scan of a parent directory holding
//! several initialised roots.

mod common;

use std::path::Path;
use std::process::Command;

use common::bin;

const ROOT: &str = r#"module "roles" {
  source  = "acme/roles/aws"
  version = "1.0.0"
}
"#;

/// The registry module: calls another registry module.
const ROLES: &str = r#"module "inner" {
  source = "git::https://example.com/acme/inner.git?ref=v2"
}
"#;

const INNER: &str = r#"resource "aws_s3_bucket_policy" "b" {
  bucket = "inner"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::inner/*" }]
  })
}
"#;

// Terraform installs a nested module next to its parent, named by its key.
const MODULES_JSON: &str = r#"{"Modules":[
  {"Key":"","Source":"","Dir":"."},
  {"Key":"roles","Source":"registry.terraform.io/acme/roles/aws","Version":"1.0.0","Dir":".terraform/modules/roles"},
  {"Key":"roles.inner","Source":"git::https://example.com/acme/inner.git?ref=v2","Dir":".terraform/modules/roles.inner"}
]}
"#;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn initialised_root(dir: &Path) {
    write(&dir.join("main.tf"), ROOT);
    write(&dir.join(".terraform/modules/roles/main.tf"), ROLES);
    write(&dir.join(".terraform/modules/roles.inner/main.tf"), INNER);
    write(&dir.join(".terraform/modules/modules.json"), MODULES_JSON);
}

fn subjects(dir: &Path) -> Vec<String> {
    let out = Command::new(bin())
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "json", "--fail-on", "never", "--select", "TL102", "."])
        .output()
        .expect("binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let mut s: Vec<String> = doc["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    format!("{} {}", f["path"].as_str().unwrap_or(""), f["subject"].as_str().unwrap_or(""))
                })
                .collect()
        })
        .unwrap_or_default();
    s.sort();
    s
}

#[test]
fn a_nested_registry_module_is_found_through_modules_json() {
    let tmp = tempfile::tempdir().unwrap();
    initialised_root(tmp.path());
    assert_eq!(
        subjects(tmp.path()),
        [".terraform/modules/roles.inner/main.tf module.roles.module.inner.aws_s3_bucket_policy.b"]
    );
}

#[test]
fn a_parent_of_several_initialised_roots_reads_each_roots_modules() {
    let tmp = tempfile::tempdir().unwrap();
    initialised_root(&tmp.path().join("prod"));
    initialised_root(&tmp.path().join("staging"));
    assert_eq!(
        subjects(tmp.path()),
        [
            "prod/.terraform/modules/roles.inner/main.tf module.roles.module.inner.aws_s3_bucket_policy.b",
            "staging/.terraform/modules/roles.inner/main.tf module.roles.module.inner.aws_s3_bucket_policy.b",
        ]
    );
}

#[test]
fn without_modules_json_a_registry_source_is_unknown() {
    let tmp = tempfile::tempdir().unwrap();
    initialised_root(tmp.path());
    std::fs::remove_file(tmp.path().join(".terraform/modules/modules.json")).unwrap();
    assert!(subjects(tmp.path()).is_empty());
}
