//! TL6xx: AWS shared config and credentials files (profiles).

pub mod invalid_credential_source;
pub mod invalid_mfa_serial;
pub mod long_term_keys_in_tree;
pub mod source_profile_chain;
pub mod source_profile_conflict;
