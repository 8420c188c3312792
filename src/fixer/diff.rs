//! `check --diff`: what `--fix` would change, as a unified diff.

use similar::TextDiff;

/// A unified diff of one file with three lines of context, headed `--- a/name` / `+++ b/name`
/// as git writes them (an absolute name is kept as it is), so `git apply` and `patch -p1` take it.
pub fn unified(name: &str, before: &str, after: &str) -> String {
    let diff = TextDiff::from_lines(before, after);
    let (a, b) = if name.starts_with('/') {
        (name.to_string(), name.to_string())
    } else {
        let name = name.strip_prefix("./").unwrap_or(name);
        (format!("a/{name}"), format!("b/{name}"))
    };
    let mut out = diff.unified_diff().context_radius(3).header(&a, &b).to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
