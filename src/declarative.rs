//! Declarative rules: `rules/*.toml` files with a JSONPath selector over the normalised policy.
//! The shipped ones are embedded at build time; users add their own with `--rules-dir`.

use std::path::{Path, PathBuf};

use jsonpath_rust::parser::model::JpQuery;
use serde::Deserialize;
use serde_json::{Map, Value as J, json};

use crate::model::{Policy, PolicyKind, Statement, Unit, ValueList};
use crate::rules::{Context, Family, HasMeta, Rule, RuleMeta, Severity, Sink, opening};

/// Shipped declarative rules (file name, text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("allow-not-action.toml", include_str!("../rules/allow-not-action.toml")),
    ("allow-not-resource.toml", include_str!("../rules/allow-not-resource.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RuleFile {
    code: String,
    name: String,
    severity: String,
    family: String,
    summary: String,
    /// Only policies of this kind (`trust`, `permission`); all when absent.
    policy_kind: Option<String>,
    /// RFC 9535 JSONPath over the normalised policy; each match is one finding.
    selector: String,
    /// Statement key whose span the finding points at; the statement when absent.
    report: Option<String>,
    /// May use `{statement}` and `{subject}`.
    message: String,
    help: Option<String>,
    docs: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DeclarativeError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("cannot read rules directory {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

pub struct DeclarativeRule {
    meta: RuleMeta,
    policy_kind: Option<PolicyKind>,
    /// The parsed selector; `None` for a shipped rule that [`StatementFilter`] decides (parsing
    /// JSONPath was a tenth of a one-file run).
    query: Option<JpQuery>,
    report: Option<String>,
    message: String,
    help: Option<String>,
    /// The statement keys the selector may read ([`keys_read_by`]).
    keys: Keys,
    /// The selector decided on the model, when it has the shape [`StatementFilter`] reads.
    filter: Option<StatementFilter>,
}

/// A selector of the shape the shipped rules have, `$.Statement[?@.Effect == 'Allow' &&
/// @.NotAction]`: a conjunction of `@.Effect`/`@.Sid` equal to a plain string literal and of
/// existence tests of statement keys. It is decided on the model, as the normalised JSON would
/// answer it, with neither the JSON nor a JSONPath evaluation per policy; any other selector
/// goes through JSONPath.
#[derive(Debug, PartialEq)]
struct StatementFilter {
    tests: Vec<Test>,
}

#[derive(Debug, PartialEq)]
enum Test {
    /// The key's value is the string (only the scalar keys `Effect` and `Sid`).
    Equals(&'static str, String),
    /// The key is in the normalised statement.
    Exists(&'static str),
}

impl StatementFilter {
    fn parse(selector: &str) -> Option<StatementFilter> {
        let body = selector.trim().strip_prefix("$.Statement[?")?.strip_suffix(']')?;
        let key = |k: &str| STATEMENT_KEYS.iter().copied().find(|s| *s == k.trim());
        let mut tests = Vec::new();
        for term in body.split("&&") {
            let term = term.trim().strip_prefix("@.")?;
            match term.split_once("==") {
                Some((k, v)) => {
                    let k = key(k).filter(|k| matches!(*k, "Effect" | "Sid"))?;
                    let v = v.trim().strip_prefix('\'')?.strip_suffix('\'')?;
                    if v.contains(['\'', '\\']) {
                        return None;
                    }
                    tests.push(Test::Equals(k, v.to_string()));
                }
                None => tests.push(Test::Exists(key(term)?)),
            }
        }
        Some(StatementFilter { tests })
    }

    fn selects(&self, st: &Statement) -> bool {
        self.tests.iter().all(|t| match t {
            Test::Equals(key, value) => scalar(st, key).is_some_and(|v| v.text.as_deref() == Some(value)),
            Test::Exists(key) => in_normalised(st, key),
        })
    }
}

fn scalar<'s>(st: &'s Statement, key: &str) -> Option<&'s crate::model::Value> {
    match key {
        "Effect" => st.effect.as_ref().map(|e| &e.value),
        "Sid" => st.sid.as_ref(),
        _ => None,
    }
}

/// Whether [`normalise_statement`] writes `key` for this statement.
fn in_normalised(st: &Statement, key: &str) -> bool {
    let list = |l: &Option<ValueList>| l.as_ref().is_some_and(|l| !l.nothing_known());
    match key {
        "Sid" | "Effect" => scalar(st, key).is_some(),
        "Principal" => st.principal.as_ref().is_some_and(|p| !p.nothing_known()),
        "NotPrincipal" => st.not_principal.as_ref().is_some_and(|p| !p.nothing_known()),
        "Action" => list(&st.action),
        "NotAction" => list(&st.not_action),
        "Resource" => list(&st.resource),
        "NotResource" => list(&st.not_resource),
        "Condition" => !st.conditions.is_empty(),
        _ => false,
    }
}

// Statement keys of the normalised policy, as bits of `Keys` (the model's own list).
use crate::input::policy::STATEMENT_KEYS;

/// A set of [`STATEMENT_KEYS`], by index.
pub type Keys = u16;
const ALL_KEYS: Keys = (1 << STATEMENT_KEYS.len()) - 1;

/// The statement keys a selector may read: the names it spells out as whole words. A selector
/// that can reach keys without naming them (a wildcard, a descendant segment, `length()` or
/// `count()` of a statement, an escape in a name) reads all of them. Normalising only these
/// keeps a policy's long `Action` and `Resource` lists out of the JSON of a selector that tests
/// `Effect` and `NotAction`.
fn keys_read_by(selector: &str) -> Keys {
    let generic = ["*", "..", "\\", "length(", "count("];
    if generic.iter().any(|g| selector.contains(g)) {
        return ALL_KEYS;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut keys = 0;
    for (bit, key) in STATEMENT_KEYS.iter().enumerate() {
        let named = selector.match_indices(key).any(|(i, _)| {
            !word(selector[..i].chars().next_back()) && !word(selector[i + key.len()..].chars().next())
        });
        if named {
            keys |= 1 << bit;
        }
    }
    keys
}

/// Leaks the strings of a loaded rule: rules live for the whole run, and `RuleMeta` stays
/// `Copy` with `&'static str` for the built-in rules.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

pub fn parse_rule(path: &str, text: &str) -> Result<DeclarativeRule, DeclarativeError> {
    parse_rule_checked(path, text, true)
}

/// `check_selector`: parse the JSONPath even when the model decides the selector, so that a
/// user's rule file gets the JSONPath parser's verdict on its selector.
fn parse_rule_checked(
    path: &str,
    text: &str,
    check_selector: bool,
) -> Result<DeclarativeRule, DeclarativeError> {
    let invalid = |message: String| DeclarativeError::Invalid { path: path.to_string(), message };
    let file: RuleFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let severity = Severity::parse(&file.severity)
        .ok_or_else(|| invalid(format!("severity `{}` is not error, warning or info", file.severity)))?;
    let family =
        Family::parse(&file.family).ok_or_else(|| invalid(format!("unknown family `{}`", file.family)))?;
    if !code_ok(&file.code) {
        return Err(invalid(format!(
            "code `{}` is not a prefix of 2 to 8 capital letters and 2 to 4 digits (such as ACME01), \
             or TL and 3 digits",
            file.code
        )));
    }
    let policy_kind = match file.policy_kind.as_deref() {
        None => None,
        Some("trust") => Some(PolicyKind::Trust),
        Some("permission") => Some(PolicyKind::Permission),
        Some(other) => return Err(invalid(format!("policy-kind `{other}` is not trust or permission"))),
    };
    let filter = StatementFilter::parse(&file.selector);
    let query = if check_selector || filter.is_none() {
        Some(
            jsonpath_rust::parser::parse_json_path(&file.selector)
                .map_err(|e| invalid(format!("selector `{}`: {e}", file.selector)))?,
        )
    } else {
        None
    };
    Ok(DeclarativeRule {
        meta: RuleMeta {
            code: leak(file.code),
            name: leak(file.name),
            severity,
            family,
            summary: leak(file.summary),
            docs: leak(file.docs),
            fix: None,
        },
        policy_kind,
        query,
        report: file.report,
        message: file.message,
        help: file.help,
        keys: keys_read_by(&file.selector),
        filter,
    })
}

/// `[A-Z]{2,8}[0-9]{2,4}`: trustlint's own `TL` + 3 digits, or a prefix of the user's own (as
/// flake8 plugins have) so their rules never collide with future built-in codes.
pub fn code_ok(code: &str) -> bool {
    let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = &code[letters..];
    let shape = (2..=8).contains(&letters)
        && (2..=4).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit());
    shape && (!code.starts_with("TL") || letters != 2 || digits.len() == 3)
}

pub fn embedded() -> Result<Vec<DeclarativeRule>, DeclarativeError> {
    // The shipped selectors are checked by the tests (`embedded_rules_parse`).
    EMBEDDED.iter().map(|(name, text)| parse_rule_checked(&format!("rules/{name}"), text, false)).collect()
}

/// Loads every `*.toml` of a user's rules directory, in name order.
pub fn load_dir(dir: &Path) -> Result<Vec<DeclarativeRule>, DeclarativeError> {
    let io = |source| DeclarativeError::Io { path: dir.to_path_buf(), source };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .map_err(|source| DeclarativeError::Io { path: p.clone(), source })?;
            parse_rule(&p.display().to_string(), &text)
        })
        .collect()
}

/// An element of which nothing is known (a Terraform value that may be null, so absent) is left
/// out: a selector that tests for the element must not match a guess.
fn list(l: &Option<ValueList>) -> Option<J> {
    l.as_ref()
        .filter(|l| !l.nothing_known())
        .map(|l| J::Array(l.items.iter().map(|v| v.text.clone().map_or(J::Null, J::String)).collect()))
}

/// The normalised policy: `Statement` always an array, element values always arrays.
pub fn normalise(policy: &Policy) -> J {
    normalise_keys(policy, ALL_KEYS)
}

/// [`normalise`], with only the statement keys in `keys`.
fn normalise_keys(policy: &Policy, keys: Keys) -> J {
    let statements: Vec<J> = policy.statements.iter().map(|st| normalise_statement(st, keys)).collect();
    let mut root = Map::new();
    if let Some(v) = &policy.version {
        root.insert("Version".into(), v.text.clone().map_or(J::Null, J::String));
    }
    root.insert("Kind".into(), J::String(policy.kind.name().into()));
    root.insert("Statement".into(), J::Array(statements));
    J::Object(root)
}

fn normalise_statement(st: &Statement, keys: Keys) -> J {
    let wanted =
        |key: &str| STATEMENT_KEYS.iter().position(|k| *k == key).is_some_and(|b| keys & (1 << b) != 0);
    let mut m = Map::new();
    if let Some(sid) = st.sid.as_ref().filter(|_| wanted("Sid")) {
        m.insert("Sid".into(), sid.text.clone().map_or(J::Null, J::String));
    }
    if let Some(e) = st.effect.as_ref().filter(|_| wanted("Effect")) {
        m.insert("Effect".into(), e.value.text.clone().map_or(J::Null, J::String));
    }
    for (key, p) in [("Principal", &st.principal), ("NotPrincipal", &st.not_principal)] {
        if let Some(p) = p.as_ref().filter(|p| wanted(key) && !p.nothing_known()) {
            let value = if p.wildcard {
                json!("*")
            } else {
                let mut pm = Map::new();
                for e in &p.entries {
                    let kind = e.kind.text.clone().unwrap_or_default();
                    pm.insert(kind, list(&Some(e.values.clone())).unwrap_or(J::Null));
                }
                J::Object(pm)
            };
            m.insert(key.into(), value);
        }
    }
    for (key, l) in [
        ("Action", &st.action),
        ("NotAction", &st.not_action),
        ("Resource", &st.resource),
        ("NotResource", &st.not_resource),
    ] {
        if !wanted(key) {
            continue;
        }
        if let Some(v) = list(l) {
            m.insert(key.into(), v);
        }
    }
    if !st.conditions.is_empty() && wanted("Condition") {
        let mut cm: Map<String, J> = Map::new();
        for c in &st.conditions {
            let op = cm.entry(c.operator.raw.clone()).or_insert_with(|| J::Object(Map::new()));
            if let J::Object(keys) = op {
                keys.insert(
                    c.key.text.clone().unwrap_or_default(),
                    list(&Some(c.values.clone())).unwrap_or(J::Null),
                );
            }
        }
        m.insert("Condition".into(), J::Object(cm));
    }
    J::Object(m)
}

/// `$['Statement'][3]...` -> 3
fn statement_index(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("$['Statement'][")?;
    rest.split(']').next()?.parse().ok()
}

impl HasMeta for DeclarativeRule {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }
}

impl Rule for DeclarativeRule {
    fn check_policy(&self, cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if self.policy_kind.is_some_and(|k| k != policy.kind) {
            return;
        }
        let mut reported = Vec::new();
        for index in self.select(cx, policy) {
            let st = index.and_then(|i| policy.statements.get(i));
            let (span, label) = match st {
                Some(st) => {
                    let key_span = self.report.as_deref().and_then(|k| key_span(st, k));
                    (key_span.unwrap_or(opening(st.span)), st.label())
                }
                None => (opening(policy.span), "policy".to_string()),
            };
            if reported.contains(&span) {
                continue;
            }
            reported.push(span);
            let message = self
                .message
                .replace("{statement}", &label)
                .replace("{subject}", policy.subject.as_deref().unwrap_or("policy"));
            let f = out.emit(span, message);
            if let Some(st) = st {
                f.secondary(st.span, "in this statement");
            }
            if let Some(help) = &self.help {
                f.help(help.clone());
            }
        }
    }
}

impl DeclarativeRule {
    /// What the selector finds: a statement by index, or `None` for a node outside the
    /// statements.
    fn select(&self, cx: &Context, policy: &Policy) -> Vec<Option<usize>> {
        if let Some(filter) = &self.filter {
            return (0..policy.statements.len())
                .filter(|&i| filter.selects(&policy.statements[i]))
                .map(Some)
                .collect();
        }
        let doc = cx.memo.normalised(policy, self.keys, |p| normalise_keys(p, self.keys));
        let Some(query) = &self.query else { return Vec::new() };
        let Ok(found) = jsonpath_rust::query::js_path_process(query, &*doc) else { return Vec::new() };
        found.into_iter().map(|r| statement_index(&r.path())).collect()
    }
}

fn key_span(st: &Statement, key: &str) -> Option<crate::source::Span> {
    match key {
        "Action" => st.action.as_ref().map(|l| l.span),
        "NotAction" => st.not_action.as_ref().map(|l| l.span),
        "Resource" => st.resource.as_ref().map(|l| l.span),
        "NotResource" => st.not_resource.as_ref().map(|l| l.span),
        "Principal" => st.principal.as_ref().map(|p| p.span),
        "NotPrincipal" => st.not_principal.as_ref().map(|p| p.span),
        "Effect" => st.effect.as_ref().map(|e| e.value.span),
        "Condition" => st.condition_span,
        "Sid" => st.sid.as_ref().map(|s| s.span),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped rules are loaded without parsing their selectors as JSONPath (the model
    /// decides them); the full check, as for a user's rule file, must pass too.
    #[test]
    fn embedded_rules_parse() {
        for (name, text) in EMBEDDED {
            let rule = parse_rule(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(rule.query.is_some() && rule.filter.is_some(), "{name}: decided on the model");
        }
        assert!(embedded().is_ok_and(|rules| rules.iter().all(|r| r.filter.is_some())));
    }

    #[test]
    fn user_codes_may_have_their_own_prefix() {
        for ok in ["TL999", "ACME01", "AB12", "SECURITY1234"] {
            assert!(code_ok(ok), "{ok}");
        }
        for bad in ["TL1234", "A01", "acme01", "ACME1", "ACME12345", "ACME-01", "ABCDEFGHI01", "01"] {
            assert!(!code_ok(bad), "{bad}");
        }
    }

    #[test]
    fn selectors_read_the_keys_they_name() {
        let bits = |names: &[&str]| {
            names
                .iter()
                .map(|n| 1 << STATEMENT_KEYS.iter().position(|k| k == n).expect("a key"))
                .sum::<Keys>()
        };
        let not_action = "$.Statement[?@.Effect == 'Allow' && @.NotAction]";
        assert_eq!(
            keys_read_by(not_action),
            bits(&["Effect", "NotAction"]),
            "not `Action` inside `NotAction`"
        );
        assert_eq!(keys_read_by("$.Statement[?@['Sid'] == 'x']"), bits(&["Sid"]));
        for generic in
            ["$.Statement[*]", "$..Action", "$.Statement[?length(@) > 2]", "$.Statement[?@['\\u0041ction']]"]
        {
            assert_eq!(keys_read_by(generic), ALL_KEYS, "{generic}");
        }
    }

    #[test]
    fn a_selector_finds_the_same_in_the_keys_it_reads_as_in_the_whole_policy() {
        use crate::input::policy::{KindHint, build_policy};
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:GetObject"], "NotResource": "arn:aws:s3:::b/*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
            {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}]}"#;
        let root = crate::input::tree::parse_json(text, crate::source::SourceId(0), 0).expect("parses");
        let policy = build_policy(&root, KindHint::Infer, crate::model::PolicyQuota::Unspecified);
        let selectors = [
            "$.Statement[?@.Effect == 'Allow' && @.NotAction]",
            "$.Statement[?@.Effect == 'Allow' && @.NotResource]",
            "$.Statement[?@.Sid == 'A']",
            "$.Statement[?@.Condition.Bool]",
            "$.Statement[1].Action[0]",
        ];
        let (full, mut found) = (normalise(&policy), 0);
        for selector in selectors {
            let query = jsonpath_rust::parser::parse_json_path(selector).expect("a selector");
            let paths = |doc: &J| -> Vec<String> {
                let found = jsonpath_rust::query::js_path_process(&query, doc).expect("runs");
                found.into_iter().map(|r| r.path()).collect()
            };
            let partial = normalise_keys(&policy, keys_read_by(selector));
            assert_eq!(paths(&partial), paths(&full), "{selector}");
            found += paths(&full).len();
        }
        assert_eq!(found, 5, "every selector matches once");
    }

    #[test]
    fn statement_filters_select_what_jsonpath_selects() {
        use crate::input::policy::{KindHint, build_policy};
        let texts = [
            r#"{"Statement": [{"Sid": "A", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
                {"Effect": "Allow", "Action": [], "NotResource": []},
                {"Effect": "Deny", "NotAction": ["s3:*"], "Resource": "*", "Condition": {"Bool": {"a:b": "true"}}},
                {"Sid": "allow", "Action": "s3:GetObject", "Principal": "*"},
                {"Effect": "allow", "NotPrincipal": {"AWS": "x"}, "NotAction": "x:y"}]}"#,
            r#"{"Statement": {"Effect": "Allow", "NotAction": "*"}}"#,
            r#"{"Statement": []}"#,
        ];
        let selectors = [
            "$.Statement[?@.Effect == 'Allow' && @.NotAction]",
            "$.Statement[?@.Effect == 'Allow' && @.NotResource]",
            "$.Statement[?@.Effect == 'Deny']",
            "$.Statement[?@.Sid == 'A' && @.Resource && @.NotAction]",
            "$.Statement[?@.Condition && @.Effect == 'Deny']",
            "$.Statement[?@.Principal]",
            "$.Statement[?@.NotPrincipal && @.Action]",
        ];
        let mut total = 0;
        for selector in selectors {
            let filter = StatementFilter::parse(selector).expect("a filter-shaped selector");
            let query = jsonpath_rust::parser::parse_json_path(selector).expect("a selector");
            for text in texts {
                let root =
                    crate::input::tree::parse_json(text, crate::source::SourceId(0), 0).expect("parses");
                let policy = build_policy(&root, KindHint::Infer, crate::model::PolicyQuota::Unspecified);
                let doc = normalise(&policy);
                let found = jsonpath_rust::query::js_path_process(&query, &doc).expect("runs");
                let by_jsonpath: Vec<Option<usize>> =
                    found.into_iter().map(|r| statement_index(&r.path())).collect();
                let by_filter: Vec<Option<usize>> = (0..policy.statements.len())
                    .filter(|&i| filter.selects(&policy.statements[i]))
                    .map(Some)
                    .collect();
                assert_eq!(by_filter, by_jsonpath, "{selector} on {text}");
                total += by_filter.len();
            }
        }
        assert!(total >= 7, "the selectors select something: {total}");
        for other in [
            "$.Statement[?@.Effect == 'Allow' || @.NotAction]",
            "$.Statement[?!@.Resource]",
            "$.Statement[?@.Action == 'x']",
            "$.Statement[?@.Effect == \"Allow\"]",
            "$.Statement[?@.Effect == 'a\\'b']",
            "$.Statement[*].Action",
            "$.Statement[?@.NotAction[0] == 'x']",
            "$..Effect",
        ] {
            assert_eq!(StatementFilter::parse(other), None, "{other} goes through JSONPath");
        }
    }
}
