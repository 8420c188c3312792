//! Building fixes that touch only text the user wrote literally. A value computed by the
//! Terraform evaluator (a reference, an interpolation, an escape) has a span that does not hold
//! its text as written, and gets no fix: rewriting it would change something else.

use crate::model::{Condition, Policy, Statement, Unit, ValueList};
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
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"'))
        && !in_json_string(&src, span.start)
    {
        return (inner == expected).then(|| Span::new(span.src, span.start + 1, span.end - 1));
    }
    // A policy written as a JSON string inside a `.tf.json` string: its quotes are escaped
    // (`\"StringEquals\"`, the span starting at either byte of the escape). The text between
    // them is the value as written when it is `expected` byte for byte (nothing in it escaped).
    if !in_json_string(&src, span.start + 1) {
        return None;
    }
    let open = text.len() - text.trim_start_matches(['\\', '"']).len();
    let close = text.len() - text.trim_end_matches(['\\', '"']).len();
    let quoted = |q: &str| q.ends_with('"') && q.starts_with(['\\', '"']) && q.matches('"').count() == 1;
    let inner = text.get(open..text.len().checked_sub(close)?)?;
    (quoted(&text[..open]) && text[text.len() - close..].starts_with('\\') && inner == expected)
        .then(|| Span::new(span.src, span.start + open, span.end - close))
}

/// Whether byte `at` of a `.tf.json` source is inside a JSON string (JSON strings hold no raw
/// line break, so the line up to `at` decides). Text there is escaped: a fix may rename what
/// is written there, but never insert quotes.
fn in_json_string(src: &crate::source::Source, at: usize) -> bool {
    let Some(before) = src.text.get(..at).filter(|_| src.name.ends_with(".tf.json")) else { return false };
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let mut inside = false;
    let mut escaped = false;
    for b in line.bytes() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if inside => escaped = true,
            b'"' => inside = !inside,
            _ => {}
        }
    }
    inside
}

/// The source of `span`, when a fix may insert text there: shown, and not inside a string of a
/// `.tf.json` file (where the inserted quotes would need escaping).
fn insertable(cx: &Context, span: Span) -> Option<std::sync::Arc<crate::source::Source>> {
    cx.sources.get(span.src).filter(|s| !s.hidden && !in_json_string(s, span.start))
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

/// Renames the operator of `c` by replacing `old` in it with `new`, unless the statement already
/// has a block of the new name (the rename would write a duplicate key).
pub fn rename_operator(cx: &Context, st: &Statement, c: &Condition, old: &str, new: &str) -> Option<Edit> {
    let raw = &c.operator.raw;
    let at = raw.find(old)?;
    let renamed = format!("{}{new}{}", &raw[..at], &raw[at + old.len()..]);
    if st.conditions.iter().any(|o| o.operator.raw == renamed) {
        return None;
    }
    replace_in_literal(cx, c.operator_span, raw, old, new)
}

/// `c` is the only key under its operator block, so renaming the operator changes nothing else.
pub fn alone_in_block(st: &Statement, c: &Condition) -> bool {
    st.conditions.iter().filter(|o| o.operator_span == c.operator_span).count() == 1
}

/// The whitespace that starts the line `at` is on, when only whitespace precedes `at` there.
fn indentation(text: &str, at: usize) -> Option<&str> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[start..at];
    indent.chars().all(|c| c == ' ' || c == '\t').then_some(indent)
}

/// Appends the string `item` to the list written at `list` (an array of literal strings, or one
/// literal string, which becomes an array), in the list's style: one item per line with the last
/// item's indentation and trailing comma, or on one line with the separator already used.
pub fn append_to_list(cx: &Context, list: &ValueList, item: &str) -> Option<Vec<Edit>> {
    let src = insertable(cx, list.span)?;
    for v in &list.items {
        literal(cx, v.span, v.as_str()?)?;
    }
    let quoted = format!("\"{item}\"");
    let text = src.slice(list.span);
    let last = list.items.last()?;
    if text.starts_with('"') {
        if list.items.len() != 1 || last.span != list.span {
            return None;
        }
        return Some(vec![
            Edit::insert(src.id, list.span.start, "["),
            Edit::insert(src.id, list.span.end, format!(", {quoted}]")),
        ]);
    }
    if !text.starts_with('[') || !text.ends_with(']') || last.span.end >= list.span.end {
        return None;
    }
    let tail = &src.text[last.span.end..list.span.end - 1];
    let comma = match tail.trim() {
        "" => None,
        "," => Some(last.span.end + tail.find(',')? + 1),
        _ => return None,
    };
    let n = list.items.len();
    let prev_end = if n >= 2 { list.items[n - 2].span.end } else { list.span.start + 1 };
    let gap = src.text.get(prev_end..last.span.start)?;
    if !matches!(gap.trim(), "" | ",") || (n >= 2 && gap.trim().is_empty()) {
        return None;
    }
    let edit = if gap.contains('\n') {
        let indent = indentation(&src.text, last.span.start)?;
        match comma {
            Some(at) => Edit::insert(src.id, at, format!("\n{indent}{quoted},")),
            None => Edit::insert(src.id, last.span.end, format!(",\n{indent}{quoted}")),
        }
    } else {
        let sep = if n >= 2 { gap } else { ", " };
        match comma {
            Some(at) => Edit::insert(src.id, at, format!(" {quoted},")),
            None => Edit::insert(src.id, last.span.end, format!("{sep}{quoted}")),
        }
    };
    Some(vec![edit])
}

/// How an object's members are written, read from its first member.
struct ObjectStyle<'t> {
    /// Whitespace between `{` and the first member.
    leading: &'t str,
    quoted: bool,
    /// `:` (JSON, or HCL written like it) or `=` (HCL).
    sep: char,
    /// Spaces before and (at most one) after the separator.
    pad: usize,
    post: usize,
    first_key_len: usize,
}

impl ObjectStyle<'_> {
    fn multiline(&self) -> bool {
        self.leading.contains('\n')
    }

    /// The indentation of members on their own lines.
    fn indent(&self) -> &str {
        self.leading.rfind('\n').map_or("", |i| &self.leading[i + 1..])
    }

    fn key(&self, key: &str) -> String {
        if self.quoted { format!("\"{key}\"") } else { key.to_string() }
    }

    /// `key: value` in this style; in HCL, `=` after `pad_to` columns of key (as `terraform fmt`
    /// aligns it with its neighbours), else after one space.
    fn member(&self, key: &str, value: &str, pad_to: usize) -> String {
        let k = self.key(key);
        match self.sep {
            ':' => format!("{k}{}:{}{value}", " ".repeat(self.pad), " ".repeat(self.post)),
            _ => format!("{k}{}= {value}", " ".repeat(pad_to.saturating_sub(k.len()).max(1))),
        }
    }
}

/// The style of the object written as `text` (`{` .. `}`), from its first member.
fn object_style(text: &str) -> Option<ObjectStyle<'_>> {
    if !text.starts_with('{') || !text.ends_with('}') || text.len() < 2 {
        return None;
    }
    let rest = &text[1..text.len() - 1];
    let leading = &rest[..rest.len() - rest.trim_start().len()];
    let first = rest.trim_start();
    let (first_key_len, quoted) = if let Some(q) = first.strip_prefix('"') {
        (q.find('"')? + 2, true)
    } else {
        (first.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?, false)
    };
    if first_key_len == 0 {
        return None;
    }
    let after_key = &first[first_key_len..];
    let pad = after_key.len() - after_key.trim_start().len();
    let sep = after_key.trim_start().chars().next().filter(|c| matches!(c, ':' | '='))?;
    let after_sep = &after_key.trim_start()[1..];
    let post = (after_sep.len() - after_sep.trim_start().len()).min(1);
    Some(ObjectStyle { leading, quoted, sep, pad, post, first_key_len })
}

/// Inserts `key` with the string `value` as the first member of the object written at `obj`
/// (JSON, or an HCL object expression), in the style of its current first member: on its own
/// line with the same indentation, or on the same line; quoted or bare key; `:` with the same
/// spacing in JSON, `=` aligned as `terraform fmt` aligns it in HCL.
pub fn insert_first_member(cx: &Context, obj: Span, key: &str, value: &str) -> Option<Edit> {
    let src = insertable(cx, obj)?;
    let style = object_style(src.slice(obj))?;
    let multiline = style.multiline();
    // `terraform fmt` aligns `=` across consecutive one-line attributes only: not with a first
    // member whose value opens a block on its line.
    let text = src.slice(obj);
    let first_line = text[1 + style.leading.len()..].lines().next().unwrap_or("").trim_end();
    let one_line = !first_line.ends_with(['[', '{', '(']);
    let pad_to = if multiline && one_line { style.first_key_len + style.pad } else { 0 };
    let mut member = style.member(key, &format!("\"{value}\""), pad_to);
    if style.sep == ':' || !multiline {
        member.push(',');
    }
    let glue = if multiline {
        format!("\n{}", style.indent())
    } else if style.leading.is_empty() && style.sep == ':' && style.post == 0 {
        String::new()
    } else {
        " ".to_string()
    };
    Some(Edit::insert(src.id, obj.start + 1 + style.leading.len(), format!("{member}{glue}")))
}

/// Appends `key` as the last member of the object written at `obj`, in the object's style;
/// `json` and `hcl` are the value written for each separator style.
pub fn append_member(cx: &Context, obj: Span, key: &str, json: &str, hcl: &str) -> Option<Edit> {
    let src = insertable(cx, obj)?;
    let text = src.slice(obj);
    let style = object_style(text)?;
    let body = text[1..text.len() - 1].trim_end();
    let end = obj.start + 1 + body.len();
    let trailing = body.ends_with(',');
    let multiline = style.multiline();
    // Aligned with the last member when it is a one-line attribute, as `terraform fmt` does.
    let line = &src.text[src.text[..end].rfind('\n').map_or(0, |i| i + 1)..end];
    let last = line.trim_start();
    let pad_to = last
        .find('=')
        .filter(|&i| {
            last[..i].ends_with(' ')
                && !last[..i].trim_end().is_empty()
                && !last[..i].trim_end().contains(' ')
        })
        .unwrap_or(0);
    let value = if style.sep == ':' { json } else { hcl };
    let member = style.member(key, value, if multiline { pad_to } else { 0 });
    let nl = if multiline { format!("\n{}", style.indent()) } else { " ".to_string() };
    let insert = match (trailing, style.sep, multiline) {
        (true, _, _) => format!("{nl}{member},"),
        (false, '=', true) => format!("{nl}{member}"),
        _ => format!(",{nl}{member}"),
    };
    Some(Edit::insert(src.id, end, insert))
}

/// The external-id patterns Spacelift's attachments of the policy's role need, one per stack or
/// module: `<account>@*@<stack>@<phase>` (`*` for both phases). `None` unless every attachment
/// of every integration of the role is known exactly (a literal target, known read/write, no
/// `count`/`for_each`), and there is at least one.
pub fn attached_patterns(unit: &Unit, policy: &Policy, account: &str) -> Option<Vec<String>> {
    let role = policy.role?;
    let integrations: Vec<usize> = (0..unit.spacelift.integrations.len())
        .filter(|&i| unit.spacelift.integrations[i].role == Some(role))
        .collect();
    if integrations.is_empty() || integrations.iter().any(|&i| unit.spacelift.integrations[i].repeated) {
        return None;
    }
    let mut out = Vec::new();
    for a in unit.spacelift.attachments.iter().filter(|a| !a.is_external_id_source) {
        match a.integration {
            Some(i) if integrations.contains(&i) => {}
            Some(_) => continue,
            // Not known to be another integration's: it might be this role's.
            None => return None,
        }
        let target = a.target()?.as_str()?;
        if a.repeated || !crate::aws::spacelift::is_stack_id(target) {
            return None;
        }
        let phase = match (a.read?, a.write?) {
            (true, true) => "*",
            (false, true) => "write",
            (true, false) => "read",
            (false, false) => continue,
        };
        let pattern = format!("{account}@*@{target}@{phase}");
        if !out.contains(&pattern) {
            out.push(pattern);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A list of string literals in JSON and HCL: `"a"`, or `["a", "b"]`.
pub fn string_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    if quoted.len() == 1 { quoted[0].clone() } else { format!("[{}]", quoted.join(", ")) }
}

/// Appends a `condition` block to the `statement` block of an `aws_iam_policy_document` written
/// at `block`, indented as the block's other members are.
pub fn append_condition_block(
    cx: &Context,
    block: Span,
    test: &str,
    variable: &str,
    values: &[String],
) -> Option<Edit> {
    let src = cx.sources.get(block.src).filter(|s| !s.hidden)?;
    let text = src.slice(block);
    if !text.starts_with("statement") || !text.ends_with('}') {
        return None;
    }
    let open = text.find('{')?;
    let body = &text[open + 1..text.len() - 1];
    let member = body.lines().skip(1).find(|l| !l.trim().is_empty())?;
    let indent = &member[..member.len() - member.trim_start().len()];
    let closing = indentation(&src.text, block.end - 1)?;
    let unit =
        indent.strip_prefix(closing).filter(|u| !u.is_empty() && u.chars().all(|c| c == ' ' || c == '\t'))?;
    let list: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    let inner = format!("{indent}{unit}");
    let insert = format!(
        "\n{indent}condition {{\n{inner}test     = \"{test}\"\n{inner}variable = \"{variable}\"\n{inner}values   = [{}]\n{indent}}}",
        list.join(", ")
    );
    Some(Edit::insert(src.id, block.start + open + 1 + body.trim_end().len(), insert))
}
