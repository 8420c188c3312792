//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use trustlint::config::Settings;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One `fixtures/<CODE>-<name>/` directory.
pub struct FixtureDir {
    pub code: String,
    pub name: String,
    pub dir: PathBuf,
    /// Entries of `bad/` and `good/`: files, or directories (a Terraform module per case).
    pub bad: Vec<PathBuf>,
    pub good: Vec<PathBuf>,
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// Every fixture directory, relative to the crate root (so reported paths are stable).
pub fn fixture_dirs() -> Vec<FixtureDir> {
    let root = manifest_dir().join("fixtures");
    let mut out = Vec::new();
    for dir in entries(&root) {
        let Some(file_name) = dir.file_name().and_then(|n| n.to_str()) else { continue };
        let Some((code, name)) = file_name.split_once('-') else { continue };
        let rel = PathBuf::from("fixtures").join(file_name);
        let rel_entries = |sub: &str| -> Vec<PathBuf> {
            entries(&dir.join(sub))
                .into_iter()
                .filter_map(|p| p.file_name().map(|n| rel.join(sub).join(n)))
                .collect()
        };
        out.push(FixtureDir {
            code: code.to_string(),
            name: name.to_string(),
            bad: rel_entries("bad"),
            good: rel_entries("good"),
            dir: rel,
        });
    }
    out
}

/// Settings of a fixture: a `trustlint.toml` beside `bad/` and `good/`, read by the same loader
/// as a user's configuration (so a fixture cannot use a key users cannot).
pub fn fixture_settings(dir: &Path) -> Settings {
    let mut s = Settings::default();
    let path = manifest_dir().join(dir).join("trustlint.toml");
    if !path.exists() {
        return s;
    }
    let rules = trustlint::rule_set(None).expect("built-in rules load");
    let names: Vec<(&str, &str)> = rules.iter().map(|r| (r.meta().code, r.meta().name)).collect();
    let today = trustlint::config::file::Date::today().expect("clock");
    let config = trustlint::config::file::load(&path, &names, today)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    config.apply_settings(&mut s);
    s
}

/// The built binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_trustlint"))
}
