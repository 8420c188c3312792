//! The values the static evaluator computes: HCL values with spans, and unknowns.

use crate::input::terraform::spanned::SpStr;
use crate::input::tree::{Member, Node, NodeKind};
use crate::model::{Hole, Part, Shape};
use crate::source::Span;

/// The character that stands for hole `i` in a partial string's text: Unicode private use
/// characters, which no policy contains.
pub fn hole_char(i: usize) -> char {
    char::from_u32(0xE000 + (i as u32).min(0x18FF)).unwrap_or('\u{E000}')
}

fn hole_index(c: char) -> Option<usize> {
    let n = c as u32;
    (0xE000..=0xF8FF).contains(&n).then(|| (n - 0xE000) as usize)
}

/// The shape of a partial string's text.
pub fn shape_of(text: &str, holes: &[Hole]) -> Shape {
    let mut parts = Vec::new();
    let mut lit = String::new();
    for c in text.chars() {
        match hole_index(c).and_then(|i| holes.get(i)) {
            Some(h) => {
                if !lit.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut lit)));
                }
                parts.push(Part::Hole(h.clone()));
            }
            None => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Text(lit));
    }
    Shape { parts }
}

/// Turns the strings of a tree parsed out of a partial string into partial nodes.
pub fn mark_holes(node: &mut Node, holes: &[Hole]) {
    match &mut node.kind {
        NodeKind::Str(s) if s.chars().any(|c| hole_index(c).is_some()) => {
            node.kind = NodeKind::Partial(shape_of(s, holes));
        }
        NodeKind::Array(items) => items.iter_mut().for_each(|n| mark_holes(n, holes)),
        NodeKind::Object(m) => {
            for m in m.iter_mut() {
                if m.key.chars().any(|c| hole_index(c).is_some()) {
                    // A key with a hole: the whole object is unknown.
                    node.kind = NodeKind::Unknown;
                    return;
                }
                mark_holes(&mut m.value, holes);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Unknown,
    Null,
    Bool(bool),
    Num(String),
    Str(SpStr),
    List(Vec<Sv>),
    Obj(Vec<(String, Span, Sv)>),
    /// A string with unknown holes: `text` holds [`hole_char`]`(i)` where hole `i` is.
    Partial(SpStr, Vec<Hole>),
    /// A JSON string whose document is this tree (`jsonencode(...)`, a policy document's `json`).
    Json(Box<Node>),
}

/// A statically evaluated value and the span of the expression it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sv {
    pub span: Span,
    pub v: V,
}

impl Sv {
    pub fn unknown(span: Span) -> Self {
        Sv { span, v: V::Unknown }
    }

    /// Not known exactly (a partial string counts: its text is not known).
    pub fn is_unknown(&self) -> bool {
        matches!(self.v, V::Unknown | V::Partial(..))
    }

    /// The value as text when it is a known scalar.
    pub fn text(&self) -> Option<String> {
        match &self.v {
            V::Str(s) => Some(s.text.clone()),
            V::Num(n) => Some(n.clone()),
            V::Bool(b) => Some(b.to_string()),
            V::Json(n) if !has_unknown(n) => Some(jsonencode_text(n)),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.v {
            V::Bool(b) => Some(*b),
            V::Str(s) if s.text == "true" => Some(true),
            V::Str(s) if s.text == "false" => Some(false),
            _ => None,
        }
    }

    /// The model's scalar: known text or unknown, with this span.
    pub fn to_value(&self) -> crate::model::Value {
        match self.text() {
            Some(t) => crate::model::Value::known(t, self.span),
            None => crate::model::Value::unknown(self.span),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Sv> {
        match &self.v {
            V::Obj(m) => m.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// Converts to the format-neutral tree the policy builder reads.
    pub fn to_node(&self) -> Node {
        let kind = match &self.v {
            V::Unknown => NodeKind::Unknown,
            V::Partial(s, holes) => NodeKind::Partial(shape_of(&s.text, holes)),
            V::Null => NodeKind::Null,
            V::Bool(b) => NodeKind::Bool(*b),
            V::Num(n) => NodeKind::Number(n.clone()),
            V::Str(s) => NodeKind::Str(s.text.clone()),
            V::List(items) => NodeKind::Array(items.iter().map(Sv::to_node).collect()),
            V::Obj(m) => NodeKind::Object(
                m.iter()
                    .map(|(k, ks, v)| Member { key: k.clone(), key_span: *ks, value: v.to_node() })
                    .collect(),
            ),
            V::Json(n) if has_unknown(n) => NodeKind::Unknown,
            V::Json(n) => NodeKind::Str(jsonencode_text(n)),
        };
        Node { span: self.span, kind }
    }

    pub fn from_node(node: &Node) -> Sv {
        let v = match &node.kind {
            NodeKind::Unknown => V::Unknown,
            NodeKind::Partial(shape) => {
                let (mut text, mut holes) = (String::new(), Vec::new());
                for p in &shape.parts {
                    match p {
                        Part::Text(t) => text.push_str(t),
                        Part::Hole(h) => {
                            text.push(hole_char(holes.len()));
                            holes.push(h.clone());
                        }
                    }
                }
                V::Partial(SpStr::plain(text, node.span.src), holes)
            }
            NodeKind::Null => V::Null,
            NodeKind::Bool(b) => V::Bool(*b),
            NodeKind::Number(n) => V::Num(n.clone()),
            NodeKind::Str(s) => V::Str(SpStr::plain(s.clone(), node.span.src)),
            NodeKind::Array(items) => V::List(items.iter().map(Sv::from_node).collect()),
            NodeKind::Object(m) => {
                V::Obj(m.iter().map(|m| (m.key.clone(), m.key_span, Sv::from_node(&m.value))).collect())
            }
        };
        Sv { span: node.span, v }
    }
}

/// The text Terraform's `jsonencode` writes for a document: compact, keys sorted, and `<`, `>`,
/// `&`, U+2028 and U+2029 escaped as Go's encoder does (IAM counts these six-character escapes
/// against its size quotas).
pub fn jsonencode_text(node: &Node) -> String {
    let mut out = Vec::new();
    write_encoded(node, &mut out);
    // Only whole strings and JSON punctuation were written.
    let text = String::from_utf8(out).unwrap_or_default();
    if !text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return text;
    }
    // Outside strings JSON has none of these characters, so replacing them everywhere is exact.
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The compact JSON of `node` as `sorted(node.to_json())` writes it, without building the
/// `serde_json` tree: keys in order, the first of repeated keys, numbers as serde_json reads them.
fn write_encoded(node: &Node, out: &mut Vec<u8>) {
    // Writing into a vector cannot fail.
    fn text(s: &str, out: &mut Vec<u8>) {
        let _ = serde_json::to_writer(out, s);
    }
    match &node.kind {
        NodeKind::Null | NodeKind::Unknown | NodeKind::Partial(_) => out.extend_from_slice(b"null"),
        NodeKind::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        NodeKind::Number(_) => {
            let _ = serde_json::to_writer(out, &node.to_json());
        }
        NodeKind::Str(s) => text(s, out),
        NodeKind::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_encoded(item, out);
            }
            out.push(b']');
        }
        NodeKind::Object(members) => {
            // A stable sort keeps the first of equal keys first, and it is the one kept.
            let mut by_key: Vec<&Member> = members.iter().collect();
            by_key.sort_by(|a, b| a.key.cmp(&b.key));
            by_key.dedup_by(|later, first| later.key == first.key);
            out.push(b'{');
            for (i, m) in by_key.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                text(&m.key, out);
                out.push(b':');
                write_encoded(&m.value, out);
            }
            out.push(b'}');
        }
    }
}

/// Objects with their keys in order, whatever order the JSON map keeps.
#[cfg(test)]
fn sorted(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

pub fn has_unknown(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Unknown | NodeKind::Partial(_) => true,
        NodeKind::Array(items) => items.iter().any(has_unknown),
        NodeKind::Object(m) => m.iter().any(|m| has_unknown(&m.value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;
    use proptest::prelude::*;

    fn node() -> impl Strategy<Value = Node> {
        let span = Span::new(SourceId(0), 0, 0);
        let leaf = prop_oneof![
            Just(NodeKind::Null),
            Just(NodeKind::Unknown),
            any::<bool>().prop_map(NodeKind::Bool),
            prop::sample::select(vec!["1", "1.0", "-0", "1e3", "12345678901234567890", "0.1", "x"])
                .prop_map(|n| NodeKind::Number(n.to_string())),
            "[a<>&\u{2028}\"\\\\é\n]{0,5}".prop_map(NodeKind::Str),
        ];
        let leaf = leaf.prop_map(move |kind| Node { span, kind });
        leaf.prop_recursive(4, 32, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5)
                    .prop_map(move |v| Node { span, kind: NodeKind::Array(v) }),
                prop::collection::vec(("[ab<é]{0,2}", inner), 0..5).prop_map(move |kv| Node {
                    span,
                    kind: NodeKind::Object(
                        kv.into_iter().map(|(key, value)| Member { key, key_span: span, value }).collect()
                    ),
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn written_as_serde_json_writes_it(n in node()) {
            let mut direct = Vec::new();
            write_encoded(&n, &mut direct);
            prop_assert_eq!(String::from_utf8(direct).unwrap_or_default(), sorted(n.to_json()).to_string());
        }
    }
}
