//! Edits on one text: the fixes of a round are taken in order, a fix that overlaps one already
//! taken waits for the next round, and a fix after which the file no longer parses is dropped.

use crate::diagnostic::{Edit, Fix};

/// The edits a fix makes, as byte ranges of one text.
fn ranges(fix: &Fix) -> impl Iterator<Item = (usize, usize, &str)> {
    fix.edits.iter().map(|e: &Edit| (e.span.start, e.span.end, e.replacement.as_str()))
}

/// Two edits conflict when their ranges intersect, or when one inserts where the other starts
/// (which goes first would be a guess). The same edit twice is no conflict: it is made once.
fn conflict(a: (usize, usize, &str), b: (usize, usize, &str)) -> bool {
    if a == b {
        return false;
    }
    (a.0 < b.1 && b.0 < a.1) || (a.0 == b.0 && (a.0 == a.1 || b.0 == b.1))
}

/// What one round did to a text.
#[derive(Debug, Default)]
pub struct Round {
    pub text: String,
    /// Indices (into the fixes given) of the fixes made.
    pub applied: Vec<usize>,
    /// Indices of the fixes after which the text no longer parsed.
    pub broke: Vec<usize>,
}

/// Makes the fixes on `text` in order, skipping those that overlap one already made, and
/// dropping any after which `parses` fails on the result.
pub fn apply(text: &str, fixes: &[&Fix], parses: impl Fn(&str) -> bool) -> Round {
    let mut taken: Vec<(usize, usize, &str)> = Vec::new();
    let mut round = Round { text: text.to_string(), ..Round::default() };
    for (i, fix) in fixes.iter().enumerate() {
        let edits: Vec<_> = ranges(fix).collect();
        let in_text = edits.iter().all(|e| e.0 <= e.1 && e.1 <= text.len() && bounds(text, e.0, e.1));
        if !in_text || edits.iter().any(|&e| taken.iter().any(|&t| conflict(e, t))) {
            continue;
        }
        let mut trial = taken.clone();
        trial.extend(edits.iter().filter(|e| !taken.contains(e)));
        let result = splice(text, &trial);
        if parses(&result) {
            taken = trial;
            round.text = result;
            round.applied.push(i);
        } else {
            round.broke.push(i);
        }
    }
    round
}

fn bounds(text: &str, start: usize, end: usize) -> bool {
    text.is_char_boundary(start) && text.is_char_boundary(end)
}

/// `text` with non-overlapping edits made.
fn splice(text: &str, edits: &[(usize, usize, &str)]) -> String {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| (e.0, e.1));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (start, end, replacement) in sorted {
        out.push_str(&text[at..start]);
        out.push_str(replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceId, Span};

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix::safe(
            "t",
            edits.iter().map(|&(s, e, r)| Edit::replace(Span::new(SourceId(0), s, e), r)).collect(),
        )
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let (a, b, c) = (fix(&[(0, 3, "xyz")]), fix(&[(2, 5, "q")]), fix(&[(6, 6, "!")]));
        let r = apply("abcdefg", &[&a, &b, &c], |_| true);
        assert_eq!(r.text, "xyzdef!g");
        assert_eq!(r.applied, vec![0, 2]);
    }

    #[test]
    fn the_same_edit_from_two_findings_is_made_once() {
        let (a, b) = (fix(&[(1, 2, "X")]), fix(&[(1, 2, "X")]));
        let r = apply("abc", &[&a, &b], |_| true);
        assert_eq!(r.text, "aXc");
        assert_eq!(r.applied, vec![0, 1]);
    }

    #[test]
    fn a_fix_that_breaks_parsing_is_dropped_and_the_others_kept() {
        let (a, b) = (fix(&[(0, 1, "{")]), fix(&[(2, 3, "C")]));
        let r = apply("abc", &[&a, &b], |t| !t.starts_with('{'));
        assert_eq!(r.text, "abC");
        assert_eq!((r.applied, r.broke), (vec![1], vec![0]));
    }

    #[test]
    fn two_inserts_at_one_place_conflict() {
        let (a, b) = (fix(&[(1, 1, "X")]), fix(&[(1, 1, "Y")]));
        let r = apply("ab", &[&a, &b], |_| true);
        assert_eq!(r.text, "aXb");
    }
}
