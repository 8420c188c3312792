//! Condition values kept as text until a question needs their automaton.
//!
//! Most values are plain globs (`acme@*@stack-a@*`, `repo:acme/app:*`) or literals, and the
//! questions most rules ask of them, "a shortest accepted string" and "a shortest string not
//! accepted", are answered from the text: determinising one DFA per distinct value cost more
//! than all the rest of a trust policy's checks. Every answer is the one the product search
//! gives (the fewest characters, then the first in the search's preference order), which the
//! property tests in `tests.rs` check against the automata on random globs. Whatever the text
//! cannot answer goes to the automaton, built once on first use.

use std::cmp::Ordering;
use std::sync::{Arc, OnceLock};

use super::compile::{self, Token};
use super::search::preference_rank;
use super::{Lang, Node, PatternKind, ReasonError, Universe, VarMode};

/// One piece of a plain glob (policy variables already resolved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Char(char),
    /// `*`: any run of characters, including none.
    Star,
    /// `?`: exactly one character.
    One,
}

/// A condition value as pieces: a `StringLike` glob, or a `StringEquals` literal (only `Char`s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    pub pieces: Vec<Piece>,
}

/// How many first characters of the preference order the complement question tries before it
/// leaves the question to the automaton.
const COMPLEMENT_TRIES: usize = 64;

impl Glob {
    /// `None` when the value holds a runtime policy variable (its value is unknown text).
    fn of(kind: PatternKind, value: &str, vars: VarMode) -> Option<Glob> {
        let tokens = compile::tokenize(value, kind == PatternKind::Like, vars);
        let pieces = tokens
            .into_iter()
            .map(|t| match t {
                Token::Char(c) => Some(Piece::Char(c)),
                Token::Star => Some(Piece::Star),
                Token::One => Some(Piece::One),
                Token::Var => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Glob { pieces })
    }

    /// The characters before the first wildcard: what every matched string begins with.
    pub fn literal_prefix(&self) -> String {
        self.pieces
            .iter()
            .map_while(|p| match p {
                Piece::Char(c) => Some(*c),
                Piece::Star | Piece::One => None,
            })
            .collect()
    }

    /// Whether the glob matches `s` (characters, as IAM compares them).
    pub fn matches(&self, s: &str) -> bool {
        // ASCII text (nearly every value asked) is matched in place, without decoding it.
        if s.is_ascii() {
            return matches_pieces(&self.pieces, s.as_bytes(), |c, b| c == char::from(b));
        }
        let text: Vec<char> = s.chars().collect();
        matches_pieces(&self.pieces, &text, |c, t| c == t)
    }

    /// A shortest string of `universe` the glob matches, first in preference order; `None`
    /// when the text alone cannot say (a non-ASCII character, or a `?` in a universe without
    /// ASCII letters), `Some(None)` when there is none.
    pub fn witness_in(&self, universe: &Universe) -> Option<Option<String>> {
        let filler = first_allowed(universe);
        let mut fixed = 0u32;
        for p in &self.pieces {
            match p {
                Piece::Char(c) if !c.is_ascii() => return None,
                Piece::Char(c) if !universe.allows(*c as u8) => return Some(None),
                Piece::Char(_) => fixed += 1,
                Piece::One => {
                    filler?;
                    fixed += 1;
                }
                Piece::Star => {}
            }
        }
        let pad = universe.min_chars.saturating_sub(fixed);
        let length = fixed + pad;
        if universe.max_chars.is_some_and(|m| length > m) {
            return Some(None);
        }
        let has_star = self.pieces.contains(&Piece::Star);
        if pad > 0 && !has_star {
            return Some(None);
        }
        let Some(filler) = filler else {
            // No `?` and no padding: the literal characters are the witness.
            return (pad == 0).then(|| Some(self.render(' ', 0)));
        };
        Some(Some(self.render(filler, pad as usize)))
    }

    /// The glob with `?` as `filler` and `pad` fillers at its first `*`, other `*` empty: the
    /// padding goes as early as it can, since the filler is the first character of the order.
    fn render(&self, filler: char, pad: usize) -> String {
        let mut out = String::new();
        let mut padded = false;
        for p in &self.pieces {
            match p {
                Piece::Char(c) => out.push(*c),
                Piece::One => out.push(filler),
                Piece::Star if !padded => {
                    padded = true;
                    out.extend(std::iter::repeat_n(filler, pad));
                }
                Piece::Star => {}
            }
        }
        out
    }
}

fn matches_pieces<T: Copy>(pieces: &[Piece], text: &[T], same: impl Fn(char, T) -> bool) -> bool {
    // The classic linear-time wildcard match: on a mismatch, the last `*` absorbs one more
    // character.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pieces.get(p) {
            Some(Piece::Char(c)) if same(*c, text[t]) => (p, t) = (p + 1, t + 1),
            Some(Piece::One) => (p, t) = (p + 1, t + 1),
            Some(Piece::Star) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    star = Some((sp, st + 1));
                    (p, t) = (sp + 1, st + 1);
                }
                None => return false,
            },
        }
    }
    pieces[p.min(pieces.len())..].iter().all(|x| *x == Piece::Star)
}

/// The first character of the search's preference order that `universe` allows, among the
/// printable ASCII characters (which come first in that order).
fn first_allowed(universe: &Universe) -> Option<char> {
    printable_in_order(universe).next()
}

/// Printable ASCII characters `universe` allows, in preference order.
fn printable_in_order(universe: &Universe) -> impl Iterator<Item = char> + '_ {
    super::search::preference_order()
        .iter()
        .take_while(|b| (0x20..0x7F).contains(*b))
        .filter(|b| universe.allows(**b))
        .map(|&b| b as char)
}

/// The order of the product search's witnesses: fewer characters first, then the first
/// differing byte in preference order.
pub fn witness_cmp(a: &str, b: &str) -> Ordering {
    a.chars().count().cmp(&b.chars().count()).then_with(|| {
        let ranks = |s: &str| s.bytes().map(preference_rank).collect::<Vec<_>>();
        ranks(a).cmp(&ranks(b))
    })
}

/// The least of some witnesses in [`witness_cmp`] order. Witnesses are ASCII here, where that
/// order is the search's.
pub fn least(witnesses: impl IntoIterator<Item = String>) -> Option<String> {
    witnesses.into_iter().min_by(|a, b| witness_cmp(a, b))
}

/// A union of condition values of one operator, compiled on first need.
#[derive(Debug)]
pub(super) struct Globs {
    kind: PatternKind,
    texts: Vec<String>,
    vars: VarMode,
    /// Every value as pieces; `None` when one holds a runtime variable.
    plain: Option<Vec<Glob>>,
    compiled: OnceLock<Result<Lang, ReasonError>>,
}

impl Globs {
    pub(super) fn lang<S: AsRef<str>>(kind: PatternKind, values: &[S], vars: VarMode) -> Lang {
        let plain = values.iter().map(|v| Glob::of(kind, v.as_ref(), vars)).collect();
        let texts = values.iter().map(|v| v.as_ref().to_owned()).collect();
        Lang(Arc::new(Node::Globs(Globs { kind, texts, vars, plain, compiled: OnceLock::new() })))
    }

    pub(super) fn plain(&self) -> Option<&[Glob]> {
        self.plain.as_deref()
    }

    /// The automaton form: one alternation DFA, or a union of one DFA per value when the
    /// alternation is over its size limit.
    pub(super) fn compiled(&self) -> Result<&Lang, ReasonError> {
        self.compiled
            .get_or_init(|| Lang::compile_patterns(self.kind, &self.texts, self.vars))
            .as_ref()
            .map_err(Clone::clone)
    }

    pub(super) fn write_key(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "G{:?}{:?}{}(", self.kind, self.vars, self.texts.len());
        for t in &self.texts {
            let _ = write!(out, "{}:{t}", t.len());
        }
        out.push(')');
    }

    pub(super) fn contains(&self, s: &str) -> bool {
        match &self.plain {
            Some(globs) => globs.iter().any(|g| g.matches(s)),
            None => self.compiled().is_ok_and(|l| l.contains(s)),
        }
    }

    /// A shortest accepted string of `universe`, when the texts can say.
    pub(super) fn witness_in(&self, universe: &Universe) -> Option<Option<String>> {
        let mut found = Vec::new();
        for g in self.plain.as_ref()? {
            if let Some(w) = g.witness_in(universe)? {
                found.push(w);
            }
        }
        Some(least(found))
    }

    /// A shortest string of `universe` no value accepts, when the first strings of the order
    /// show one: the strings of the universe's shortest length that differ from the first one
    /// only in their last character come first, so they are tried in turn.
    pub(super) fn complement_witness_in(&self, universe: &Universe) -> Option<Option<String>> {
        let globs = self.plain.as_ref()?;
        let min = universe.min_chars as usize;
        if universe.max_chars.is_some_and(|m| (m as usize) < min) {
            return Some(None);
        }
        let accepted = |s: &str| globs.iter().any(|g| g.matches(s));
        if min == 0 {
            if !accepted("") {
                return Some(Some(String::new()));
            }
            if universe.max_chars == Some(0) {
                return Some(None);
            }
        }
        let length = min.max(1);
        let filler = first_allowed(universe)?;
        let stem: String = std::iter::repeat_n(filler, length - 1).collect();
        for last in printable_in_order(universe).take(COMPLEMENT_TRIES) {
            let candidate = format!("{stem}{last}");
            if !accepted(&candidate) {
                return Some(Some(candidate));
            }
        }
        None
    }
}
