//! Shared trust-policy analysis: who a statement trusts, and which values of a condition key
//! it accepts, as a language (so rules reason over patterns instead of guessing from keys).

/// Deny statements subtracted from what a trust accepts (a part of trust reasoning: it asks
/// `key_constraint` for each Deny).
pub mod deny;

use std::sync::OnceLock;

use crate::analysis::deny::{Refusal, refusal, refusal_for_statement};
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
    GRAMMAR.get_or_init(|| crate::analysis::reason::budget::outside(|| Grammar::spacelift().ok())).as_ref()
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

/// Whether a condition holds when its key is absent from the request (IAM's rules): a
/// `ForAllValues:` set is empty and so vacuously true, `ForAnyValue:` is false, `...IfExists`
/// and negated operators are true, `Null` is true exactly when it asks for absence, and every
/// other operator is false. `None` for an unknown operator or an unreadable `Null` value.
pub fn passes_when_absent(c: &Condition) -> Option<bool> {
    let base = c.operator.base?;
    if base == BaseOp::Null {
        return match c.values.items.first().and_then(|v| v.as_str()) {
            Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
    }
    Some(match c.operator.qualifier {
        Some(SetQualifier::ForAllValues) => true,
        Some(SetQualifier::ForAnyValue) => c.operator.if_exists,
        None => c.operator.if_exists || base.is_negated(),
    })
}

/// A condition that makes the key mandatory: it fails when the key is absent.
pub fn requires_presence(c: &Condition) -> bool {
    passes_when_absent(c) == Some(false)
}

/// Whether a value holds `*` or `?` outside policy variables (`${*}`, `${?}` are escapes).
pub fn has_wildcard(value: &str) -> bool {
    let mut rest = value;
    let mut plain = String::new();
    while let Some(start) = rest.find("${") {
        plain.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => rest = "",
        }
    }
    plain.push_str(rest);
    plain.contains('*') || plain.contains('?')
}

/// A value of a positive exact-match operator on `sts:ExternalId` holding `*` or `?`: the
/// operator takes them literally and STS never accepts them in an external id, so no caller
/// can send the value. TL105 reports this root cause once; the rules that would see its
/// consequences (TL112, TL201-TL205) leave such values to it.
pub fn is_literal_wildcard_id(c: &Condition, value: &str) -> bool {
    c.key_is(EXTERNAL_ID)
        && matches!(c.operator.base, Some(BaseOp::StringEquals | BaseOp::StringEqualsIgnoreCase))
        && c.operator.qualifier.is_none()
        && !c.operator.if_exists
        && has_wildcard(value)
}

/// Every value of the condition is a literal wildcard id: it accepts no request at all.
pub fn accepts_only_literal_wildcards(c: &Condition) -> bool {
    !c.values.items.is_empty()
        && c.values.is_fully_known()
        && c.values.known().all(|(v, _)| is_literal_wildcard_id(c, v))
}

/// The principals of a statement for messages: "Spacelift (324880187172)", "account 1111...",
/// or "the principals it trusts".
pub fn describe_principals(st: &Statement) -> String {
    let names: Vec<String> = aws_principals(st).iter().map(|(_, t)| t.describe()).collect();
    match st.principal.as_ref() {
        Some(p) if p.is_anyone() => "anyone".to_string(),
        _ if names.is_empty() => "the principals it trusts".to_string(),
        _ => names.join(", "),
    }
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
        required |= !passes_when_absent(c)?;
        if base == BaseOp::Null {
            // `Null: true` requires absence: no present value passes.
            if passes_when_absent(c) == Some(true) {
                langs.push(Lang::nothing());
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

/// What one `Allow` statement lets through for one key once the policy's `Deny` statements
/// are applied (Allow minus Deny).
#[derive(Clone)]
pub struct Effective<'a> {
    /// The statement's own constraint on the key.
    pub allow: KeyConstraint<'a>,
    /// Values of the key, when sent, that pass the statement and no certain `Deny` refuses.
    pub lang: Lang,
    /// A request without the key passes the statement and no certain `Deny` refuses it.
    pub absent: bool,
    /// What the `Deny` statements refuse to the statement's principals.
    pub refusal: Refusal<'a>,
}

impl Effective<'_> {
    /// Whether a certain `Deny` narrowed what the statement accepts.
    pub fn denied(&self) -> bool {
        !self.refusal.is_none()
    }

    /// The effective language is exact: no undecided `Deny` may narrow it further.
    pub fn is_exact(&self) -> bool {
        self.refusal.undecided.is_empty()
    }
}

/// The action a question about `key` is asked for: external ids come with `sts:AssumeRole`,
/// OIDC claims with `sts:AssumeRoleWithWebIdentity`, SAML attributes with
/// `sts:AssumeRoleWithSAML`.
pub fn action_for_key(key: &str) -> &'static str {
    if key.eq_ignore_ascii_case(EXTERNAL_ID) {
        "sts:AssumeRole"
    } else if key.to_ascii_lowercase().starts_with("saml:") {
        "sts:AssumeRoleWithSAML"
    } else {
        "sts:AssumeRoleWithWebIdentity"
    }
}

/// Allow minus Deny for one statement and key, for the statement's own principals. `None` when
/// the statement's own conditions cannot be decided.
pub fn effective<'a>(
    unit: &Unit,
    policy: &'a Policy,
    st: &'a Statement,
    key: &'a str,
) -> Option<Effective<'a>> {
    let allow = key_constraint(unit, policy, st, key)?;
    let refusal = refusal_for_statement(unit, policy, st, action_for_key(key), key);
    Some(with_refusal(allow, refusal))
}

/// Allow minus Deny for one statement and key, for one of its principals (`caller`, as written).
pub fn effective_for<'a>(
    unit: &Unit,
    policy: &'a Policy,
    st: &'a Statement,
    caller: &str,
    key: &'a str,
) -> Option<Effective<'a>> {
    let allow = key_constraint(unit, policy, st, key)?;
    let refusal = refusal(unit, policy, caller, action_for_key(key), key);
    Some(with_refusal(allow, refusal))
}

fn with_refusal<'a>(allow: KeyConstraint<'a>, refusal: Refusal<'a>) -> Effective<'a> {
    let (lang, absent) = if refusal.is_none() {
        (allow.lang.clone(), !allow.required)
    } else {
        (allow.lang.and(&refusal.lang.complement()), !allow.required && !refusal.absent)
    };
    Effective { allow, lang, absent, refusal }
}

/// Whether some statement's external id conditions accept an id of `ids`.
pub enum Acceptance<'a> {
    Accepted,
    /// A statement has unknown parts or undecidable conditions, or a `Deny` that cannot be
    /// decided may refuse the ids the `Allow` accepts: rules stay silent.
    Undecided,
    /// No statement accepts; the conditions that refused (empty: no statement to ask).
    Rejected(Vec<&'a Condition>),
    /// An `Allow` statement accepts, but these `Deny` statements refuse all it accepts.
    Denied(Vec<&'a Statement>),
}

impl Acceptance<'_> {
    /// No request of the question passes (by the `Allow` conditions or by a `Deny`).
    pub fn is_refused(&self) -> bool {
        matches!(self, Acceptance::Rejected(_) | Acceptance::Denied(_))
    }
}

/// Whether some statement of `statements` lets a caller it names in with an external id of
/// `ids`, Deny statements of the policy included (an accepting statement wins over an
/// undecided one).
pub fn accepts_external_id<'a>(
    unit: &Unit,
    policy: &'a Policy,
    statements: impl Iterator<Item = &'a Statement>,
    ids: &Lang,
) -> Acceptance<'a> {
    accepts(unit, policy, statements, EXTERNAL_ID, Some(ids))
}

/// [`accepts_external_id`] for the ids a Spacelift attachment sends (`None`: no grammar). The
/// parts are compared as text when the conditions line up with them; the template's automaton
/// is built only for the conditions that do not.
pub fn accepts_external_id_template<'a>(
    unit: &Unit,
    policy: &'a Policy,
    statements: impl Iterator<Item = &'a Statement>,
    template: &ExternalIdTemplate,
) -> Option<Acceptance<'a>> {
    let g = grammar()?;
    let phase = template.phase.map(|p| p.as_str());
    let known = [
        template.account.as_deref(),
        template.integration_id.as_deref(),
        Some(template.stack.as_deref()?),
        phase,
    ];
    let ids = std::cell::OnceCell::new();
    let meets = |lang: &Lang| {
        if let Some(answer) = crate::analysis::external_id::accepts_some_current_id(lang, g, known) {
            return Ok(answer);
        }
        match ids.get_or_init(|| template_lang(template)) {
            Some(ids) => lang.and(ids).is_empty().map(|e| !e),
            // Undecided, as when the template's automaton cannot be built.
            None => Err(crate::analysis::reason::ReasonError::Build {
                regex: "the attachment's external ids".into(),
                message: "no automaton".into(),
            }),
        }
    };
    Some(accepts_by(unit, policy, statements, EXTERNAL_ID, Some(&meets)))
}

/// Deny-aware acceptance of one key: whether some statement of `statements` (`Allow`
/// statements of `policy`) passes a request that sends a value of `values` for `key`
/// (`None`: a request that does not send the key), after the policy's `Deny` statements.
pub fn accepts<'a>(
    unit: &Unit,
    policy: &'a Policy,
    statements: impl Iterator<Item = &'a Statement>,
    key: &'a str,
    values: Option<&Lang>,
) -> Acceptance<'a> {
    match values {
        None => accepts_by(unit, policy, statements, key, None),
        Some(ids) => {
            accepts_by(unit, policy, statements, key, Some(&|l: &Lang| l.and(ids).is_empty().map(|e| !e)))
        }
    }
}

/// Whether a language accepts some of the values a request sends.
type Meets<'m> = &'m dyn Fn(&Lang) -> Result<bool, crate::analysis::reason::ReasonError>;

/// [`accepts`] with the sent values as a question about each statement's language (`None`: a
/// request that does not send the key).
fn accepts_by<'a>(
    unit: &Unit,
    policy: &'a Policy,
    statements: impl Iterator<Item = &'a Statement>,
    key: &'a str,
    values: Option<Meets>,
) -> Acceptance<'a> {
    let mut undecided = false;
    let mut refused = Vec::new();
    let mut denied: Vec<&Statement> = Vec::new();
    for st in statements {
        if st.partial {
            undecided = true;
            continue;
        }
        let Some(eff) = effective(unit, policy, st, key) else {
            undecided = true;
            continue;
        };
        let (own, after_deny) = match values {
            None => (Ok(!eff.allow.required), Ok(eff.absent)),
            Some(meets) => (meets(&eff.allow.lang), meets(&eff.lang)),
        };
        match (own, after_deny) {
            (_, Ok(true)) if eff.is_exact() => return Acceptance::Accepted,
            (_, Ok(true)) => undecided = true,
            (Ok(false), Ok(false)) => refused.extend(eff.allow.conditions),
            (Ok(true), Ok(false)) => {
                for d in eff.refusal.by {
                    if !denied.iter().any(|x| std::ptr::eq(*x, d)) {
                        denied.push(d);
                    }
                }
            }
            _ => undecided = true,
        }
    }
    if undecided {
        Acceptance::Undecided
    } else if !denied.is_empty() {
        Acceptance::Denied(denied)
    } else {
        Acceptance::Rejected(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::policy::{KindHint, build_policy};
    use crate::input::tree::parse_json;
    use crate::model::PolicyQuota;
    use crate::source::SourceId;

    fn first_condition(op: &str, value: &str) -> Condition {
        let json = format!(
            r#"{{"Statement": {{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
                "Condition": {{"{op}": {{"sts:ExternalId": "{value}"}}}}}}}}"#
        );
        let root = parse_json(&json, SourceId(0), 0).expect("test policy parses");
        let p = build_policy(&root, KindHint::Infer, PolicyQuota::Unspecified);
        p.statements[0].conditions[0].clone()
    }

    #[test]
    fn absent_key_semantics_of_every_operator_family() {
        let cases = [
            ("StringEquals", "x", Some(false)),
            ("StringLike", "x", Some(false)),
            ("StringNotLike", "x", Some(true)),
            ("StringNotEqualsIgnoreCase", "x", Some(true)),
            ("StringEqualsIfExists", "x", Some(true)),
            ("NumericLessThan", "3", Some(false)),
            ("ArnNotLike", "arn:*:*:*:*:*", Some(true)),
            ("Null", "true", Some(true)),
            ("Null", "false", Some(false)),
            ("Null", "maybe", None),
            ("ForAllValues:StringEquals", "x", Some(true)),
            ("ForAnyValue:StringEquals", "x", Some(false)),
            ("ForAnyValue:StringNotLike", "x", Some(false)),
            ("ForAnyValue:StringLikeIfExists", "x", Some(true)),
            ("StringEqual", "x", None),
        ];
        for (op, value, want) in cases {
            assert_eq!(passes_when_absent(&first_condition(op, value)), want, "{op} {value}");
        }
    }
}
