//! What one lint covers and running it: a policy JSON file, a Terraform module directory, or a
//! directory's AWS config files, read through the engine with the open buffers in place of
//! their files.

use std::collections::{BTreeMap, HashSet};
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
    (rules, parsed): (&RuleSet, &crate::engine::ParseCache),
    config: Option<&FileConfig>,
) -> Result<Report, Error> {
    let paths = key.paths(docs);
    // Every open buffer, not only the unit's own: a module reads its child modules' files
    // through the overlay too, so an unsaved edit in a child is seen by its callers.
    let buffers: BTreeMap<PathBuf, String> = docs
        .iter()
        // The engine's overlay is keyed by canonical path; a file not on disk by its own.
        .map(|(_, d)| (std::fs::canonicalize(&d.path).unwrap_or_else(|_| d.path.clone()), d.text.clone()))
        .collect();
    let mut opts = CheckOptions {
        paths,
        rules: Some(rules.clone()),
        overlay: std::sync::Arc::new(buffers),
        // The module's files nobody edited are not parsed again on every change.
        parse_cache: Some(parsed.clone()),
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

/// What a lint read besides the unit's own files: the files of the child modules it called and
/// the files its `file()`/`templatefile()` calls read. A change to one of them can change the
/// unit's findings, so the unit is linted again.
#[derive(Debug, Default)]
pub struct Reads {
    /// Canonical paths of the files read.
    files: HashSet<PathBuf>,
    /// Canonical directories of the Terraform files read: a new file there joins that module.
    module_dirs: HashSet<PathBuf>,
}

impl Reads {
    /// What `report` (a lint of `key`) read outside the unit's own directory.
    pub fn of(key: &UnitKey, report: &Report) -> Reads {
        // The unit's own files: a JSON document itself, every file of its directory otherwise.
        let own = |path: &Path| match key {
            UnitKey::File(p) => canonical(p) == path,
            UnitKey::Module(d) | UnitKey::AwsConfig(d) => path.parent() == Some(canonical(d).as_path()),
        };
        let mut reads = Reads::default();
        for src in report.sources.all() {
            let path = canonical(&src.path);
            let Some(dir) = path.parent().map(Path::to_path_buf) else { continue };
            if own(&path) {
                continue;
            }
            if is_terraform(&path) {
                reads.module_dirs.insert(dir);
            }
            reads.files.insert(path);
        }
        reads
    }

    /// Whether a change to `path` (in the editor or on disk) can change what the unit found.
    pub fn affected_by(&self, path: &Path) -> bool {
        let path = canonical(path);
        self.files.contains(&path)
            || (is_terraform(&path) && path.parent().is_some_and(|d| self.module_dirs.contains(d)))
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn is_terraform(path: &Path) -> bool {
    matches!(discover::classify(path), Some(FileClass::Terraform | FileClass::TerraformJson))
}

/// The canonical path, also for a file that exists only in the editor (its directory resolved).
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    match (path.parent().and_then(|d| std::fs::canonicalize(d).ok()), path.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}
