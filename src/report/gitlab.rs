//! GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues with a
//! description, check name, fingerprint, severity and a repository-relative location.

use serde::Serialize;

use crate::report::paths::Rebase;
use crate::report::{Run, locate};
use crate::rules::Severity;

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location,
}

/// GitLab's scale is info, minor, major, critical, blocker; `blocker` is left to the user's
/// own policy.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

pub fn render(run: &Run, root: &Rebase) -> String {
    let issues: Vec<Issue> = locate(run.findings, run.sources)
        .into_iter()
        .zip(run.fingerprints)
        .map(|(l, fp)| Issue {
            kind: "issue",
            description: format!("{} {}: {}", l.finding.code, l.finding.name, l.finding.message),
            check_name: l.finding.code,
            fingerprint: fp,
            severity: severity(l.finding.severity),
            categories: ["Security"],
            location: Location {
                path: root.display(&l.path),
                lines: Lines { begin: l.start.line, end: l.end.line },
            },
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string())
}
