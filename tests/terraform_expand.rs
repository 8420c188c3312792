//! Terraform as Terraform evaluates it: count/for_each instances, dynamic blocks, local module
//! calls, resource policies, standalone policy documents, unread places, plan parity.

use trustlint::{CheckOptions, Report, check};

fn report(files: &[(&str, &str)], root: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let opts =
        CheckOptions { paths: vec![dir.path().join(root)], policy_places: true, ..CheckOptions::default() };
    check(&opts).unwrap()
}

/// (code, subject, message) of every finding.
fn findings(r: &Report) -> Vec<(String, String, String)> {
    r.findings
        .iter()
        .map(|f| {
            (f.code.to_string(), f.subject.as_deref().unwrap_or_default().to_string(), f.message.to_string())
        })
        .collect()
}

const TRUST: &str = r#"jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
      Principal = { AWS = "arn:aws:iam::324880187172:root" },
      Condition = { StringLike = { "sts:ExternalId" = "acme@*@app@*" } } }]
  })"#;

#[test]
fn count_instances_are_addressed_and_splats_link_attachments() {
    let tf = format!(
        r#"
resource "aws_iam_role" "r" {{
  count = 2
  name = "role-${{count.index}}"
  assume_role_policy = {TRUST}
}}
resource "aws_iam_policy_attachment" "admin" {{
  name = "admin"
  roles = aws_iam_role.r[*].name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}}
"#
    );
    let r = report(&[("main.tf", &tf)], ".");
    let f = findings(&r);
    let tl111: Vec<&str> = f.iter().filter(|(c, _, _)| c == "TL111").map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(tl111, ["aws_iam_role.r[0]", "aws_iam_role.r[1]"], "{f:?}");
    assert!(f.iter().any(|(_, _, m)| m.starts_with("role role-1 ")), "{f:?}");
}

#[test]
fn dynamic_statements_over_a_known_collection_bind_the_iterator() {
    let tf = r#"
locals {
  buckets = ["logs", "data"]
}
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = local.buckets
    content {
      actions   = ["s3:*"]
      resources = ["arn:aws:s3:::${statement.value}/*"]
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.p.json
}
"#;
    let r = report(&[("main.tf", tf)], ".");
    let f = findings(&r);
    // TL302 (service wildcard) once per expanded statement.
    let n = f.iter().filter(|(c, s, _)| c == "TL302" && s == "aws_iam_policy.p").count();
    assert_eq!(n, 2, "{f:?}");
}

#[test]
fn a_local_module_call_binds_arguments_and_returns_outputs() {
    let child = r#"
variable "name" {
  type = string
}
resource "aws_iam_role" "this" {
  name = var.name
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::324880187172:root" },
    Condition = { StringLike = { "sts:ExternalId" = "acme@*@app@*" } } }] })
}
output "role_name" {
  value = aws_iam_role.this.name
}
"#;
    let root = r#"
module "role" {
  for_each = toset(["a", "b"])
  source   = "../modules/role"
  name     = "spacelift-${each.key}"
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = module.role["b"].role_name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#;
    let r = report(&[("modules/role/main.tf", child), ("live/main.tf", root), (".git/HEAD", "")], "live");
    let f = findings(&r);
    let tl111: Vec<&str> = f.iter().filter(|(c, _, _)| c == "TL111").map(|(_, s, _)| s.as_str()).collect();
    // Only the instance the attachment names can write.
    assert_eq!(tl111, [r#"module.role["b"].aws_iam_role.this"#], "{f:?}");
}

#[test]
fn a_module_that_calls_itself_ends() {
    let tf = r#"
module "again" {
  source = "./"
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
"#;
    let r = report(&[("main.tf", tf)], ".");
    assert!(findings(&r).iter().any(|(c, _, _)| c == "TL301"));
}

#[test]
fn unread_places_say_why_and_standalone_documents_are_linted() {
    let tf = r#"
variable "policy" {
  type = string
}
resource "aws_iam_policy" "from_input" {
  policy = var.policy
}
data "aws_iam_policy_document" "unused_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::324880187172:root"]
    }
  }
}
"#;
    let r = report(&[("main.tf", tf)], ".");
    assert!(
        r.places.iter().any(|l| l.contains("aws_iam_policy.from_input")
            && l.contains("unknown")
            && l.contains("var.policy (input variable without a default)")),
        "{:?}",
        r.places
    );
    assert!(r.places.iter().any(|l| l.contains("data.aws_iam_policy_document.unused_trust\ttrust\tlinted")));
    assert!(
        findings(&r).iter().any(|(c, s, _)| c == "TL101" && s == "data.aws_iam_policy_document.unused_trust")
    );
}

#[test]
fn lambda_permission_and_scp_are_policies_of_their_own() {
    let tf = r#"
resource "aws_lambda_permission" "any" {
  action        = "lambda:InvokeFunction"
  function_name = "worker"
  principal     = "*"
}
resource "aws_lambda_permission" "s3" {
  action        = "lambda:InvokeFunction"
  function_name = "worker"
  principal     = "s3.amazonaws.com"
  source_arn    = "arn:aws:s3:::uploads"
}
resource "aws_organizations_policy" "full" {
  name    = "FullAWSAccess"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
"#;
    let r = report(&[("main.tf", tf)], ".");
    let f = findings(&r);
    assert!(
        f.iter().any(|(c, s, m)| c == "TL102"
            && s == "aws_lambda_permission.any"
            && m.starts_with("function policy of worker")),
        "{f:?}"
    );
    assert!(!f.iter().any(|(_, s, _)| s == "aws_lambda_permission.s3"), "{f:?}");
    // An `Allow *` SCP is AWS's default FullAWSAccess, not an admin grant.
    assert!(!f.iter().any(|(c, _, _)| c == "TL301"), "{f:?}");
    assert!(r.places.iter().any(|l| l.contains("aws_organizations_policy.full\tservice control\tlinted")));
}

#[test]
fn plan_resource_policies_are_read_as_in_hcl() {
    let plan = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket_policy.logs", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "logs",
     "values": {"bucket": "logs", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::logs/*\"}]}"}}
  ]}}
}"#;
    let r = report(&[("plan.json", plan)], "plan.json");
    let f = findings(&r);
    assert!(
        f.iter().any(|(c, s, m)| c == "TL102"
            && s == "aws_s3_bucket_policy.logs"
            // Named by its `bucket`, as HCL names it (`bucket = "logs"`).
            && m.starts_with("bucket policy of logs:")),
        "{f:?}"
    );
}
