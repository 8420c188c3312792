//! `count` and `for_each`: one `resource`, `data` or `module` block stands for several
//! instances, addressed as Terraform does (`aws_iam_role.r[0]`, `aws_iam_role.r["net"]`), each
//! evaluated with `count.index` or `each.key`/`each.value` bound.
//!
//! A collection that is not known statically (`count = var.create ? 1 : 0` with the variable set
//! by callers) is one *possible* instance whose key is unknown: it is linted, and its policies
//! say "when created".

use std::collections::HashMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;

use crate::input::terraform::eval::Eval;
use crate::input::terraform::spanned::SpStr;
use crate::input::terraform::value::{Sv, V};
use crate::source::{SourceId, Span};

/// Instances beyond this many are not expanded (a `count = 10000` must not make the run slow);
/// the ones kept are linted, the rest stand for the same policies.
pub const MAX_INSTANCES: usize = 64;

/// The key of one instance.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Index(usize),
    Name(String),
}

impl Key {
    /// `[0]` or `["net"]`, as in Terraform addresses.
    pub fn suffix(&self) -> String {
        match self {
            Key::Index(i) => format!("[{i}]"),
            Key::Name(n) => format!("[{n:?}]"),
        }
    }

    pub fn matches(&self, v: &Sv) -> bool {
        match (self, &v.v) {
            (Key::Index(i), V::Num(n)) => n.parse::<usize>().ok() == Some(*i),
            (Key::Name(k), V::Str(s)) => &s.text == k,
            (Key::Index(i), V::Str(s)) => s.text.parse::<usize>().ok() == Some(*i),
            _ => false,
        }
    }
}

/// One instance of a block.
#[derive(Debug, Clone)]
pub struct Instance {
    /// `None` for a block without `count`/`for_each`, or for the one possible instance of an
    /// unknown collection (then `symbolic`).
    pub key: Option<Key>,
    pub symbolic: bool,
    /// `count` / `each` bindings.
    pub scope: HashMap<String, Sv>,
}

impl Instance {
    pub fn single() -> Self {
        Instance { key: None, symbolic: false, scope: HashMap::new() }
    }

    /// The address of this instance of `base` (`aws_iam_role.r["net"]`); the one possible
    /// instance of an unknown collection is the block's own address.
    pub fn address(&self, base: &str) -> String {
        match &self.key {
            Some(k) => format!("{base}{}", k.suffix()),
            None => base.to_string(),
        }
    }

    /// Does a reference's index select this instance? The one possible instance of an unknown
    /// collection stands for every index.
    pub fn selected_by(&self, idx: &Sv) -> bool {
        self.symbolic || self.key.as_ref().is_some_and(|k| k.matches(idx))
    }
}

fn obj(span: Span, members: Vec<(&str, Sv)>) -> Sv {
    Sv { span, v: V::Obj(members.into_iter().map(|(k, v)| (k.to_string(), span, v)).collect()) }
}

fn count_scope(span: Span, index: Sv) -> HashMap<String, Sv> {
    HashMap::from([("count".to_string(), obj(span, vec![("index", index)]))])
}

fn each_scope(span: Span, key: Sv, value: Sv) -> HashMap<String, Sv> {
    HashMap::from([("each".to_string(), obj(span, vec![("key", key), ("value", value)]))])
}

/// Does the expression read an input variable (directly)? A count or for_each that is empty only
/// through a variable's default is still a possible instance: callers of the module turn it on.
pub fn reads_variable(expr: &Expression) -> bool {
    let text = expr.to_string();
    text.contains("var.")
}

fn symbolic(scope: HashMap<String, Sv>) -> Vec<Instance> {
    vec![Instance { key: None, symbolic: true, scope }]
}

/// The instances of a block with this body.
pub fn instances(ev: &mut Eval, body: &Body, src: SourceId, fallback: Span) -> Vec<Instance> {
    if let Some(a) = body.get_attribute("count") {
        let v = ev.eval(&a.value, src);
        let span = v.span;
        let n = match &v.v {
            V::Num(n) => n.parse::<f64>().ok().filter(|n| *n >= 0.0 && n.fract() == 0.0),
            _ => None,
        };
        return match n {
            Some(0.0) if reads_variable(&a.value) => symbolic(count_scope(span, Sv::unknown(span))),
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
    let v = ev.eval(&a.value, src);
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
    if entries.is_empty() && reads_variable(&a.value) {
        return unknown();
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
