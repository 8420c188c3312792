//! Policies built the way real modules build them: legacy splats, `for` expressions, `merge`,
//! `flatten`, `try`, `coalesce`, `format`, regex `replace`. Each is linted as Terraform would
//! produce it.

use trustlint::{CheckOptions, check};

fn codes(tf: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let report =
        check(&CheckOptions { paths: vec![dir.path().to_path_buf()], ..CheckOptions::default() }).unwrap();
    report.findings.iter().map(|f| f.code.to_string()).collect()
}

#[test]
fn the_legacy_join_of_a_splat_resolves_the_document() {
    let tf = r#"data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "p" {
  name   = "p"
  policy = join("", data.aws_iam_policy_document.admin.*.json)
}
"#;
    assert!(codes(tf).contains(&"TL301".to_string()));
}

#[test]
fn documents_built_with_for_merge_and_flatten_are_linted() {
    let tf = r#"locals {
  services = ["s3", "iam"]
  base     = { Effect = "Allow", Resource = "*" }
  extra    = [["sqs:SendMessage"], ["${local.services[1]}:*"]]
}

resource "aws_iam_policy" "p" {
  name = format("%s-policy", "app")
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      merge(local.base, { Action = [for s in local.services : "${s}:GetObject" if s == "s3"] }),
      merge(local.base, { Action = flatten(local.extra) }),
      merge(local.base, { Action = try(local.missing.actions, ["ec2:DescribeInstances"]) }),
      merge(local.base, { Action = [replace("kms:Decrypt-old", "/-[a-z]+$/", "")] }),
    ]
  })
}
"#;
    let found = codes(tf);
    // `iam:*` comes out of the flatten; it is an error-level service wildcard.
    assert!(found.contains(&"TL302".to_string()), "{found:?}");
    assert!(!found.contains(&"TL001".to_string()) && !found.contains(&"TL303".to_string()), "{found:?}");
}

#[test]
fn a_conditional_on_a_variable_picks_the_branch_terraform_would() {
    let tf = r#"variable "admin" {
  default = false
}

resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.admin ? "*" : "s3:GetObject", Resource = "*" }]
  })
}
"#;
    assert!(!codes(tf).contains(&"TL301".to_string()));
    assert!(codes(&tf.replace("default = false", "default = true")).contains(&"TL301".to_string()));
}
