//! One line per finding, `path:line:col: CODE message`, as compilers print them: editors jump
//! to it, grep and sort work on it. Then the summary line, unless `--quiet`.

use std::io::{self, Write};

use crate::report::human::summary_line;
use crate::report::{RenderOptions, Run, locate};

pub fn render(out: &mut dyn Write, run: &Run, style: &RenderOptions) -> io::Result<()> {
    for l in locate(run.findings, run.sources) {
        let f = l.finding;
        // One line whatever the message holds.
        let message = f.message.replace(['\n', '\r'], " ");
        writeln!(out, "{}:{}:{}: {} {message}", l.path, l.start.line, l.start.column, f.code)?;
    }
    if style.human.summary {
        let mut line = summary_line(run.findings, run.files, run.elapsed);
        if let Some(fixes) = crate::report::fix_summary(&style.fixes) {
            line.push_str(&format!("; {fixes}"));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}
