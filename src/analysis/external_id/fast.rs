//! The external id questions answered by splitting patterns on `@`, before any automaton of
//! a whole pattern.
//!
//! An id of a format has exactly its parts' count minus one `@` (no part may hold one), so a
//! pattern with exactly that many literal `@` lines up with the parts: each of its wildcards
//! stays inside one part, and the pattern accepts an id exactly when each of its parts accepts
//! the id's part. Every question is then a question per part, and its witness the parts' own
//! shortest values joined (the fewest characters overall are the fewest per part, and with the
//! `@` at fixed places the first in order is the first per part). Literal parts and a lone `*`
//! are answered from the text; a part such as `prod-*` or `st?ck` by the small automata of that
//! part and the grammar's part, shared by every pattern that has it. A pattern with more
//! literal `@` than the format has, or fewer and no wildcard, accepts no id of it; one with
//! fewer and a wildcard (a `*` that may stand for `@`) leaves the whole question to the
//! automata. The property tests check both ways agree.

use super::{Format, Grammar, Part, Phase};
use crate::analysis::reason::globs::{self, Glob, Piece};
use crate::analysis::reason::{Lang, PatternKind, VarMode};

/// One part of a lined-up pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PartPattern {
    Literal(String),
    /// `*`: every value of the part.
    Any,
    /// Any other glob (no literal `*` or `?`, so its pieces write back as glob text).
    Glob(Glob),
}

impl PartPattern {
    fn matches(&self, value: &str) -> bool {
        match self {
            PartPattern::Literal(l) => l == value,
            PartPattern::Any => true,
            PartPattern::Glob(g) => g.matches(value),
        }
    }
}

/// A pattern's parts for one format, or `None` when it accepts no id of that format.
type Fit = Option<Vec<PartPattern>>;

/// Every value of a condition, lined up with both formats.
#[derive(Clone, Debug)]
pub struct Split {
    values: Vec<(Fit, Fit)>,
}

impl Split {
    /// `None` when some value does not line up (the automata answer then).
    pub fn of(lang: &Lang) -> Option<Split> {
        let values = lang
            .globs()?
            .iter()
            .map(|g| Some((fit(g, Format::Current)?, fit(g, Format::Legacy)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Split { values })
    }

    fn fits(&self, format: Format) -> impl Iterator<Item = &[PartPattern]> {
        self.values
            .iter()
            .filter_map(move |(c, l)| if format == Format::Current { c.as_deref() } else { l.as_deref() })
    }

    /// A shortest accepted id of `format` (for `phase` only, when given), whose account is not
    /// `foreign_to` (when given).
    pub fn witness(
        &self,
        grammar: &Grammar,
        format: Format,
        phase: Option<Phase>,
        foreign_to: Option<&str>,
    ) -> Option<String> {
        let ids = self.fits(format).filter_map(|parts| {
            let mut shown = Vec::with_capacity(parts.len());
            for (&part, pattern) in format.parts().iter().zip(parts) {
                let value = match (part, phase, foreign_to) {
                    (Part::Phase, Some(p), _) => pattern.matches(p.as_str()).then(|| p.as_str().to_owned()),
                    (Part::Account, _, Some(own)) => other_account(grammar, pattern, own),
                    _ => part_value(grammar, part, pattern),
                };
                shown.push(value?);
            }
            let id = shown.join("@");
            grammar.universe.contains(&id).then_some(id)
        });
        globs::least(ids)
    }

    /// Whether some current-format id with the `known` parts (each as written; any valid value
    /// where `None`) is accepted. `None` when a known part holds `@`, which moves the parts.
    pub fn accepts_current(&self, grammar: &Grammar, known: [Option<&str>; 4]) -> Option<bool> {
        if known.iter().flatten().any(|k| k.contains('@')) {
            return None;
        }
        let parts = Format::Current.parts();
        Some(self.fits(Format::Current).any(|patterns| {
            patterns.iter().zip(parts).zip(known).all(|((pattern, &part), k)| match k {
                Some(k) => pattern.matches(k),
                None => part_value(grammar, part, pattern).is_some(),
            })
        }))
    }

    /// A shortest prefix (`<account>@<integration>@`, or `<account>@` for the legacy format)
    /// after which every stack is accepted (with `phase` for the current format). `None` from
    /// the outer option: the text cannot tell (see [`Split::stacks_covered`]).
    pub fn any_stack_prefix(
        &self,
        grammar: &Grammar,
        format: Format,
        phase: Option<Phase>,
    ) -> Option<Option<String>> {
        let at = format.parts().iter().position(|p| *p == Part::Stack)?;
        // The values that accept some id of the phase; their stack parts decide.
        let candidates: Vec<&[PartPattern]> = self
            .fits(format)
            .filter(|parts| phase.is_none_or(|p| parts.get(at + 1).is_some_and(|x| x.matches(p.as_str()))))
            .collect();
        let prefix = |parts: &[PartPattern]| -> Option<String> {
            let mut out = String::new();
            for (&part, pattern) in format.parts().iter().zip(parts).take(at) {
                out.push_str(&part_value(grammar, part, pattern)?);
                out.push('@');
            }
            Some(out)
        };
        if candidates.iter().all(|parts| !matches!(parts[at], PartPattern::Glob(_))) {
            if !grammar.documented_stack() {
                return None;
            }
            // Only a `*` stack covers the documented stacks, which no finite list does.
            let prefixes =
                candidates.iter().filter(|parts| parts[at] == PartPattern::Any).filter_map(|p| prefix(p));
            return Some(globs::least(prefixes));
        }
        // Globs in the stack part: exact only when every candidate has the same parts before
        // it, so that the same values apply whatever the prefix.
        let first = candidates.first()?;
        if candidates.iter().any(|parts| parts[..at] != first[..at]) {
            return None;
        }
        let stacks: Vec<&PartPattern> = candidates.iter().map(|parts| &parts[at]).collect();
        Some(stacks_covered(grammar, &stacks)?.then(|| prefix(first)).flatten())
    }
}

/// Whether the stack parts together accept every valid stack (`None`: undecided).
fn stacks_covered(grammar: &Grammar, stacks: &[&PartPattern]) -> Option<bool> {
    if stacks.contains(&&PartPattern::Any) {
        return Some(true);
    }
    let langs = stacks
        .iter()
        .map(|s| match s {
            PartPattern::Literal(l) => Lang::pattern(PatternKind::Equals, l, VarMode::Literal).ok(),
            PartPattern::Glob(g) => glob_lang(g),
            PartPattern::Any => Some(Lang::anything()),
        })
        .collect::<Option<Vec<_>>>()?;
    let missed = grammar.part_lang(Part::Stack).and(&Lang::union(langs).complement());
    missed.is_empty_in(&grammar.charset()).ok()
}

/// The pattern's parts for `format`: `Some(None)` when it accepts no id of the format, `None`
/// when the text cannot tell.
fn fit(glob: &Glob, format: Format) -> Option<Fit> {
    let needed = format.parts().len() - 1;
    let ats = glob.pieces.iter().filter(|p| **p == Piece::Char('@')).count();
    let wild = glob.pieces.iter().any(|p| matches!(p, Piece::Star | Piece::One));
    if ats > needed || (ats < needed && !wild) {
        return Some(None);
    }
    if ats < needed {
        return None;
    }
    let parts = glob.pieces.split(|p| *p == Piece::Char('@'));
    parts.map(part_pattern).collect::<Option<Vec<_>>>().map(Some)
}

fn part_pattern(pieces: &[Piece]) -> Option<PartPattern> {
    if pieces == [Piece::Star] {
        return Some(PartPattern::Any);
    }
    // A literal `*` or `?` (from `${*}`) cannot be written back as glob text.
    if pieces.iter().any(|p| matches!(p, Piece::Char('*' | '?'))) {
        return None;
    }
    let text: String = pieces.iter().map(glob_char).collect();
    Some(match pieces.iter().any(|p| matches!(p, Piece::Star | Piece::One)) {
        true => PartPattern::Glob(Glob { pieces: pieces.to_vec() }),
        false => PartPattern::Literal(text),
    })
}

fn glob_char(p: &Piece) -> char {
    match p {
        Piece::Char(c) => *c,
        Piece::Star => '*',
        Piece::One => '?',
    }
}

/// The part's glob as a language, for the questions its text cannot answer.
fn glob_lang(glob: &Glob) -> Option<Lang> {
    let text: String = glob.pieces.iter().map(glob_char).collect();
    Lang::pattern(PatternKind::Like, &text, VarMode::Literal).ok()
}

/// The shortest value of `part` the pattern allows there.
fn part_value(grammar: &Grammar, part: Part, pattern: &PartPattern) -> Option<String> {
    match pattern {
        PartPattern::Literal(l) => grammar.part_contains(part, l).then(|| l.clone()),
        PartPattern::Any => grammar.part_witness(part),
        PartPattern::Glob(g) => {
            glob_lang(g)?.and(grammar.part_lang(part)).shortest_witness_in(&grammar.charset()).ok()?
        }
    }
}

/// The shortest account name the pattern allows other than `account`.
fn other_account(grammar: &Grammar, pattern: &PartPattern, account: &str) -> Option<String> {
    if let PartPattern::Literal(l) = pattern {
        return (l != account).then(|| part_value(grammar, Part::Account, pattern)).flatten();
    }
    let own = Lang::pattern(PatternKind::Equals, account, VarMode::Literal).ok()?;
    let allowed = match pattern {
        PartPattern::Glob(g) => glob_lang(g)?.and(grammar.part_lang(Part::Account)),
        _ => grammar.part_lang(Part::Account).clone(),
    };
    allowed.and(&own.complement()).shortest_witness_in(&grammar.charset()).ok()?
}
