//! Building fixes that touch only text the user wrote literally. A value computed by the
//! Terraform evaluator (a reference, an interpolation, an escape) has a span that does not hold
//! its text as written, and gets no fix: rewriting it would change something else.

use crate::rules::{Context, Edit};
use crate::source::Span;

/// The span of `expected` as written at `span`: the slice is `expected` itself (an HCL key) or
/// `expected` in double quotes (JSON, HCL strings); `None` otherwise.
pub fn literal(cx: &Context, span: Span, expected: &str) -> Option<Span> {
    let src = cx.sources.get(span.src)?;
    if src.hidden {
        return None;
    }
    let text = src.slice(span);
    if text == expected {
        return Some(span);
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    (inner == expected).then(|| Span::new(span.src, span.start + 1, span.end - 1))
}

/// Replaces `old` inside the literal `whole` written at `span` (its first occurrence) with `new`.
pub fn replace_in_literal(cx: &Context, span: Span, whole: &str, old: &str, new: &str) -> Option<Edit> {
    let inner = literal(cx, span, whole)?;
    let at = whole.find(old)?;
    Some(Edit::replace(Span::new(span.src, inner.start + at, inner.start + at + old.len()), new))
}

/// Replaces the whole literal `whole` written at `span` (keeping its quotes) with `new`, which
/// must need no escaping in JSON or HCL.
pub fn replace_literal(cx: &Context, span: Span, whole: &str, new: &str) -> Option<Edit> {
    if new.contains(['"', '\\', '$', '%', '\n']) {
        return None;
    }
    Some(Edit::replace(literal(cx, span, whole)?, new))
}
