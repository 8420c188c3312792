//! TL1xx: who may assume the role.

pub mod cross_account_without_condition;
pub mod external_id_if_exists;
pub mod invalid_service_principal;
pub mod missing_external_id;
pub mod missing_tag_session;
pub mod not_principal;
pub mod oidc_missing_subject;
pub mod principal_environment_mismatch;
pub mod read_write_scope;
pub mod service_principal_without_source;
pub mod set_operator_on_single_valued_key;
pub mod trust_action_wildcard;
pub mod unsatisfiable_trust_statement;
pub mod wildcard_external_id;
pub mod wildcard_in_exact_match;
pub mod wildcard_principal;
