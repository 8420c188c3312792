//! TL2xx: the Spacelift external id grammar.

pub mod common;
pub mod external_id_account_mismatch;
pub mod external_id_any_stack;
pub mod external_id_charset;
pub mod external_id_grammar;
pub mod legacy_external_id;
