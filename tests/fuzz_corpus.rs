//! The fuzz targets' functions (`trustlint::fuzz`) over their seed corpora and every committed
//! crash or timeout input in `fuzz/regressions/<target>/`, on stable: what CI runs instead of a
//! fuzzing session (`scripts/fuzz.sh` does the real runs with `cargo +nightly fuzz`).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Which fixture files seed which target; `scripts/fuzz.sh` picks the same files.
fn seeds(target: &str) -> Vec<PathBuf> {
    let root = common::manifest_dir();
    let mut files = Vec::new();
    for dir in ["fixtures", "examples"] {
        collect(&root.join(dir), &mut files);
    }
    let text = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    let name = |p: &Path| p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
    let picked: Vec<PathBuf> = match target {
        "terraform_hcl" => files.into_iter().filter(|p| name(p).ends_with(".tf")).collect(),
        "terraform_json" => files.into_iter().filter(|p| name(p).ends_with(".tf.json")).collect(),
        "aws_config" => files.into_iter().filter(|p| is_aws_config(p)).collect(),
        "policy_json" | "plan_json" | "auth_details" => {
            let keys: &[&str] = match target {
                "policy_json" => &["\"Statement\""],
                "plan_json" => &["\"planned_values\"", "\"resource_changes\""],
                _ => &["\"RoleDetailList\"", "\"UserDetailList\"", "\"GroupDetailList\""],
            };
            files
                .into_iter()
                .filter(|p| name(p).ends_with(".json") && !name(p).ends_with(".tf.json"))
                .filter(|p| keys.iter().any(|k| text(p).contains(k)))
                .collect()
        }
        _ => Vec::new(),
    };
    let mut out = picked;
    collect(&root.join("fuzz/seeds").join(target), &mut out);
    out
}

/// Shared config and credentials files, classified as `check` classifies them.
fn is_aws_config(p: &Path) -> bool {
    trustlint::discover::classify(p) == Some(trustlint::discover::FileClass::AwsConfig)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Per input, in this debug build; the fuzzer's own timeout is 10 s on a release build.
const SLOW: Duration = Duration::from_secs(20);

fn replay(target: &str, run: fn(&[u8]), files: &[PathBuf]) {
    for path in files {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let started = Instant::now();
        run(&bytes);
        assert!(started.elapsed() < SLOW, "{target}: {} took {:?}", path.display(), started.elapsed());
    }
}

#[test]
fn every_target_has_seeds_and_a_wrapper() {
    let root = common::manifest_dir().join("fuzz");
    for (target, _) in trustlint::fuzz::TARGETS {
        assert!(!seeds(target).is_empty(), "{target} has no seed inputs");
        let wrapper = std::fs::read_to_string(root.join("fuzz_targets").join(format!("{target}.rs")))
            .unwrap_or_default();
        assert!(
            wrapper.contains(&format!("trustlint::fuzz::{target}(data)")),
            "fuzz/fuzz_targets/{target}.rs must call trustlint::fuzz::{target}"
        );
    }
}

#[test]
fn seed_corpora_pass() {
    for (target, run) in trustlint::fuzz::TARGETS {
        replay(target, *run, &seeds(target));
    }
}

#[test]
fn committed_regressions_pass() {
    let root = common::manifest_dir().join("fuzz/regressions");
    let mut n = 0;
    for (target, run) in trustlint::fuzz::TARGETS {
        let mut files = Vec::new();
        collect(&root.join(target), &mut files);
        files.retain(|p| p.file_name().is_some_and(|n| n != ".gitkeep" && n != "README.md"));
        n += files.len();
        replay(target, *run, &files);
    }
    eprintln!("{n} regression inputs replayed");
}
