//! Hover on a diagnostic's range: the rule's documentation, as `trustlint explain` prints it.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Range};

use crate::RuleSet;
use crate::server::diagnostics::Entry;

/// The docs of every rule with a diagnostic at `pos` (one section each), or `None`.
pub fn hover(entries: &[&Entry], pos: Position, rules: &RuleSet) -> Option<Hover> {
    let here: Vec<&Entry> = entries.iter().copied().filter(|e| contains(e.diagnostic.range, pos)).collect();
    let mut codes: Vec<&str> = here.iter().map(|e| e.code.as_str()).collect();
    codes.dedup();
    let pages: Vec<String> = codes
        .iter()
        .filter_map(|code| rules.rules().iter().find(|r| r.meta().code == *code))
        .map(|r| r.meta().page())
        .collect();
    if pages.is_empty() {
        return None;
    }
    // The narrowest range under the cursor, so the editor highlights what the docs are about.
    let range = here.iter().map(|e| e.diagnostic.range).min_by_key(|r| width(*r));
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: pages.join("\n---\n\n"),
        }),
        range,
    })
}

/// Whether `pos` is in `range`, its end included (the cursor just after a word is on it).
pub fn contains(range: Range, pos: Position) -> bool {
    range.start <= pos && pos <= range.end
}

fn width(r: Range) -> (u32, u32) {
    (r.end.line.saturating_sub(r.start.line), r.end.character.saturating_sub(r.start.character))
}
