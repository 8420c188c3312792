//! IAM condition values as regular languages, with exact set operations and witnesses.
//!
//! Every value (`StringEquals`, `StringLike`, `ArnLike`, ...) is translated to a regex and compiled
//! once into a fully anchored dense DFA (cached process-wide by regex text). A [`Lang`] is a
//! boolean combination of such DFAs; intersection, union and complement stay symbolic and are
//! decided by a breadth-first search over the product of the DFAs' states, which also yields the
//! shortest witness string.
//!
//! Strings are sequences of Unicode scalar values, matched as UTF-8: a `?` consumes one scalar
//! value (`é` and `😀` are one character each), and complements never contain invalid UTF-8.
//!
//! Length-bounded universes (STS external ids are 2..=1224 characters) are *not* unrolled into
//! the DFA: the search restricts the bytes it tries to the universe's charset and counts
//! characters, and since it finds the shortest witness first, "shortest witness longer than the
//! maximum" proves there is none within the bound.

pub mod budget;
mod compile;
pub mod globs;
mod memo;
mod search;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use regex_automata::dfa::Automaton;

use compile::Dfa;
pub use compile::VarMode;
use memo::Question;
use search::{Control, Formula, Product};

/// Why a language could not be built or a question about it could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    /// The pattern compiled to an automaton above the size limits, or the regex was invalid.
    #[error("cannot build an automaton for `{regex}`: {message}")]
    Build { regex: String, message: String },
    /// An `ArnLike`/`ArnEquals` value without the six colon-separated parts of an ARN.
    #[error("`{pattern}` is not an ARN pattern (expected arn:partition:service:region:account:resource)")]
    MalformedArn { pattern: String },
    /// The product search exceeded its state budget; the answer is unknown.
    #[error("pattern combination too complex to analyse (more than {states} automaton states)")]
    TooComplex { states: usize },
    /// The reasoning budget of the file (see [`budget`]) is spent; the answer is unknown.
    #[error("reasoning budget of {steps} steps for this file spent; the answer is unknown")]
    OverBudget { steps: usize },
    /// A witness was not valid UTF-8; indicates a bug, reported instead of panicking.
    #[error("internal error: witness is not valid UTF-8")]
    InvalidWitness,
}

/// Forgets the answers remembered across rules and files (see `memo.rs`), for benchmarks that
/// measure the searches rather than the lookups.
pub fn forget_answers() {
    memo::forget();
}

/// Escapes `text` so that [`Lang::regex`] matches it literally.
pub fn escape(text: &str) -> String {
    compile::escape(text)
}

/// The regex of one condition value under `kind`.
fn pattern_regex(kind: PatternKind, value: &str, vars: VarMode) -> Result<String, ReasonError> {
    Ok(match kind {
        PatternKind::Equals => compile::literal_regex(value, false, vars),
        PatternKind::EqualsIgnoreCase => compile::literal_regex(value, true, vars),
        PatternKind::Like => compile::glob_regex(value, false, vars),
        PatternKind::LikeIgnoreCase => compile::glob_regex(value, true, vars),
        PatternKind::ArnLike | PatternKind::ArnEquals => compile::arn_regex(value, true, vars)?,
    })
}

/// How a condition operator interprets its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PatternKind {
    /// `StringEquals`: exact, case-sensitive; `*` and `?` are literal.
    Equals,
    /// `StringEqualsIgnoreCase`.
    EqualsIgnoreCase,
    /// `StringLike`: `*` any run (including empty), `?` exactly one character.
    Like,
    /// `StringLike` semantics without case sensitivity (no IAM operator does this; provided for
    /// callers that need it).
    LikeIgnoreCase,
    /// `ArnLike`: wildcards per ARN part; in parts 1-5 they never cross `:`.
    ArnLike,
    /// `ArnEquals`. AWS documents it with the same wildcard semantics as `ArnLike`
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN),
    /// so it is compiled identically.
    ArnEquals,
}

/// A set of strings the search may draw witnesses from: a byte set and a length range in
/// characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Universe {
    allowed: [bool; 256],
    min_chars: u32,
    max_chars: Option<u32>,
}

impl Universe {
    /// Every string (valid UTF-8, any length).
    pub fn any() -> Universe {
        Universe { allowed: [true; 256], min_chars: 0, max_chars: None }
    }

    /// Strings over the given ASCII characters with `min..=max` characters. Non-ASCII
    /// characters in `charset` are ignored, since restricting bytes is only exact for ASCII.
    pub fn ascii(charset: &str, min_chars: u32, max_chars: Option<u32>) -> Universe {
        let mut allowed = [false; 256];
        for c in charset.chars().filter(char::is_ascii) {
            allowed[c as usize] = true;
        }
        Universe { allowed, min_chars, max_chars }
    }

    /// Values STS accepts for `ExternalId`: 2 to 1224 characters of `[\w+=,.@:/-]`, with `\w`
    /// taken as ASCII `[A-Za-z0-9_]`.
    pub fn sts_external_id() -> Universe {
        // A constant table: every trust statement's questions ask for it.
        const ALLOWED: [bool; 256] = {
            let mut allowed = [false; 256];
            let mut b = 0;
            while b < 256 {
                let c = b as u8;
                allowed[b] = c.is_ascii_alphanumeric()
                    || matches!(c, b'+' | b'=' | b',' | b'.' | b'@' | b':' | b'/' | b'-' | b'_');
                b += 1;
            }
            allowed
        };
        Universe { allowed: ALLOWED, min_chars: 2, max_chars: Some(1224) }
    }

    /// The same characters without length bounds.
    pub fn without_length(&self) -> Universe {
        Universe { allowed: self.allowed, min_chars: 0, max_chars: None }
    }

    fn allows(&self, b: u8) -> bool {
        self.allowed[b as usize]
    }

    /// Whether `s` belongs to the universe.
    pub fn contains(&self, s: &str) -> bool {
        let n = s.chars().count();
        s.bytes().all(|b| self.allows(b))
            && n >= self.min_chars as usize
            && self.max_chars.is_none_or(|m| n <= m as usize)
    }
}

/// The answer of [`Lang::is_universal_over`] when the language is not universal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotUniversal {
    /// A string of the universe the language rejects.
    Witness(String),
    /// The question could not be decided.
    Undecided(ReasonError),
}

#[derive(Debug)]
enum Node {
    Atom {
        dfa: Arc<Dfa>,
        regex: String,
    },
    /// Condition values still as text (see `globs.rs`).
    Globs(globs::Globs),
    And(Vec<Lang>),
    Or(Vec<Lang>),
    Not(Lang),
}

/// A set of strings. Cheap to clone; combinators build a symbolic tree over cached DFAs.
#[derive(Clone, Debug)]
pub struct Lang(Arc<Node>);

impl Lang {
    fn atom(regex: String) -> Result<Lang, ReasonError> {
        let dfa = compile::compile(&regex)?;
        Ok(Lang(Arc::new(Node::Atom { dfa, regex })))
    }

    /// The empty language.
    pub fn nothing() -> Lang {
        Lang(Arc::new(Node::Or(Vec::new())))
    }

    /// Every string.
    pub fn anything() -> Lang {
        Lang(Arc::new(Node::And(Vec::new())))
    }

    /// The language of a regex (regex-automata syntax, matched in full). For grammars built by
    /// this crate; condition values go through [`Lang::pattern`].
    pub fn regex(regex: &str) -> Result<Lang, ReasonError> {
        Lang::atom(regex.to_owned())
    }

    /// The strings one condition value matches under `kind`.
    pub fn pattern(kind: PatternKind, value: &str, vars: VarMode) -> Result<Lang, ReasonError> {
        Lang::patterns(kind, &[value], vars)
    }

    /// The strings a condition value with unknown holes may match under `kind`: each known
    /// part as written, each hole any string of its regex (`None` for a known part). Only for
    /// the string operators; ARN operators match per ARN part and are not composed this way.
    pub fn pattern_with_holes(
        kind: PatternKind,
        parts: &[(Option<&str>, &str)],
        vars: VarMode,
    ) -> Result<Lang, ReasonError> {
        if matches!(kind, PatternKind::ArnLike | PatternKind::ArnEquals) {
            return Err(ReasonError::MalformedArn { pattern: "a value with unknown parts".into() });
        }
        let mut re = String::new();
        for (hole, text) in parts {
            match hole {
                Some(h) => re.push_str(&format!("(?:{h})")),
                None => re.push_str(&format!("(?:{})", pattern_regex(kind, text, vars)?)),
            }
        }
        Lang::atom(re)
    }

    /// The strings any of `values` matches: IAM ORs the values under one condition key.
    pub fn patterns<S: AsRef<str>>(
        kind: PatternKind,
        values: &[S],
        vars: VarMode,
    ) -> Result<Lang, ReasonError> {
        if matches!(kind, PatternKind::Equals | PatternKind::Like) && lazy_enough(kind, values) {
            return Ok(globs::Globs::lang(kind, values, vars));
        }
        Lang::compile_patterns(kind, values, vars)
    }

    /// The plain globs (or literals) this language is the union of, when it is one condition's
    /// `StringLike` or `StringEquals` values without runtime variables: questions about
    /// their parts can then be answered from the text.
    pub fn globs(&self) -> Option<&[globs::Glob]> {
        match &*self.0 {
            Node::Globs(g) => g.plain(),
            _ => None,
        }
    }

    fn compile_patterns<S: AsRef<str>>(
        kind: PatternKind,
        values: &[S],
        vars: VarMode,
    ) -> Result<Lang, ReasonError> {
        let regexes =
            values.iter().map(|v| pattern_regex(kind, v.as_ref(), vars)).collect::<Result<Vec<_>, _>>()?;
        if regexes.len() > 1 {
            // One DFA for the alternation keeps later products small (a condition may list
            // dozens of values); when it exceeds the size limit, fall back to a union of atoms.
            let alternation = regexes.iter().map(|r| format!("(?:{r})")).collect::<Vec<_>>().join("|");
            if let Ok(dfa) = compile::compile_within(&alternation, compile::ALTERNATION_SIZE_LIMIT) {
                return Ok(Lang(Arc::new(Node::Atom { dfa, regex: alternation })));
            }
        }
        let langs = regexes.into_iter().map(Lang::atom).collect::<Result<Vec<_>, _>>()?;
        Ok(Lang::union(langs))
    }

    /// The same language with every condition value compiled, so that every question goes to
    /// the automata: tests compare the answers from the text with theirs.
    #[cfg(test)]
    pub(crate) fn automaton_form(&self) -> Lang {
        match &*self.0 {
            Node::Globs(g) => g.compiled().cloned().unwrap_or_else(|_| Lang::nothing()),
            Node::Atom { .. } => self.clone(),
            Node::And(v) => Lang::intersection(v.iter().map(Lang::automaton_form)),
            Node::Or(v) => Lang::union(v.iter().map(Lang::automaton_form)),
            Node::Not(l) => l.automaton_form().complement(),
        }
    }

    /// Union of languages.
    pub fn union(langs: impl IntoIterator<Item = Lang>) -> Lang {
        let mut v: Vec<Lang> = langs.into_iter().collect();
        if v.len() == 1 {
            return v.remove(0);
        }
        Lang(Arc::new(Node::Or(v)))
    }

    /// Intersection of languages (the empty intersection is every string).
    pub fn intersection(langs: impl IntoIterator<Item = Lang>) -> Lang {
        let mut v: Vec<Lang> = langs.into_iter().collect();
        if v.len() == 1 {
            return v.remove(0);
        }
        Lang(Arc::new(Node::And(v)))
    }

    /// `self ∩ other`.
    pub fn and(&self, other: &Lang) -> Lang {
        Lang::intersection([self.clone(), other.clone()])
    }

    /// `self ∪ other`.
    pub fn or(&self, other: &Lang) -> Lang {
        Lang::union([self.clone(), other.clone()])
    }

    /// Every (valid UTF-8) string not in `self`, for negated operators such as `StringNotLike`.
    pub fn complement(&self) -> Lang {
        Lang(Arc::new(Node::Not(self.clone())))
    }

    /// Whether `s` is in the language.
    pub fn contains(&self, s: &str) -> bool {
        match &*self.0 {
            Node::Atom { dfa, .. } => run(dfa, s.as_bytes()),
            Node::Globs(g) => g.contains(s),
            Node::And(v) => v.iter().all(|l| l.contains(s)),
            Node::Or(v) => v.iter().any(|l| l.contains(s)),
            Node::Not(l) => !l.contains(s),
        }
    }

    /// Whether no string is in the language.
    pub fn is_empty(&self) -> Result<bool, ReasonError> {
        Ok(self.shortest_witness()?.is_none())
    }

    /// Whether no string of `universe` is in the language.
    pub fn is_empty_in(&self, universe: &Universe) -> Result<bool, ReasonError> {
        Ok(self.shortest_witness_in(universe)?.is_none())
    }

    /// A shortest string of the language (fewest characters), preferring readable characters.
    pub fn shortest_witness(&self) -> Result<Option<String>, ReasonError> {
        self.shortest_witness_in(&Universe::any())
    }

    /// A shortest string of the language that also belongs to `universe`.
    pub fn shortest_witness_in(&self, universe: &Universe) -> Result<Option<String>, ReasonError> {
        let from_text = match &*self.0 {
            Node::Globs(g) => g.witness_in(universe),
            Node::Not(l) => match &*l.0 {
                Node::Globs(g) => g.complement_witness_in(universe),
                _ => None,
            },
            _ => None,
        };
        if let Some(answer) = from_text {
            return Ok(answer);
        }
        memo::answer(Question::Witness, self.key(), universe, || self.search_witness_in(universe))
    }

    fn search_witness_in(&self, universe: &Universe) -> Result<Option<String>, ReasonError> {
        let mut dfas = Vec::new();
        let f = flatten(self, &mut dfas)?;
        let product = with_utf8(dfas, f)?;
        let start = product.starts()?;
        product
            .shortest(start, universe)?
            .map(|b| String::from_utf8(b).map_err(|_| ReasonError::InvalidWitness))
            .transpose()
    }

    /// `Ok(())` if every string of `universe` is in the language, else a shortest string of the
    /// universe that is not.
    pub fn is_universal_over(&self, universe: &Universe) -> Result<(), NotUniversal> {
        match self.complement().shortest_witness_in(universe) {
            Ok(None) => Ok(()),
            Ok(Some(w)) => Err(NotUniversal::Witness(w)),
            Err(e) => Err(NotUniversal::Undecided(e)),
        }
    }

    /// A shortest `w` in `prefixes` such that `w·s` is in `self` for *every* `s` in
    /// `suffixes`, or `None` if there is no such `w`. Exact: the DFAs are deterministic, so the
    /// set of suffixes `self` accepts after `w` depends only on the product state `w` reaches;
    /// each distinct reachable state is checked once for a suffix it rejects.
    ///
    /// Only the universe's charset applies (prefix and suffix separately); its length bounds do
    /// not, since they constrain the concatenation rather than either side.
    pub fn prefix_accepting_all_suffixes(
        &self,
        prefixes: &Lang,
        suffixes: &Lang,
        universe: &Universe,
    ) -> Result<Option<String>, ReasonError> {
        let mut key = self.key();
        prefixes.write_key(&mut key);
        suffixes.write_key(&mut key);
        memo::answer(Question::PrefixForAllSuffixes, key, universe, || {
            self.search_prefix_accepting_all_suffixes(prefixes, suffixes, universe)
        })
    }

    fn search_prefix_accepting_all_suffixes(
        &self,
        prefixes: &Lang,
        suffixes: &Lang,
        universe: &Universe,
    ) -> Result<Option<String>, ReasonError> {
        let charset = Universe { allowed: universe.allowed, min_chars: 0, max_chars: None };
        // Phase 1: product of self's atoms (riding along) with the prefix language.
        let mut dfas = Vec::new();
        let f_self = flatten(self, &mut dfas)?;
        let n_self = dfas.len();
        let f_prefix = flatten(prefixes, &mut dfas)?;
        let phase1 = with_utf8(dfas, f_prefix)?;
        let mut candidates: Vec<(Vec<regex_automata::util::primitives::StateID>, Vec<u8>)> = Vec::new();
        // foldhash (hashbrown's default): SipHash of every visited state vector cost more than the visit.
        let mut seen = hashbrown::HashSet::new();
        phase1.bfs(phase1.starts()?, &charset, |states, path| {
            let q = states[..n_self].to_vec();
            if seen.insert(q.clone()) {
                candidates.push((q, path.to_vec()));
            }
            if candidates.len() > search::MAX_NODES / 16 { Control::Stop } else { Control::Continue }
        })?;
        if candidates.len() > search::MAX_NODES / 16 {
            return Err(ReasonError::TooComplex { states: search::MAX_NODES });
        }
        // Phase 2: from each candidate state, look for a suffix that self rejects.
        let mut dfas: Vec<Arc<Dfa>> = phase1.dfas[..n_self].to_vec();
        let f_suffix = flatten(suffixes, &mut dfas)?;
        let formula = Formula::And(vec![f_suffix, Formula::Not(Box::new(f_self))]);
        let phase2 = with_utf8(dfas, formula)?;
        let fresh = phase2.starts()?;
        for (q, prefix) in candidates {
            let mut start = q;
            start.extend_from_slice(&fresh[n_self..]);
            if phase2.shortest(start, &charset)?.is_none() {
                return String::from_utf8(prefix).map(Some).map_err(|_| ReasonError::InvalidWitness);
            }
        }
        Ok(None)
    }
}

impl Lang {
    /// The structure of the language, written so that two different structures never write the
    /// same text (regexes are length-prefixed): the key under which its answers are remembered,
    /// here and by analyses that remember their own (`github_subject`).
    pub fn key(&self) -> String {
        let mut out = String::new();
        self.write_key(&mut out);
        out
    }

    fn write_key(&self, out: &mut String) {
        use std::fmt::Write;
        match &*self.0 {
            Node::Atom { regex, .. } => {
                let _ = write!(out, "{}:{regex}", regex.len());
            }
            Node::Globs(g) => g.write_key(out),
            Node::And(v) | Node::Or(v) => {
                out.push(if matches!(&*self.0, Node::And(_)) { '&' } else { '|' });
                let _ = write!(out, "{}(", v.len());
                for l in v {
                    l.write_key(out);
                }
                out.push(')');
            }
            Node::Not(l) => {
                out.push('!');
                l.write_key(out);
            }
        }
    }
}

impl fmt::Display for Lang {
    /// Debugging notation: the regexes and the boolean structure.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Node::Atom { regex, .. } => write!(f, "/{regex}/"),
            Node::Globs(g) => match g.compiled() {
                Ok(l) => write!(f, "{l}"),
                Err(e) => write!(f, "<{e}>"),
            },
            Node::And(v) if v.is_empty() => write!(f, "ANY"),
            Node::Or(v) if v.is_empty() => write!(f, "NONE"),
            Node::And(v) | Node::Or(v) => {
                let op = if matches!(&*self.0, Node::And(_)) { " & " } else { " | " };
                write!(f, "(")?;
                for (i, l) in v.iter().enumerate() {
                    if i > 0 {
                        write!(f, "{op}")?;
                    }
                    write!(f, "{l}")?;
                }
                write!(f, ")")
            }
            Node::Not(l) => write!(f, "!{l}"),
        }
    }
}

fn run(dfa: &Dfa, bytes: &[u8]) -> bool {
    let Ok(mut s) = compile::start(dfa) else {
        return false;
    };
    for &b in bytes {
        s = dfa.next_state(s, b);
        if dfa.is_dead_state(s) || dfa.is_quit_state(s) {
            return false;
        }
    }
    search::accepts_at_end(dfa, s)
}

fn flatten(lang: &Lang, dfas: &mut Vec<Arc<Dfa>>) -> Result<Formula, ReasonError> {
    Ok(match &*lang.0 {
        Node::Atom { dfa, .. } => {
            dfas.push(Arc::clone(dfa));
            Formula::Atom(dfas.len() - 1)
        }
        Node::Globs(g) => flatten(g.compiled()?, dfas)?,
        Node::And(v) => Formula::And(v.iter().map(|l| flatten(l, dfas)).collect::<Result<_, _>>()?),
        Node::Or(v) => Formula::Or(v.iter().map(|l| flatten(l, dfas)).collect::<Result<_, _>>()?),
        Node::Not(l) => Formula::Not(Box::new(flatten(l, dfas)?)),
    })
}

/// Values whose automaton cannot fail to build, so that building it lazily changes no answer,
/// only when it is paid for: few and short, and no `?` after a `*` (`*a??????` must remember
/// its last characters, which takes exponentially many states; a literal, or a glob whose
/// wildcards are all `*`, or all `?`, has an automaton about as large as its text).
fn lazy_enough<S: AsRef<str>>(kind: PatternKind, values: &[S]) -> bool {
    let safe = |v: &str| {
        // A runtime variable `${...}` matches like a `*`.
        let first_run = [v.find('*'), v.find("${")].into_iter().flatten().min();
        kind == PatternKind::Equals || first_run.is_none_or(|at| !v[at..].contains('?'))
    };
    values.len() <= 64 && values.iter().all(|v| v.as_ref().len() <= 2048 && safe(v.as_ref()))
}

/// Adds the "valid UTF-8" automaton to a product so complements never yield broken strings.
fn with_utf8(mut dfas: Vec<Arc<Dfa>>, formula: Formula) -> Result<Product, ReasonError> {
    dfas.push(compile::compile("(?s:.*)")?);
    let utf8 = Formula::Atom(dfas.len() - 1);
    Ok(Product::new(dfas, Formula::And(vec![utf8, formula])))
}
