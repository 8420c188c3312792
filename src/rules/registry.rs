//! Every built-in rule, in code order. Adding a rule: write its file, then list it here.

use crate::rules::Rule;
use crate::rules::grammar::*;
use crate::rules::permissions::*;

pub fn builtin() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(parse_error::ParseError),
        Box::new(invalid_policy_version::InvalidPolicyVersion),
        Box::new(unknown_policy_element::UnknownPolicyElement),
        Box::new(invalid_effect::InvalidEffect),
        Box::new(conflicting_elements::ConflictingElements),
        Box::new(misplaced_resource_or_principal::MisplacedResourceOrPrincipal),
        Box::new(invalid_arn::InvalidArn),
        Box::new(unknown_condition_operator::UnknownConditionOperator),
        Box::new(policy_size_limit::PolicySizeLimit),
        Box::new(invalid_sid::InvalidSid),
        Box::new(duplicate_json_key::DuplicateJsonKey),
        Box::new(admin_wildcard::AdminWildcard),
        Box::new(service_wildcard::ServiceWildcard),
        Box::new(unknown_action::UnknownAction),
        Box::new(unknown_service::UnknownService),
        Box::new(privilege_escalation::PrivilegeEscalation),
    ]
}

/// Does a `--select`/`--ignore` entry (code, name, code prefix, or `ALL`) match this rule?
pub fn selector_matches(code: &str, name: &str, selector: &str) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || s.eq_ignore_ascii_case(name)
        || (!s.is_empty() && code.to_ascii_uppercase().starts_with(&s.to_ascii_uppercase()))
}

/// Is a selector meaningful at all (matches some rule)? Unknown selectors are usage errors.
pub fn selector_known(rules: &[Box<dyn Rule>], selector: &str) -> bool {
    rules.iter().any(|r| selector_matches(r.meta().code, r.meta().name, selector))
}
