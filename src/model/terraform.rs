//! Terraform role-assumption settings and Spacelift wiring, as read from a module or a plan.

pub use crate::aws::spacelift::Phase;
use crate::model::Value;
use crate::source::{SourceId, Span};

/// Where an assume-role setting lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssumeOrigin {
    /// `provider "aws" { assume_role { } }`; `alias` when the provider has one.
    Provider { alias: Option<String> },
    /// `provider "aws" { assume_role_with_web_identity { } }`.
    ProviderWebIdentity { alias: Option<String> },
    /// `terraform { backend "s3" { assume_role = { } } }` or the older top-level keys.
    Backend,
    /// A profile of an AWS shared config file with `role_arn`; `chained` when its
    /// `source_profile` itself assumes a role (role chaining).
    Profile { name: String, chained: bool },
}

impl AssumeOrigin {
    pub fn describe(&self) -> String {
        match self {
            AssumeOrigin::Provider { alias: Some(a) } => format!("provider \"aws\" (alias {a}) assume_role"),
            AssumeOrigin::Provider { alias: None } => "provider \"aws\" assume_role".into(),
            AssumeOrigin::ProviderWebIdentity { alias: Some(a) } => {
                format!("provider \"aws\" (alias {a}) assume_role_with_web_identity")
            }
            AssumeOrigin::ProviderWebIdentity { alias: None } => {
                "provider \"aws\" assume_role_with_web_identity".into()
            }
            AssumeOrigin::Backend => "backend \"s3\" assume_role".into(),
            AssumeOrigin::Profile { name, .. } => format!("profile {name}"),
        }
    }
}

/// One `assume_role` setting. Every field keeps its span; unknown values have `text: None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleConfig {
    pub origin: AssumeOrigin,
    /// The whole block or object.
    pub span: Span,
    pub role_arn: Option<Value>,
    pub external_id: Option<Value>,
    pub session_name: Option<Value>,
    pub source_identity: Option<Value>,
    /// Go duration string (`1h`); the older `duration_seconds` is converted to `<n>s`.
    pub duration: Option<Value>,
    pub policy_arns: Vec<Value>,
    /// Index into the unit's `policies` of the session policy, when one is given.
    pub policy: Option<usize>,
    /// Session tags (`tags`), when set.
    pub tags: Option<SessionTags>,
    /// `transitive_tag_keys` as written.
    pub transitive_tag_keys: Vec<Value>,
}

/// The `tags` map of an `assume_role` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTags {
    pub span: Span,
    /// The tag keys, when the map is known; `None` when it is an unknown value.
    pub keys: Option<Vec<String>>,
}

/// Hard-coded credentials and credential-chain switches of a provider or backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderCreds {
    /// `provider "aws"` (with alias) or `backend "s3"`.
    pub origin: String,
    pub span: Span,
    pub access_key: Option<Value>,
    pub secret_key: Option<Value>,
    pub token: Option<Value>,
    /// `skip_metadata_api_check` as written (`true` / `false`), when set.
    pub skip_metadata_api_check: Option<Value>,
}

/// `spacelift_aws_integration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceliftIntegration {
    pub address: String,
    /// Resource label (`spacelift_aws_integration.<label>`).
    pub label: String,
    pub span: Span,
    pub name: Option<Value>,
    pub role_arn: Option<Value>,
    /// Index of the `aws_iam_role` of this module that `role_arn` references, when known.
    pub role: Option<usize>,
    pub generate_credentials_in_worker: Option<Value>,
    pub external_id: Option<Value>,
    pub duration_seconds: Option<Value>,
    pub region: Option<Value>,
    pub tag_assume_role: Option<Value>,
    /// `count`/`for_each` present: one block stands for several integrations.
    pub repeated: bool,
}

/// A boolean setting: `Some(b)` when known, `None` when unknown.
pub type KnownBool = Option<bool>;

/// What a stack attachment (or the external-id data source) names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceliftAttachment {
    pub address: String,
    pub span: Span,
    /// True for data `spacelift_aws_integration_attachment_external_id`.
    pub is_external_id_source: bool,
    pub integration_id: Option<Value>,
    /// Index into `SpaceliftConfig::integrations` when `integration_id` references one.
    pub integration: Option<usize>,
    pub stack_id: Option<Value>,
    pub module_id: Option<Value>,
    /// Default true.
    pub read: KnownBool,
    pub write: KnownBool,
    pub read_span: Option<Span>,
    pub write_span: Option<Span>,
    pub repeated: bool,
}

impl SpaceliftAttachment {
    /// The stack slug or module id, if written literally.
    pub fn target(&self) -> Option<&Value> {
        self.stack_id.as_ref().or(self.module_id.as_ref())
    }
}

/// A deprecated `spacelift_aws_role` / `spacelift_stack_aws_role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceliftLegacyRole {
    pub address: String,
    pub resource_type: String,
    pub span: Span,
    pub role_arn: Option<Value>,
}

/// The shape of an external id Spacelift generates when its exact text is unknown (usually the
/// integration id is only known after apply): `<account>@<integration>@<stack>@<phase>`.
/// Attached to the unknown condition value whose span is `span` (see [`Unit::external_id_template_at`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIdTemplate {
    pub span: Span,
    /// Spacelift account name (literal or from `spacelift.account`); `None` = any valid name.
    pub account: Option<String>,
    /// `None` = any valid ULID.
    pub integration_id: Option<String>,
    /// Stack slug or module id; `None` = unknown.
    pub stack: Option<String>,
    /// `None` when `write` is unknown.
    pub phase: Option<Phase>,
    /// The data source this came from.
    pub source: String,
}

/// All Spacelift resources of a module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpaceliftConfig {
    pub integrations: Vec<SpaceliftIntegration>,
    pub attachments: Vec<SpaceliftAttachment>,
    pub legacy_roles: Vec<SpaceliftLegacyRole>,
}

/// `# trustlint:ignore TL101 reason` above a block or attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The comment itself.
    pub span: Span,
    pub src: SourceId,
    /// Codes, names or prefixes.
    pub codes: Vec<String>,
    pub reason: Option<String>,
    /// 1-based inclusive line range covered (the block or attribute below the comment); `None`
    /// when nothing follows the comment.
    pub lines: Option<(usize, usize)>,
}

/// A variable whose default (not tfvars, `--var` or a module argument) gave a value the module
/// used: findings that depend on it say so ("with the default of var.x").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DefaultOrigin {
    /// `var.x`, or `var.x of module.m` in a child module.
    pub variable: String,
    /// The default is `null`: an optional input left unset.
    pub unset: bool,
}

/// Where a value decided by a variable's default was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultUse {
    pub span: Span,
    pub origin: DefaultOrigin,
    /// `span` is a block the default decided the shape of (a `dynamic` block's `for_each`):
    /// findings inside it depend on it. Otherwise `span` is an expression, and findings whose
    /// span holds it depend on it.
    pub scope: bool,
    /// The module instance that used it (`module.x`, empty for the root): one child file
    /// serves every call, and only findings of this instance depend on it.
    pub within: String,
}

/// A value Terraform rejects for an attribute's type (a list inside `identifiers`, an object
/// for `assume_role_policy`): `terraform plan` fails on it (TL406). The policy is still linted,
/// with this value unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    pub span: Span,
    /// The attribute as written (`identifiers`).
    pub attribute: String,
    /// The type Terraform expects, in words (`a set of strings`).
    pub expected: &'static str,
    /// What was found, in words (`a list of lists`).
    pub found: String,
    pub help: &'static str,
}
