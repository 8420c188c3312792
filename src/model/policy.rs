//! The spanned policy model every input format produces and every rule reads.

use crate::model::operator::Operator;
use crate::source::Span;

/// A scalar as written. `text` is `None` when the value is unknown statically (an unresolved
/// Terraform expression); rules stay silent on unknowns. A partly known string (a Terraform
/// template with unknown holes) has no text but a `shape`, which reasoning about patterns may
/// use (a hole is any string of its kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub text: Option<String>,
    pub span: Span,
    pub shape: Option<Box<Shape>>,
}

/// A string whose parts are known text or unknown holes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Hole(Hole),
}

/// An unknown part of a string: what it was written as, and what it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hole {
    /// The expression, as written (`var.account_id`).
    pub what: String,
    pub kind: HoleKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoleKind {
    /// Any string.
    Any,
    /// A 12-digit AWS account id (the account field of an ARN, `aws_caller_identity`).
    AccountId,
}

impl Shape {
    /// The holes, by what they were written as (for messages).
    pub fn holes(&self) -> impl Iterator<Item = &Hole> {
        self.parts.iter().filter_map(|p| match p {
            Part::Hole(h) => Some(h),
            Part::Text(_) => None,
        })
    }
}

impl Value {
    pub fn known(text: impl Into<String>, span: Span) -> Self {
        Value { text: Some(text.into()), span, shape: None }
    }

    pub fn unknown(span: Span) -> Self {
        Value { text: None, span, shape: None }
    }

    /// A string with unknown holes.
    pub fn partial(shape: Shape, span: Span) -> Self {
        Value { text: None, span, shape: Some(Box::new(shape)) }
    }

    pub fn as_str(&self) -> Option<&str> {
        self.text.as_deref()
    }
}

/// IAM lets most elements be a string or an array of strings; both become a list, and every
/// element keeps its own span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueList {
    pub span: Span,
    pub items: Vec<Value>,
    /// Some elements (or the whole list) could not be resolved.
    pub partial: bool,
}

impl ValueList {
    pub fn new(span: Span) -> Self {
        ValueList { span, items: Vec::new(), partial: false }
    }

    pub fn known(&self) -> impl Iterator<Item = (&str, Span)> {
        self.items.iter().filter_map(|v| v.as_str().map(|s| (s, v.span)))
    }

    pub fn is_fully_known(&self) -> bool {
        !self.partial && self.items.iter().all(|v| v.text.is_some())
    }

    /// Nothing of the value is known (a Terraform expression that may as well be null, which
    /// leaves the element out): whether the element is there at all is unknown.
    pub fn nothing_known(&self) -> bool {
        self.partial && self.items.iter().all(|v| v.text.is_none())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Effect` as written: `kind` is `None` for anything other than `Allow`/`Deny`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectValue {
    pub value: Value,
    pub kind: Option<Effect>,
}

/// One entry of a principal object: `"AWS": [...]`, `"Service": ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    /// `AWS`, `Service`, `Federated`, `CanonicalUser` (or whatever was written).
    pub kind: Value,
    pub values: ValueList,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub span: Span,
    /// The bare `"*"` form.
    pub wildcard: bool,
    pub entries: Vec<PrincipalEntry>,
    pub partial: bool,
}

impl Principal {
    /// Nothing of the principal is known (a `dynamic "principals"` block over an unknown
    /// collection, which may be empty): whether the element is there at all is unknown.
    pub fn nothing_known(&self) -> bool {
        self.partial
            && !self.wildcard
            && self.entries.iter().all(|e| e.kind.text.is_none() && e.values.nothing_known())
    }

    /// Values under entries of the given kind (`AWS`, `Service`, ...), case-sensitive as IAM.
    pub fn values_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.entries.iter().filter(move |e| e.kind.as_str() == Some(kind)).flat_map(|e| e.values.items.iter())
    }

    /// `"*"` or `{"AWS": "*"}`: anyone.
    pub fn is_anyone(&self) -> bool {
        self.wildcard || self.values_of("AWS").any(|v| v.as_str() == Some("*"))
    }
}

/// One operator + key + values of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: Operator,
    pub operator_span: Span,
    pub key: Value,
    pub values: ValueList,
}

impl Condition {
    pub fn key_is(&self, key: &str) -> bool {
        self.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key))
    }

    pub fn span(&self) -> Span {
        self.operator_span.to(self.values.span)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub span: Span,
    pub index: usize,
    pub sid: Option<Value>,
    pub effect: Option<EffectValue>,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    pub action: Option<ValueList>,
    pub not_action: Option<ValueList>,
    pub resource: Option<ValueList>,
    pub not_resource: Option<ValueList>,
    pub conditions: Vec<Condition>,
    pub condition_span: Option<Span>,
    /// Keys IAM does not know (`Actions`, `principal`), with their spans.
    pub unknown_keys: Vec<Value>,
    /// The statement has parts that could not be resolved statically.
    pub partial: bool,
}

impl Statement {
    pub fn new(span: Span, index: usize) -> Self {
        Statement {
            span,
            index,
            sid: None,
            effect: None,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            conditions: Vec::new(),
            condition_span: None,
            unknown_keys: Vec::new(),
            partial: false,
        }
    }

    pub fn is_allow(&self) -> bool {
        matches!(self.effect, Some(EffectValue { kind: Some(Effect::Allow), .. }))
    }

    pub fn is_deny(&self) -> bool {
        matches!(self.effect, Some(EffectValue { kind: Some(Effect::Deny), .. }))
    }

    /// Known action strings of `Action` (not `NotAction`).
    pub fn actions(&self) -> impl Iterator<Item = (&str, Span)> {
        self.action.iter().flat_map(|l| l.known())
    }

    /// Does `Action` name an `sts:Assume*` action (or a wildcard covering one)?
    pub fn allows_assume(&self) -> bool {
        self.actions().any(|(a, _)| is_assume_action(a))
    }

    pub fn conditions_on<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Condition> + 'a {
        self.conditions.iter().filter(move |c| c.key_is(key))
    }

    /// A label for messages: `statement "Sid"` or `statement 2`.
    pub fn label(&self) -> String {
        match self.sid.as_ref().and_then(|s| s.as_str()) {
            Some(sid) if !sid.is_empty() => format!("statement \"{sid}\""),
            _ => format!("statement {}", self.index + 1),
        }
    }
}

/// Does the action pattern written in a policy (`s3:Get*`, `*`) cover `action`? IAM matches
/// actions case-insensitively.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    crate::wildcard::glob_match(pattern, action)
}

/// `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`, or a wildcard
/// that covers one of them.
pub fn is_assume_action(action: &str) -> bool {
    ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]
        .iter()
        .any(|name| action_matches(action, name))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Trust,
    Permission,
    /// A resource-based policy (bucket, key, queue, topic, repository, secret, Lambda function
    /// policies): `Principal` required, `Resource` allowed.
    Resource,
    /// An AWS Organizations service control policy: no `Principal`; it grants nothing, it only
    /// limits what identity policies may grant.
    ServiceControl,
    Unknown,
}

impl PolicyKind {
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Trust => "trust",
            PolicyKind::Permission => "permission",
            PolicyKind::Resource => "resource",
            PolicyKind::ServiceControl => "service control",
            PolicyKind::Unknown => "unknown",
        }
    }
}

/// Which IAM quota a policy counts against (TL009).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyQuota {
    Trust,
    Managed,
    Inline,
    /// A resource policy: each service has its own size limit (S3 20 KB, KMS 32 KB, ...), so
    /// only the characters are checked.
    Resource,
    /// An SCP: 5,120 characters.
    ServiceControl,
    /// A raw file: the kind decides (trust -> Trust, else Managed).
    Unspecified,
}

/// A key that appears twice in one JSON object (TL011).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    /// The second occurrence.
    pub span: Span,
    pub first: Span,
    /// Occurrences of the key in the object (2 or more).
    pub count: usize,
}

/// An element whose value has the wrong shape (`"Action": 5`): IAM rejects the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The whole document.
    pub span: Span,
    /// Terraform address, role name or JSON path naming the policy, when there is one.
    pub subject: Option<String>,
    pub kind: PolicyKind,
    /// The kind was given (by the user or the input's context) rather than inferred.
    pub kind_explicit: bool,
    pub quota: PolicyQuota,
    pub version: Option<Value>,
    pub id: Option<Value>,
    pub statements: Vec<Statement>,
    /// Where `Statement` itself is (for findings about the whole list).
    pub statement_span: Option<Span>,
    pub unknown_keys: Vec<Value>,
    pub duplicate_keys: Vec<DuplicateKey>,
    pub malformed: Vec<Malformed>,
    /// The document's text when it is known exactly (for size quotas and charset checks).
    pub text: Option<String>,
    /// Index of the role this policy belongs to in the unit's `roles`, when known.
    pub role: Option<usize>,
    pub partial: bool,
    /// The policy exists only under a condition (`count = var.create ? 1 : 0`): `aws_iam_role.r
    /// is created`. Findings on it say so.
    pub when: Option<String>,
    /// What the policy is attached to, for messages about resource policies: `bucket policy of
    /// aws_s3_bucket.logs`.
    pub owner: Option<String>,
}

impl ValueList {
    /// Gives back spare capacity (a model kept to the end of a run).
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
    }
}

impl Principal {
    fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
        self.entries.iter_mut().for_each(|e| e.values.shrink_to_fit());
    }
}

impl Statement {
    fn shrink_to_fit(&mut self) {
        for p in [&mut self.principal, &mut self.not_principal].into_iter().flatten() {
            p.shrink_to_fit();
        }
        let lists = [&mut self.action, &mut self.not_action, &mut self.resource, &mut self.not_resource];
        lists.into_iter().flatten().for_each(ValueList::shrink_to_fit);
        self.conditions.shrink_to_fit();
        self.conditions.iter_mut().for_each(|c| c.values.shrink_to_fit());
        self.unknown_keys.shrink_to_fit();
    }
}

impl Policy {
    /// Gives back the spare capacity the readers left in the vectors (a `Vec` of statements
    /// starts at four), for a policy held until the end of the run (the role graph's).
    pub fn shrink_to_fit(&mut self) {
        self.statements.shrink_to_fit();
        self.statements.iter_mut().for_each(Statement::shrink_to_fit);
        self.unknown_keys.shrink_to_fit();
        self.duplicate_keys.shrink_to_fit();
        self.malformed.shrink_to_fit();
        if let Some(t) = self.text.as_mut() {
            t.shrink_to_fit();
        }
    }
}

impl Policy {
    pub fn new(span: Span) -> Self {
        Policy {
            span,
            subject: None,
            kind: PolicyKind::Unknown,
            kind_explicit: false,
            quota: PolicyQuota::Unspecified,
            version: None,
            id: None,
            statements: Vec::new(),
            statement_span: None,
            unknown_keys: Vec::new(),
            duplicate_keys: Vec::new(),
            malformed: Vec::new(),
            text: None,
            role: None,
            partial: false,
            when: None,
            owner: None,
        }
    }

    /// A statement with both `Principal` and `Resource` makes a resource policy (unless every
    /// action is an `sts:` one: that is a trust policy with a misplaced `Resource`); `Principal`
    /// plus an `sts:Assume*` action makes a trust policy.
    pub fn infer_kind(&self) -> PolicyKind {
        let names_principal = |s: &Statement| s.principal.is_some() || s.not_principal.is_some();
        let has_principal = self.statements.iter().any(names_principal);
        let names_resource = |s: &Statement| s.resource.is_some() || s.not_resource.is_some();
        let other_actions = self
            .statements
            .iter()
            .flat_map(|s| s.actions().chain(s.not_action.iter().flat_map(|l| l.known())))
            .any(|(a, _)| !a.to_ascii_lowercase().starts_with("sts:"));
        if other_actions && self.statements.iter().any(|s| names_principal(s) && names_resource(s)) {
            PolicyKind::Resource
        } else if has_principal && self.statements.iter().any(|s| s.allows_assume()) {
            PolicyKind::Trust
        } else if has_principal {
            PolicyKind::Unknown
        } else {
            PolicyKind::Permission
        }
    }

    pub fn is_trust(&self) -> bool {
        self.kind == PolicyKind::Trust
    }

    pub fn is_permission(&self) -> bool {
        self.kind == PolicyKind::Permission
    }

    /// Policy variables are substituted only under `2012-10-17`.
    pub fn variables_enabled(&self) -> bool {
        self.version.as_ref().and_then(|v| v.as_str()) == Some("2012-10-17")
    }
}
