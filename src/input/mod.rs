//! Input formats. Each turns files into [`crate::model::Unit`]s of the one model.

pub mod auth_details;
pub mod aws_config;
pub mod json;
pub mod policy;
pub mod terraform;
pub mod tree;
