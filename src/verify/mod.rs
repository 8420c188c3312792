//! `trustlint verify`: live checks against AWS STS/IAM.
//!
//! This module holds the AWS plumbing ([`aws`]); the command itself (static checks first, then
//! `iam:GetRole`, `sts:AssumeRole`, `sts:GetCallerIdentity` and negative probes) is built on top.

pub mod aws;
pub mod command;
pub mod ulid;

pub use aws::{
    Aws, AwsError, AwsErrorKind, AwsOptions, CallerCredentials, Identity, Minted, RoleInfo, Secret,
    role_name_from_arn,
};
