use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::catalog::catalog;
use crate::declare_rule;
use crate::model::{Policy, Unit};
use crate::rules::permissions::{ActionStatus, action_lists, action_status, suggest};
use crate::rules::{Context, Rule, Sink, Text, bounded};

declare_rule! {
    /// ## What it does
    /// Reports an `Action` or `NotAction` value of a permission policy that matches no action of
    /// a known service in the embedded catalog: a misspelt action (`s3:GetObjct`), a pattern that
    /// matches nothing (`s3:Gett*`), or a value without a `service:` prefix. Matching is
    /// case-insensitive with `*` and `?` expanded, as IAM does; actions that AWS's own managed
    /// policies use but the catalog lacks (the catalog-gap list) are accepted. The message names
    /// the nearest real action and the catalog date.
    ///
    /// ## Why is this bad?
    /// IAM accepts unknown actions silently. An `Allow` of a misspelt action grants nothing (the
    /// deploy fails later with `AccessDenied`); a `Deny` or `NotAction` of a misspelt action
    /// protects nothing.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObjct", "Resource": "arn:aws:s3:::my-bucket/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    pub struct UnknownAction {
        code: "TL303",
        name: "unknown-action",
        severity: Error,
        family: Permissions,
        summary: "an action or action pattern that matches no action of a known service",
    }
}

impl Rule for UnknownAction {
    fn check_policy(&self, _cx: &Context, _unit: &Unit, policy: &Policy, out: &mut Sink) {
        if !policy.is_permission() {
            return;
        }
        for st in &policy.statements {
            for (action, span) in action_lists(st).flat_map(|l| l.known()) {
                let status = action_status(action);
                if matches!(status, ActionStatus::Known | ActionStatus::UnknownService(_)) {
                    continue;
                }
                let Some(words) = words_for(action, status) else { continue };
                let f = out.emit_text(span, words.message.clone());
                (f.label, f.help) = (Some(words.label.clone()), Some(words.help.clone()));
            }
        }
    }
}

/// What TL303 says of one action value, shared by all its findings.
struct Words {
    message: Text,
    label: Text,
    help: Text,
}

impl Words {
    fn new(message: String, label: String, help: String) -> Words {
        Words { message: bounded(message).into(), label: bounded(label).into(), help: bounded(help).into() }
    }
}

/// Distinct action values remembered per thread; then the memo is dropped whole.
const MEMO_ENTRIES: usize = 4096;

/// The finding's words for `action` of `status`, `None` when it is a known action. Remembered
/// per thread: a corpus repeats a few hundred unknown actions across hundreds of thousands of
/// statements, and the words depend on the action's text and the (fixed) catalog alone.
fn words_for(action: &str, status: ActionStatus) -> Option<Rc<Words>> {
    thread_local! {
        static MEMO: RefCell<HashMap<String, Option<Rc<Words>>>> = RefCell::new(HashMap::new());
    }
    MEMO.with(|memo| {
        if let Some(hit) = memo.borrow().get(action) {
            return hit.clone();
        }
        let found = words_anew(action, status).map(Rc::new);
        let mut memo = memo.borrow_mut();
        if memo.len() >= MEMO_ENTRIES {
            memo.clear();
        }
        memo.insert(action.to_owned(), found.clone());
        found
    })
}

fn words_anew(action: &str, status: ActionStatus) -> Option<Words> {
    match status {
        ActionStatus::NoPrefix => {
            let help = match suggest(action).filter(|s| s.contains(':')) {
                Some(s) => format!("write `service:Action`, e.g. `{s}`"),
                None => "write `service:Action`, e.g. `s3:GetObject`".to_string(),
            };
            Some(Words::new(
                format!("action `{action}` has no `service:` prefix"),
                "not `service:Action`".into(),
                help,
            ))
        }
        ActionStatus::UnknownAction => Some(unknown_words(action)),
        ActionStatus::Known | ActionStatus::UnknownService(_) => None,
    }
}

fn unknown_words(action: &str) -> Words {
    let date = catalog().date();
    let what = if action.contains(['*', '?']) { "action pattern" } else { "action" };
    let service = action.split_once(':').map_or("", |(s, _)| s);
    let scope = if service.contains(['*', '?']) {
        "any service".to_string()
    } else {
        format!("`{}`", service.to_ascii_lowercase())
    };
    let suggestion = suggest(action).filter(|s| s.contains(':'));
    let message = match &suggestion {
        Some(s) => {
            format!("{what} `{action}` matches no action of {scope} (catalog of {date}); did you mean `{s}`?")
        }
        None => format!("{what} `{action}` matches no action of {scope} (catalog of {date})"),
    };
    let help = match suggestion {
        Some(s) => format!("replace it with `{s}`"),
        None => "check the name in the Service Authorization Reference; if the action is newer than the catalog, refresh it with `python3 scripts/gen_catalog.py`".to_string(),
    };
    Words::new(message, format!("unknown {what}"), help)
}
