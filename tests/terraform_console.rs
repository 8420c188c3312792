//! Terraform is the reference for the evaluator: a corpus of expressions (the functions real
//! modules use, `for` expressions, splats, templates, `templatefile`, conditionals, operators,
//! null handling) is evaluated by trustlint and by `terraform console`, and every value must be
//! the same. Skips, saying so, where `terraform` is not installed.

use std::path::Path;
use std::process::Command;

use trustlint::input::InputOptions;
use trustlint::input::terraform::eval::{Eval, NoDataSources};
use trustlint::input::terraform::read_module;
use trustlint::input::tree::NodeKind;
use trustlint::source::SourceMap;

const CONTEXT: &str = r#"
variable "env" {
  default = "prod"
}
variable "accounts" {
  type    = list(string)
  default = ["111111111111", "222222222222"]
}
variable "tags" {
  default = { team = "sec", env = "prod" }
}
variable "region" {
  default = "eu-west-1"
}
variable "stage" {
  type = string
}
variable "rules" {
  type = list(object({
    sid     = optional(string)
    effect  = optional(string, "Allow")
    actions = list(string)
    tags    = optional(map(string), {})
  }))
  default = [{ actions = ["s3:GetObject"] }, { sid = "B", effect = null, actions = [] }]
}
variable "counts" {
  type    = list(number)
  default = []
}
locals {
  name   = "app"
  obj    = { b = 2, a = 1, c = "three" }
  nested = [["a", "b"], ["c"], [], [["d"]]]
  roles = {
    net = { arn = "arn:aws:iam::111111111111:role/net" }
    app = { arn = "arn:aws:iam::111111111111:role/app" }
  }
  items = [{ name = "x", n = 1 }, { name = "y", n = 2 }]
  maybe = null
}
"#;

const TEMPLATE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::${account}:root"},
%{ if admin ~}
      "Action": "*",
%{ else ~}
      "Action": "s3:GetObject",
%{ endif ~}
      "Resource": [
%{ for i, n in names ~}
        "arn:aws:s3:::${n}"%{ if i < length(names) - 1 },%{ endif }
%{ endfor ~}
      ]
    }
  ]
}
"#;

/// Every expression is one `local`; both sides must agree on each.
const CORPUS: &[&str] = &[
    // Object types with optional attributes fill them in (null, or the type's default)
    r#"var.rules[0]"#,
    r#"[for r in var.rules : r.effect]"#,
    r#"var.rules[1].tags"#,
    r#"length(keys(var.rules[1]))"#,
    // Collections
    r#"merge(local.obj, { a = 9, d = true })"#,
    r#"merge({}, var.tags, { extra = "1" })"#,
    r#"concat(var.accounts, ["333333333333"], [])"#,
    r#"flatten(local.nested)"#,
    r#"coalesce("", "b", "c")"#,
    r#"coalesce(local.maybe, "fallback")"#,
    r#"coalescelist([], ["a"], ["b"])"#,
    r#"lookup(var.tags, "team", "none")"#,
    r#"lookup(var.tags, "missing", "none")"#,
    r#"try(local.obj.missing, "fb")"#,
    r#"try(local.roles.net.arn, "fb")"#,
    r#"try(one(["a", "b"]), "many")"#,
    r#"try(local.items[5].name, local.items[0].name)"#,
    r#"can(local.obj.missing)"#,
    r#"can(local.obj.a)"#,
    r#"one([])"#,
    r#"one(["x"])"#,
    r#"element(var.accounts, 3)"#,
    r#"keys(local.obj)"#,
    r#"values(local.obj)"#,
    r#"zipmap(["a", "b"], [1, 2])"#,
    r#"length(local.obj)"#,
    r#"length("héllo")"#,
    r#"length(var.accounts)"#,
    r#"contains(var.accounts, "222222222222")"#,
    r#"contains(var.accounts, "x")"#,
    r#"distinct(["a", "b", "a", "c", "b"])"#,
    r#"compact(["a", "", "b"])"#,
    r#"tolist(toset(["b", "a", "b"]))"#,
    r#"toset(["b", "a", "b"])"#,
    r#"tomap({ a = "1", b = "2" })"#,
    r#"sort(["b", "a", "c"])"#,
    r#"reverse([1, 2, 3])"#,
    // Strings
    r#"format("arn:aws:iam::%s:role/%s", "111111111111", local.name)"#,
    r#"format("%d-%v-%%", 3, true)"#,
    r#"format("%q", "x")"#,
    r#"join(",", var.accounts)"#,
    r#"join("-", ["a"], ["b", "c"])"#,
    r#"join("", [])"#,
    r#"replace("a-b-c", "-", "_")"#,
    r#"replace("role/app-123", "/[0-9]+/", "N")"#,
    r#"replace("abc", "/(a)(b)/", "$2$1")"#,
    r#"split(",", "a,b,,c")"#,
    r#"split(",", "")"#,
    r#"trimprefix("arn:aws:iam", "arn:")"#,
    r#"trimsuffix("name.json", ".json")"#,
    r#"trimprefix("x", "y")"#,
    r#"startswith("arn:aws", "arn:")"#,
    r#"endswith("x.json", ".tf")"#,
    r#"lower("ABC")"#,
    r#"upper("abc")"#,
    r#"title("hello world-x")"#,
    r#"trimspace("  a b  ")"#,
    r#"tostring(5)"#,
    r#"tonumber("42")"#,
    // JSON and files
    r#"jsondecode("{\"a\": [1, 2, {\"b\": null}], \"c\": true}")"#,
    r#"jsondecode(jsonencode({ b = [1, "x"], a = null }))"#,
    r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"] }] })"#,
    r#"jsonencode(["a", 1, true, null])"#,
    r#"file("${path.module}/doc.json")"#,
    r#"jsondecode(file("${path.module}/doc.json"))"#,
    r#"jsondecode(templatefile("${path.module}/policy.json.tftpl", { account = "111111111111", names = ["a", "b"], admin = true }))"#,
    r#"jsondecode(templatefile("${path.module}/policy.json.tftpl", { account = "222222222222", names = ["c"], admin = false }))"#,
    // for expressions, splats
    r#"[for k, v in local.obj : "${k}=${v}" if k != "c"]"#,
    r#"{ for r in local.items : r.name => r.n }"#,
    r#"{ for k, v in local.roles : k => v.arn if startswith(k, "n") }"#,
    r#"{ for r in concat(local.items, [{ name = "x", n = 3 }]) : r.name => r.n... }"#,
    r#"[for i, a in var.accounts : "${i}:${a}"]"#,
    r#"join(",", [for a in var.accounts : "arn:aws:iam::${a}:root"])"#,
    r#"local.items[*].name"#,
    r#"local.items.*.n"#,
    r#"local.roles.net[*].arn"#,
    r#"local.maybe[*]"#,
    r#"[for s in ["a", "b"] : upper(s)]"#,
    // Conditionals, operators, null
    r#"var.env == "prod" ? "p" : "np""#,
    r#"length(var.accounts) > 1 && !false"#,
    r#"false || 1 >= 2"#,
    r#"local.maybe == null"#,
    r#"local.maybe != null ? local.maybe : "unset""#,
    r#"1 + 2 * 3"#,
    r#"7 / 2"#,
    r#"10 % 3"#,
    r#"-local.obj.a"#,
    r#"1 == 1.0"#,
    r#"[1, "a"] == [1, "a"]"#,
    r#"local.obj["c"]"#,
    r#"var.accounts[1]"#,
    // Variables: defaults, terraform.tfvars, *.auto.tfvars (later wins), --var-file, --var
    r#"var.env"#,
    r#"var.tags"#,
    r#"var.region"#,
    r#"var.stage"#,
    r#"var.counts"#,
    // Templates
    r#""arn:aws:iam::${var.accounts[0]}:role/${local.name}""#,
    r#""%{ if var.env == "prod" }P%{ else }N%{ endif }""#,
    r#""a %{~ if true ~} b %{~ endif ~} c""#,
    r#""%{ for a in var.accounts }[${a}]%{ endfor }""#,
    r#""x ${~ " y " ~} z""#,
    r#""literal $${not} %%{not}""#,
    "<<-EOT\n    {\n      \"a\": \"${local.name}\"\n    }\n  EOT",
    "<<EOT\nplain ${local.name}\nEOT",
    r#"jsonencode({ b = 1, a = "<x>&" })"#,
    r#""${true}""#,
    r#"tostring(1.50)"#,
    r#"1.0"#,
    r#"1e3"#,
    r#"length(toset([1, 1]))"#,
    r#"toset([2, 10, 1])"#,
    r#"sort(["10", "9"])"#,
    r#"merge(null, { a = 1 })"#,
    r#"coalesce(1, 2)"#,
    r#"flatten([[1, [2]], 3])"#,
    r#"compact(["a", null])"#,
    r#""${1.5}""#,
    r#"0.1 + 0.2"#,
    r#"jsonencode(0.1 + 0.2)"#,
    r#"keys({ b = 1, a = 2 })[0]"#,
    r#"{ b = 1, a = 2 }"#,
    r#"[for k, v in { b = 1, a = 2 } : k]"#,
    r#"lookup({ a = 1 }, "a")"#,
    r#"element(["a", "b"], 5)"#,
    r#""${local.obj.a}""#,
    r#"jsonencode("a\u00e9")"#,
    r#"jsonencode({ a = [for x in ["p"] : x] })"#,
    r#"{ a = 1 }.a"#,
    r#"[1, 2, 3][1]"#,
    r#"["a"][0]"#,
    r#"tolist(["a"])[0]"#,
    r#"replace("aaa", "a", "b")"#,
    r#"upper("é")"#,
    r#"format("%s", 1.5)"#,
    r#"format("%d", 2.0)"#,
    r#"1 / 3"#,
    r#"tostring(null)"#,
    r#"merge({ a = { x = 1 } }, { a = { y = 2 } })"#,
    r#""${"a"}b""#,
    r#"jsonencode(true)"#,
    r#"var.tags.team"#,
    r#"var.tags["team"]"#,
];

#[test]
fn the_evaluator_agrees_with_terraform_console() {
    let available = Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("skipping: `terraform` is not installed (the differential test needs the Terraform CLI)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut main = String::from(CONTEXT);
    main.push_str("locals {\n");
    for (i, e) in CORPUS.iter().enumerate() {
        main.push_str(&format!("  e{i} = {e}\n"));
    }
    main.push_str("}\n");
    std::fs::write(dir.path().join("main.tf"), &main).unwrap();
    std::fs::write(dir.path().join("doc.json"), "{\"Statement\": [{\"Effect\": \"Deny\"}]}\n").unwrap();
    std::fs::write(dir.path().join("policy.json.tftpl"), TEMPLATE).unwrap();
    std::fs::write(dir.path().join("terraform.tfvars"), "env = \"stage\"\ntags = { team = \"platform\" }\n")
        .unwrap();
    std::fs::write(dir.path().join("b.auto.tfvars"), "env = \"dev\"\n").unwrap();
    std::fs::write(dir.path().join("a.auto.tfvars.json"), "{\"env\": \"qa\", \"region\": \"ap-south-1\"}\n")
        .unwrap();
    std::fs::write(dir.path().join("extra.tfvars"), "region = \"us-east-1\"\n").unwrap();

    let options = InputOptions {
        var_files: vec![dir.path().join("extra.tfvars")],
        vars: vec![("stage".into(), "blue ${x}".into()), ("counts".into(), "[1, 2]".into())],
        ..InputOptions::default()
    };
    let flags = ["-var-file=extra.tfvars", "-var=stage=blue ${x}", "-var=counts=[1, 2]"];
    let expected = terraform_values(dir.path(), CORPUS.len(), &flags);
    let ours = trustlint_values(dir.path(), &main, CORPUS.len(), &options);
    let mut diffs = Vec::new();
    for (i, e) in CORPUS.iter().enumerate() {
        if ours[i].as_ref() != Some(&expected[i]) {
            diffs.push(format!("{e}\n  terraform: {}\n  trustlint: {:?}", expected[i], ours[i]));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} of {} expressions differ:\n{}",
        diffs.len(),
        CORPUS.len(),
        diffs.join("\n")
    );
}

/// Expressions over `var.u`, a variable nobody sets: where Terraform knows the result despite it
/// (`length([1, var.u])`), trustlint must know it too, and where Terraform says
/// `(known after apply)`, trustlint must say unknown.
const UNKNOWN_CORPUS: &[&str] = &[
    r#""x-${var.u}""#,
    r#"length([1, var.u])"#,
    r#"[1, var.u][0]"#,
    r#"try(var.u, "fb")"#,
    r#"can(var.u)"#,
    r#"var.u == "a""#,
    r#"merge({ a = var.u }, { b = 1 }).b"#,
    r#"keys(merge({ a = var.u }, { b = 1 }))"#,
    r#"coalesce(var.u, "x")"#,
    r#"concat([var.u], ["k"])[1]"#,
    r#"true ? "a" : var.u"#,
    r#"var.u != "" ? "a" : "b""#,
    r#"length({ for k in ["a"] : k => var.u })"#,
    r#"jsonencode([var.u])"#,
    r#"length(split(",", var.u))"#,
    r#"element([var.u, "b"], 1)"#,
    r#"lookup({ a = var.u, b = "x" }, "b")"#,
    r#"one([var.u])"#,
    r#"upper(var.u)"#,
    r#"[for x in [var.u, "b"] : x if x == "b"]"#,
    r#""%{ if var.u == "a" }yes%{ endif }""#,
];

#[test]
fn unknown_values_stay_unknown_as_in_terraform() {
    let available = Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("skipping: `terraform` is not installed (the differential test needs the Terraform CLI)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut main = String::from("variable \"u\" {\n  type = string\n}\nlocals {\n");
    for (i, e) in UNKNOWN_CORPUS.iter().enumerate() {
        main.push_str(&format!("  e{i} = {e}\n"));
    }
    main.push_str("}\n");
    std::fs::write(dir.path().join("main.tf"), &main).unwrap();
    let ours = trustlint_values(dir.path(), &main, UNKNOWN_CORPUS.len(), &InputOptions::default());
    let mut diffs = Vec::new();
    for (i, e) in UNKNOWN_CORPUS.iter().enumerate() {
        // One console run each: a run shows one value, and an unknown hides the others.
        let theirs = console_value(dir.path(), &format!("jsonencode(local.e{i})"), &["-input=false"]);
        if ours[i] != theirs {
            diffs.push(format!("{e}\n  terraform: {theirs:?}\n  trustlint: {:?}", ours[i]));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} of {} expressions differ:\n{}",
        diffs.len(),
        UNKNOWN_CORPUS.len(),
        diffs.join("\n")
    );
}

/// The value `terraform console` prints for `input` (a `jsonencode(...)` call): `None` for
/// `(known after apply)`.
fn console_value(dir: &Path, input: &str, flags: &[&str]) -> Option<serde_json::Value> {
    let (stdout, stderr) = console(dir, input, flags);
    if stdout.lines().any(|l| l.trim() == "(known after apply)") {
        return None;
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('"'))
        .unwrap_or_else(|| panic!("terraform console printed no value for {input}:\n{stdout}\n{stderr}"));
    let quoted = line.replace("$${", "${").replace("%%{", "%{");
    let text: String = serde_json::from_str(&quoted).expect("a quoted string");
    Some(serde_json::from_str(&text).expect("jsonencode output"))
}

fn console(dir: &Path, input: &str, flags: &[&str]) -> (String, String) {
    let mut child = Command::new("terraform")
        .arg("console")
        .args(flags)
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("terraform console starts");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{input}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `jsonencode` of every local, in one console run (it is slow to start, and prints only the
/// last result of a piped session).
fn terraform_values(dir: &Path, n: usize, flags: &[&str]) -> Vec<serde_json::Value> {
    let fields: Vec<String> = (0..n).map(|i| format!("e{i} = local.e{i}")).collect();
    let input = format!("jsonencode({{ {} }})", fields.join(", "));
    let all = console_value(dir, &input, flags).expect("every value of the corpus is known");
    (0..n).map(|i| all[format!("e{i}")].clone()).collect()
}

/// Each local evaluated by trustlint, as `jsonencode` would write it; `None` when unknown.
fn trustlint_values(
    dir: &Path,
    main: &str,
    n: usize,
    options: &InputOptions,
) -> Vec<Option<serde_json::Value>> {
    let sources = SourceMap::new();
    let src = sources.add("main.tf".into(), dir.join("main.tf"), main.to_string());
    let (module, unit) = read_module(".", dir.to_path_buf(), &[src], &sources, options);
    assert!(unit.parse_failures.is_empty(), "{:?}", unit.parse_failures);
    let data = NoDataSources;
    let mut ev = Eval::new(&module, &sources, &data);
    (0..n)
        .map(|i| {
            let (src, expr) = module.locals.get(&format!("e{i}")).expect("local");
            let node = ev.eval(expr, *src).to_node();
            (!has_unknown(&node.kind)).then(|| node.to_json())
        })
        .collect()
}

fn has_unknown(kind: &NodeKind) -> bool {
    match kind {
        NodeKind::Unknown | NodeKind::Partial(_) => true,
        NodeKind::Array(items) => items.iter().any(|i| has_unknown(&i.kind)),
        NodeKind::Object(m) => m.iter().any(|m| has_unknown(&m.value.kind)),
        _ => false,
    }
}
