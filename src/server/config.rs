//! `trustlint.toml` for a document, found as `check` finds it (the nearest one from the
//! document's directory upward) and parsed once until it changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::RuleSet;
use crate::config::file::{self as config_file, Date, FileConfig};

/// Parsed configuration files by path; a file that does not parse keeps its error, so the
/// editor is told once per change, not once per keystroke.
#[derive(Default)]
pub struct Configs {
    parsed: HashMap<PathBuf, Result<Arc<FileConfig>, String>>,
}

/// The configuration a document is linted with.
pub struct Found {
    pub config: Option<Arc<FileConfig>>,
    /// The file's error, when it is read for the first time since it changed.
    pub error: Option<String>,
}

impl Configs {
    /// The configuration for files in `dir`. A file that does not parse is reported and the
    /// document is linted with the defaults, as an editor should go on helping meanwhile.
    pub fn for_dir(&mut self, dir: &Path, rules: &RuleSet) -> Found {
        let Some(path) = config_file::discover(dir).map(|p| config_file::absolute(&p)) else {
            return Found { config: None, error: None };
        };
        let mut error = None;
        let entry = self.parsed.entry(path.clone()).or_insert_with(|| {
            let parsed = Date::today()
                .and_then(|today| config_file::load(&path, &rules.names(), today).map_err(|e| e.to_string()));
            error = parsed.as_ref().err().cloned();
            parsed.map(Arc::new)
        });
        Found { config: entry.as_ref().ok().cloned(), error }
    }

    /// Forgets every parsed file (one changed on disk).
    pub fn clear(&mut self) {
        self.parsed.clear();
    }
}

/// Whether `path` is a configuration file name.
pub fn is_config(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| config_file::FILE_NAMES.contains(&n))
}
