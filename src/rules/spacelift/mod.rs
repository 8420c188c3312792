//! TL5xx: Spacelift AWS integration wiring across the resources of one module.

pub mod custom_external_id_without_worker;
pub mod integration_duration;
pub mod legacy_aws_role;
pub mod too_many_integrations;
pub mod trust_rejects_attachment;
