//! Limits that keep evaluation of a hostile module bounded in time and memory. Past a limit a
//! value is unknown, as anything else trustlint cannot know, and rules stay silent on it.

use crate::input::terraform::value::{Sv, V};
use crate::input::tree::{Node, NodeKind};

/// The largest value kept, in [`weight`] units (about one per node and per 16 bytes of text):
/// far above any real policy (IAM's largest quota is 10 KiB of JSON).
pub const MAX_WEIGHT: usize = 1 << 14;

/// Expressions evaluated per module before everything else becomes unknown: real modules need a
/// few thousand; exponential constructions (a local used twice by the next, forty deep) need
/// billions.
pub const MAX_STEPS: usize = 1 << 21;

/// Uses of variable defaults recorded per module evaluation (they only add words to messages).
pub const MAX_DEFAULT_USES: usize = 4096;

/// Nesting of expressions evaluated inside each other (locals through locals, calls in calls).
pub const MAX_DEPTH: usize = 48;

/// The weight of a value, counted only up to just past `limit`.
pub fn weight(sv: &Sv, limit: usize) -> usize {
    let mut w = 0;
    add_value(sv, limit, &mut w);
    w
}

fn add_value(sv: &Sv, limit: usize, w: &mut usize) {
    *w += 1;
    if *w > limit {
        return;
    }
    match &sv.v {
        V::Str(s) | V::Partial(s, _) => *w += s.text.len() / 16,
        V::List(items) => items.iter().for_each(|i| add_value(i, limit, w)),
        V::Obj(m) => m.iter().for_each(|(k, _, v)| {
            *w += k.len() / 16;
            add_value(v, limit, w)
        }),
        V::Json(n) => add_node(n, limit, w),
        V::Unknown | V::Null | V::Bool(_) | V::Num(_) => {}
    }
}

fn add_node(n: &Node, limit: usize, w: &mut usize) {
    *w += 1;
    if *w > limit {
        return;
    }
    match &n.kind {
        NodeKind::Str(s) | NodeKind::Number(s) => *w += s.len() / 16,
        NodeKind::Array(items) => items.iter().for_each(|i| add_node(i, limit, w)),
        NodeKind::Object(m) => m.iter().for_each(|m| {
            *w += m.key.len() / 16;
            add_node(&m.value, limit, w)
        }),
        NodeKind::Partial(shape) => *w += shape.parts.len(),
        NodeKind::Null | NodeKind::Bool(_) | NodeKind::Unknown => {}
    }
}

/// Accumulates the weight of a collection as it is built, so an oversized one is abandoned
/// before it is complete.
#[derive(Default)]
pub struct Tally(usize);

impl Tally {
    /// Adds `sv`; `false` once the total is past [`MAX_WEIGHT`].
    pub fn add(&mut self, sv: &Sv) -> bool {
        self.0 += weight(sv, MAX_WEIGHT);
        self.0 <= MAX_WEIGHT
    }
}
