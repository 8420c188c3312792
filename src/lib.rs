//! trustlint: static analysis of AWS IAM trust policies, permission policies and Terraform
//! role-assumption settings.

#[cfg(feature = "verify")]
pub mod verify;
