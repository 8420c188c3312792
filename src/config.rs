//! Settings that rules read, and lint options that decide which findings are kept.

pub mod file;
pub mod selector;

use std::collections::HashMap;

use crate::aws::spacelift::SpaceliftEnvironment;
use crate::diagnostic::Severity;
use crate::model::PolicyKind;

/// What the role behind a lone trust policy may do (`--role-access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleAccessFlag {
    Read,
    Write,
}

/// Facts about the user's world that rules need.
#[derive(Debug, Clone)]
pub struct Settings {
    pub policy_kind: Option<PolicyKind>,
    pub role_access: Option<RoleAccessFlag>,
    pub spacelift_account: Option<String>,
    /// `None` when neither `spacelift.environment` nor `--spacelift-environment` says: readers
    /// take spacelift.io, and TL110 infers the environment from the principals.
    pub spacelift_environment: Option<SpaceliftEnvironment>,
    /// Roles whose credentials private workers use (`generate_credentials_in_worker`).
    pub worker_role_arns: Vec<String>,
    pub trusted_accounts: Vec<String>,
    pub partition: String,
    pub chained_credentials: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            policy_kind: None,
            role_access: None,
            spacelift_account: None,
            spacelift_environment: None,
            worker_role_arns: Vec::new(),
            trusted_accounts: Vec::new(),
            partition: "aws".into(),
            chained_credentials: true,
        }
    }
}

/// Which rules run and how their findings are weighed.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Codes, names or prefixes; empty means every rule.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Severity overrides by code or name.
    pub severity: HashMap<String, Severity>,
    /// `[[lint.per-path]]` exemptions in force: findings of these rules in these paths are dropped.
    pub per_path: Vec<file::PerPath>,
}
