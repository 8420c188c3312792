//! JUnit XML: one test suite for the run, one test case per file checked, a failure per finding.

use crate::report::locate;
use crate::rules::Finding;
use crate::source::SourceMap;

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

pub fn render(findings: &[Finding], sources: &SourceMap) -> String {
    let located = locate(findings, sources);
    let mut files: Vec<String> = sources.all().iter().map(|s| s.name.clone()).collect();
    files.sort();
    files.dedup();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"trustlint\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
        files.len(),
        located.len()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"trustlint\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
        files.len(),
        located.len()
    ));
    for file in &files {
        let name = escape(file);
        let mine: Vec<_> = located.iter().filter(|l| &l.path == file).collect();
        if mine.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"{name}\" classname=\"trustlint\" file=\"{name}\"/>\n"
            ));
            continue;
        }
        out.push_str(&format!("    <testcase name=\"{name}\" classname=\"trustlint\" file=\"{name}\">\n"));
        for l in mine {
            let f = l.finding;
            let mut text = format!(
                "{}:{}:{}: {} {} [{}]: {}",
                l.path, l.start.line, l.start.column, f.code, f.name, f.severity, f.message
            );
            if let Some(h) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                escape(&f.code),
                escape(&f.message),
                escape(&text)
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
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
