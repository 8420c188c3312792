//! A spanned JSON-shaped tree. JSON files, heredocs and `jsonencode({...})` in HCL all become
//! this, so one builder turns every form into the policy model.

use crate::source::{SourceId, Span};
use jsonc_parser::ast;

mod strict;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    /// Numbers keep their text: IAM treats condition values as strings.
    Number(String),
    Str(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
    /// A value that could not be resolved statically (Terraform).
    Unknown,
    /// A string with unknown holes (a Terraform template): unknown, with what is known of it.
    Partial(crate::model::Shape),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// First member with this exact key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.members()?.iter().find(|m| m.key == key).map(|m| &m.value)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, NodeKind::Unknown | NodeKind::Partial(_))
    }

    /// Scalars as IAM reads them in condition values (`true`, `10`) as text.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Number(n) => Some(n.clone()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Number(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Array(_) => "an array",
            NodeKind::Object(_) => "an object",
            NodeKind::Unknown => "an unknown value",
            NodeKind::Partial(_) => "a partly known string",
        }
    }

    /// Serialises known parts back to JSON (unknown parts become `null`), for declarative rules.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            NodeKind::Null | NodeKind::Unknown | NodeKind::Partial(_) => J::Null,
            NodeKind::Bool(b) => J::Bool(*b),
            NodeKind::Number(n) => serde_json::from_str(n).unwrap_or(J::String(n.clone())),
            NodeKind::Str(s) => J::String(s.clone()),
            NodeKind::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members {
                    map.entry(m.key.clone()).or_insert_with(|| m.value.to_json());
                }
                J::Object(map)
            }
        }
    }
}

/// Converts a jsonc-parser AST; `offset` shifts every range (JSON embedded in a larger file).
pub fn from_jsonc(value: &ast::Value<'_>, src: SourceId, offset: usize) -> Node {
    let span = |r: jsonc_parser::common::Range| Span::new(src, r.start + offset, r.end + offset);
    match value {
        ast::Value::StringLit(s) => Node { span: span(s.range), kind: NodeKind::Str(s.value.to_string()) },
        ast::Value::NumberLit(n) => Node { span: span(n.range), kind: NodeKind::Number(n.value.to_string()) },
        ast::Value::BooleanLit(b) => Node { span: span(b.range), kind: NodeKind::Bool(b.value) },
        ast::Value::NullKeyword(n) => Node { span: span(n.range), kind: NodeKind::Null },
        ast::Value::Array(a) => Node {
            span: span(a.range),
            kind: NodeKind::Array(a.elements.iter().map(|e| from_jsonc(e, src, offset)).collect()),
        },
        ast::Value::Object(o) => Node {
            span: span(o.range),
            kind: NodeKind::Object(
                o.properties
                    .iter()
                    .map(|p| {
                        let (key, key_range) = match &p.name {
                            ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                            ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                        };
                        Member { key, key_span: span(key_range), value: from_jsonc(&p.value, src, offset) }
                    })
                    .collect(),
            ),
        },
    }
}

/// Strict JSON parse options: IAM accepts plain JSON only.
pub fn strict_options() -> jsonc_parser::ParseOptions {
    jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// A JSON syntax error at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// Parses JSON text strictly into a [`Node`] tree with spans shifted by `offset`.
pub fn parse_json(text: &str, src: SourceId, offset: usize) -> Result<Node, JsonError> {
    if let Some(root) = strict::parse(text, src, offset) {
        return Ok(root);
    }
    let collect = jsonc_parser::CollectOptions::default();
    match jsonc_parser::parse_to_ast(text, &collect, &strict_options()) {
        Ok(result) => match result.value {
            Some(v) => Ok(from_jsonc(&v, src, offset)),
            None => Err(JsonError { start: 0, end: 0, message: "empty document".into() }),
        },
        Err(e) => {
            let r = e.range();
            Err(JsonError { start: r.start, end: r.end.max(r.start), message: e.kind().to_string() })
        }
    }
}
