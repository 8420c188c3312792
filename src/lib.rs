//! trustlint: static analysis of AWS IAM trust policies, permission policies and Terraform
//! role-assumption settings.

pub mod external_id;
pub mod reason;
