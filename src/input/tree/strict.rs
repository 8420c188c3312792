//! Plain JSON straight from jsonc-parser's scanner into a [`Node`] tree. Nearly every file
//! trustlint reads is plain JSON; building the tree from the tokens skips jsonc-parser's AST (a
//! second tree of every document) and its conversion. Anything this reader does not accept, it
//! leaves to the jsonc-parser path, which then gives the verdict and the error message, so both
//! stay exactly as they were.

use std::borrow::Cow;

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};

use super::{Member, Node, NodeKind};
use crate::source::{SourceId, Span};

/// Deeper documents go to jsonc-parser, whose nesting limit (512 ranges: two per object level,
/// one per array level) this one never reaches.
const MAX_DEPTH: usize = 128;

/// The tree of `text` when it is plain JSON, `None` for everything else (including errors).
pub(super) fn parse(text: &str, src: SourceId, offset: usize) -> Option<Node> {
    let mut reader = Reader { scanner: Scanner::new(text, &scanner_options()), src, offset, depth: 0 };
    let first = reader.next()?;
    let root = reader.value(first)?;
    // One value and nothing after it; an error past the end is jsonc-parser's to report.
    matches!(reader.scanner.scan(), Ok(None)).then_some(root)
}

/// The scanner settings of [`super::strict_options`], so both paths see the same tokens.
fn scanner_options() -> ScannerOptions {
    let o = super::strict_options();
    ScannerOptions {
        allow_single_quoted_strings: o.allow_single_quoted_strings,
        allow_hexadecimal_numbers: o.allow_hexadecimal_numbers,
        allow_unary_plus_numbers: o.allow_unary_plus_numbers,
        allow_bare_decimal_point_numbers: o.allow_bare_decimal_point_numbers,
        allow_non_finite_numbers: o.allow_non_finite_numbers,
        allow_extended_string_escapes: o.allow_extended_string_escapes,
    }
}

struct Reader<'a> {
    scanner: Scanner<'a>,
    src: SourceId,
    offset: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// The next token; `None` at the end or on a scanner error alike (both reject).
    fn next(&mut self) -> Option<Token<'a>> {
        self.scanner.scan().ok().flatten()
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.src, start + self.offset, self.scanner.token_end() + self.offset)
    }

    /// The value that starts with `token` (just scanned).
    fn value(&mut self, token: Token<'a>) -> Option<Node> {
        let start = self.scanner.token_start();
        let kind = match token {
            Token::OpenBrace => return self.nested(start, Reader::members),
            Token::OpenBracket => return self.nested(start, Reader::elements),
            Token::String(s) => NodeKind::Str(s.into_owned()),
            Token::Number(n) => NodeKind::Number(n.to_string()),
            Token::Boolean(b) => NodeKind::Bool(b),
            Token::Null => NodeKind::Null,
            _ => return None,
        };
        Some(Node { span: self.span(start), kind })
    }

    /// An object or array from its opening token at `start` to its closing one.
    fn nested(&mut self, start: usize, body: fn(&mut Self) -> Option<NodeKind>) -> Option<Node> {
        if self.depth == MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let kind = body(self)?;
        self.depth -= 1;
        Some(Node { span: self.span(start), kind })
    }

    fn members(&mut self) -> Option<NodeKind> {
        let mut members = Vec::new();
        let mut token = self.next()?;
        if matches!(token, Token::CloseBrace) {
            return Some(NodeKind::Object(members));
        }
        loop {
            let Token::String(key) = token else { return None };
            let key_span = self.span(self.scanner.token_start());
            if !matches!(self.next()?, Token::Colon) {
                return None;
            }
            let first = self.next()?;
            let value = self.value(first)?;
            members.push(Member { key: Cow::into_owned(key), key_span, value });
            match self.next()? {
                Token::Comma => token = self.next()?,
                Token::CloseBrace => return Some(NodeKind::Object(members)),
                _ => return None,
            }
        }
    }

    fn elements(&mut self) -> Option<NodeKind> {
        let mut items = Vec::new();
        let mut token = self.next()?;
        if matches!(token, Token::CloseBracket) {
            return Some(NodeKind::Array(items));
        }
        loop {
            items.push(self.value(token)?);
            match self.next()? {
                Token::Comma => token = self.next()?,
                Token::CloseBracket => return Some(NodeKind::Array(items)),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{from_jsonc, strict_options};
    use super::*;
    use proptest::prelude::*;

    /// The jsonc-parser path alone, as `parse_json` was before this reader.
    fn by_jsonc(text: &str) -> Option<Node> {
        let collect = jsonc_parser::CollectOptions::default();
        let result = jsonc_parser::parse_to_ast(text, &collect, &strict_options()).ok()?;
        result.value.map(|v| from_jsonc(&v, SourceId(3), 7))
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| serde_json::json!(f)),
            "\\PC{0,8}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec(("[a-zA-Z\"\\\\é]{0,4}", inner), 0..6)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Valid documents, pretty or compact, and the same text cut or with a byte changed.
    fn document() -> impl Strategy<Value = String> {
        (json_value(), any::<bool>(), any::<u16>(), prop::sample::select(&b" ,:[]{}\"/x01-.e\\"[..]))
            .prop_map(|(v, pretty, at, byte)| {
                let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) };
                let mut text = text.unwrap_or_default();
                match at % 4 {
                    0 => {
                        let cut = usize::from(at) % (text.len() + 1);
                        text.truncate((0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0));
                    }
                    1 => {
                        let i = usize::from(at) % (text.len() + 1);
                        if text.is_char_boundary(i) {
                            text.insert(i, char::from(byte));
                        }
                    }
                    _ => {}
                }
                text
            })
    }

    proptest! {
        #[test]
        fn both_paths_give_the_same_tree(text in document()) {
            let strict = parse(&text, SourceId(3), 7);
            let jsonc = by_jsonc(&text);
            // Whatever this reader accepts, jsonc-parser reads the same; what it rejects, the
            // caller gives to jsonc-parser.
            if let Some(tree) = strict {
                prop_assert_eq!(Some(tree), jsonc);
            }
        }

        #[test]
        fn valid_documents_take_the_strict_path(v in json_value(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) };
            let text = text.unwrap_or_default();
            prop_assert!(parse(&text, SourceId(3), 7).is_some());
            prop_assert_eq!(parse(&text, SourceId(3), 7), by_jsonc(&text));
        }
    }

    #[test]
    fn what_it_rejects() {
        for text in [
            "",
            "{\"a\": 1,}",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{a: 1}",
            "// c\n{}",
            "{} {}",
            "{\"a\": 0x1}",
            "'a'",
            "{\"a\": 1} /* c */",
        ] {
            assert_eq!(parse(text, SourceId(0), 0), None, "{text:?}");
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(&deep, SourceId(0), 0), None);
        assert!(by_jsonc(&deep).is_some());
    }
}
