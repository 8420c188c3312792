//! The external id questions answered by splitting patterns on `@`, before any automaton.
//!
//! An id of a format has exactly its parts' count minus one `@` (no part may hold one), so a
//! pattern with exactly that many literal `@` lines up with the parts: each of its wildcards
//! stays inside one part, and the pattern accepts an id exactly when each of its parts accepts
//! the id's part. With parts that are literals or a lone `*` (`acme@*@stack-a@read`,
//! `acme@*@*@*`, exact ids), every question is then a check per part, and its witness the
//! parts' own shortest values joined (the fewest characters overall are the fewest per part,
//! and with the `@` at fixed places the first in order is the first per part). A pattern with
//! more literal `@` than the format has, or fewer and no wildcard, accepts no id of it. Any
//! other pattern (a `?`, a `*` inside a part, a `*` that could stand for an `@`) leaves the
//! whole question to the automata. The property tests check both ways agree.

use super::{Format, Grammar, Part, Phase};
use crate::analysis::reason::globs::{self, Glob, Piece};
use crate::analysis::reason::{Lang, PatternKind, VarMode};

/// One part of a lined-up pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PartPattern {
    Literal(String),
    /// `*`: every value of the part.
    Any,
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
                let value = match (part, pattern) {
                    (Part::Phase, PartPattern::Any) if phase.is_some() => {
                        phase.map(|p| p.as_str().to_owned())
                    }
                    (Part::Phase, PartPattern::Literal(l)) if phase.is_some_and(|p| p.as_str() != l) => None,
                    (Part::Account, PartPattern::Literal(l)) if foreign_to == Some(l.as_str()) => None,
                    (Part::Account, PartPattern::Any) if foreign_to.is_some() => {
                        other_account(grammar, foreign_to.unwrap_or_default())
                    }
                    (_, pattern) => part_value(grammar, part, pattern),
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
            patterns.iter().zip(parts).zip(known).all(|((pattern, &part), k)| match (pattern, k) {
                (PartPattern::Literal(l), Some(k)) => l == k,
                (PartPattern::Literal(l), None) => grammar.part_contains(part, l),
                // A lone `*` takes any text without `@`, and every part has valid values.
                (PartPattern::Any, _) => true,
            })
        }))
    }

    /// A shortest prefix (`<account>@<integration>@`, or `<account>@` for the legacy format)
    /// after which every stack is accepted (with `phase` for the current format). `None` from
    /// the outer option: the grammar's stack part is not the documented one, whose infinitely
    /// many values no finite list of literal stacks covers, so only a `*` stack can.
    pub fn any_stack_prefix(
        &self,
        grammar: &Grammar,
        format: Format,
        phase: Option<Phase>,
    ) -> Option<Option<String>> {
        if !grammar.documented_stack() {
            return None;
        }
        let before_stack = format.parts().iter().take_while(|p| **p != Part::Stack).count();
        let prefixes = self.fits(format).filter_map(|parts| {
            if parts[before_stack] != PartPattern::Any {
                return None;
            }
            if let (Some(p), Some(PartPattern::Literal(l))) = (phase, parts.get(before_stack + 1))
                && l != p.as_str()
            {
                return None;
            }
            let mut out = String::new();
            for (&part, pattern) in format.parts().iter().zip(parts).take(before_stack) {
                out.push_str(&part_value(grammar, part, pattern)?);
                out.push('@');
            }
            Some(out)
        });
        Some(globs::least(prefixes))
    }
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
    match pieces {
        [Piece::Star] => Some(PartPattern::Any),
        _ => pieces
            .iter()
            .map(|p| match p {
                Piece::Char(c) => Some(*c),
                _ => None,
            })
            .collect::<Option<String>>()
            .map(PartPattern::Literal),
    }
}

/// The shortest value of `part` the pattern allows there.
fn part_value(grammar: &Grammar, part: Part, pattern: &PartPattern) -> Option<String> {
    match pattern {
        PartPattern::Literal(l) => grammar.part_contains(part, l).then(|| l.clone()),
        PartPattern::Any => grammar.part_witness(part),
    }
}

/// The shortest account name other than `account`.
fn other_account(grammar: &Grammar, account: &str) -> Option<String> {
    let own = Lang::pattern(PatternKind::Equals, account, VarMode::Literal).ok()?;
    grammar.part_lang(Part::Account).and(&own.complement()).shortest_witness_in(&grammar.charset()).ok()?
}
