//! TL7xx: rules on the role graph of the whole run (hops that cross files and accounts).

pub mod assume_role_hop_fails;
pub mod read_phase_reaches_write;
pub mod session_duration_above_max;
pub mod session_tags_without_tag_session;

use crate::source::{SourceMap, Span};

/// ` at path:line` for a place in another file than the finding's, whose code frame cannot show
/// it; empty when the place is in the finding's own file (the frame labels it).
pub(crate) fn elsewhere(span: Option<Span>, finding: Span, sources: &SourceMap) -> String {
    let Some(span) = span.filter(|s| s.src != finding.src) else { return String::new() };
    let Some(src) = sources.get(span.src) else { return String::new() };
    format!(" at {}:{}", src.name, src.line_col(span.start).line)
}
