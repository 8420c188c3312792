//! JUnit XML in the shape of the common (Ant / windyroad) schema, `tests/junit-windyroad.xsd`:
//! one test suite per file checked; in it one failing test case per finding at or above
//! `--fail-on`, or one passing case when there is none. Findings below `--fail-on` do not fail
//! the build, so they are not failures: they are listed in the suite's `system-out`.

use crate::config::file::Date;
use crate::report::{Located, Run, locate};

/// Escapes text for XML content and attribute values; drops characters XML 1.0 cannot carry.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SS` (UTC, no zone, as the schema wants) of now, or of `SOURCE_DATE_EPOCH`
/// for reproducible reports.
pub fn timestamp() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
    let day = Date::from_days((secs / 86_400) as i64);
    let t = secs % 86_400;
    format!("{day}T{:02}:{:02}:{:02}", t / 3600, t % 3600 / 60, t % 60)
}

fn finding_line(l: &Located) -> String {
    let f = l.finding;
    let mut text = format!(
        "{}:{}:{}: {} {} [{}]: {}",
        l.path, l.start.line, l.start.column, f.code, f.name, f.severity, f.message
    );
    if let Some(h) = &f.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    text
}

/// One `<testsuite>` for a file: its failing cases and the text of the findings that do not fail.
fn suite(out: &mut String, id: usize, file: &str, mine: &[&Located], run: &Run, timestamp: &str) {
    let (failing, other): (Vec<&&Located>, Vec<&&Located>) = mine.iter().partition(|l| run.fails(l.finding));
    let name = escape(file);
    let tests = failing.len().max(1);
    out.push_str(&format!(
        "  <testsuite package=\"trustlint\" id=\"{id}\" name=\"{name}\" timestamp=\"{timestamp}\" \
         hostname=\"localhost\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"0\">\n",
        failing.len()
    ));
    out.push_str("    <properties/>\n");
    if failing.is_empty() {
        out.push_str(&format!("    <testcase name=\"trustlint\" classname=\"{name}\" time=\"0\"/>\n"));
    }
    for l in &failing {
        let f = l.finding;
        let case = format!("{} {} at {}:{}", f.code, f.name, l.start.line, l.start.column);
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{name}\" time=\"0\">\n      \
             <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
            escape(&case),
            escape(f.code),
            escape(&f.message),
            escape(&finding_line(l))
        ));
    }
    let notes: Vec<String> = other.iter().map(|l| finding_line(l)).collect();
    if notes.is_empty() {
        out.push_str("    <system-out/>\n");
    } else {
        out.push_str(&format!("    <system-out>{}\n</system-out>\n", escape(&notes.join("\n"))));
    }
    out.push_str("    <system-err/>\n  </testsuite>\n");
}

pub fn render(run: &Run, timestamp: &str) -> String {
    let located = locate(run.findings, run.sources);
    let mut files: Vec<String> = run.sources.all().iter().map(|s| s.name.clone()).collect();
    files.sort();
    files.dedup();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (id, file) in files.iter().enumerate() {
        let mine: Vec<&Located> = located.iter().filter(|l| &l.path == file).collect();
        suite(&mut out, id, file, &mine, run, timestamp);
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<a href=\"x\">&'\u{1}"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
    }
}
