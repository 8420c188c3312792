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
            V::Json(n) if !has_unknown(n) => Some(n.to_json().to_string()),
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
            V::Json(n) => NodeKind::Str(n.to_json().to_string()),
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

pub fn has_unknown(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Unknown => true,
        NodeKind::Array(items) => items.iter().any(has_unknown),
        NodeKind::Object(m) => m.iter().any(|m| has_unknown(&m.value)),
        _ => false,
    }
}
