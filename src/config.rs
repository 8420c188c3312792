//! Settings that rules read, and lint options that decide which findings are kept.

pub mod file;

use std::collections::HashMap;

use crate::model::PolicyKind;
use crate::rules::Severity;

/// Spacelift environment: decides which AWS account assumes customer roles (FACTS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpaceliftEnvironment {
    #[default]
    Eu,
    Us,
}

impl SpaceliftEnvironment {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "spacelift.io" => Some(SpaceliftEnvironment::Eu),
            "us.spacelift.io" => Some(SpaceliftEnvironment::Us),
            _ => None,
        }
    }

    pub fn host(self) -> &'static str {
        match self {
            SpaceliftEnvironment::Eu => "spacelift.io",
            SpaceliftEnvironment::Us => "us.spacelift.io",
        }
    }

    /// The AWS account Spacelift assumes roles from in this environment.
    pub fn principal_account(self) -> &'static str {
        match self {
            SpaceliftEnvironment::Eu => SPACELIFT_EU_ACCOUNT,
            SpaceliftEnvironment::Us => SPACELIFT_US_ACCOUNT,
        }
    }
}

pub const SPACELIFT_EU_ACCOUNT: &str = "324880187172";
pub const SPACELIFT_US_ACCOUNT: &str = "577638371743";

/// Is this account one of Spacelift's, and which environment?
pub fn spacelift_environment_of(account: &str) -> Option<SpaceliftEnvironment> {
    match account {
        SPACELIFT_EU_ACCOUNT => Some(SpaceliftEnvironment::Eu),
        SPACELIFT_US_ACCOUNT => Some(SpaceliftEnvironment::Us),
        _ => None,
    }
}

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
    pub spacelift_environment: SpaceliftEnvironment,
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
            spacelift_environment: SpaceliftEnvironment::Eu,
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
