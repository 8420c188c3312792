//! SARIF 2.1.0 `fixes[]` of a result: one fix with one `artifactChange` per file it edits, each
//! edit a `replacement` whose `deletedRegion` is given by line and column (the log's
//! `columnKind` counts Unicode code points, as the regions of results do; an empty region
//! inserts).

use serde::Serialize;

use crate::report::sarif_location::{ArtifactLocation, Region};
use crate::rules::Finding;
use crate::source::SourceMap;

/// One SARIF `fix` (fields in key order, as in the rest of the typed log).
#[derive(Serialize)]
pub struct FixOut<'a> {
    #[serde(rename = "artifactChanges")]
    artifact_changes: Vec<ArtifactChange<'a>>,
    description: Text<'a>,
    properties: Properties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Properties {
    applicability: &'static str,
}

#[derive(Serialize)]
struct ArtifactChange<'a> {
    #[serde(rename = "artifactLocation")]
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
struct Replacement<'a> {
    #[serde(rename = "deletedRegion")]
    deleted_region: Region,
    #[serde(rename = "insertedContent")]
    inserted_content: Text<'a>,
}

/// The `fixes` array of a finding's result, or `None` when it has no fix. `location` turns a
/// report path into an `artifactLocation`.
pub fn fixes<'a>(
    sources: &SourceMap,
    f: &'a Finding,
    location: &dyn Fn(&str) -> ArtifactLocation,
) -> Option<Vec<FixOut<'a>>> {
    let fix = f.fix.as_ref()?;
    let mut changes: Vec<(u32, ArtifactChange<'a>)> = Vec::new();
    for e in &fix.edits {
        let src = sources.get(e.span.src)?;
        let replacement = Replacement {
            deleted_region: Region::new(src.line_col(e.span.start), src.line_col(e.span.end)),
            inserted_content: Text { text: &e.replacement },
        };
        match changes.iter_mut().find(|(id, _)| *id == src.id.0) {
            Some((_, change)) => change.replacements.push(replacement),
            None => changes.push((
                src.id.0,
                ArtifactChange { artifact_location: location(&src.name), replacements: vec![replacement] },
            )),
        }
    }
    Some(vec![FixOut {
        artifact_changes: changes.into_iter().map(|(_, c)| c).collect(),
        description: Text { text: &fix.message },
        properties: Properties { applicability: fix.applicability.name() },
    }])
}
