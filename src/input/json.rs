//! Policy JSON files (and the dispatch of other JSON documents by content).

use crate::config::RoleAccessFlag;
use crate::input::InputOptions;
use crate::input::policy::{KindHint, build_policy_from};
use crate::input::tree::{Node, parse_json};
use crate::model::{ParseFailure, PolicyKind, PolicyQuota, Role, RoleAccess, Unit};
use crate::source::{Source, Span};

/// What a JSON document is, decided by its content (README, "What `check` reads": never by name alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonDocument {
    Policy,
    Plan,
    AuthorizationDetails,
    Other,
}

pub fn detect(root: &Node) -> JsonDocument {
    if root.get("Statement").is_some() || is_statementless_policy(root) {
        JsonDocument::Policy
    } else if ["RoleDetailList", "UserDetailList", "GroupDetailList"].iter().any(|k| root.get(k).is_some()) {
        JsonDocument::AuthorizationDetails
    } else if root.get("format_version").is_some()
        && (root.get("planned_values").is_some() || root.get("resource_changes").is_some())
    {
        JsonDocument::Plan
    } else {
        JsonDocument::Other
    }
}

/// `{"Version": "2012-10-17"}` (with `Id` at most): a policy whose statements are missing,
/// not some other JSON document.
fn is_statementless_policy(root: &Node) -> bool {
    let version = root.get("Version").and_then(|v| v.as_str());
    matches!(version, Some("2012-10-17" | "2008-10-17")) && only_policy_keys(root)
}

/// An object with `Version` and nothing but policy keys: named on the command line, it is
/// read as a policy whatever its `Version` says (so `{"Version": "2012-10-18"}` gets its errors).
fn only_policy_keys(root: &Node) -> bool {
    root.get("Version").is_some()
        && root.members().is_some_and(|ms| ms.iter().all(|m| crate::input::policy::is_policy_key(&m.key)))
}

/// Text that is probably one of ours even though it does not parse.
pub fn looks_like_ours(text: &str) -> bool {
    ["\"Statement\"", "\"RoleDetailList\"", "\"planned_values\"", "\"Effect\""]
        .iter()
        .any(|k| text.contains(k))
}

/// Parses one JSON file into a unit; `None` when the file is not a document trustlint reads.
pub fn parse_file(source: &Source, options: &InputOptions, explicit: bool) -> Option<Unit> {
    let mut unit = Unit { name: source.name.clone(), sources: vec![source.id], ..Unit::default() };
    let root = match parse_json(&source.text, source.id, 0) {
        Ok(root) => root,
        Err(e) => {
            if !explicit && !looks_like_ours(&source.text) {
                return None;
            }
            unit.parse_failures.push(ParseFailure {
                span: Span::new(
                    source.id,
                    e.start,
                    e.end.max(e.start + 1).min(source.text.len().max(e.start)),
                ),
                message: e.message,
                what: "JSON",
            });
            return Some(unit);
        }
    };
    let document = match detect(&root) {
        JsonDocument::Other if explicit && only_policy_keys(&root) => JsonDocument::Policy,
        other => other,
    };
    match document {
        JsonDocument::Policy => {
            let hint = match options.policy_kind {
                Some(kind) => KindHint::Is(kind),
                None => KindHint::Infer,
            };
            let span = root.span;
            let mut policy = build_policy_from(root, hint, PolicyQuota::Unspecified);
            policy.text = Some(source.text[span.start..span.end].to_string());
            if policy.kind == PolicyKind::Trust
                && let Some(access) = options.role_access
            {
                // A lone trust policy: the role's permissions come from the command line.
                unit.roles.push(Role {
                    name: source.name.clone(),
                    subject: source.name.clone(),
                    span,
                    arn: None,
                    trust: Some(0),
                    permissions: Vec::new(),
                    managed_policies: Vec::new(),
                    access: Some(RoleAccess {
                        can_write: access == RoleAccessFlag::Write,
                        evidence: format!(
                            "--role-access {}",
                            if access == RoleAccessFlag::Write { "write" } else { "read" }
                        ),
                    }),
                    tag_session_required: None,
                    session_limit: None,
                });
                policy.role = Some(0);
            }
            unit.policies.push(policy);
            Some(unit)
        }
        JsonDocument::Plan => {
            let mut unit = crate::input::terraform::plan::parse_plan(&root, source);
            unit.recorded = true;
            Some(unit)
        }
        JsonDocument::AuthorizationDetails => {
            crate::input::auth_details::read(&root, source, &mut unit);
            unit.recorded = true;
            Some(unit)
        }
        JsonDocument::Other => None,
    }
}
