//! A file a module renders with `templatefile()` is a template: linted through the call with
//! its variables, never reported as a broken JSON policy on its own.

use std::path::Path;

use trustlint::{CheckOptions, check};

const TEMPLATE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "${effect}",
      "Action": "s3:GetObject",
%{ if public ~}
      "Principal": "*",
%{ endif ~}
      "Resource": "arn:aws:s3:::${bucket}/*"
    }
  ]
}
"#;

const MAIN: &str = r#"resource "aws_s3_bucket" "b" {
  bucket = "logs"
}

resource "aws_iam_policy" "p" {
  name   = "p"
  policy = templatefile("${path.module}/policy.json", { effect = "Alow", public = false, bucket = "logs" })
}
"#;

/// (code, file name, line) of every finding.
fn findings(dir: &Path) -> Vec<(String, String, usize)> {
    let report = check(&CheckOptions { paths: vec![dir.to_path_buf()], ..CheckOptions::default() }).unwrap();
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

#[test]
fn a_template_is_linted_through_its_call_not_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.json"), TEMPLATE).unwrap();
    std::fs::write(dir.path().join("main.tf"), MAIN).unwrap();
    let found = findings(dir.path());
    assert!(!found.iter().any(|(c, _, _)| c == "TL001"), "{found:?}");
    // The bad effect comes from the call's variables, and points into the template.
    assert!(found.iter().any(|(c, f, l)| c == "TL004" && f == "policy.json" && *l == 5), "{found:?}");
}

#[test]
fn the_same_file_without_the_call_is_still_linted_as_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.json"), TEMPLATE).unwrap();
    let found = findings(dir.path());
    assert!(found.iter().any(|(c, f, _)| c == "TL001" && f == "policy.json"), "{found:?}");
}
