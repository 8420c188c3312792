//! trustlint: static analysis of AWS IAM trust policies, permission policies and Terraform
//! role-assumption settings.
//!
//! The library entry point is [`check`]: paths in, a [`Report`] of findings out.

pub mod analysis;
pub mod aws;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod declarative;
pub mod diagnostic;
pub mod discover;
pub mod finding_store;
pub mod fixer;
pub mod fuzz;
pub mod input;
pub mod load;
pub mod model;
pub mod report;
pub mod rules;
pub mod server;
pub mod simulate;
pub mod source;
pub mod wildcard;

mod engine;

pub use engine::{
    CheckOptions, Progress, ProgressEvent, Report, RuleSet, StdinInput, check, input_options, lint_text,
    rule_set, selected,
};

use std::path::PathBuf;

/// Errors that stop a run (exit status 2). A file that fails to parse is not one: it is a
/// TL001 finding and the run goes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Path { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Rules(#[from] declarative::DeclarativeError),
    #[error(
        "unknown rule selector `{0}` (expected a code like TL101, a name like missing-external-id, or a prefix like TL1)"
    )]
    Selector(String),
    #[error("{0}")]
    Usage(String),
    /// Writing the report failed (a closed pipe is not an error: see `commands::fail`).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
