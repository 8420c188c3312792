//! `dynamic "NAME" { for_each = ...  content { ... } }`: one block per element of `for_each`,
//! with the iterator (`NAME`, or the `iterator` argument) bound to `{ key, value }`. An unknown
//! `for_each` is one block whose iterator is unknown, so what is written literally in `content`
//! is still read.

use std::collections::HashMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

use crate::input::terraform::eval::Eval;
use crate::input::terraform::instances::{MAX_INSTANCES, reads_variable};
use crate::input::terraform::spanned::SpStr;
use crate::input::terraform::value::{Sv, V};
use crate::source::{SourceId, Span};

pub fn is_dynamic(block: &Block, name: &str) -> bool {
    block.ident.as_str() == "dynamic" && block.labels.first().map(|l| l.as_str()) == Some(name)
}

/// Calls `f` on every `name` block of `body` and on the `content` of every instance of every
/// `dynamic "name"` block, in the order written.
pub fn each_block(
    ev: &mut Eval,
    body: &Body,
    src: SourceId,
    name: &str,
    mut f: impl FnMut(&mut Eval, &Block),
) {
    for b in body.blocks() {
        if b.ident.as_str() == name {
            f(ev, b);
        } else if is_dynamic(b, name) {
            expand(ev, b, src, name, &mut f);
        }
    }
}

fn iterator_name(block: &Block, name: &str) -> String {
    match block.body.get_attribute("iterator").map(|a| &a.value) {
        Some(Expression::Variable(v)) => v.as_str().to_string(),
        _ => name.to_string(),
    }
}

fn binding(span: Span, key: Sv, value: Sv) -> Sv {
    Sv { span, v: V::Obj(vec![("key".into(), span, key), ("value".into(), span, value)]) }
}

fn expand(ev: &mut Eval, block: &Block, src: SourceId, name: &str, f: &mut impl FnMut(&mut Eval, &Block)) {
    let Some(content) = block.body.blocks().find(|b| b.ident.as_str() == "content") else { return };
    let iter = iterator_name(block, name);
    let fe_expr = block.body.get_attribute("for_each").map(|a| &a.value);
    let (fe, origins) = match fe_expr {
        Some(e) => {
            let (v, o) = ev.traced(|ev| ev.eval(e, src));
            (Some(v), o)
        }
        None => (None, Vec::new()),
    };
    let span = fe.as_ref().map(|v| v.span).unwrap_or(Span::new(src, 0, 0));
    let items: Option<Vec<(Sv, Sv)>> = match fe.map(|v| v.v) {
        Some(V::List(items)) => Some(
            items.into_iter().enumerate().map(|(i, v)| (Sv { span, v: V::Num(i.to_string()) }, v)).collect(),
        ),
        Some(V::Obj(m)) => Some(
            m.into_iter()
                .map(|(k, ks, v)| (Sv { span: ks, v: V::Str(SpStr::plain(k, ks.src)) }, v))
                .collect(),
        ),
        Some(V::Null) => Some(Vec::new()),
        _ => None,
    };
    // Empty only through a variable's default (`var.role_arn != null ? [..] : []`): callers
    // turn it on, so it is one block with an unknown iterator, as an unknown `for_each` is.
    let empty_by_default = items.as_ref().is_some_and(Vec::is_empty) && fe_expr.is_some_and(reads_variable);
    let items = match items {
        Some(items) if !empty_by_default => {
            // Blocks that exist because an optional input is left unset
            // (`for_each = var.external_id == null ? [1] : []`): findings inside say so.
            let unset: Vec<_> = origins.into_iter().filter(|o| o.unset).collect();
            if !items.is_empty() {
                let whole = ev.module.hspan(src, hcl_edit::Span::span(block), span);
                ev.note(whole, &unset, true);
            }
            items
        }
        _ => vec![(Sv::unknown(span), Sv::unknown(span))],
    };
    for (k, v) in items.into_iter().take(MAX_INSTANCES) {
        ev.push_scope(HashMap::from([(iter.clone(), binding(span, k, v))]));
        f(ev, content);
        ev.pop_scope();
    }
}
