//! A hostile repository must not hang, exhaust memory or leak what is outside it: each case
//! finishes well under a second and its value is simply unknown.

use std::path::Path;
use std::time::{Duration, Instant};

use trustlint::{CheckOptions, Report, check};

/// Each case takes well under a second of CPU (about 0.4 s in a debug build, 2026-12-01); the
/// wall-clock bound leaves room for a loaded CI machine while still catching what the bounds
/// prevent (exponential growth runs for minutes, then aborts the process).
const LIMIT: Duration = if cfg!(debug_assertions) { Duration::from_secs(4) } else { Duration::from_secs(1) };

fn check_dir(dir: &Path) -> (Report, Duration) {
    let opts = CheckOptions { paths: vec![dir.to_path_buf()], ..CheckOptions::default() };
    let start = Instant::now();
    let report = check(&opts).expect("check runs");
    (report, start.elapsed())
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn codes(report: &Report) -> Vec<String> {
    report.findings.iter().map(|f| f.code.to_string()).collect()
}

/// A role whose trust policy is `EXPR` (an admin-like trust that TL102 flags when known).
fn role_with_trust(expr: &str) -> String {
    format!("resource \"aws_iam_role\" \"r\" {{\n  name = \"r\"\n  assume_role_policy = {expr}\n}}\n")
}

#[test]
fn a_local_that_refers_to_itself_is_unknown_not_exponential() {
    let dir = tempfile::tempdir().unwrap();
    let tf = format!(
        "locals {{\n  a = [local.a, local.a, local.a]\n  b = [local.c, local.c]\n  c = [local.b, local.b]\n}}\n{}",
        role_with_trust("jsonencode({ Version = \"2012-10-17\", Statement = local.a })")
    );
    write(dir.path(), "main.tf", &tf);
    let (report, took) = check_dir(dir.path());
    assert!(took < LIMIT, "took {took:?}");
    assert!(!codes(&report).contains(&"TL001".to_string()), "{:?}", codes(&report));
}

#[test]
fn a_chain_of_locals_that_doubles_forty_times_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut locals = String::from("locals {\n  l0 = [\"*\"]\n  s0 = \"ab\"\n");
    for i in 1..=40 {
        let p = i - 1;
        locals.push_str(&format!(
            "  l{i} = concat(local.l{p}, local.l{p})\n  s{i} = \"${{local.s{p}}}${{local.s{p}}}\"\n"
        ));
    }
    locals.push_str("}\n");
    let tf = format!(
        "{locals}{}",
        role_with_trust(
            "jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { AWS = local.l40 }, Condition = { StringEquals = { \"sts:ExternalId\" = local.s40 } } }] })"
        )
    );
    // The same chain, small enough to know: the wildcard principal is found.
    let control = role_with_trust(
        "jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { AWS = local.l3 } }] })",
    )
    .replace("\"r\"", "\"control\"");
    write(dir.path(), "main.tf", &format!("{tf}{control}"));
    let (report, took) = check_dir(dir.path());
    assert!(took < LIMIT, "took {took:?}");
    let on_control: Vec<_> = report.findings.iter().filter(|f| f.code == "TL102").collect();
    assert_eq!(on_control.len(), 1, "{:?}", codes(&report));
    // The principal list and the string are far past the value cap: unknown, so no finding
    // claims anything about them.
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(!codes(&report).iter().any(|c| c == "TL001"), "{messages:?}");
}

#[test]
fn resources_that_refer_to_each_other_are_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let tf = "resource \"aws_iam_role\" \"a\" {\n  name = aws_iam_role.b.name\n  description = aws_iam_role.a.name\n  assume_role_policy = \"{}\"\n}\n\
              resource \"aws_iam_role\" \"b\" {\n  name = \"${aws_iam_role.a.name}${aws_iam_role.a.description}\"\n  assume_role_policy = \"{}\"\n}\n";
    write(dir.path(), "main.tf", tf);
    let (_, took) = check_dir(dir.path());
    assert!(took < LIMIT, "took {took:?}");
}

#[cfg(unix)]
mod files {
    use super::*;

    const BAD_POLICY_OUTSIDE: &str =
        "{\"Statement\": [{\"Effect\": \"Alow\", \"Action\": \"*\", \"Resource\": \"*\"}]}";

    fn policy_from(file_expr: &str) -> String {
        format!("resource \"aws_iam_policy\" \"p\" {{\n  name = \"p\"\n  policy = {file_expr}\n}}\n")
    }

    /// Nothing was read: no finding and no source for the path.
    fn assert_not_read(report: &Report, took: Duration, name: &str) {
        assert!(took < LIMIT, "took {took:?}");
        assert!(report.findings.is_empty(), "{:?}", codes(report));
        assert!(!report.sources.names().iter().any(|n| n.contains(name)), "{:?}", report.sources.names());
    }

    #[test]
    fn a_fifo_is_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("policy.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipping: mkfifo is not available");
            return;
        }
        write(dir.path(), "main.tf", &policy_from("file(\"${path.module}/policy.json\")"));
        let (report, took) = check_dir(dir.path());
        assert_not_read(&report, took, "policy.json");
    }

    #[test]
    fn symlinks_to_devices_and_proc_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.json")).unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("env.json")).unwrap();
        let tf = format!(
            "{}resource \"aws_iam_policy\" \"q\" {{\n  policy = templatefile(\"env.json\", {{}})\n}}\n",
            policy_from("file(\"zero.json\")")
        );
        write(dir.path(), "main.tf", &tf);
        let (report, took) = check_dir(dir.path());
        assert_not_read(&report, took, "zero.json");
        assert_not_read(&report, took, "env.json");
    }

    #[test]
    fn files_outside_the_scanned_root_are_not_read() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.json", BAD_POLICY_OUTSIDE);
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.json"), dir.path().join("link.json")).unwrap();
        let rel = pathdiff(outside.path(), dir.path()).join("secret.json");
        let tf = format!(
            "{}resource \"aws_iam_policy\" \"q\" {{\n  policy = file(\"{}\")\n}}\nresource \"aws_iam_policy\" \"r\" {{\n  policy = file(\"{}\")\n}}\n",
            policy_from("file(\"link.json\")"),
            rel.display(),
            outside.path().join("secret.json").display()
        );
        write(dir.path(), "main.tf", &tf);
        let (report, took) = check_dir(dir.path());
        assert_not_read(&report, took, "secret.json");
        assert_not_read(&report, took, "link.json");
    }

    #[test]
    fn a_file_inside_the_root_is_read_through_a_parent_path() {
        let root = tempfile::tempdir().unwrap();
        write(root.path(), "shared/policy.json", BAD_POLICY_OUTSIDE);
        write(root.path(), "app/main.tf", &policy_from("file(\"${path.module}/../shared/policy.json\")"));
        let (report, took) = check_dir(root.path());
        assert!(took < LIMIT, "took {took:?}");
        assert!(codes(&report).contains(&"TL004".to_string()), "{:?}", codes(&report));
    }

    #[test]
    fn an_oversized_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = format!("{{\"Statement\": [], \"pad\": \"{}\"}}", "x".repeat(2 << 20));
        write(dir.path(), "big.txt", &big);
        write(dir.path(), "main.tf", &policy_from("file(\"big.txt\")"));
        let (report, took) = check_dir(dir.path());
        assert!(took < LIMIT, "took {took:?}");
        assert!(
            !report.sources.names().iter().any(|n| n.contains("big.txt")),
            "{:?}",
            report.sources.names()
        );
    }

    /// `to` relative to `from` (both absolute), with `..` steps.
    fn pathdiff(to: &Path, from: &Path) -> std::path::PathBuf {
        let (to, from): (Vec<_>, Vec<_>) = (to.components().collect(), from.components().collect());
        let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
        let mut out = std::path::PathBuf::new();
        for _ in common..from.len() {
            out.push("..");
        }
        for c in &to[common..] {
            out.push(c.as_os_str());
        }
        out
    }
}

#[test]
fn a_default_read_millions_of_times_is_recorded_in_bounded_time_and_memory() {
    // Every element of the 2^20-element expansion reads var.p (a default): recording where
    // defaults decided a value must cost constant time per read and stay capped.
    let dir = tempfile::tempdir().unwrap();
    let mut tf = String::from("variable \"p\" {\n  default = \"*\"\n}\nlocals {\n  l0 = [var.p, var.p]\n");
    for i in 1..=20 {
        let p = i - 1;
        tf.push_str(&format!("  l{i} = [for x in concat(local.l{p}, local.l{p}) : var.p]\n"));
    }
    tf.push_str("}\n");
    tf.push_str(&role_with_trust(
        "jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { AWS = local.l20 } }] })",
    ));
    tf.push_str(
        &role_with_trust(
            "jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { AWS = var.p } }] })",
        )
        .replace("\"r\"", "\"control\""),
    );
    write(dir.path(), "main.tf", &tf);
    let (report, took) = check_dir(dir.path());
    assert!(took < LIMIT, "took {took:?}");
    // The small one is still known and says where its principal came from.
    let tl102: Vec<&str> =
        report.findings.iter().filter(|f| f.code == "TL102").map(|f| f.message.as_str()).collect();
    assert!(tl102.iter().any(|m| m.ends_with("with the default of var.p")), "{tl102:?}");
}
