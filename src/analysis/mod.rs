//! Reasoning over the model: trust acceptance, role access, IAM request evaluation, external id
//! analysis and the pattern automata under them. Reads `model`, `aws` and `catalog`; never
//! parses input and never decides findings (that is `rules`).

pub mod access;
pub mod condition_keys;
pub use trust::deny;
pub mod external_id;
pub mod github_subject;
pub mod graph;
pub mod integration_caller;
pub mod reason;
pub mod request;
pub mod trust;
