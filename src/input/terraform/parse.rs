//! HCL parsing with spans, and `# trustlint:ignore` comments.

use hcl_edit::Span as _;
use hcl_edit::structure::{Body, Structure};

use crate::model::ParseFailure;
use crate::model::terraform::Suppression;
use crate::source::{Source, Span};

/// Parses one `.tf` file; a syntax error becomes a [`ParseFailure`] at its location.
pub fn parse_file(source: &Source) -> Result<Body, ParseFailure> {
    hcl_edit::parser::parse_body(&source.text).map_err(|e| {
        let start = e.location().offset().min(source.text.len());
        let mut end = start + 1;
        while end < source.text.len() && !source.text.is_char_boundary(end) {
            end += 1;
        }
        ParseFailure {
            span: Span::new(source.id, start, end.min(source.text.len().max(start))),
            message: e.message().to_string(),
            what: "Terraform",
        }
    })
}

/// `# trustlint:ignore CODES reason` / `// trustlint:ignore ...` comments, each covering the
/// block or attribute that starts on the next line.
pub fn suppressions(source: &Source, body: &Body) -> Vec<Suppression> {
    // Every suppression line holds this word: most files have none, and no line is looked at.
    if !source.text.contains("trustlint:ignore") {
        return Vec::new();
    }
    let mut starts: Vec<(usize, usize)> = Vec::new();
    collect_ranges(source, body, &mut starts);
    let mut out = Vec::new();
    for line in 1..=source.line_count() {
        let range = source.line_range(line);
        let text = &source.text[range.clone()];
        let trimmed = text.trim_start();
        let body = trimmed.strip_prefix('#').or_else(|| trimmed.strip_prefix("//"));
        let Some(rest) = body.map(str::trim_start).and_then(|b| b.strip_prefix("trustlint:ignore")) else {
            continue;
        };
        let mut codes = Vec::new();
        let mut words = rest.split_whitespace().peekable();
        while let Some(w) = words.peek() {
            let parts: Vec<&str> = w.split(',').filter(|p| !p.is_empty()).collect();
            if !parts.is_empty() && parts.iter().all(|p| looks_like_selector(p)) {
                codes.extend(parts.iter().map(|p| p.to_string()));
                words.next();
            } else {
                break;
            }
        }
        let reason: Vec<&str> = words.collect();
        let offset = range.start + (text.len() - trimmed.len());
        let lines = starts.iter().filter(|(s, _)| *s == line + 1).map(|&(s, e)| (s, e)).max_by_key(|r| r.1);
        out.push(Suppression {
            span: Span::new(source.id, offset, range.end),
            src: source.id,
            codes,
            reason: if reason.is_empty() { None } else { Some(reason.join(" ")) },
            lines,
        });
    }
    out
}

/// `TL101`, `TL1`, a user rule code such as `ACME01` (uppercase, with digits, so a reason that
/// starts with `AWS` stays a reason), or a kebab-case rule name.
fn looks_like_selector(w: &str) -> bool {
    let upper = w.to_ascii_uppercase();
    let letters = w.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = &w[letters..];
    (upper.starts_with("TL") && upper[2..].chars().all(|c| c.is_ascii_digit()))
        || ((2..=8).contains(&letters)
            && (1..=4).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit()))
        || (w.contains('-') && w.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()))
}

fn collect_ranges(source: &Source, body: &Body, out: &mut Vec<(usize, usize)>) {
    for s in body.iter() {
        if let Some(r) = s.span() {
            let start = source.line_col(r.start).line;
            let end = source.line_col(r.end.saturating_sub(1).max(r.start)).line;
            out.push((start, end));
        }
        if let Structure::Block(b) = s {
            collect_ranges(source, &b.body, out);
        }
    }
}
