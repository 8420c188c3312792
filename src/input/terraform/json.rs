//! Terraform JSON configuration syntax (`*.tf.json`) as HCL.
//!
//! A `.tf.json` file is rewritten into equivalent native HCL text, which `hcl-edit` parses into
//! the same blocks, attributes and expressions a `.tf` file gives; the rest of the Terraform
//! input (static evaluation, resources, policies, providers, backends, Spacelift) works on it
//! unchanged. Every byte of the generated text remembers the range of the `.tf.json` file it
//! came from ([`Converted::map`]), and [`Module::hspan`](super::Module::hspan) maps every span
//! through it, so findings point into the JSON file.
//!
//! The rules are those of <https://developer.hashicorp.com/terraform/language/syntax/json>:
//! block types are object properties, labels are nested object properties, a repeated block (or
//! label level) may be an array of objects, a nested block is an object (or array of objects)
//! whose name the block's schema knows, a `"//"` property is a comment, and JSON strings are
//! string templates (`${...}` interpolation, `%{...}` directives; `$${` and `%%{` escape them),
//! except a variable's `default`, which is a literal value. Without provider schemas, the nested
//! block types are those trustlint reads (see [`nested_block`]); any other object property is an
//! attribute holding an object, which is how they are evaluated either way.

use hcl_edit::Span as _;
use hcl_edit::template::Element;

use crate::input::terraform::spanned::align;
use crate::input::tree::{Node, NodeKind};
use crate::model::ParseFailure;
use crate::source::{Source, Span};

/// Native HCL text standing for a `.tf.json` file, and for every byte of it the byte range of the
/// JSON file it came from.
#[derive(Debug, Default)]
pub struct Converted {
    pub text: String,
    pub map: Vec<(usize, usize)>,
    /// Strings that are not valid templates (Terraform rejects them too).
    pub failures: Vec<ParseFailure>,
}

/// Converts the parsed root of a `.tf.json` file.
pub fn convert(source: &Source, root: &Node) -> Converted {
    let mut out = Out { source, c: Converted::default(), last: 0 };
    let NodeKind::Object(members) = &root.kind else {
        out.c.failures.push(ParseFailure {
            span: Span::new(source.id, root.span.start, (root.span.start + 1).min(root.span.end)),
            message: "the root of a Terraform JSON file must be an object".into(),
            what: "Terraform JSON",
        });
        return out.c;
    };
    for m in members {
        let labels = match m.key.as_str() {
            "resource" | "data" => 2,
            "provider" | "variable" => 1,
            "terraform" | "locals" => 0,
            _ => continue,
        };
        let cx = Cx { top: &m.key, ty: None, path: Vec::new() };
        out.blocks(&m.key, m.key_span, &m.value, labels, &mut Vec::new(), &cx);
    }
    out.c
}

/// Where a block body is: the top-level block type, its first label (resource type, provider
/// name), and the nested block types inside it.
#[derive(Clone)]
struct Cx<'a> {
    top: &'a str,
    ty: Option<String>,
    path: Vec<String>,
}

/// The nested block types of a body trustlint reads, with their label count; every other
/// property is an attribute.
fn nested_block(cx: &Cx, key: &str) -> Option<usize> {
    let ty = cx.ty.as_deref().unwrap_or("");
    let path: Vec<&str> = cx.path.iter().map(String::as_str).collect();
    if path.last() == Some(&"dynamic") {
        return (key == "content").then_some(0);
    }
    if key == "dynamic" && cx.top != "terraform" && cx.top != "variable" {
        return Some(1);
    }
    match (cx.top, ty, path.as_slice(), key) {
        ("resource" | "data", _, [], "lifecycle") => Some(0),
        ("resource", "aws_iam_role", [], "inline_policy") => Some(0),
        ("data", "aws_iam_policy_document", [], "statement") => Some(0),
        ("data", "aws_iam_policy_document", ["statement"], "principals" | "not_principals" | "condition") => {
            Some(0)
        }
        ("provider", _, [], "assume_role" | "assume_role_with_web_identity") => Some(0),
        ("terraform", _, [], "backend") => Some(1),
        ("terraform", _, [], "cloud") => Some(0),
        _ => None,
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

struct Out<'a> {
    source: &'a Source,
    c: Converted,
    /// The end of the last mapped origin: where generated whitespace points.
    last: usize,
}

impl Out<'_> {
    /// Appends generated text whose every byte stands for `origin`.
    fn push(&mut self, s: &str, origin: Span) {
        self.c.text.push_str(s);
        self.c.map.extend(std::iter::repeat_n((origin.start, origin.end), s.len()));
        self.last = origin.end;
    }

    /// Appends layout (whitespace, separators) that stands for nothing in particular.
    fn layout(&mut self, s: &str) {
        self.c.text.push_str(s);
        self.c.map.extend(std::iter::repeat_n((self.last, self.last), s.len()));
    }

    fn first_byte(span: Span) -> Span {
        Span::new(span.src, span.start, (span.start + 1).min(span.end.max(span.start)))
    }

    fn last_byte(span: Span) -> Span {
        Span::new(span.src, span.end.saturating_sub(1).max(span.start), span.end)
    }

    /// A block type's value: one body, several (array), or `labels` more levels of labels.
    fn blocks(
        &mut self,
        ident: &str,
        key_span: Span,
        value: &Node,
        labels: usize,
        got: &mut Vec<(String, Span)>,
        cx: &Cx,
    ) {
        match &value.kind {
            NodeKind::Array(items) => {
                for item in items {
                    self.blocks(ident, key_span, item, labels, got, cx);
                }
            }
            NodeKind::Object(members) if labels > 0 => {
                for m in members.iter().filter(|m| m.key != "//") {
                    got.push((m.key.clone(), m.key_span));
                    let mut cx = cx.clone();
                    if cx.ty.is_none() && cx.path.is_empty() {
                        cx.ty = Some(m.key.clone());
                    }
                    self.blocks(ident, key_span, &m.value, labels - 1, got, &cx);
                    got.pop();
                }
            }
            NodeKind::Object(_) => self.block(ident, key_span, got, value, cx),
            _ => {}
        }
    }

    /// `ident "label"... {` body `}`; the head stands for the innermost key (the block's name),
    /// so a block spans from its name to the end of its body.
    fn block(&mut self, ident: &str, key_span: Span, labels: &[(String, Span)], body: &Node, cx: &Cx) {
        let NodeKind::Object(members) = &body.kind else { return };
        let head = labels.last().map(|l| l.1).unwrap_or(key_span);
        self.push(ident, head);
        for (label, _) in labels {
            self.layout(" ");
            self.push(&quote_literal(label), head);
        }
        self.layout(" ");
        self.push("{", Self::first_byte(body.span));
        self.layout("\n");
        let variable = cx.top == "variable" && cx.path.is_empty();
        for m in members {
            if m.key == "//" {
                continue;
            }
            if let Some(n) = nested_block(cx, &m.key) {
                let mut inner = cx.clone();
                match cx.path.last().map(String::as_str) {
                    // `dynamic "x" { content { ... } }`: the content has the schema of `x`.
                    Some("dynamic") if m.key == "content" => {
                        inner.path.pop();
                        if let Some((label, _)) = labels.last() {
                            inner.path.push(label.clone());
                        }
                    }
                    _ => inner.path.push(m.key.clone()),
                }
                self.blocks(&m.key, m.key_span, &m.value, n, &mut Vec::new(), &inner);
                continue;
            }
            if !is_ident(&m.key) || (variable && m.key != "default") {
                continue;
            }
            self.push(&m.key, m.key_span);
            self.layout(" = ");
            self.expr(&m.value, variable);
            self.layout("\n");
        }
        self.push("}", Self::last_byte(body.span));
        self.layout("\n");
    }

    /// A JSON value as an HCL expression; strings are templates unless `literal`.
    fn expr(&mut self, node: &Node, literal: bool) {
        match &node.kind {
            NodeKind::Null => self.push("null", node.span),
            NodeKind::Bool(b) => self.push(if *b { "true" } else { "false" }, node.span),
            NodeKind::Number(n) => {
                if hcl_edit::parser::parse_expr(n).is_ok() {
                    self.push(n, node.span)
                } else {
                    self.unknown(node.span)
                }
            }
            NodeKind::Str(s) => self.string(s, node.span, literal),
            NodeKind::Unknown => self.unknown(node.span),
            NodeKind::Array(items) => {
                self.push("[", Self::first_byte(node.span));
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.layout(", ");
                    }
                    self.expr(item, literal);
                }
                self.push("]", Self::last_byte(node.span));
            }
            NodeKind::Object(members) => {
                self.push("{", Self::first_byte(node.span));
                self.layout("\n");
                for m in members {
                    // Keys are templates too; one with interpolation is an expression key.
                    let template = !literal && (m.key.contains("${") || m.key.contains("%{"));
                    if template {
                        self.layout("(");
                    }
                    self.string(&m.key, m.key_span, literal);
                    if template {
                        self.layout(")");
                    }
                    self.layout(" = ");
                    self.expr(&m.value, literal);
                    self.layout("\n");
                }
                self.push("}", Self::last_byte(node.span));
            }
        }
    }

    /// A value nothing is known about (an invalid template, an odd number).
    fn unknown(&mut self, span: Span) {
        self.push("(each.value)", span);
    }

    /// For every byte of the decoded string `value` written as the JSON literal at `span`, the
    /// range of the literal it was written as (a character or its escape sequence), plus the end.
    fn decoded_map(&self, value: &str, span: Span) -> Vec<(usize, usize)> {
        let whole = vec![(span.start, span.end); value.len() + 1];
        let Some(raw) = self.source.text.get(span.start..span.end) else { return whole };
        if raw.len() < 2 || !raw.starts_with('"') || !raw.ends_with('"') {
            return whole;
        }
        let (r, base) = (&raw.as_bytes()[1..raw.len() - 1], span.start + 1);
        let mut out = Vec::with_capacity(value.len() + 1);
        let mut j = 0usize;
        for c in value.chars() {
            let len = if r.get(j) == Some(&b'\\') {
                match r.get(j + 1) {
                    Some(b'u') if c.len_utf8() == 4 => 12,
                    Some(b'u') => 6,
                    _ => 2,
                }
            } else {
                if raw.get(1 + j..).and_then(|t| t.chars().next()) != Some(c) {
                    return whole;
                }
                c.len_utf8()
            };
            if j + len > r.len() {
                return whole;
            }
            out.extend(std::iter::repeat_n((base + j, base + j + len), c.len_utf8()));
            j += len;
        }
        out.push((base + j, base + j));
        out
    }

    /// Appends `text` escaped for an HCL quoted template, each character standing for the JSON
    /// range `offs[i]` of the character it came from (`i` its byte index in `text`).
    fn escaped(&mut self, text: &str, offs: &[(usize, usize)]) {
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let (s, e) = offs.get(i).copied().unwrap_or((self.last, self.last));
            let next = chars.peek().map(|&(_, n)| n);
            let mut buf = [0u8; 4];
            let piece: std::borrow::Cow<str> = match c {
                '\\' => "\\\\".into(),
                '"' => "\\\"".into(),
                '\n' => "\\n".into(),
                '\r' => "\\r".into(),
                '\t' => "\\t".into(),
                '$' | '%' if next == Some('{') => format!("{c}{c}").into(),
                c if c.is_control() => format!("\\u{:04x}", c as u32).into(),
                c => std::borrow::Cow::Borrowed(c.encode_utf8(&mut buf)),
            };
            self.push(&piece, Span::new(self.source.id, s, e));
        }
    }

    /// A JSON string as a quoted HCL template (or a literal string).
    fn string(&mut self, value: &str, span: Span, literal: bool) {
        let offs = self.decoded_map(value, span);
        let (text_len, map_len) = (self.c.text.len(), self.c.map.len());
        self.push("\"", Self::first_byte(span));
        if literal || !(value.contains("${") || value.contains("%{")) {
            self.escaped(value, &offs);
        } else {
            let template = match hcl_edit::parser::parse_template(value) {
                Ok(t) => t,
                Err(e) => {
                    self.c.text.truncate(text_len);
                    self.c.map.truncate(map_len);
                    self.c.failures.push(ParseFailure {
                        span,
                        message: format!("invalid template: {}", e.message()),
                        what: "Terraform JSON",
                    });
                    self.unknown(span);
                    return;
                }
            };
            for el in template.iter() {
                let Some(r) = el.span() else {
                    return self.rollback(text_len, map_len, span);
                };
                let (Some(raw), Some(o)) = (value.get(r.clone()), offs.get(r.start..=r.end)) else {
                    return self.rollback(text_len, map_len, span);
                };
                match el {
                    Element::Literal(l) => {
                        // The literal's value (escapes undone) aligned with its text.
                        let local = align(raw, 0, l.value());
                        let lo: Vec<(usize, usize)> = local.iter().map(|&i| o[i.min(o.len() - 1)]).collect();
                        self.escaped(l.value(), &lo);
                    }
                    Element::Interpolation(_) => {
                        // The expression text as written, byte for byte.
                        for (i, ch) in raw.char_indices() {
                            let mut buf = [0u8; 4];
                            self.push(ch.encode_utf8(&mut buf), Span::new(span.src, o[i].0, o[i].1));
                        }
                    }
                    Element::Directive(_) => return self.rollback(text_len, map_len, span),
                }
            }
        }
        self.push("\"", Self::last_byte(span));
        // What was written must read back as one expression; otherwise it stays unknown.
        if hcl_edit::parser::parse_expr(&self.c.text[text_len..]).is_err() {
            self.rollback(text_len, map_len, span);
        }
    }

    fn rollback(&mut self, text_len: usize, map_len: usize, span: Span) {
        self.c.text.truncate(text_len);
        self.c.map.truncate(map_len);
        self.unknown(span);
    }
}

/// A label as an HCL quoted string with no template meaning.
fn quote_literal(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tree::parse_json;
    use crate::source::SourceId;
    use std::path::PathBuf;

    fn conv(text: &str) -> (Source, Converted) {
        let source =
            Source::new(SourceId(0), "main.tf.json".into(), PathBuf::from("main.tf.json"), text.into());
        let root = parse_json(text, source.id, 0).unwrap();
        let c = convert(&source, &root);
        (source, c)
    }

    /// The JSON text every byte of `needle` (in the generated text) stands for.
    fn origin_of<'a>(source: &'a Source, c: &Converted, needle: &str) -> &'a str {
        let at = c.text.find(needle).unwrap_or_else(|| panic!("{needle:?} in {}", c.text));
        let (s, e) = (c.map[at].0, c.map[at + needle.len() - 1].1);
        &source.text[s..e]
    }

    #[test]
    fn escapes_and_templates_map_back_to_the_json_text() {
        let text = r#"{"resource": {"aws_iam_role": {"r": {"p": "${jsonencode({a = \"x\"})}", "q": "a\"b$${c}\u00e9"}}}}"#;
        let (source, c) = conv(text);
        assert!(c.failures.is_empty(), "{:?}", c.failures);
        assert!(hcl_edit::parser::parse_body(&c.text).is_ok(), "{}", c.text);
        assert_eq!(origin_of(&source, &c, "\"x\""), "\\\"x\\\"");
        assert_eq!(origin_of(&source, &c, "\"a\\\"b$${c}é\""), "\"a\\\"b$${c}\\u00e9\"");
        assert_eq!(origin_of(&source, &c, "resource \"aws_iam_role\" \"r\""), "\"r\"");
    }
}
