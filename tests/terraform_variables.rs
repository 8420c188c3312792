//! Variables as Terraform takes them: defaults, then terraform.tfvars and *.auto.tfvars, then
//! `--var-file`, then `--var`; `default = null` is an input left unset, not a literal null.

mod common;

use std::process::Command;

use common::bin;

const TRUST: &str = r#"variable "principal" {
  type    = string
  default = "*"
}

resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = var.principal }
    }]
  })
}
"#;

const SAFE: &str = "principal = \"arn:aws:iam::111122223333:root\"\n";

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin()).current_dir(dir).args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn module(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn wildcard_principal(dir: &std::path::Path, extra: &[&str]) -> bool {
    let mut args = vec!["check", "--no-config", "--format", "json", "."];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    out.contains("\"TL102\"")
}

#[test]
fn the_default_applies_when_nothing_sets_the_variable() {
    let dir = module(&[("main.tf", TRUST)]);
    assert!(wildcard_principal(dir.path(), &[]));
}

#[test]
fn tfvars_win_over_the_default_and_later_sources_win_over_tfvars() {
    let dir =
        module(&[("main.tf", TRUST), ("terraform.tfvars", SAFE), ("unsafe.tfvars", "principal = \"*\"\n")]);
    assert!(!wildcard_principal(dir.path(), &[]), "terraform.tfvars sets a safe principal");
    assert!(
        wildcard_principal(dir.path(), &["--var-file", "unsafe.tfvars"]),
        "--var-file wins over terraform.tfvars"
    );
    assert!(wildcard_principal(dir.path(), &["--var", "principal=*"]), "--var wins over every file");
    assert!(
        !wildcard_principal(
            dir.path(),
            &["--var-file", "unsafe.tfvars", "--var", "principal=arn:aws:iam::111122223333:root"]
        ),
        "--var wins over --var-file"
    );
}

#[test]
fn auto_tfvars_win_over_terraform_tfvars() {
    let dir =
        module(&[("main.tf", TRUST), ("terraform.tfvars", SAFE), ("x.auto.tfvars", "principal = \"*\"\n")]);
    assert!(wildcard_principal(dir.path(), &[]));
}

#[test]
fn a_null_default_is_unset_not_a_malformed_policy() {
    let tf = r#"variable "bucket_arn" {
  type    = string
  default = null
}

resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = var.bucket_arn }]
  })
}
"#;
    let dir = module(&[("main.tf", tf)]);
    let (code, out, err) = run(dir.path(), &["check", "--no-config", "--format", "json", "."]);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(!out.contains("\"TL001\""), "{out}");
    // Set, it is linted as written.
    let (_, out, _) = run(
        dir.path(),
        &["check", "--no-config", "--format", "json", ".", "--var", "bucket_arn=arn:aws:s3:::b/*"],
    );
    assert!(!out.contains("\"TL001\""), "{out}");
    let (_, out, _) =
        run(dir.path(), &["check", "--no-config", "--format", "json", ".", "--var", "bucket_arn=not an arn"]);
    assert!(out.contains("\"TL007\""), "a set value is checked: {out}");
}

#[test]
fn bad_variable_options_are_usage_errors() {
    let dir = module(&[("main.tf", TRUST)]);
    let (code, _, err) = run(dir.path(), &["check", "--no-config", ".", "--var", "principal"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--var `principal`: expected NAME=VALUE"), "{err}");
    let (code, _, err) = run(dir.path(), &["check", "--no-config", ".", "--var-file", "missing.tfvars"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--var-file missing.tfvars: no such file"), "{err}");
}

#[test]
fn a_broken_tfvars_file_is_a_parse_error_there_and_the_run_goes_on() {
    let dir = module(&[("main.tf", TRUST), ("terraform.tfvars", "principal = \n")]);
    let (code, out, err) = run(dir.path(), &["check", "--no-config", "--format", "json", "."]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("\"TL001\"") && out.contains("terraform.tfvars"), "{out}");
    assert!(out.contains("\"TL102\""), "the default still applies: {out}");
}

#[test]
fn aws_partition_is_the_configured_partition() {
    let tf = r#"data "aws_partition" "current" {}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "r" {
  name = "spacelift"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::324880187172:root" }
      Condition = { StringLike = { "sts:ExternalId" = "acme@*@app@*" } }
    }]
  })
}
"#;
    let dir = module(&[("main.tf", tf)]);
    let (_, out, err) = run(dir.path(), &["check", "--no-config", "--format", "json", "."]);
    // TL111 needs to know the role can write: only a resolved managed policy ARN tells it.
    assert!(out.contains("\"TL111\""), "{out}\n{err}");
}

fn messages(dir: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--no-config", "--format", "json", "."];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json report");
    doc["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    format!("{} {}", f["code"].as_str().unwrap_or(""), f["message"].as_str().unwrap_or(""))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_finding_decided_by_a_default_says_so_and_one_decided_by_a_value_does_not() {
    let dir = module(&[("main.tf", TRUST)]);
    let found = messages(dir.path(), &[]);
    assert!(
        found.iter().any(|m| m.starts_with("TL102") && m.ends_with(", with the default of var.principal")),
        "{found:?}"
    );
    // `--var "*"` decides the same finding: no word about a default.
    let found = messages(dir.path(), &["--var", "principal=*"]);
    let tl102: Vec<&String> = found.iter().filter(|m| m.starts_with("TL102")).collect();
    assert!(!tl102.is_empty() && tl102.iter().all(|m| !m.contains("default")), "{found:?}");
}

#[test]
fn a_default_in_a_child_module_names_the_module_and_only_its_instance() {
    let child = r#"variable "readers" {
  type    = list(string)
  default = null
}

resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::b/*"
      Principal = { AWS = var.readers == null ? "*" : var.readers }
    }]
  })
}
"#;
    let root = r#"variable "reader" {
  default = "arn:aws:iam::111122223333:root"
}
module "open" {
  source = "./bucket"
}
module "shared" {
  source  = "./bucket"
  readers = [var.reader]
}
"#;
    let dir = module(&[("main.tf", root)]);
    std::fs::create_dir(dir.path().join("bucket")).unwrap();
    std::fs::write(dir.path().join("bucket/main.tf"), child).unwrap();
    let found = messages(dir.path(), &[]);
    // The child directory linted on its own: its own input is left unset.
    assert!(found.iter().any(|m| m.ends_with("caller, when var.readers is left unset")), "{found:?}");
    // Through the calls: module.shared names a reader, so only module.open's bucket is public,
    // because its input is left unset; var.reader (module.shared's argument) decided nothing.
    let calls: Vec<&String> = found.iter().filter(|m| m.contains("module.")).collect();
    assert_eq!(calls.len(), 1, "{found:?}");
    assert!(calls[0].ends_with(", when var.readers of module.open is left unset"), "{found:?}");
    assert!(!found.iter().any(|m| m.contains("var.reader ") || m.contains("var.reader,")), "{found:?}");
}
