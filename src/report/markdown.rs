//! A Markdown summary (GitHub's job summary, merge request comments): counts, then a table of the
//! findings with links to the rules' docs. Long reports are cut so the page stays readable.

use std::io::{self, Write};

use crate::report::paths::Rebase;
use crate::report::{Run, locate, plural};
use crate::rules::Severity;

/// Rows shown before the table is cut (GitHub caps a job summary at 1 MiB).
pub const MAX_ROWS: usize = 200;

/// Table cells hold one line with no column separators.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn render(out: &mut dyn Write, run: &Run, root: &Rebase) -> io::Result<()> {
    let count = |s: Severity| run.findings.iter().filter(|f| f.severity == s).count();
    writeln!(out, "## trustlint\n")?;
    writeln!(
        out,
        "{}, {}, {} info in {}.\n",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        count(Severity::Info),
        plural(run.files, "file")
    )?;
    if run.findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "| severity | location | rule | message |\n|---|---|---|---|")?;
    let located = locate(run.findings, run.sources);
    for l in located.iter().take(MAX_ROWS) {
        let f = l.finding;
        let rule = match run.docs_url(f.code) {
            Some(url) => format!("[{}]({url}) `{}`", f.code, f.name),
            None => format!("{} `{}`", f.code, f.name),
        };
        let location = format!("`{}:{}:{}`", root.display(&l.path), l.start.line, l.start.column);
        writeln!(out, "| {} | {} | {} | {} |", f.severity, cell(&location), cell(&rule), cell(&f.message))?;
    }
    if located.len() > MAX_ROWS {
        writeln!(out, "\n{} more not shown; the job log has them all.", located.len() - MAX_ROWS)?;
    }
    writeln!(out)
}
