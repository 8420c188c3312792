//! Findings as LSP diagnostics, and the diagnostics published so far. A file can be in several
//! units (a module's file is also read by the module that calls it), so what is published for a
//! URI is the union of what each unit found there.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, TextEdit, Uri,
};

use crate::Report;
use crate::config::file::absolute;
use crate::diagnostic::{Applicability, Fix};
use crate::rules::{Finding, Severity};
use crate::server::documents::path_uri;
use crate::server::lint::UnitKey;
use crate::server::position::{Encoding, LineIndex};
use crate::source::{Source, SourceId, Span};

/// One published diagnostic with the rule it came from (hover shows the rule's docs) and its
/// fix as edits of the document (code actions offer it).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub diagnostic: Diagnostic,
    pub code: String,
    pub fix: Option<QuickFix>,
}

/// A finding's fix in LSP terms.
#[derive(Debug, Clone, PartialEq)]
pub struct QuickFix {
    pub title: String,
    pub safe: bool,
    pub edits: Vec<TextEdit>,
}

/// Spans of one report resolved to URIs and ranges, each source indexed once.
struct Resolver<'a> {
    report: &'a Report,
    enc: Encoding,
    indexed: HashMap<SourceId, Option<(Uri, Arc<Source>, LineIndex)>>,
}

impl Resolver<'_> {
    fn location(&mut self, span: Span) -> Option<Location> {
        let enc = self.enc;
        let sources = &self.report.sources;
        let entry = self.indexed.entry(span.src).or_insert_with(|| {
            let src = sources.get(span.src)?;
            let uri = path_uri(&absolute(&src.path))?;
            let idx = LineIndex::new(&src.text);
            Some((uri, src, idx))
        });
        let (uri, src, idx) = entry.as_ref()?;
        Some(Location { uri: uri.clone(), range: idx.range(&src.text, span.start, span.end, enc) })
    }

    /// The fix as edits of `uri`, the finding's document (a fix edits only its finding's
    /// source); `None` if an edit is elsewhere or in a source shown without its text.
    fn quick_fix(&mut self, fix: &Fix, uri: &Uri) -> Option<QuickFix> {
        let mut edits = Vec::with_capacity(fix.edits.len());
        for e in &fix.edits {
            let hidden = self.report.sources.get(e.span.src).is_none_or(|s| s.hidden);
            let loc = self.location(e.span).filter(|l| &l.uri == uri && !hidden)?;
            edits.push(TextEdit { range: loc.range, new_text: e.replacement.clone() });
        }
        let safe = fix.applicability == Applicability::Safe;
        let title = if safe {
            fix.message.clone()
        } else {
            format!("{} (unsafe fix: changes who may assume the role)", fix.message)
        };
        Some(QuickFix { title, safe, edits })
    }
}

/// The diagnostics of a report by URI; every file the report read is present, with no
/// diagnostics when it has none, so stale ones are cleared.
pub fn from_report(
    report: &Report,
    enc: Encoding,
    docs_url: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<Uri, Vec<Entry>> {
    let mut out: BTreeMap<Uri, Vec<Entry>> = BTreeMap::new();
    let mut r = Resolver { report, enc, indexed: HashMap::new() };
    for src in report.sources.all() {
        if let Some(loc) = r.location(Span::new(src.id, 0, 0)) {
            out.entry(loc.uri).or_default();
        }
    }
    for f in &report.findings {
        let Some(loc) = r.location(f.span) else { continue };
        let related: Vec<DiagnosticRelatedInformation> = f
            .secondary
            .iter()
            .filter_map(|(span, label)| {
                Some(DiagnosticRelatedInformation { location: r.location(*span)?, message: label.clone() })
            })
            .collect();
        let diagnostic = diagnostic(f, loc.range, related, docs_url(f.code));
        let fix = f.fix.as_ref().and_then(|fix| r.quick_fix(fix, &loc.uri));
        out.entry(loc.uri).or_default().push(Entry { diagnostic, code: f.code.to_string(), fix });
    }
    out
}

fn diagnostic(
    f: &Finding,
    range: lsp_types::Range,
    related: Vec<DiagnosticRelatedInformation>,
    docs: Option<String>,
) -> Diagnostic {
    let mut message = f.message.to_string();
    if let Some(label) = f.label.as_deref().filter(|l| !l.is_empty()) {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let unnecessary = f.code == crate::rules::grammar::unused_suppression::UnusedSuppression::META.code;
    Diagnostic {
        range,
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(f.code.to_string())),
        code_description: docs.and_then(|u| u.parse().ok()).map(|href| CodeDescription { href }),
        source: Some("trustlint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary.then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// What each unit last found in each URI.
#[derive(Debug, Default)]
pub struct Published {
    by_uri: BTreeMap<Uri, BTreeMap<UnitKey, Vec<Entry>>>,
}

impl Published {
    /// Replaces what `key` found; the URIs whose diagnostics must be published again.
    pub fn replace(&mut self, key: &UnitKey, found: BTreeMap<Uri, Vec<Entry>>) -> Vec<Uri> {
        let mut touched = self.remove(key);
        for (uri, entries) in found {
            if !touched.contains(&uri) {
                touched.push(uri.clone());
            }
            self.by_uri.entry(uri).or_default().insert(key.clone(), entries);
        }
        touched
    }

    /// Forgets what `key` found; the URIs it had found something in.
    pub fn remove(&mut self, key: &UnitKey) -> Vec<Uri> {
        let mut touched = Vec::new();
        for (uri, units) in &mut self.by_uri {
            if units.remove(key).is_some() {
                touched.push(uri.clone());
            }
        }
        self.by_uri.retain(|_, units| !units.is_empty());
        touched
    }

    /// Every unit's diagnostics in `uri` in document order, a finding two units both report
    /// listed once.
    pub fn at(&self, uri: &Uri) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = Vec::new();
        for e in self.by_uri.get(uri).into_iter().flat_map(|units| units.values().flatten()) {
            if !out.iter().any(|o| o.diagnostic == e.diagnostic) {
                out.push(e);
            }
        }
        out.sort_by_key(|e| (e.diagnostic.range.start, e.code.clone()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn entry(code: &str, line: u32) -> Entry {
        let range = Range { start: Position { line, character: 0 }, end: Position { line, character: 1 } };
        let diagnostic = Diagnostic { range, message: code.into(), ..Diagnostic::default() };
        Entry { diagnostic, code: code.into(), fix: None }
    }

    #[test]
    fn a_uri_shows_the_union_of_its_units_and_a_removed_unit_clears_its_part() {
        let uri: Uri = "file:///m/child/main.tf".parse().unwrap();
        let (parent, child) = (UnitKey::Module("/m".into()), UnitKey::Module("/m/child".into()));
        let mut p = Published::default();
        let just = vec![uri.clone()];
        assert_eq!(p.replace(&child, BTreeMap::from([(uri.clone(), vec![entry("TL105", 1)])])), just);
        // The calling module finds the same finding there, and one more.
        p.replace(&parent, BTreeMap::from([(uri.clone(), vec![entry("TL105", 1), entry("TL101", 4)])]));
        let codes: Vec<&str> = p.at(&uri).iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["TL105", "TL101"], "listed once each, in document order");
        assert_eq!(p.remove(&parent), just);
        assert_eq!(p.at(&uri).len(), 1);
        // A lint that finds nothing any more still names the URI, so it is published empty.
        assert_eq!(p.replace(&child, BTreeMap::from([(uri.clone(), vec![])])), just);
        assert!(p.at(&uri).is_empty());
    }
}
