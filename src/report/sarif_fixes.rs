//! SARIF 2.1.0 `fixes[]` of a result: one fix with one `artifactChange` per file it edits, each
//! edit a `replacement` whose `deletedRegion` is given by line and column (the log's
//! `columnKind` counts Unicode code points, as the regions of results do; an empty region
//! inserts).

use serde_json::{Value, json};

use crate::rules::Finding;
use crate::source::SourceMap;

/// The `fixes` array of a finding's result, or `None` when it has no fix. `location` turns a
/// report path into an `artifactLocation`.
pub fn fixes(sources: &SourceMap, f: &Finding, location: &dyn Fn(&str) -> Value) -> Option<Value> {
    let fix = f.fix.as_ref()?;
    let mut changes: Vec<(u32, Value, Vec<Value>)> = Vec::new();
    for e in &fix.edits {
        let src = sources.get(e.span.src)?;
        let (start, end) = (src.line_col(e.span.start), src.line_col(e.span.end));
        let replacement = json!({
            "deletedRegion": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            },
            "insertedContent": {"text": e.replacement},
        });
        match changes.iter_mut().find(|(id, _, _)| *id == src.id.0) {
            Some((_, _, replacements)) => replacements.push(replacement),
            None => changes.push((src.id.0, location(&src.name), vec![replacement])),
        }
    }
    let artifact_changes: Vec<Value> = changes
        .into_iter()
        .map(|(_, loc, replacements)| json!({"artifactLocation": loc, "replacements": replacements}))
        .collect();
    Some(json!([{
        "description": {"text": fix.message},
        "artifactChanges": artifact_changes,
        "properties": {"applicability": fix.applicability.name()},
    }]))
}
