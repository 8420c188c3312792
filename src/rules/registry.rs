//! Every built-in rule, in code order. Adding a rule: write its file, then list it here.

use crate::config::selector::selector_matches;
use crate::rules::Rule;
use crate::rules::external_id::*;
use crate::rules::grammar::*;
use crate::rules::graph::*;
use crate::rules::permissions::*;
use crate::rules::profiles::*;
use crate::rules::spacelift::*;
use crate::rules::terraform::*;
use crate::rules::trust::*;

pub fn builtin() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(unused_suppression::UnusedSuppression),
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
        Box::new(missing_external_id::MissingExternalId),
        Box::new(wildcard_principal::WildcardPrincipal),
        Box::new(external_id_if_exists::ExternalIdIfExists),
        Box::new(wildcard_external_id::WildcardExternalId),
        Box::new(wildcard_in_exact_match::WildcardInExactMatch),
        Box::new(set_operator_on_single_valued_key::SetOperatorOnSingleValuedKey),
        Box::new(not_principal::NotPrincipal),
        Box::new(trust_action_wildcard::TrustActionWildcard),
        Box::new(oidc_missing_subject::OidcMissingSubject),
        Box::new(principal_environment_mismatch::PrincipalEnvironmentMismatch),
        Box::new(read_write_scope::ReadWriteScope),
        Box::new(unsatisfiable_trust_statement::UnsatisfiableTrustStatement),
        Box::new(missing_tag_session::MissingTagSession),
        Box::new(invalid_service_principal::InvalidServicePrincipal),
        Box::new(service_principal_without_source::ServicePrincipalWithoutSource),
        Box::new(cross_account_without_condition::CrossAccountWithoutCondition),
        Box::new(assume_role_any_resource::AssumeRoleAnyResource),
        Box::new(external_id_grammar::ExternalIdGrammar),
        Box::new(legacy_external_id::LegacyExternalId),
        Box::new(external_id_account_mismatch::ExternalIdAccountMismatch),
        Box::new(external_id_any_stack::ExternalIdAnyStack),
        Box::new(external_id_charset::ExternalIdCharset),
        Box::new(admin_wildcard::AdminWildcard),
        Box::new(all_actions_on_resource::AllActionsOnResource),
        Box::new(service_wildcard::ServiceWildcard),
        Box::new(unknown_action::UnknownAction),
        Box::new(unknown_service::UnknownService),
        Box::new(privilege_escalation::PrivilegeEscalation),
        Box::new(assume_role_duration::AssumeRoleDuration),
        Box::new(invalid_session_name::InvalidSessionName),
        Box::new(hardcoded_credentials::HardcodedCredentials),
        Box::new(metadata_api_check_skipped::MetadataApiCheckSkipped),
        Box::new(external_id_rejected_by_trust::ExternalIdRejectedByTrust),
        Box::new(invalid_attribute_type::InvalidAttributeType),
        Box::new(integration_duration::IntegrationDuration),
        Box::new(custom_external_id_without_worker::CustomExternalIdWithoutWorker),
        Box::new(trust_rejects_attachment::TrustRejectsAttachment),
        Box::new(legacy_aws_role::LegacyAwsRole),
        Box::new(too_many_integrations::TooManyIntegrations),
        Box::new(integration_caller_not_trusted::IntegrationCallerNotTrusted),
        Box::new(integration_region::IntegrationRegion),
        Box::new(attachment_without_phase::AttachmentWithoutPhase),
        Box::new(write_attachment_read_only_role::WriteAttachmentReadOnlyRole),
        Box::new(source_profile_chain::SourceProfileChain),
        Box::new(source_profile_conflict::SourceProfileConflict),
        Box::new(invalid_credential_source::InvalidCredentialSource),
        Box::new(invalid_mfa_serial::InvalidMfaSerial),
        Box::new(long_term_keys_in_tree::LongTermKeysInTree),
        Box::new(assume_role_hop_fails::AssumeRoleHopFails),
        Box::new(read_phase_reaches_write::ReadPhaseReachesWrite),
        Box::new(session_duration_above_max::SessionDurationAboveMax),
        Box::new(session_tags_without_tag_session::SessionTagsWithoutTagSession),
    ]
}

/// Is a selector meaningful at all (matches some rule)? Unknown selectors are usage errors.
pub fn selector_known(rules: &[Box<dyn Rule>], selector: &str) -> bool {
    rules.iter().any(|r| selector_matches(r.meta().code, r.meta().name, selector))
}
