//! Hostile inputs, one test per case of the robustness issue that the reader, the rules and the
//! human report own: each runs the built binary on a temp dir holding the hostile file next to
//! an ordinary policy with a known finding, and asserts that the run finishes, still reports
//! the ordinary file, names the hostile one, and prints no secret from the environment.
//!
//! Time limits here are generous (debug build, shared CI machine): they catch a hang or a
//! quadratic blow-up, not a slow release. The release figures are in the README.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A policy with one known finding (TL101), linted next to every hostile file.
const OTHER: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::324880187172:root"}, "Action": "sts:AssumeRole"}]}"#;

/// Put in the environment of every run; must never appear in any output.
const SECRET: &str = "trustlint-test-secret-6f1d0c";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs the binary in `dir` (optionally as another user via `prefix`), killing it after `limit`.
fn run_with(dir: &Path, prefix: &[&str], args: &[&str], stdin: Option<&[u8]>, limit: Duration) -> Run {
    let (program, pre) = match prefix.split_first() {
        Some((p, rest)) => (p.to_string(), rest.to_vec()),
        None => (common::bin().to_string_lossy().into_owned(), Vec::new()),
    };
    let mut cmd = Command::new(program);
    cmd.args(&pre);
    if !prefix.is_empty() {
        cmd.arg(common::bin());
    }
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .env("TRUSTLINT_TEST_SECRET", SECRET)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let started = Instant::now();
    let (out, err) = (child.stdout.take(), child.stderr.take());
    let read = |p: Option<std::process::ChildStdout>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            if let Some(mut p) = p {
                let _ = std::io::Read::read_to_end(&mut p, &mut s);
            }
            s
        })
    };
    let out = read(out);
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(mut p) = err {
            let _ = std::io::Read::read_to_end(&mut p, &mut s);
        }
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("trustlint {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    Run { code: status.code().unwrap_or(-1), stdout, stderr, elapsed }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, &[], args, None, Duration::from_secs(60))
}

/// The promises every case keeps.
fn assert_kept(r: &Run, hostile: &str) {
    assert!(!r.stdout.contains(SECRET) && !r.stderr.contains(SECRET), "a secret was printed");
    assert!(
        r.stdout.contains("other.json"),
        "the ordinary file is still reported:\n{}{}",
        r.stdout,
        r.stderr
    );
    assert!(r.stdout.contains(hostile), "the hostile file `{hostile}` is named:\n{}", r.stdout);
    assert_eq!(r.code, 1, "findings at the default --fail-on; stderr: {}", r.stderr);
}

fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("other.json"), OTHER).expect("write");
    for (name, bytes) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, bytes).expect("write");
    }
    dir
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

#[test]
fn unreadable_file_and_directory_are_findings_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with(&[("locked.json", OTHER.as_bytes()), ("sealed/inner.json", OTHER.as_bytes())]);
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    // The temp dir is private to its owner; the non-root user must be able to enter it.
    set(dir.path(), 0o755);
    set(&dir.path().join("other.json"), 0o644);
    set(&dir.path().join("locked.json"), 0o000);
    set(&dir.path().join("sealed"), 0o000);
    let is_root = std::fs::read(dir.path().join("locked.json")).is_ok();
    let prefix: &[&str] = if !is_root {
        &[]
    } else if Command::new("setpriv").arg("--version").output().is_ok_and(|o| o.status.success()) {
        &["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    } else {
        eprintln!("skipped: running as root and `setpriv` is not available to drop privileges");
        return;
    };
    let probe = run_with(dir.path(), prefix, &["--version"], None, Duration::from_secs(30));
    if probe.code != 0 {
        eprintln!("skipped: the binary cannot run as uid 65534 here ({})", probe.stderr.trim());
        return;
    }
    let r = run_with(dir.path(), prefix, &["check", "."], None, Duration::from_secs(60));
    set(&dir.path().join("sealed"), 0o755);
    assert_kept(&r, "locked.json");
    assert!(r.stdout.contains("cannot read the file: Permission denied"), "{}", r.stdout);
    assert!(r.stdout.contains("sealed") && r.stdout.contains("cannot read the directory"), "{}", r.stdout);
    let r =
        run_with(dir.path(), prefix, &["check", "--fail-on", "never", "."], None, Duration::from_secs(60));
    assert_eq!(r.code, 0, "exit status follows --fail-on");
}

#[test]
fn a_file_that_vanishes_is_reported_by_name() {
    // A dangling name on the command line is still a usage error; a broken link met during a
    // walk is not followed. What vanishes between discovery and reading is covered by the same
    // read path as an unreadable file; here, a named link whose target is gone.
    let dir = dir_with(&[]);
    std::os::unix::fs::symlink(dir.path().join("gone.json"), dir.path().join("link.json")).expect("symlink");
    let r = run(dir.path(), &["check", "other.json", "link.json"]);
    assert_eq!(r.code, 2, "a named path that does not exist is a usage error");
    assert!(r.stderr.contains("link.json"), "{}", r.stderr);
    let r = run(dir.path(), &["check", "."]);
    assert!(r.stdout.contains("other.json") && !r.stdout.contains("link.json"), "{}", r.stdout);
}

#[test]
fn named_fifo_dev_stdin_and_directory_named_json_are_read() {
    let dir = dir_with(&[("x.json/inner.json", OTHER.as_bytes())]);
    let fifo = dir.path().join("fifo.json");
    let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    if made {
        let writer = std::thread::spawn(move || {
            if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                let _ = f.write_all(OTHER.replace("Allow", "Alow").as_bytes());
            }
        });
        let r = run(dir.path(), &["check", "other.json", "fifo.json"]);
        let _ = writer.join();
        assert_kept(&r, "fifo.json");
        assert!(r.stdout.contains("TL004"), "the FIFO's policy was linted: {}", r.stdout);
    } else {
        eprintln!("skipped the FIFO case: `mkfifo` is not available");
    }
    let r = run_with(
        dir.path(),
        &[],
        &["check", "other.json", "/dev/stdin"],
        Some(OTHER.as_bytes()),
        Duration::from_secs(60),
    );
    assert_kept(&r, "/dev/stdin");
    assert!(r.stdout.contains("in 2 files"), "{}", r.stdout);
    let r = run(dir.path(), &["check", "x.json", "other.json"]);
    assert_kept(&r, "x.json/inner.json");
    // A walk never opens a FIFO (it would block).
    if made {
        let r = run(dir.path(), &["check", "."]);
        assert!(!r.stdout.contains("fifo.json"), "{}", r.stdout);
    }
}

#[test]
fn utf16_policies_are_reported_when_walked_and_named() {
    let policy = utf16le(OTHER, true);
    let plain = utf16le(OTHER, false);
    let not_ours = utf16le(r#"{"name": "package"}"#, true);
    let dir = dir_with(&[("u16.json", &policy), ("u16-nobom.json", &plain), ("package.json", &not_ours)]);
    let r = run(dir.path(), &["check", "."]);
    assert_kept(&r, "u16.json");
    assert!(
        r.stdout
            .contains("file is UTF-16 (little-endian, with a byte order mark); IAM and Terraform read UTF-8")
    );
    assert!(r.stdout.contains("u16-nobom.json"), "UTF-16 without a BOM is detected too: {}", r.stdout);
    assert!(!r.stdout.contains("package.json"), "a walked UTF-16 file that is not a policy is skipped");
    assert!(!r.stdout.contains("Unexpected token"), "{}", r.stdout);
    let r = run(dir.path(), &["check", "package.json", "other.json"]);
    assert_kept(&r, "package.json");
}

#[test]
fn bom_and_invalid_utf8_are_named_and_the_policy_is_still_checked() {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(OTHER.as_bytes());
    let latin1 = OTHER.replace("sts:AssumeRole", "sts:Assume\u{1}Role").replace('\u{1}', "\u{e9}");
    let latin1: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    let dir = dir_with(&[("bom.json", &bom), ("latin1.json", &latin1)]);
    let r = run(dir.path(), &["check", "."]);
    assert_kept(&r, "bom.json");
    assert!(r.stdout.contains("file starts with a UTF-8 byte order mark"), "{}", r.stdout);
    assert!(r.stdout.contains("file is not valid UTF-8"), "{}", r.stdout);
    assert!(r.stdout.contains("╭─[latin1.json:2:"), "points at the invalid byte: {}", r.stdout);
    // Past the BOM the policy is still analysed, at the columns an editor shows.
    assert!(r.stdout.contains("╭─[bom.json:2:24]"), "{}", r.stdout);
    assert!(!r.stdout.contains("Unexpected token"), "{}", r.stdout);
}

#[test]
fn oversized_and_endless_inputs_are_capped() {
    let dir = dir_with(&[]);
    let big = std::fs::File::create(dir.path().join("big.json")).expect("create");
    big.set_len(trustlint::load::MAX_FILE_BYTES + 1).expect("sparse file");
    let r = run(dir.path(), &["check", "."]);
    assert_kept(&r, "big.json");
    assert!(r.stdout.contains("over trustlint's limit of 33554432 bytes (32 MiB)"), "{}", r.stdout);
    let r = run(dir.path(), &["check", "other.json", "/dev/zero"]);
    assert_kept(&r, "/dev/zero");
    assert!(r.stdout.contains("input is over trustlint's limit"), "{}", r.stdout);
}

/// The hostile policy of a cost case, checked within the time limit.
fn assert_bounded(name: &str, text: &str, limit: Duration, code: Option<&str>) -> Run {
    let dir = dir_with(&[(name, text.as_bytes())]);
    let r = run_with(dir.path(), &[], &["check", "--format", "json", "."], None, limit);
    assert!(!r.stdout.contains(SECRET) && !r.stderr.contains(SECRET), "a secret was printed");
    assert!(r.stdout.contains("\"path\": \"other.json\""), "the ordinary file is still reported");
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    if let Some(code) = code {
        let head = &r.stdout[..r.stdout.len().min(2000)];
        assert!(r.stdout.contains(&format!("\"code\": \"{code}\"")), "expected {code}: {head}");
        assert!(r.stdout.contains(&format!("\"path\": \"{name}\"")), "{head}");
    }
    eprintln!("{name}: {:?} (debug build)", r.elapsed);
    r
}

#[test]
fn a_2_mb_action_string_is_fast_and_its_message_short() {
    let action = format!("s3:{}", "A".repeat(2_000_000));
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}"#
    );
    let r = assert_bounded("long-action.json", &policy, Duration::from_secs(30), Some("TL303"));
    assert!(r.stdout.len() < 20_000, "messages quote at most 1,000 characters: {} bytes", r.stdout.len());
}

#[test]
fn twenty_thousand_statements() {
    let statements: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:Describe*", "s3:GetObject"], "Resource": "arn:aws:s3:::b{i}/*"}}"#))
        .collect();
    let mut policy = format!(r#"{{"Version": "2012-10-17", "Statement": [{}"#, statements.join(","));
    policy.push_str(
        r#", {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": "*"}]}"#,
    );
    assert_bounded("many.json", &policy, Duration::from_secs(60), Some("TL307"));
}

/// 28 statements of 20 wildcard external id values each (the issue's case took 84 s).
fn wildcard_id_policy(stack_suffix: &str) -> String {
    let statements: Vec<String> = (0..28)
        .map(|i| {
            let patterns: Vec<String> =
                (0..20).map(|j| format!(r#""acme@*@stack-{i}-{j}{stack_suffix}@*""#)).collect();
            format!(
                r#"{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::324880187172:root"}}, "Action": "sts:AssumeRole", "Condition": {{"StringLike": {{"sts:ExternalId": [{}]}}}}}}"#,
                patterns.join(", ")
            )
        })
        .collect();
    format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, statements.join(","))
}

#[test]
fn many_wildcard_external_id_patterns() {
    // Whole-part values are answered from their text: every question is decided.
    let r = assert_bounded("patterns.json", &wildcard_id_policy(""), Duration::from_secs(180), Some("TL009"));
    assert!(!r.stderr.contains("reasoning budget"), "{}", r.stderr);
    // A `?` inside the stack part leaves them to the automata: the reasoning budget of the
    // policy bounds the run, and the run says that some answers are unknown.
    let r = assert_bounded("patterns.json", &wildcard_id_policy("?"), Duration::from_secs(180), None);
    assert!(
        r.stderr.contains("warning: patterns.json: reasoning budget of 8000000 steps spent; later questions about its conditions are unknown"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_hundred_thousand_duplicate_keys() {
    let sids: Vec<&str> = std::iter::repeat_n(r#""Sid": "a""#, 100_000).collect();
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", {}}}]}}"#,
        sids.join(",")
    );
    assert_bounded("dups.json", &policy, Duration::from_secs(60), Some("TL011"));
}

#[test]
fn one_line_files_print_a_window_per_finding() {
    let padding: Vec<String> = (0..3000)
        .map(|i| format!(r#"{{"Sid": "Pad{i}", "Effect": "Deny", "Principal": {{"AWS": "111122223333"}}, "Action": "sts:AssumeRole"}}"#))
        .collect();
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}, {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::324880187172:root"}}, "Action": "sts:AssumeRole"}}]}}"#,
        padding.join(", ")
    );
    assert!(policy.len() > 300_000 && !policy.contains('\n'));
    let dir = dir_with(&[("one-line.json", policy.as_bytes())]);
    let r = run(dir.path(), &["check", "--no-config", "."]);
    assert_kept(&r, "one-line.json");
    let frames = r.stdout.matches("╭─[one-line.json").count();
    assert!(frames >= 2, "{}", r.stdout);
    assert!(r.stdout.len() < frames * 2_000 + 2_000, "{} bytes for {frames} findings", r.stdout.len());
    assert!(r.stdout.contains("…"), "the window is marked with an ellipsis");
    let column = policy.find("\"arn:aws:iam::324880187172:root\"").map(|i| i + 1).unwrap_or(0);
    assert!(
        r.stdout.contains(&format!("╭─[one-line.json:1:{column}]")),
        "real column {column}: {}",
        r.stdout
    );
}

/// A pre-commit hook or CI job given `trust.json -> /elsewhere/secret.json` by a hostile
/// repository: the file is still linted, but no byte of it reaches any report.
#[cfg(unix)]
#[test]
fn a_named_link_out_of_its_directory_is_linted_but_never_printed() {
    let outside = tempfile::tempdir().expect("tempdir");
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "*"}},
  "Action": "sts:AssumeRole", "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "{SECRET}"}}}}}}]}}"#
    );
    std::fs::write(outside.path().join("secret.json"), policy).expect("write");
    let dir = dir_with(&[]);
    std::os::unix::fs::symlink(outside.path().join("secret.json"), dir.path().join("trust.json"))
        .expect("symlink");
    for format in ["human", "json", "sarif", "github", "gitlab", "junit", "markdown", "concise"] {
        let r = run(dir.path(), &["check", "--format", format, "trust.json", "other.json"]);
        assert!(
            !r.stdout.contains(SECRET) && !r.stderr.contains(SECRET),
            "{format}: a byte of the link's target was printed:\n{}",
            r.stdout
        );
        assert!(r.stdout.contains("TL102"), "{format}: the linked policy is still linted:\n{}", r.stdout);
    }
    // The same text as an ordinary file in the tree is shown in its code frame.
    std::fs::copy(outside.path().join("secret.json"), dir.path().join("own.json")).expect("copy");
    let r = run(dir.path(), &["check", "own.json"]);
    assert!(r.stdout.contains(SECRET), "an ordinary file's code frame shows its text:\n{}", r.stdout);
}
