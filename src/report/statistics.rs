//! `--statistics`: counts by rule instead of the findings, most frequent first (as ruff's).

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::report::human::summary_line;
use crate::report::{RenderOptions, Run};
use crate::rules::Severity;

pub fn render(out: &mut dyn Write, run: &Run, style: &RenderOptions) -> io::Result<()> {
    let mut by_code: BTreeMap<&str, (usize, &str, Severity)> = BTreeMap::new();
    for f in run.findings {
        let e = by_code.entry(f.code.as_ref()).or_insert((0, f.name, f.severity));
        e.0 += 1;
        // A rule whose severity was overridden per finding shows its highest one.
        e.2 = e.2.max(f.severity);
    }
    let mut rows: Vec<(&str, (usize, &str, Severity))> = by_code.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let count_width = rows.iter().map(|r| r.1.0.to_string().len()).max().unwrap_or(1);
    let code_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(5);
    let name_width = rows.iter().map(|r| r.1.1.len()).max().unwrap_or(0);
    for (code, (n, name, severity)) in rows {
        writeln!(out, "{n:>count_width$}  {code:<code_width$}  {name:<name_width$}  {severity}")?;
    }
    if style.human.summary {
        writeln!(out, "{}", summary_line(run.findings, run.files, run.elapsed))?;
    }
    Ok(())
}
