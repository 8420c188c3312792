//! TL0xx: IAM would reject the document, or it does not mean what it seems.

pub mod conflicting_elements;
pub mod duplicate_json_key;
pub mod invalid_arn;
pub mod invalid_effect;
pub mod invalid_policy_version;
pub mod invalid_sid;
pub mod misplaced_resource_or_principal;
pub mod parse_error;
pub mod policy_size_limit;
pub mod unknown_condition_operator;
pub mod unknown_policy_element;
pub mod unused_suppression;
