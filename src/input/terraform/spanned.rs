//! Strings that remember where every byte came from, so JSON parsed out of a Terraform value
//! points back into the user's file.

use crate::input::tree::{Node, NodeKind, parse_json};
use crate::source::{SourceId, Span};

/// A string with, for every byte, the byte offset in `src` it came from (plus one for the end),
/// so JSON parsed out of it can be mapped back into the user's file.
#[derive(Debug, Clone, PartialEq)]
pub struct SpStr {
    pub text: String,
    pub src: SourceId,
    /// `text.len() + 1` entries; `None` when the origin is not exactly known.
    pub offs: Option<Vec<usize>>,
}

impl SpStr {
    pub fn plain(text: String, src: SourceId) -> Self {
        SpStr { text, src, offs: None }
    }

    /// Maps a byte range of `text` back to the source; `fallback` when unknown.
    pub fn map(&self, start: usize, end: usize, fallback: Span) -> Span {
        match &self.offs {
            Some(offs) if !offs.is_empty() => {
                let last = offs.len() - 1;
                let s = offs[start.min(last)];
                let e = if end > start { offs[(end - 1).min(last)] + 1 } else { s };
                Span::new(self.src, s, e)
            }
            _ => fallback,
        }
    }
}

/// Aligns a string value with the raw text it was written as (escapes, heredoc indentation):
/// returns the source offset of every byte of `val`, plus the end.
pub fn align(raw: &str, raw_start: usize, val: &str) -> Vec<usize> {
    let (r, v) = (raw.as_bytes(), val.as_bytes());
    let mut offs = Vec::with_capacity(v.len() + 1);
    let mut j = 0usize;
    for &c in v {
        while j < r.len() && r[j] != c && matches!(r[j], b' ' | b'\t' | b'\\' | b'$') {
            j += 1;
        }
        offs.push(raw_start + j.min(r.len()));
        if j < r.len() {
            j += 1;
        }
    }
    offs.push(raw_start + j.min(r.len()));
    offs
}

/// Shifts every span of a tree parsed out of `s` back into the source.
pub fn remap(node: &mut Node, s: &SpStr, fallback: Span) {
    node.span = s.map(node.span.start, node.span.end, fallback);
    match &mut node.kind {
        NodeKind::Array(items) => items.iter_mut().for_each(|n| remap(n, s, fallback)),
        NodeKind::Object(members) => {
            for m in members {
                m.key_span = s.map(m.key_span.start, m.key_span.end, fallback);
                remap(&mut m.value, s, fallback);
            }
        }
        _ => {}
    }
}

/// Parses JSON held in a string value, with spans in the source. `Err` is a syntax error at
/// its location.
pub fn parse_json_str(s: &SpStr, fallback: Span) -> Result<Node, (Span, String)> {
    match parse_json(&s.text, s.src, 0) {
        Ok(mut node) => {
            remap(&mut node, s, fallback);
            Ok(node)
        }
        Err(e) => {
            Err((s.map(e.start, e.end.max(e.start + 1).min(s.text.len().max(e.start)), fallback), e.message))
        }
    }
}

/// Appends `part` to `text`, keeping the byte map (`span.start` where `part` has none).
pub fn push_part(text: &mut String, offs: &mut Vec<usize>, part: &SpStr, span: Span) {
    text.push_str(&part.text);
    match &part.offs {
        Some(o) if o.len() > part.text.len() => offs.extend_from_slice(&o[..part.text.len()]),
        _ => offs.extend(std::iter::repeat_n(span.start, part.text.len())),
    }
}
