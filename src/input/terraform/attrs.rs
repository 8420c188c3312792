//! A block's attributes, evaluated once, and the lookups every reader of them makes.

use hcl_edit::expr::{Expression, TraversalOperator};
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

/// `TYPE.NAME.ATTR` written directly (not through locals): the resource an attribute points at.
/// `"${TYPE.NAME.ATTR}"` (how `.tf.json` writes it) is the same reference.
pub fn reference(expr: &Expression) -> Option<(String, String, String)> {
    if let Expression::StringTemplate(t) = expr
        && let [hcl_edit::template::Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice()
    {
        return reference(&i.expr);
    }
    let Expression::Traversal(t) = expr else { return None };
    let Expression::Variable(root) = &t.expr else { return None };
    let attrs: Vec<&str> = t
        .operators
        .iter()
        .map_while(|o| match o.value() {
            TraversalOperator::GetAttr(a) => Some(a.as_str()),
            _ => None,
        })
        .collect();
    match attrs.as_slice() {
        [name, attr, ..] => Some((root.as_str().to_string(), name.to_string(), attr.to_string())),
        _ => None,
    }
}
