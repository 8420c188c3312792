//! Partly known Terraform values stay partly known: a template with unknown holes is a string
//! with holes, a heredoc with one unknown variable a document with one unknown leaf, a list with
//! an unknown element keeps the others. Trust reasoning treats a hole as any string; rules that
//! need an exact value stay silent on it.

use std::path::Path;

use trustlint::{CheckOptions, check};

/// (code, message) of every finding for a module of one `main.tf`.
fn findings(tf: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let report =
        check(&CheckOptions { paths: vec![dir.path().to_path_buf()], ..CheckOptions::default() }).unwrap();
    report.findings.iter().map(|f| (f.code.to_string(), f.message.to_string())).collect()
}

fn has(found: &[(String, String)], code: &str) -> bool {
    found.iter().any(|(c, _)| c == code)
}

fn spacelift_role(pattern: &str) -> String {
    format!(
        r#"variable "space" {{
  type = string
}}

resource "aws_iam_role_policy_attachment" "admin" {{
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}}

resource "aws_iam_role" "r" {{
  name = "spacelift"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = {{ AWS = "arn:aws:iam::324880187172:root" }}
      Condition = {{ StringLike = {{ "sts:ExternalId" = "{pattern}" }} }}
    }}]
  }})
}}
"#
    )
}

#[test]
fn a_hole_in_the_account_part_still_accepts_read_ids() {
    let found = findings(&spacelift_role("${var.space}@*@app@*"));
    let tl111: Vec<_> = found.iter().filter(|(c, _)| c == "TL111").collect();
    assert_eq!(tl111.len(), 1, "{found:?}");
    assert!(tl111[0].1.contains("whatever var.space is"), "{}", tl111[0].1);
}

#[test]
fn a_hole_does_not_make_a_write_only_pattern_accept_read_ids() {
    let found = findings(&spacelift_role("${var.space}@*@app@write"));
    assert!(!has(&found, "TL111"), "{found:?}");
}

#[test]
fn a_hole_in_the_phase_part_is_not_guessed_to_be_read() {
    let found = findings(&spacelift_role("${var.space}@*@app@${var.space}"));
    assert!(!has(&found, "TL111"), "{found:?}");
    // A hole in the stack part: read ids of that stack are accepted whatever it is.
    assert!(has(&findings(&spacelift_role("acme@*@${var.space}@*")), "TL111"));
}

#[test]
fn a_hole_is_not_taken_as_a_wildcard_by_rules_that_need_the_exact_value() {
    let found = findings(&spacelift_role("${var.space}*"));
    assert!(!has(&found, "TL104"), "{found:?}");
    // Written out, the same pattern is flagged.
    assert!(has(&findings(&spacelift_role("*")), "TL104"));
}

#[test]
fn a_heredoc_with_one_unknown_variable_is_linted_around_it() {
    let tf = r#"variable "bucket_arn" {
  type = string
}

resource "aws_iam_policy" "p" {
  name   = "p"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "${var.bucket_arn}/*"}]
    }
  EOT
}
"#;
    let found = findings(tf);
    assert!(has(&found, "TL004"), "the known parts are linted: {found:?}");
    assert!(!has(&found, "TL001") && !has(&found, "TL007"), "the hole is not malformed: {found:?}");
}

#[test]
fn the_caller_account_is_an_unknown_account_not_a_malformed_arn() {
    let tf = r#"data "aws_caller_identity" "current" {}

resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
    }]
  })
}
"#;
    let found = findings(tf);
    assert!(!has(&found, "TL001") && !has(&found, "TL007") && !has(&found, "TL102"), "{found:?}");
}

#[test]
fn a_list_with_an_unknown_element_keeps_the_others() {
    let tf = r#"variable "extra" {
  type = string
}

resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObjectt", var.extra], Resource = "*" }]
  })
}
"#;
    let found = findings(tf);
    assert!(has(&found, "TL303"), "{found:?}");
}

#[test]
fn templatefile_with_an_unknown_variable_is_a_document_with_one_unknown_leaf() {
    let dir = tempfile::tempdir().unwrap();
    let template = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"arn:aws:s3:::${bucket}/*\"}, {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]\n}\n";
    std::fs::write(dir.path().join("policy.json.tpl"), template).unwrap();
    let tf = "variable \"bucket\" {\n  type = string\n}\n\nresource \"aws_iam_policy\" \"p\" {\n  name   = \"p\"\n  policy = templatefile(\"${path.module}/policy.json.tpl\", { bucket = var.bucket })\n}\n";
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let report =
        check(&CheckOptions { paths: vec![dir.path().to_path_buf()], ..CheckOptions::default() }).unwrap();
    let found: Vec<(String, String, usize)> = report
        .findings
        .iter()
        .map(|f| {
            let src = report.sources.get(f.span.src).unwrap();
            let name = Path::new(&src.name).file_name().unwrap().to_string_lossy().into_owned();
            (f.code.to_string(), name, src.line_col(f.span.start).line)
        })
        .collect();
    // The second statement is an admin grant, known despite the unknown bucket.
    assert!(found.iter().any(|(c, f, _)| c == "TL301" && f == "policy.json.tpl"), "{found:?}");
}
