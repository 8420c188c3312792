//! Input formats. Each turns files into [`crate::model::Unit`]s of the one model.

pub mod auth_details;
pub mod json;
pub mod policy;
pub mod terraform;
pub mod tree;

use crate::config::{RoleAccessFlag, SpaceliftEnvironment};
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
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            policy_kind: None,
            role_access: None,
            partition: "aws".into(),
            spacelift_account: None,
            spacelift_environment: SpaceliftEnvironment::default(),
        }
    }
}
