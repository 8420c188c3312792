//! The one model every input format is turned into. Rules read only this.

pub mod aws_config;
pub mod operator;
pub mod policy;
pub mod terraform;

pub use operator::{BaseOp, Operator, SetQualifier};
pub use policy::{
    Condition, DuplicateKey, Effect, EffectValue, Hole, HoleKind, Malformed, Part, Policy, PolicyKind,
    PolicyQuota, Principal, PrincipalEntry, Shape, Statement, Value, ValueList, action_matches,
    is_assume_action,
};

use crate::source::{SourceId, Span};

/// What a role's permissions allow, as far as trustlint can tell (feeds TL111).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAccess {
    pub can_write: bool,
    /// Why: `AdministratorAccess is attached`, `allows s3:PutObject (Write)`, `--role-access`.
    pub evidence: String,
}

/// A role: its trust policy, its permissions, and where it is defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    /// Terraform address or `role/<name>` in an authorization-details dump.
    pub subject: String,
    pub span: Span,
    pub arn: Option<String>,
    /// Index into the unit's `policies`.
    pub trust: Option<usize>,
    pub permissions: Vec<usize>,
    /// Attached managed policy ARNs as written that are not resolved into `permissions`
    /// (AWS managed policies, read through the catalog; customer managed policies whose document
    /// is not available make the role's access unknown).
    pub managed_policies: Vec<Value>,
    /// Filled by the role-access analysis (`analysis/access.rs`) after parsing (unless the input already set it, e.g.
    /// `--role-access`); `None` when undecidable.
    pub access: Option<RoleAccess>,
    /// Integration settings that require `sts:TagSession` (TL113), when known.
    pub tag_session_required: Option<Span>,
    /// The longest session the role grants (`MaxSessionDuration`), when known.
    pub session_limit: Option<SessionLimit>,
}

/// A role's `MaxSessionDuration` in seconds, and where it is written (`None`: Terraform's
/// default of 3600 for an `aws_iam_role` without `max_session_duration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimit {
    pub secs: u32,
    pub span: Option<Span>,
}

/// A file could not be parsed: becomes TL001 at `span`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub span: Span,
    pub message: String,
    /// What the file was taken for (`policy JSON`, `Terraform`, ...).
    pub what: &'static str,
}

/// A file could not be read or is not UTF-8 (unreadable, vanished, too large, UTF-16, a byte
/// order mark, invalid bytes): becomes TL001 at `span`, with its own message and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    pub span: Span,
    pub message: String,
    pub label: &'static str,
    pub help: &'static str,
}

/// One unit of analysis: a JSON file, or a Terraform module (a directory). Rules run per unit,
/// in parallel across units.
#[derive(Debug, Clone, Default)]
pub struct Unit {
    pub name: String,
    pub sources: Vec<SourceId>,
    pub policies: Vec<Policy>,
    pub roles: Vec<Role>,
    pub parse_failures: Vec<ParseFailure>,
    pub read_failures: Vec<ReadFailure>,
    /// Terraform provider/backend `assume_role` settings.
    pub assume_roles: Vec<terraform::AssumeRoleConfig>,
    /// Credentials written into provider/backend blocks.
    pub provider_creds: Vec<terraform::ProviderCreds>,
    pub spacelift: terraform::SpaceliftConfig,
    /// Shapes of Spacelift-generated external ids whose text is unknown, keyed by the span of the
    /// unknown condition value.
    pub external_id_templates: Vec<terraform::ExternalIdTemplate>,
    /// Inline `# trustlint:ignore` comments.
    pub suppressions: Vec<terraform::Suppression>,
    /// Places that hold a policy whose document is not known statically (not linted).
    pub unread_policies: Vec<UnreadPolicy>,
    /// Files the module renders with `templatefile()`: templates, not documents of their own.
    pub template_files: Vec<std::path::PathBuf>,
    /// Sections of AWS shared config and credentials files.
    pub aws_profiles: aws_config::AwsProfiles,
    /// The unit records what was deployed or planned (a Terraform plan, an
    /// authorization-details dump): editing it changes nothing, so its findings carry no fix.
    pub recorded: bool,
    /// IAM users of authorization-details dumps (callers in the role graph).
    pub users: Vec<User>,
    /// Where values that a Terraform variable's default decided were used (for messages).
    pub defaults: Vec<terraform::DefaultUse>,
    /// Terraform values of the wrong type for their attribute (TL406).
    pub type_errors: Vec<terraform::TypeError>,
}

/// An IAM user: a caller with identity policies (its own and its groups' inline policies) and
/// no trust policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    /// `user/<name>`.
    pub subject: String,
    pub span: Span,
    pub arn: Option<String>,
    /// Indexes into the unit's `policies`.
    pub permissions: Vec<usize>,
    /// Attached managed policy ARNs (their documents are not read for users).
    pub managed_policies: Vec<Value>,
}

/// A policy place (a Terraform attribute that holds a policy) whose value is unknown, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadPolicy {
    pub subject: String,
    pub span: Span,
    /// The first unresolved part, e.g. `var.policy (input variable without a default)`.
    pub reason: String,
}

impl Unit {
    /// Keeps what the rules on the whole run read (the role graph: roles, users, policies,
    /// settings, Spacelift resources, suppressions) without spare capacity, and gives back what
    /// only the unit's own rules read: a unit in the graph is held until the end of the run.
    pub fn shrink_for_run(&mut self) {
        self.parse_failures = Vec::new();
        self.read_failures = Vec::new();
        self.provider_creds = Vec::new();
        self.external_id_templates = Vec::new();
        self.unread_policies = Vec::new();
        self.defaults = Vec::new();
        self.type_errors = Vec::new();
        self.policies.shrink_to_fit();
        for p in &mut self.policies {
            // The document's text is for size quotas and charset checks, the unit's own rules.
            p.text = None;
            p.shrink_to_fit();
        }
        self.roles.shrink_to_fit();
        self.users.shrink_to_fit();
        self.assume_roles.shrink_to_fit();
        self.sources.shrink_to_fit();
    }

    /// Drops the statements of identity policies that the role graph never reads (most of a
    /// permission policy's), keeping every statement of a trust policy, which the run's rules
    /// read whole.
    pub fn keep_identity_statements(&mut self, reads: impl Fn(&Statement) -> bool) {
        let mut trust = vec![false; self.policies.len()];
        for t in self.roles.iter().filter_map(|r| r.trust) {
            if let Some(slot) = trust.get_mut(t) {
                *slot = true;
            }
        }
        for (p, is_trust) in self.policies.iter_mut().zip(trust) {
            if !is_trust {
                p.statements.retain(&reads);
            }
        }
    }

    pub fn role_of(&self, policy: &Policy) -> Option<&Role> {
        policy.role.and_then(|i| self.roles.get(i))
    }

    /// The Spacelift external-id shape recorded for an unknown value at `span`, if any.
    pub fn external_id_template_at(&self, span: Span) -> Option<&terraform::ExternalIdTemplate> {
        self.external_id_templates.iter().find(|t| t.span == span)
    }
}
