//! GitHub Actions workflow commands: one `::error file=...,line=...::message` line per finding,
//! with paths relative to the repository root (where GitHub resolves them).

use crate::report::paths::Rebase;
use crate::report::{Run, locate};
use crate::rules::Severity;

/// Escaping of a command's message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a property value: the message escapes plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub shows at most this many annotations of each kind (error, warning, notice) per step.
pub const ANNOTATIONS_PER_KIND: usize = 10;

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One annotation per finding, its message followed by the help and the rule's docs; first, a
/// notice for each kind that exceeds what GitHub will show (printed first so it is one of the
/// annotations shown).
pub fn render(run: &Run, root: &Rebase) -> String {
    let mut out = String::new();
    for s in [Severity::Error, Severity::Warning, Severity::Info] {
        let n = run.findings.iter().filter(|f| f.severity == s).count();
        if n > ANNOTATIONS_PER_KIND {
            out.push_str(&format!(
                "::notice title=trustlint::{}\n",
                escape_data(&format!(
                    "trustlint reported {n} {kind} findings; GitHub shows only {ANNOTATIONS_PER_KIND} {kind} \
                     annotations per step. All of them are in this step's log (or upload --format sarif \
                     to code scanning).",
                    kind = command(s)
                ))
            ));
        }
    }
    for l in locate(run.findings, run.sources) {
        let f = l.finding;
        let title = format!("{} {}", f.code, f.name);
        let mut message = f.message.to_string();
        if let Some(h) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        if let Some(url) = run.docs_url(f.code) {
            message.push_str("\ndocs: ");
            message.push_str(&url);
        }
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            command(f.severity),
            escape_property(&root.display(&l.path)),
            l.start.line,
            l.start.column,
            l.end.line,
            l.end.column,
            escape_property(&title),
            escape_data(&message),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
