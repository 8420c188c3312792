//! TL5xx: Spacelift AWS integration wiring across the resources of one module.

pub mod attachment_without_phase;
pub mod custom_external_id_without_worker;
pub mod integration_caller_not_trusted;
pub mod integration_duration;
pub mod integration_region;
pub mod legacy_aws_role;
pub mod too_many_integrations;
pub mod trust_rejects_attachment;
pub mod write_attachment_read_only_role;
