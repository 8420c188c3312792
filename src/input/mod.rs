//! Input formats. Each turns files into [`crate::model::Unit`]s of the one model.

pub mod auth_details;
pub mod aws_config;
pub mod json;
pub mod policy;
pub mod terraform;
pub mod tree;

use std::path::PathBuf;

use crate::aws::spacelift::SpaceliftEnvironment;
use crate::config::RoleAccessFlag;
use crate::model::PolicyKind;

/// The facts readers need to turn files into the model (not the whole configuration: readers do
/// not decide findings).
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// The kind of raw policy JSON files (`None`: inferred per file).
    pub policy_kind: Option<PolicyKind>,
    /// What the role behind a lone trust policy file may do.
    pub role_access: Option<RoleAccessFlag>,
    /// The AWS partition the account lives in (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// The Spacelift account name, the first part of every external id it computes.
    pub spacelift_account: Option<String>,
    pub spacelift_environment: SpaceliftEnvironment,
    /// Canonical directories that `file()`/`templatefile()` may read inside (the scanned paths);
    /// empty: only the module's own directory.
    pub roots: Vec<PathBuf>,
    /// `--var-file` files, in order, for every module read as a root module.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in order (a later one wins).
    pub vars: Vec<(String, String)>,
    /// Texts read instead of the files at these paths (`check --diff` re-lints fixed text it
    /// does not write).
    pub overlay: Overlay,
}

/// File texts that stand in for what is on disk, by canonical path (a module's files are reached
/// by several paths: scanned on their own and through `../..` from each caller).
pub type Overlay = std::sync::Arc<std::collections::BTreeMap<PathBuf, String>>;

/// The overlay's text for `path`, if it holds one: by canonical path, or by the path itself for
/// a file that exists only in the overlay (an editor's unsaved new file).
pub fn overlaid(overlay: &Overlay, path: &std::path::Path) -> Option<String> {
    if overlay.is_empty() {
        return None;
    }
    // The path as given first: an editor's buffer may not exist on disk yet.
    if let Some(text) = overlay.get(path) {
        return Some(text.clone());
    }
    overlay.get(&std::fs::canonicalize(path).ok()?).cloned()
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            policy_kind: None,
            role_access: None,
            partition: "aws".into(),
            spacelift_account: None,
            spacelift_environment: SpaceliftEnvironment::default(),
            roots: Vec::new(),
            var_files: Vec::new(),
            vars: Vec::new(),
            overlay: Overlay::default(),
        }
    }
}
