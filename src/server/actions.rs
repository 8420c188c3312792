//! Code actions from the findings' fixes: one quick fix per finding under the cursor or
//! selection (safe ones preferred, unsafe ones labelled), and "fix all" for the safe ones.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::server::diagnostics::Entry;

/// The kind of the "fix all safe fixes" action, as ruff names its own.
pub const FIX_ALL: &str = "source.fixAll.trustlint";

/// The actions for `params` over the document's published entries.
pub fn actions(entries: &[&Entry], params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let only = params.context.only.as_deref();
    let wants = |kind: &CodeActionKind| only.is_none_or(|o| o.iter().any(|k| is_within(kind, k)));
    let mut out = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        for e in entries.iter().filter(|e| overlaps(e.diagnostic.range, params.range)) {
            let Some(fix) = &e.fix else { continue };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![e.diagnostic.clone()]),
                edit: Some(edit(uri, fix.edits.clone())),
                is_preferred: Some(fix.safe),
                ..CodeAction::default()
            }));
        }
    }
    let kind = CodeActionKind::from(FIX_ALL);
    if wants(&kind) {
        let edits = all_safe(entries);
        if !edits.is_empty() {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "trustlint: fix all safe fixes".into(),
                kind: Some(kind),
                edit: Some(edit(uri, edits)),
                ..CodeAction::default()
            }));
        }
    }
    out
}

/// The safe fixes' edits, leaving out a fix that overlaps one taken before (the next lint
/// offers it again on the fixed text).
fn all_safe(entries: &[&Entry]) -> Vec<TextEdit> {
    let mut taken: Vec<TextEdit> = Vec::new();
    for fix in entries.iter().filter_map(|e| e.fix.as_ref()).filter(|f| f.safe) {
        let clash = fix.edits.iter().any(|e| taken.iter().any(|t| overlaps_strictly(e.range, t.range)));
        if !clash {
            taken.extend(fix.edits.iter().cloned());
        }
    }
    taken
}

fn edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..WorkspaceEdit::default() }
}

/// `kind` is `parent` or below it (`source.fixAll.trustlint` is within `source.fixAll` and `source`).
fn is_within(kind: &CodeActionKind, parent: &CodeActionKind) -> bool {
    let (k, p) = (kind.as_str(), parent.as_str());
    k == p || k.strip_prefix(p).is_some_and(|rest| rest.starts_with('.'))
}

/// Ranges that touch: a cursor at either end of a diagnostic is on it.
fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Ranges that share a character, or an insertion inside the other (two insertions at one
/// place clash too: their order would be up to the client).
fn overlaps_strictly(a: Range, b: Range) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_all_is_within_source_and_fix_all_kinds() {
        let kind = CodeActionKind::from(FIX_ALL);
        assert!(is_within(&kind, &CodeActionKind::SOURCE));
        assert!(is_within(&kind, &CodeActionKind::SOURCE_FIX_ALL));
        assert!(!is_within(&kind, &CodeActionKind::QUICKFIX));
        assert!(!is_within(&CodeActionKind::from("source.fixAllX"), &CodeActionKind::SOURCE_FIX_ALL));
    }
}
