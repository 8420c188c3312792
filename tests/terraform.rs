//! Terraform input: spans of every policy form, unknowns, Spacelift wiring, plans, suppression.

use std::path::Path;

use trustlint::config::Settings;
use trustlint::input::terraform::parse_module;
use trustlint::model::terraform::Phase;
use trustlint::model::{Operator, Unit};
use trustlint::source::SourceMap;
use trustlint::{CheckOptions, check, input_options};

/// (code, file name, line) of every finding for the files written into a temp dir.
fn run(files: &[(&str, &str)]) -> Vec<(String, String, usize)> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let opts = CheckOptions { paths: vec![dir.path().to_path_buf()], ..CheckOptions::default() };
    let report = check(&opts).unwrap();
    report
        .findings
        .iter()
        .map(|f| {
            let src = report.sources.get(f.span.src).unwrap();
            let name = Path::new(&src.name).file_name().unwrap().to_string_lossy().into_owned();
            (f.code.to_string(), name, src.line_col(f.span.start).line)
        })
        .collect()
}

fn has(found: &[(String, String, usize)], code: &str, file: &str, line: usize) -> bool {
    found.iter().any(|(c, f, l)| c == code && f == file && *l == line)
}

fn unit_of(text: &str) -> Unit {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.tf");
    std::fs::write(&path, text).unwrap();
    let sources = SourceMap::new();
    let src = sources.add("main.tf".into(), path, text.into());
    parse_module(".", dir.path().to_path_buf(), &[src], &sources, &input_options(&Settings::default()))
}

const FORMS: &str = r#"resource "aws_iam_role" "enc" {
  name = "enc"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Alow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
    }]
  })
}

resource "aws_iam_role" "here" {
  name               = "here"
  assume_role_policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Actions": "sts:AssumeRole", "Action": "sts:AssumeRole", "Principal": {"AWS": "123456789012"}}
      ]
    }
  EOT
}

data "aws_iam_policy_document" "doc" {
  statement {
    effect    = "Permit"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.doc.json
}

resource "aws_iam_role_policy" "f" {
  role   = aws_iam_role.here.id
  policy = file("${path.module}/policies/inline.json")
}

resource "aws_iam_policy" "quoted" {
  policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resources\": \"*\"}]}"
}
"#;

const INLINE_JSON: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b\", \"Condition\": {\"StringEqual\": {\"aws:SourceAccount\": \"1\"}}}\n  ]\n}\n";

#[test]
fn every_policy_form_reports_at_the_exact_line() {
    let found = run(&[("main.tf", FORMS), ("policies/inline.json", INLINE_JSON)]);
    assert!(has(&found, "TL004", "main.tf", 6), "jsonencode: {found:?}");
    assert!(has(&found, "TL003", "main.tf", 19), "heredoc: {found:?}");
    assert!(has(&found, "TL004", "main.tf", 27), "policy document: {found:?}");
    assert!(has(&found, "TL008", "inline.json", 4), "file(): {found:?}");
    assert!(has(&found, "TL003", "main.tf", 43), "quoted JSON: {found:?}");
}

#[test]
fn syntax_error_is_tl001_at_its_line_and_other_files_still_checked() {
    let broken = "resource \"aws_iam_role\" \"x\" {\n  name = \"x\"\n  assume_role_policy = \n}\n";
    let ok = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{ Effect = \"deny\", Action = \"s3:*\", Resource = \"*\" }]\n  })\n}\n";
    let found = run(&[("a.tf", broken), ("b.tf", ok)]);
    let tl001: Vec<_> = found.iter().filter(|f| f.0 == "TL001").collect();
    assert_eq!(tl001.len(), 1, "{found:?}");
    assert_eq!(tl001[0].1, "a.tf");
    assert!((3..=4).contains(&tl001[0].2), "{found:?}");
    assert!(has(&found, "TL004", "b.tf", 4), "{found:?}");
}

const DYNAMIC: &str = r#"variable "principals" {
  type = list(string)
}

variable "extra" {
  type = list(any)
}

data "aws_iam_policy_document" "trust" {
  dynamic "statement" {
    for_each = var.extra
    content {
      effect  = statement.value.effect
      actions = statement.value.actions
    }
  }

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = var.principals
    }
    dynamic "condition" {
      for_each = var.extra
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }
}

resource "aws_iam_role" "r" {
  for_each           = toset(var.principals)
  name               = each.key
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role_policy" "p" {
  for_each = aws_iam_role.r
  role     = each.value.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [for s in var.extra : { Effect = s.effect, Action = s.actions, Resource = s.resources }]
  })
}

resource "aws_iam_policy" "q" {
  count  = 2
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = var.extra[count.index], Action = ["s3:GetObject"], Resource = aws_iam_role.r["x"].arn }]
  })
}
"#;

#[test]
fn dynamic_blocks_and_for_each_give_no_findings() {
    let found = run(&[("main.tf", DYNAMIC)]);
    assert!(found.is_empty(), "{found:?}");
    let unit = unit_of(DYNAMIC);
    assert!(unit.parse_failures.is_empty());
    assert!(!unit.policies.is_empty());
    assert!(unit.policies.iter().all(|p| p.partial || p.statements.iter().any(|s| s.partial)));
}

const SPACELIFT: &str = r#"locals {
  role_name = "spacelift-infra"
}

resource "spacelift_stack" "this" {
  name       = "infra"
  repository = "infra"
  branch     = "main"
}

resource "spacelift_aws_integration" "this" {
  name                           = local.role_name
  role_arn                       = aws_iam_role.this.arn
  generate_credentials_in_worker = false
}

data "spacelift_aws_integration_attachment_external_id" "this" {
  integration_id = spacelift_aws_integration.this.id
  stack_id       = "my-stack-id"
  read           = true
  write          = true
}

resource "aws_iam_role" "this" {
  name = local.role_name

  assume_role_policy = jsonencode({
    "Version" : "2012-10-17",
    "Statement" : [
      jsondecode(data.spacelift_aws_integration_attachment_external_id.this.assume_role_policy_statement),
    ]
  })
}

resource "aws_iam_role_policy_attachment" "this" {
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
  role       = aws_iam_role.this.name
}

resource "spacelift_aws_integration_attachment" "this" {
  integration_id = spacelift_aws_integration.this.id
  stack_id       = "my-stack-id"
  read           = true
  write          = true

  depends_on = [aws_iam_role.this]
}
"#;

#[test]
fn spacelift_provider_docs_example() {
    let unit = unit_of(SPACELIFT);
    assert!(unit.parse_failures.is_empty(), "{:?}", unit.parse_failures);
    assert_eq!(unit.roles.len(), 1);
    let role = &unit.roles[0];
    assert_eq!(role.name, "spacelift-infra");
    assert_eq!(role.subject, "aws_iam_role.this");
    assert_eq!(role.managed_policies[0].as_str(), Some("arn:aws:iam::aws:policy/PowerUserAccess"));
    let trust = &unit.policies[role.trust.expect("trust policy")];
    assert!(trust.is_trust());
    let st = &trust.statements[0];
    assert!(st.is_allow() && st.allows_assume());
    let principal = st.principal.as_ref().unwrap();
    assert!(principal.values_of("AWS").any(|v| v.as_str() == Some("324880187172")));
    let cond = st.conditions_on("sts:ExternalId").next().expect("external id condition");
    assert_eq!(cond.operator, Operator::parse("StringEquals"));
    let value = &cond.values.items[0];
    assert!(value.text.is_none(), "integration id is unknown before apply");
    let t = unit.external_id_template_at(value.span).expect("template");
    assert_eq!(t.stack.as_deref(), Some("my-stack-id"));
    assert_eq!(t.phase, Some(Phase::Write));
    assert!(t.integration_id.is_none());
    // Wiring.
    let i = &unit.spacelift.integrations[0];
    assert_eq!(i.role, Some(0));
    assert_eq!(i.name.as_ref().and_then(|v| v.as_str()), Some("spacelift-infra"));
    let att: Vec<_> = unit.spacelift.attachments.iter().filter(|a| !a.is_external_id_source).collect();
    assert_eq!(att.len(), 1);
    assert_eq!(att[0].integration, Some(0));
    assert_eq!((att[0].read, att[0].write), (Some(true), Some(true)));
    // And nothing to report.
    let found = run(&[("main.tf", SPACELIFT)]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn spacelift_external_id_is_known_with_account_and_literal_ids() {
    let text = SPACELIFT.replace("spacelift_aws_integration.this.id\n  stack_id       = \"my-stack-id\"\n  read           = true\n  write          = true\n}\n\nresource \"aws_iam_role\"", "\"01GE7K9SR2DQBCRQ90DH70JF6Y\"\n  stack_id       = \"my-stack-id\"\n  write          = false\n}\n\nresource \"aws_iam_role\"");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.tf");
    std::fs::write(&path, &text).unwrap();
    let sources = SourceMap::new();
    let src = sources.add("main.tf".into(), path, text.clone());
    let settings = Settings { spacelift_account: Some("acme".into()), ..Settings::default() };
    let unit = parse_module(".", dir.path().to_path_buf(), &[src], &sources, &input_options(&settings));
    let trust = &unit.policies[unit.roles[0].trust.unwrap()];
    let cond = trust.statements[0].conditions_on("sts:ExternalId").next().unwrap();
    assert_eq!(cond.values.items[0].as_str(), Some("acme@01GE7K9SR2DQBCRQ90DH70JF6Y@my-stack-id@read"));
}

#[test]
fn provider_and_backend_settings() {
    let unit = unit_of(
        r#"terraform {
  backend "s3" {
    bucket = "state"
    assume_role = {
      role_arn    = "arn:aws:iam::123456789012:role/state"
      external_id = "abc"
    }
  }
}

provider "aws" {
  alias = "prod"
  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/deploy"
    session_name = "tf"
    policy_arns  = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  }
  assume_role_with_web_identity {
    role_arn                = "arn:aws:iam::123456789012:role/oidc"
    web_identity_token_file = "/tmp/token"
  }
}
"#,
    );
    assert_eq!(unit.assume_roles.len(), 3, "{:?}", unit.assume_roles);
    let backend = unit
        .assume_roles
        .iter()
        .find(|c| c.origin == trustlint::model::terraform::AssumeOrigin::Backend)
        .unwrap();
    assert_eq!(backend.external_id.as_ref().and_then(|v| v.as_str()), Some("abc"));
    let p = unit
        .assume_roles
        .iter()
        .find(|c| matches!(&c.origin, trustlint::model::terraform::AssumeOrigin::Provider { alias: Some(a) } if a == "prod"))
        .unwrap();
    assert_eq!(p.policy_arns.len(), 1);
}

#[test]
fn inline_suppression_drops_the_finding_and_unused_ones_are_reported() {
    let text = r#"# trustlint:ignore TL004 kept for the migration test
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "deny", Action = "s3:*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "q" {
  # trustlint:ignore invalid-sid
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "s3:*", Resource = "*" }]
  })
}
"#;
    let found = run(&[("main.tf", text)]);
    assert!(!found.iter().any(|f| f.0 == "TL004"), "{found:?}");
    assert!(has(&found, "TL000", "main.tf", 10), "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn plan_json_policies_point_into_the_plan() {
    let plan = r#"{
  "format_version": "1.2",
  "planned_values": {
    "root_module": {
      "resources": [
        {
          "address": "aws_iam_role.ci",
          "mode": "managed",
          "type": "aws_iam_role",
          "name": "ci",
          "values": {
            "name": "ci",
            "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Alow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"}}]}"
          }
        }
      ],
      "child_modules": [
        {
          "resources": [
            {
              "address": "module.m.aws_iam_policy.p",
              "mode": "managed",
              "type": "aws_iam_policy",
              "name": "p",
              "values": {
                "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Actions\":\"s3:*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"
              }
            }
          ]
        }
      ]
    }
  }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    std::fs::write(&path, plan).unwrap();
    let report = check(&CheckOptions { paths: vec![path], ..CheckOptions::default() }).unwrap();
    let tl004 = report.findings.iter().find(|f| f.code == "TL004").expect("TL004 in plan");
    assert_eq!(tl004.subject.as_deref(), Some("aws_iam_role.ci"));
    let src = report.sources.get(tl004.span.src).unwrap();
    assert_eq!(src.line_col(tl004.span.start).line, 13);
    assert!(src.slice(tl004.span).contains("Alow"), "{}", src.slice(tl004.span));
    let tl003 = report.findings.iter().find(|f| f.code == "TL003").expect("TL003 in child module");
    assert_eq!(tl003.subject.as_deref(), Some("module.m.aws_iam_policy.p"));
}

#[test]
fn truncated_and_mangled_modules_never_panic() {
    let texts = [FORMS, DYNAMIC, SPACELIFT];
    let dir = tempfile::tempdir().unwrap();
    for text in texts {
        let cuts: Vec<usize> = (0..text.len()).step_by(7).filter(|&i| text.is_char_boundary(i)).collect();
        for cut in cuts {
            for variant in
                [text[..cut].to_string(), format!("{}é\"{{[}}", &text[..cut]), text[cut..].to_string()]
            {
                let sources = SourceMap::new();
                let src = sources.add("main.tf".into(), dir.path().join("main.tf"), variant);
                let _ = parse_module(
                    ".",
                    dir.path().to_path_buf(),
                    &[src],
                    &sources,
                    &input_options(&Settings::default()),
                );
            }
        }
    }
}

#[test]
fn templatefile_policies_point_into_the_template() {
    let tf = r#"locals {
  account = "123456789012"
}

resource "aws_iam_role" "t" {
  name               = "t"
  assume_role_policy = templatefile("${path.module}/trust.json.tpl", { account = local.account })
}
"#;
    let tpl = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Alow\", \"Action\": \"sts:AssumeRole\",\n    \"Principal\": {\"AWS\": \"arn:aws:iam::${account}:root\"}}]\n}\n";
    let found = run(&[("main.tf", tf), ("trust.json.tpl", tpl)]);
    assert!(has(&found, "TL004", "trust.json.tpl", 3), "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
}

const JSON_ROLE: &str = r#"{
  "resource": {
    "aws_iam_role": {
      "app": {
        "name": "spacelift-app",
        "assume_role_policy": "${jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {AWS = \"arn:aws:iam::${var.spacelift_account}:root\"}, Condition = {StringLike = {\"sts:ExternalId\" = \"acme@*@app@*\"}}}]})}"
      }
    },
    "aws_iam_policy": {
      "bad": {
        "policy": {
          "//": "not a string: Terraform wants a string here; trustlint stays silent"
        }
      },
      "typo": {
        "name": "typo",
        "policy": "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Alow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}"
      }
    }
  },
  "variable": {
    "spacelift_account": {
      "type": "string",
      "default": "324880187172"
    }
  }
}
"#;

const TF_ATTACHMENT: &str = r#"resource "aws_iam_role_policy_attachment" "power" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
"#;

#[test]
fn tf_json_and_tf_files_form_one_module() {
    let found = run(&[("main.tf.json", JSON_ROLE), ("attach.tf", TF_ATTACHMENT)]);
    // The trust policy (in JSON, through jsonencode in a template) with the attachment (in HCL).
    assert!(has(&found, "TL111", "main.tf.json", 6), "{found:?}");
    // A JSON string policy: the finding points at the element inside the string.
    assert!(has(&found, "TL004", "main.tf.json", 17), "{found:?}");
    assert!(!found.iter().any(|f| f.0 == "TL001"), "{found:?}");

    // Without the attachment the role's access is unknown: no TL111.
    let found = run(&[("main.tf.json", JSON_ROLE)]);
    assert!(!found.iter().any(|f| f.0 == "TL111"), "{found:?}");
}

#[test]
fn tf_json_spans_point_inside_the_string_literal() {
    let dir = tempfile::tempdir().unwrap();
    let sources = SourceMap::new();
    let src = sources.add("main.tf.json".into(), dir.path().join("main.tf.json"), JSON_ROLE.into());
    let unit = parse_module(
        ".",
        dir.path().to_path_buf(),
        std::slice::from_ref(&src),
        &sources,
        &input_options(&Settings::default()),
    );
    assert!(unit.parse_failures.is_empty(), "{:?}", unit.parse_failures);
    let role = unit.roles.iter().find(|r| r.subject == "aws_iam_role.app").expect("role");
    assert_eq!(role.name, "spacelift-app");
    assert!(src.slice(role.span).starts_with("\"app\": {"), "{:?}", src.slice(role.span));
    let trust = &unit.policies[role.trust.expect("trust")];
    let st = &trust.statements[0];
    let ext = st.conditions_on("sts:ExternalId").next().expect("external id");
    assert_eq!(ext.values.items[0].as_str(), Some("acme@*@app@*"));
    // jsonencode's argument is HCL inside the JSON string: its values span their own quotes.
    assert_eq!(src.slice(ext.values.items[0].span), "\\\"acme@*@app@*\\\"");
    let principal = st.principal.as_ref().unwrap().values_of("AWS").next().unwrap();
    assert_eq!(principal.as_str(), Some("arn:aws:iam::324880187172:root"));

    let typo = unit.policies.iter().find(|p| p.subject.as_deref() == Some("aws_iam_policy.typo")).unwrap();
    // JSON inside a JSON string: the span covers the value (from its quote, as in a quoted .tf string)
    let effect = src.slice(typo.statements[0].effect.as_ref().unwrap().value.span);
    assert!(effect.contains("Alow") && effect.len() <= "\\\"Alow\\\"".len(), "{effect}");
}

#[test]
fn tf_json_errors_are_tl001_at_their_line() {
    let broken =
        "{\n  \"resource\": {\n    \"aws_iam_role\": {\n      \"x\": {\"name\": \"x\",}\n    }\n  }\n}\n";
    let found = run(&[("main.tf.json", broken), ("b.tf", TF_ATTACHMENT)]);
    assert!(has(&found, "TL001", "main.tf.json", 4), "{found:?}");

    // `${aws:username}` is an IAM variable, but Terraform reads it as a template (write `$${`).
    let template = "{\n  \"resource\": {\n    \"aws_iam_policy\": {\n      \"p\": {\n        \"policy\": \"{\\\"Statement\\\": [{\\\"Resource\\\": \\\"arn:aws:s3:::b/${aws:username}\\\"}]}\"\n      }\n    }\n  }\n}\n";
    let found = run(&[("main.tf.json", template)]);
    assert!(has(&found, "TL001", "main.tf.json", 5), "{found:?}");

    let not_object = "[1, 2]\n";
    let found = run(&[("main.tf.json", not_object)]);
    assert!(has(&found, "TL001", "main.tf.json", 1), "{found:?}");
}

#[test]
fn tf_json_backend_dynamic_and_escapes() {
    let text = r#"{
  "terraform": [{
    "backend": {
      "s3": {
        "bucket": "state",
        "assume_role": {"role_arn": "arn:aws:iam::123456789012:role/state", "duration": "3h"}
      }
    }
  }],
  "data": {
    "aws_iam_policy_document": {
      "p": {
        "dynamic": {"statement": {"for_each": "${var.x}", "content": {"actions": ["s3:*"]}}},
        "statement": {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/$${aws:username}/\u00e9"]}
      }
    }
  },
  "resource": {
    "aws_iam_policy": {"p": {"policy": "${data.aws_iam_policy_document.p.json}"}}
  }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    let sources = SourceMap::new();
    let src = sources.add("main.tf.json".into(), dir.path().join("main.tf.json"), text.into());
    let unit = parse_module(
        ".",
        dir.path().to_path_buf(),
        std::slice::from_ref(&src),
        &sources,
        &input_options(&Settings::default()),
    );
    assert!(unit.parse_failures.is_empty(), "{:?}", unit.parse_failures);
    let backend = &unit.assume_roles[0];
    assert_eq!(backend.duration.as_ref().unwrap().as_str(), Some("3h"));
    assert_eq!(src.slice(backend.duration.as_ref().unwrap().span), "\"3h\"");
    let p = &unit.policies[0];
    // the dynamic statement is unknown, the written one known, `$${` is a literal `${`
    assert_eq!(p.statements.len(), 1, "{:?}", p.statements);
    let r = &p.statements[0].resource.as_ref().unwrap().items[0];
    assert_eq!(r.as_str(), Some("arn:aws:s3:::b/${aws:username}/é"));
}

#[test]
fn truncated_and_mangled_tf_json_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let text = JSON_ROLE;
    let cuts: Vec<usize> = (0..text.len()).step_by(3).filter(|&i| text.is_char_boundary(i)).collect();
    for cut in cuts {
        for variant in [
            text[..cut].to_string(),
            format!("{}{}", &text[..cut], &text[(cut + 1).min(text.len())..]),
            format!("{}é\\\"${{\"{}", &text[..cut], &text[cut..]),
            format!("{}$", &text[..cut]),
        ] {
            let sources = SourceMap::new();
            let src = sources.add("main.tf.json".into(), dir.path().join("main.tf.json"), variant);
            let _ = parse_module(
                ".",
                dir.path().to_path_buf(),
                &[src],
                &sources,
                &input_options(&Settings::default()),
            );
        }
    }
}

#[test]
fn tf_json_references_link_resources() {
    let text = r#"{
  "resource": {
    "aws_iam_role": {"r": {"name": "r", "assume_role_policy": "{\"Version\": \"2012-10-17\", \"Statement\": []}"}},
    "aws_iam_policy": {"p": {"policy": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}"}},
    "aws_iam_role_policy_attachment": {"a": {"role": "${aws_iam_role.r.id}", "policy_arn": "${aws_iam_policy.p.arn}"}},
    "spacelift_aws_integration": {"i": {"name": "i", "role_arn": "${aws_iam_role.r.arn}", "tag_assume_role": true}}
  }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    let sources = SourceMap::new();
    let src = sources.add("main.tf.json".into(), dir.path().join("main.tf.json"), text.into());
    let unit =
        parse_module(".", dir.path().to_path_buf(), &[src], &sources, &input_options(&Settings::default()));
    assert!(unit.parse_failures.is_empty(), "{:?}", unit.parse_failures);
    let role = &unit.roles[0];
    assert_eq!(role.permissions.len(), 1, "{role:?}");
    assert!(role.managed_policies.is_empty(), "{role:?}");
    assert!(role.tag_session_required.is_some());
    assert_eq!(unit.spacelift.integrations[0].role, Some(0));
}
