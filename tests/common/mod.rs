//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use trustlint::aws::spacelift::SpaceliftEnvironment;
use trustlint::config::{RoleAccessFlag, Settings};
use trustlint::model::PolicyKind;

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

/// Settings of a fixture: `fixture.toml` beside `bad/` and `good/` may set `spacelift-account`,
/// `spacelift-environment`, `role-access`, `policy-kind`, `trusted-accounts`.
pub fn fixture_settings(dir: &Path) -> Settings {
    let mut s = Settings::default();
    let Ok(text) = std::fs::read_to_string(manifest_dir().join(dir).join("fixture.toml")) else {
        return s;
    };
    let table: toml::Table = toml::from_str(&text).expect("fixture.toml parses");
    if let Some(v) = table.get("spacelift-account").and_then(|v| v.as_str()) {
        s.spacelift_account = Some(v.to_string());
    }
    if let Some(v) = table.get("spacelift-environment").and_then(|v| v.as_str()) {
        s.spacelift_environment = SpaceliftEnvironment::parse(v).expect("valid environment");
    }
    if let Some(v) = table.get("role-access").and_then(|v| v.as_str()) {
        s.role_access = Some(if v == "write" { RoleAccessFlag::Write } else { RoleAccessFlag::Read });
    }
    if let Some(v) = table.get("policy-kind").and_then(|v| v.as_str()) {
        s.policy_kind = Some(if v == "trust" { PolicyKind::Trust } else { PolicyKind::Permission });
    }
    if let Some(v) = table.get("trusted-accounts").and_then(|v| v.as_array()) {
        s.trusted_accounts = v.iter().filter_map(|a| a.as_str().map(String::from)).collect();
    }
    s
}

/// The built binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_trustlint"))
}
