//! What one lint covers and running it: a policy JSON file, a Terraform module directory, or a
//! directory's AWS config files, read through the engine with the open buffers in place of
//! their files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::file::FileConfig;
use crate::discover::{self, FileClass};
use crate::server::documents::Documents;
use crate::{CheckOptions, Error, Report, RuleSet};

/// The unit a document is linted in; a change re-lints only its unit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitKey {
    /// One JSON document (policy, plan, authorization details).
    File(PathBuf),
    /// A Terraform module: every `*.tf`/`*.tf.json` of the directory.
    Module(PathBuf),
    /// The AWS shared config and credentials files of a directory, read together.
    AwsConfig(PathBuf),
}

impl UnitKey {
    /// The unit of a file, or `None` for files trustlint does not read.
    pub fn of(path: &Path) -> Option<UnitKey> {
        let dir = || path.parent().map(Path::to_path_buf).unwrap_or_default();
        match discover::classify(path)? {
            FileClass::Json => Some(UnitKey::File(path.to_path_buf())),
            FileClass::Terraform | FileClass::TerraformJson => Some(UnitKey::Module(dir())),
            FileClass::AwsConfig => Some(UnitKey::AwsConfig(dir())),
        }
    }

    /// The directory whose `trustlint.toml` applies, and whose changes on disk may change it.
    pub fn dir(&self) -> &Path {
        match self {
            UnitKey::File(p) => p.parent().unwrap_or(Path::new("/")),
            UnitKey::Module(d) | UnitKey::AwsConfig(d) => d,
        }
    }

    /// Whether a change to `path` on disk can change this unit's findings (a module's files and
    /// variable files, a JSON document itself).
    pub fn affected_by(&self, path: &Path) -> bool {
        match self {
            UnitKey::File(p) => p == path,
            UnitKey::Module(d) | UnitKey::AwsConfig(d) => path.parent() == Some(d.as_path()),
        }
    }

    /// The paths to name to the engine: a named `.tf` brings in its module's other files.
    fn paths(&self, docs: &Documents) -> Vec<PathBuf> {
        let in_dir = |p: &Path| self.affected_by(p) && UnitKey::of(p).as_ref() == Some(self);
        match self {
            UnitKey::File(p) => vec![p.clone()],
            UnitKey::Module(_) => {
                docs.iter().map(|(_, d)| d.path.clone()).filter(|p| in_dir(p)).take(1).collect()
            }
            UnitKey::AwsConfig(d) => {
                let mut paths: Vec<PathBuf> =
                    docs.iter().map(|(_, d)| d.path.clone()).filter(|p| in_dir(p)).collect();
                for name in ["config", "credentials"] {
                    let p = d.join(name);
                    if p.is_file() && !paths.contains(&p) {
                        paths.push(p);
                    }
                }
                paths
            }
        }
    }
}

/// Lints one unit as `check` would with `config`, reading open documents from memory.
pub fn run(
    key: &UnitKey,
    docs: &Documents,
    rules: &RuleSet,
    config: Option<&FileConfig>,
) -> Result<Report, Error> {
    let paths = key.paths(docs);
    let buffers: BTreeMap<PathBuf, String> = docs
        .iter()
        .filter(|(_, d)| key.affected_by(&d.path))
        // The engine's overlay is keyed by canonical path; a file not on disk by its own.
        .map(|(_, d)| (std::fs::canonicalize(&d.path).unwrap_or_else(|_| d.path.clone()), d.text.clone()))
        .collect();
    let mut opts = CheckOptions {
        paths,
        rules: Some(rules.clone()),
        overlay: std::sync::Arc::new(buffers),
        ..Default::default()
    };
    if let Some(c) = config {
        c.apply_settings(&mut opts.settings);
        opts.lint = c.lint_options();
    }
    if opts.paths.is_empty() {
        return Err(Error::Usage(format!("{}: no open file of this unit", key.dir().display())));
    }
    crate::check(&opts)
}
