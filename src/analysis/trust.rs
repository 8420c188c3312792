//! Shared trust-policy analysis: who a statement trusts, and which values of a condition key
//! it accepts, as a language (so rules reason over patterns instead of guessing from keys).

use std::sync::OnceLock;

use crate::analysis::external_id::Grammar;
use crate::analysis::reason::{Lang, PatternKind, VarMode};
use crate::aws::arn;
use crate::aws::spacelift::{SpaceliftEnvironment, spacelift_environment_of};
use crate::catalog::catalog;
use crate::config::Settings;
use crate::model::terraform::ExternalIdTemplate;
use crate::model::{BaseOp, Condition, HoleKind, Part, Policy, SetQualifier, Shape, Statement, Unit, Value};

pub const EXTERNAL_ID: &str = "sts:ExternalId";

/// The Spacelift grammar with the defaults of docs/facts.md ("Spacelift"), built once. `None` only if the
/// built-in grammar failed to compile (its own tests build it), and rules then stay silent.
pub fn grammar() -> Option<&'static Grammar> {
    static GRAMMAR: OnceLock<Option<Grammar>> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::spacelift().ok()).as_ref()
}

/// Who an `AWS` principal value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    Spacelift {
        account: String,
        environment: SpaceliftEnvironment,
    },
    Vendor {
        account: String,
        name: &'static str,
    },
    /// Any other account (the user's own, or unknown).
    Account {
        account: String,
    },
}

impl Trusted {
    pub fn account(&self) -> &str {
        match self {
            Trusted::Spacelift { account, .. }
            | Trusted::Vendor { account, .. }
            | Trusted::Account { account } => account,
        }
    }

    /// "Spacelift (324880187172)", "Datadog (464622532012)".
    pub fn describe(&self) -> String {
        match self {
            Trusted::Spacelift { account, .. } => format!("Spacelift ({account})"),
            Trusted::Vendor { account, name } => format!("{name} ({account})"),
            Trusted::Account { account } => format!("account {account}"),
        }
    }

    pub fn is_spacelift(&self) -> bool {
        matches!(self, Trusted::Spacelift { .. })
    }
}

pub fn classify_account(account: &str) -> Trusted {
    if let Some(environment) = spacelift_environment_of(account) {
        Trusted::Spacelift { account: account.to_string(), environment }
    } else if let Some(name) = catalog().known_vendor(account) {
        Trusted::Vendor { account: account.to_string(), name }
    } else {
        Trusted::Account { account: account.to_string() }
    }
}

/// Every known `AWS` principal of a statement with the account it names.
pub fn aws_principals(st: &Statement) -> Vec<(&Value, Trusted)> {
    let Some(p) = &st.principal else { return Vec::new() };
    p.values_of("AWS")
        .filter_map(|v| {
            let text = v.as_str()?;
            let account = arn::principal_account(text)?;
            Some((v, classify_account(account)))
        })
        .collect()
}

/// Does the statement trust a Spacelift account?
pub fn spacelift_principals(st: &Statement) -> Vec<(&Value, Trusted)> {
    aws_principals(st).into_iter().filter(|(_, t)| t.is_spacelift()).collect()
}

/// The statement allows `sts:AssumeRole` itself (not only web identity or SAML).
pub fn allows_assume_role(st: &Statement) -> bool {
    st.is_allow() && st.actions().any(|(a, _)| crate::model::action_matches(a, "sts:AssumeRole"))
}

/// A condition that makes the key mandatory: a positive string match without `IfExists` or
/// `ForAllValues:` (both of which pass when the key is absent).
pub fn requires_presence(c: &Condition) -> bool {
    matches!(
        c.operator.base,
        Some(
            BaseOp::StringEquals
                | BaseOp::StringLike
                | BaseOp::StringEqualsIgnoreCase
                | BaseOp::ArnEquals
                | BaseOp::ArnLike
        )
    ) && !c.operator.if_exists
        && c.operator.qualifier != Some(SetQualifier::ForAllValues)
}

/// What the conditions of one statement say about one key.
#[derive(Clone)]
pub struct KeyConstraint<'a> {
    /// Values that satisfy every condition on the key when the key is present.
    pub lang: Lang,
    /// Some condition fails when the key is absent.
    pub required: bool,
    pub conditions: Vec<&'a Condition>,
}

impl KeyConstraint<'_> {
    /// Some value is a Terraform string with unknown holes (its language assumes any string
    /// there): fine for "may it accept X", not for "it accepts everything".
    pub fn has_holes(&self) -> bool {
        self.conditions.iter().any(|c| c.values.items.iter().any(|v| v.shape.is_some()))
    }

    /// The holes' expressions, for messages (`var.account`, ...).
    pub fn holes(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for v in self.conditions.iter().flat_map(|c| &c.values.items) {
            for h in v.shape.iter().flat_map(|s| s.holes()) {
                if !out.contains(&h.what.as_str()) {
                    out.push(&h.what);
                }
            }
        }
        out
    }
}

fn pattern_kind(op: BaseOp) -> Option<(PatternKind, bool)> {
    Some(match op {
        BaseOp::StringEquals => (PatternKind::Equals, false),
        BaseOp::StringNotEquals => (PatternKind::Equals, true),
        BaseOp::StringEqualsIgnoreCase => (PatternKind::EqualsIgnoreCase, false),
        BaseOp::StringNotEqualsIgnoreCase => (PatternKind::EqualsIgnoreCase, true),
        BaseOp::StringLike => (PatternKind::Like, false),
        BaseOp::StringNotLike => (PatternKind::Like, true),
        BaseOp::ArnEquals => (PatternKind::ArnEquals, false),
        BaseOp::ArnNotEquals => (PatternKind::ArnEquals, true),
        BaseOp::ArnLike => (PatternKind::ArnLike, false),
        BaseOp::ArnNotLike => (PatternKind::ArnLike, true),
        _ => return None,
    })
}

/// The language of one value: the literal/pattern, or for a Terraform value the
/// `spacelift_aws_integration_attachment_external_id` computes, its shape (unknown parts are
/// any valid part).
pub fn value_lang(unit: &Unit, kind: PatternKind, value: &Value, vars: VarMode) -> Option<Lang> {
    match (value.as_str(), &value.shape) {
        (Some(text), _) => Lang::pattern(kind, text, vars).ok(),
        (None, Some(shape)) => shape_lang(kind, shape, vars),
        (None, None) => unit.external_id_template_at(value.span).and_then(template_lang),
    }
}

/// `[^@]*` except the string `read`.
const ANY_PART_BUT_READ: &str = "(?:|[^@r][^@]*|r(?:|[^@e][^@]*|e(?:|[^@a][^@]*|a(?:|[^@d][^@]*|d[^@]+))))";

/// A Terraform value with unknown holes: the strings it can become. A hole is one part of an
/// id (no `@`; a 12-digit account where the context says it is one) and never exactly `read`,
/// so that an answer such as "accepts `@read` ids" never rests on guessing what the hole is.
pub fn shape_lang(kind: PatternKind, shape: &Shape, vars: VarMode) -> Option<Lang> {
    let parts: Vec<(Option<&str>, &str)> = shape
        .parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => (None, t.as_str()),
            Part::Hole(h) => (
                Some(match h.kind {
                    HoleKind::Any => ANY_PART_BUT_READ,
                    HoleKind::AccountId => "[0-9]{12}",
                }),
                "",
            ),
        })
        .collect();
    Lang::pattern_with_holes(kind, &parts, vars).ok()
}

/// `<account>@<integration>@<stack>@<phase>` with the unknown parts as their grammar.
pub fn template_lang(t: &ExternalIdTemplate) -> Option<Lang> {
    let cfg = grammar()?.config();
    let part = |known: &Option<String>, rule: &str| match known {
        Some(k) => crate::analysis::reason::escape(k),
        None => format!("(?:{rule})"),
    };
    let stack = t.stack.as_ref()?;
    let phase = match t.phase {
        Some(p) => p.as_str().to_string(),
        None => "(?:read|write)".to_string(),
    };
    let regex = format!(
        "{}@{}@{}@{}",
        part(&t.account, &cfg.account),
        part(&t.integration_id, &cfg.integration_id),
        crate::analysis::reason::escape(stack),
        phase
    );
    Lang::regex(&regex).ok()
}

/// The constraint the statement's conditions put on `key`; `None` when it cannot be decided
/// (unknown values, operators that are not string matches): rules then stay silent.
pub fn key_constraint<'a>(
    unit: &Unit,
    policy: &Policy,
    st: &'a Statement,
    key: &'a str,
) -> Option<KeyConstraint<'a>> {
    let vars = if policy.variables_enabled() { VarMode::AnyValue } else { VarMode::Literal };
    let conditions: Vec<&Condition> = st.conditions_on(key).collect();
    let mut langs = Vec::new();
    let mut required = false;
    for c in &conditions {
        let base = c.operator.base?;
        if base == BaseOp::Null {
            // `Null: false` requires presence; `Null: true` requires absence.
            match c.values.items.first().and_then(|v| v.as_str()) {
                Some("false") => required = true,
                Some("true") => langs.push(Lang::nothing()),
                _ => return None,
            }
            continue;
        }
        let (kind, negated) = pattern_kind(base)?;
        let texts: Option<Vec<&str>> = c.values.items.iter().map(|v| v.as_str()).collect();
        let union = match texts {
            // All literal: one automaton for the whole list.
            Some(texts) => Lang::patterns(kind, &texts, vars).ok()?,
            None => {
                let mut values = Vec::new();
                for v in &c.values.items {
                    values.push(value_lang(unit, kind, v, vars)?);
                }
                Lang::union(values)
            }
        };
        langs.push(if negated { union.complement() } else { union });
        required |= requires_presence(c);
    }
    Some(KeyConstraint { lang: Lang::intersection(langs), required, conditions })
}

/// Trust statements of a policy that let a Spacelift principal call `sts:AssumeRole`.
pub fn spacelift_assume_statements(policy: &Policy) -> impl Iterator<Item = &Statement> {
    policy.statements.iter().filter(|st| allows_assume_role(st) && !spacelift_principals(st).is_empty())
}

/// The settings' Spacelift account, when configured.
pub fn configured_account(settings: &Settings) -> Option<&str> {
    settings.spacelift_account.as_deref().filter(|a| !a.is_empty())
}

/// Whether some statement's external id conditions accept an id of `ids`.
pub enum Acceptance<'a> {
    Accepted,
    /// A statement has unknown parts or undecidable conditions: rules stay silent.
    Undecided,
    /// No statement accepts; the conditions that refused (empty: no statement to ask).
    Rejected(Vec<&'a Condition>),
}

/// Asks each statement (an accepting one wins over an undecided one).
pub fn accepts_external_id<'a>(
    unit: &Unit,
    policy: &Policy,
    statements: impl Iterator<Item = &'a Statement>,
    ids: &Lang,
) -> Acceptance<'a> {
    let mut undecided = false;
    let mut refused = Vec::new();
    for st in statements {
        if st.partial {
            undecided = true;
            continue;
        }
        match key_constraint(unit, policy, st, EXTERNAL_ID) {
            None => undecided = true,
            Some(kc) => match kc.lang.and(ids).is_empty() {
                Ok(false) => return Acceptance::Accepted,
                Ok(true) => refused.extend(kc.conditions),
                Err(_) => undecided = true,
            },
        }
    }
    if undecided { Acceptance::Undecided } else { Acceptance::Rejected(refused) }
}
