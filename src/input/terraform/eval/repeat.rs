//! The instances of a `count`/`for_each` block, computed by the evaluator (the data they are
//! made of is in `instances.rs`).

use std::collections::HashMap;

use hcl_edit::structure::Body;

use crate::input::terraform::eval::Eval;
use crate::input::terraform::instances::{Instance, Key, MAX_INSTANCES, reads_variable};
use crate::input::terraform::spanned::SpStr;
use crate::input::terraform::value::{Sv, V};
use crate::source::{SourceId, Span};

fn obj(span: Span, members: Vec<(&str, Sv)>) -> Sv {
    Sv { span, v: V::Obj(members.into_iter().map(|(k, v)| (k.to_string(), span, v)).collect()) }
}

fn count_scope(span: Span, index: Sv) -> HashMap<String, Sv> {
    HashMap::from([("count".to_string(), obj(span, vec![("index", index)]))])
}

fn each_scope(span: Span, key: Sv, value: Sv) -> HashMap<String, Sv> {
    HashMap::from([("each".to_string(), obj(span, vec![("key", key), ("value", value)]))])
}

fn symbolic(scope: HashMap<String, Sv>) -> Vec<Instance> {
    vec![Instance { key: None, symbolic: true, scope }]
}

/// A block that exists because an optional input is left unset (`count = var.policy == null ?
/// 1 : 0`): every finding inside it says so. Other defaults deciding a `count` (`var.create`,
/// true in nearly every module) are not worth a word on every finding.
fn created_while_unset(ev: &mut Eval, block: Span, origins: Vec<crate::model::terraform::DefaultOrigin>) {
    let unset: Vec<_> = origins.into_iter().filter(|o| o.unset).collect();
    ev.note(block, &unset, true);
}

/// The instances of a block with this body.
pub fn instances(ev: &mut Eval, body: &Body, src: SourceId, fallback: Span) -> Vec<Instance> {
    if let Some(a) = body.get_attribute("count") {
        let (v, origins) = ev.traced(|ev| ev.eval(&a.value, src));
        let by_default = reads_variable(&a.value);
        let span = v.span;
        let n = match &v.v {
            V::Num(n) => n.parse::<f64>().ok().filter(|n| *n >= 0.0 && n.fract() == 0.0),
            _ => None,
        };
        if n.is_some_and(|n| n > 0.0) {
            created_while_unset(ev, fallback, origins);
        }
        return match n {
            Some(0.0) if by_default => symbolic(count_scope(span, Sv::unknown(span))),
            Some(n) => (0..(n as usize).min(MAX_INSTANCES))
                .map(|i| Instance {
                    key: Some(Key::Index(i)),
                    symbolic: false,
                    scope: count_scope(span, Sv { span, v: V::Num(i.to_string()) }),
                })
                .collect(),
            None => symbolic(count_scope(span, Sv::unknown(span))),
        };
    }
    let Some(a) = body.get_attribute("for_each") else { return vec![Instance::single()] };
    let (v, origins) = ev.traced(|ev| ev.eval(&a.value, src));
    let by_default = reads_variable(&a.value);
    let span = if v.span.end > v.span.start { v.span } else { fallback };
    let unknown = || symbolic(each_scope(span, Sv::unknown(span), Sv::unknown(span)));
    let entries: Vec<(String, Sv)> = match &v.v {
        V::Obj(m) => m.iter().map(|(k, _, v)| (k.clone(), v.clone())).collect(),
        // A set of strings: each.key and each.value are the element.
        V::List(items) => {
            let keys: Option<Vec<String>> = items.iter().map(Sv::text).collect();
            let Some(keys) = keys else { return unknown() };
            keys.into_iter().zip(items.iter().cloned()).collect()
        }
        _ => return unknown(),
    };
    if entries.is_empty() && by_default {
        return unknown();
    }
    if !entries.is_empty() {
        created_while_unset(ev, fallback, origins);
    }
    entries
        .into_iter()
        .take(MAX_INSTANCES)
        .map(|(k, value)| {
            let key = Sv { span, v: V::Str(SpStr::plain(k.clone(), span.src)) };
            Instance { key: Some(Key::Name(k)), symbolic: false, scope: each_scope(span, key, value) }
        })
        .collect()
}
