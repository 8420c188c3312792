//! TL3xx: permission policies (what the role may do). TL305/TL306 are declarative
//! (`rules/allow-not-action.toml`, `rules/allow-not-resource.toml`).

pub mod admin_wildcard;
pub mod all_actions_on_resource;
pub mod assume_role_any_resource;
pub mod privilege_escalation;
pub mod service_wildcard;
pub mod unknown_action;
pub mod unknown_service;

use crate::model::{Policy, Statement, ValueList};

/// Statements of a permission policy whose `Effect` is `Allow`.
pub(crate) fn allow_statements(policy: &Policy) -> impl Iterator<Item = &Statement> {
    policy.statements.iter().filter(move |s| policy.is_permission() && s.is_allow())
}

/// Longest text offered a "did you mean": the catalog's longest action is 71 characters, and
/// the edit-distance search costs time per character per catalog action, so a 2 MB `Action`
/// string gets its finding without a suggestion.
pub const SUGGEST_MAX_CHARS: usize = 128;

/// Distinct misspelt values whose suggestion is remembered before the memo starts over.
const SUGGEST_MEMO_ENTRIES: usize = 4096;

/// The catalog's nearest action or service for a misspelt one, for strings of plausible length.
/// Remembered per distinct value for the run: the search compares against every action of the
/// service, and the same misspelling recurs across statements and files (TL303 and TL304 both
/// ask).
pub(crate) fn suggest(action: &str) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static MEMO: OnceLock<Mutex<HashMap<String, Option<String>>>> = OnceLock::new();
    if action.len() > SUGGEST_MAX_CHARS {
        return None;
    }
    let memo = MEMO.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked mid-insert; the map is still valid.
    if let Some(hit) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(action) {
        return hit.clone();
    }
    let found = crate::catalog::catalog().suggest(action);
    let mut map = memo.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= SUGGEST_MEMO_ENTRIES {
        map.clear();
    }
    map.insert(action.to_owned(), found.clone());
    found
}

/// `Action` and `NotAction` lists of a statement.
pub(crate) fn action_lists(st: &Statement) -> impl Iterator<Item = &ValueList> {
    st.action.iter().chain(st.not_action.iter())
}

/// What the catalog says about one `Action`/`NotAction` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ActionStatus {
    /// Matches a catalog action, is a catalog gap, or is `*`.
    Known,
    /// No `service:` prefix at all.
    NoPrefix,
    /// Known service (or a wildcard service part) but no action matches.
    UnknownAction,
    /// The service prefix is not in the catalog (and not a known gap service).
    UnknownService(String),
}

/// Distinct action values whose status a thread remembers; then the memo is dropped whole.
const STATUS_MEMO_ENTRIES: usize = 16 * 1024;

/// [`ActionStatus`] of `action`, remembered per thread: the managed corpus asks about 60,000
/// values of which most repeat (`s3:GetObject`, `ec2:Describe*`), and a look-up of the text
/// costs a twentieth of the catalog's answer.
pub(crate) fn action_status(action: &str) -> ActionStatus {
    thread_local! {
        static MEMO: std::cell::RefCell<hashbrown::HashMap<Box<str>, ActionStatus>> =
            std::cell::RefCell::new(hashbrown::HashMap::new());
    }
    MEMO.with(|memo| {
        if let Some(hit) = memo.borrow().get(action) {
            return hit.clone();
        }
        let status = action_status_anew(action);
        let mut memo = memo.borrow_mut();
        if memo.len() >= STATUS_MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert(action.into(), status.clone());
        status
    })
}

fn action_status_anew(action: &str) -> ActionStatus {
    if let Some(status) = service_status(action) {
        return status;
    }
    let cat = crate::catalog::catalog();
    // A literal action is one hash look-up; a pattern is matched until its first action.
    if cat.matches_any(action) || cat.is_catalog_gap(action) {
        ActionStatus::Known
    } else {
        ActionStatus::UnknownAction
    }
}

/// The [`ActionStatus`] that the value's service part alone decides (`*`, no prefix, an
/// unknown service), or `None` when the action itself must be looked up: TL304 asks only
/// this, so it costs no action look-up.
pub(crate) fn service_status(action: &str) -> Option<ActionStatus> {
    let cat = crate::catalog::catalog();
    if action.bytes().all(|b| b == b'*') {
        return Some(ActionStatus::Known);
    }
    let Some((service, _)) = action.split_once(':') else {
        return Some(ActionStatus::NoPrefix);
    };
    let wild_service = service.contains(['*', '?']);
    if !wild_service && !cat.has_service(service) {
        return Some(if cat.is_known_gap_service(service) {
            ActionStatus::Known
        } else {
            ActionStatus::UnknownService(service.to_string())
        });
    }
    None
}
