//! A block's attributes, evaluated once, and the lookups every reader of them makes.

use hcl_edit::structure::Body;

use crate::input::terraform::eval::Eval;
use crate::input::terraform::value::{Sv, V};
use crate::model::Value;
use crate::source::{SourceId, Span};

/// All attributes of a body, evaluated.
pub fn attrs(ev: &mut Eval, body: &Body, src: SourceId) -> Vec<(String, Sv)> {
    body.attributes().map(|a| (a.key.as_str().to_string(), ev.eval(&a.value, src))).collect()
}

pub fn find<'a>(list: &'a [(String, Sv)], key: &str) -> Option<&'a Sv> {
    list.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

pub fn value(list: &[(String, Sv)], key: &str) -> Option<Value> {
    find(list, key).map(Sv::to_value)
}

/// `Some(b)` known, `None` unknown; `default` when absent.
pub fn flag(list: &[(String, Sv)], key: &str, default: bool) -> (Option<bool>, Option<Span>) {
    match find(list, key) {
        Some(v) => (v.as_bool(), Some(v.span)),
        None => (Some(default), None),
    }
}

pub fn values(sv: &Sv) -> Vec<Value> {
    match &sv.v {
        V::List(items) => items.iter().map(Sv::to_value).collect(),
        _ => vec![Value::unknown(sv.span)],
    }
}
