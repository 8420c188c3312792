//! The values the static evaluator computes: HCL values with spans, and unknowns.

use crate::input::terraform::spanned::SpStr;
use crate::input::tree::{Member, Node, NodeKind};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Unknown,
    Null,
    Bool(bool),
    Num(String),
    Str(SpStr),
    List(Vec<Sv>),
    Obj(Vec<(String, Span, Sv)>),
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

    pub fn is_unknown(&self) -> bool {
        matches!(self.v, V::Unknown)
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
    let text = sorted(node.to_json()).to_string();
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

/// Objects with their keys in order, whatever order the JSON map keeps.
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
        NodeKind::Unknown => true,
        NodeKind::Array(items) => items.iter().any(has_unknown),
        NodeKind::Object(m) => m.iter().any(|m| has_unknown(&m.value)),
        _ => false,
    }
}
