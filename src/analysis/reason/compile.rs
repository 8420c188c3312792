//! Translation of IAM condition values into regex syntax, and the DFA cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex_automata::dfa::{StartKind, dense};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Anchored, MatchKind};

use super::ReasonError;

pub(crate) type Dfa = dense::DFA<Vec<u32>>;

/// Limits that keep a hostile pattern from eating the machine. Policy documents are at most
/// 10 KiB, so legitimate patterns stay far below these.
const NFA_SIZE_LIMIT: usize = 8 << 20;
const DFA_SIZE_LIMIT: usize = 2 << 20;
const DETERMINIZE_SIZE_LIMIT: usize = 2 << 20;
/// Limits for the one-DFA alternation of a condition's values, which is only a shortcut (the
/// fallback is a union of one DFA per value, searched lazily): failing fast matters more than
/// succeeding, since determinising twenty `acme@*@stack-N@*` values together costs seconds
/// before it fails at the full limits.
pub(crate) const ALTERNATION_SIZE_LIMIT: usize = 256 << 10;
const NEST_LIMIT: u32 = 64;
/// Past this many distinct patterns, or this many bytes of automata, the cache is dropped rather
/// than grown: a long run over many repositories must not keep every automaton it ever built.
/// A condition value's DFA is a few KiB, so thousands fit (eight at the 2 MiB maximum); 64 MiB
/// cost a 100,000-file run 40 MB more peak memory and saved it no time (2026-12-02).
const CACHE_CAPACITY: usize = 4096;
const CACHE_BYTES: usize = 16 << 20;

/// How IAM policy variables (`${...}`) inside a value are treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum VarMode {
    /// Version 2008-10-17 (or no Version): `${...}` is ordinary text.
    #[default]
    Literal,
    /// Version 2012-10-17: `${*}`, `${?}`, `${$}` are the escaped characters and any other
    /// variable stands for a runtime value, so it may be any string.
    AnyValue,
}

/// One lexical unit of a condition value after policy-variable processing.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Token {
    Char(char),
    /// `*`: any run of characters.
    Star,
    /// `?`: exactly one character.
    One,
    /// A runtime policy variable.
    Var,
}

pub(super) fn tokenize(value: &str, wildcards: bool, vars: VarMode) -> Vec<Token> {
    let chars: Vec<char> = value.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if vars == VarMode::AnyValue
            && c == '$'
            && chars.get(i + 1) == Some(&'{')
            && let Some(close) = chars[i + 2..].iter().position(|&c| c == '}')
        {
            let name: String = chars[i + 2..i + 2 + close].iter().collect();
            out.push(match name.as_str() {
                "*" => Token::Char('*'),
                "?" => Token::Char('?'),
                "$" => Token::Char('$'),
                _ => Token::Var,
            });
            i += close + 3;
            continue;
        }
        out.push(match c {
            '*' if wildcards => Token::Star,
            '?' if wildcards => Token::One,
            _ => Token::Char(c),
        });
        i += 1;
    }
    out
}

/// Appends the regex for a run of tokens. `any` / `one` are the classes that a wildcard may
/// match, so ARN parts can exclude `:`.
fn push_tokens(re: &mut String, tokens: &[Token], any: &str, one: &str) {
    for t in tokens {
        match t {
            Token::Char(c) => {
                let mut buf = [0u8; 4];
                re.push_str(&escape(c.encode_utf8(&mut buf)));
            }
            Token::Star => {
                re.push_str(any);
                re.push('*');
            }
            Token::One => re.push_str(one),
            Token::Var => {
                re.push_str(any);
                re.push('*');
            }
        }
    }
}

pub(crate) fn escape(s: &str) -> String {
    // Hex-escaping everything but ASCII alphanumerics is always valid regex syntax, whatever the
    // character, and still participates in `(?i)` case folding.
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push_str(&format!("\\x{{{:X}}}", c as u32));
        }
    }
    out
}

/// Regex for a `StringEquals` / `StringEqualsIgnoreCase` value (wildcards are literal).
pub(crate) fn literal_regex(value: &str, ignore_case: bool, vars: VarMode) -> String {
    glob_like_regex(value, false, ignore_case, vars)
}

/// Regex for a `StringLike` value.
pub(crate) fn glob_regex(value: &str, ignore_case: bool, vars: VarMode) -> String {
    glob_like_regex(value, true, ignore_case, vars)
}

fn glob_like_regex(value: &str, wildcards: bool, ignore_case: bool, vars: VarMode) -> String {
    let tokens = tokenize(value, wildcards, vars);
    let mut re = String::new();
    if ignore_case {
        re.push_str("(?i)");
    }
    push_tokens(&mut re, &tokens, "(?s:.)", "(?s:.)");
    re
}

/// Regex for an `ArnLike` (or, with `wildcards == false`, a literal `ArnEquals`) value.
///
/// IAM splits both the value and the request ARN at the first five colons and matches part by
/// part, so a wildcard in parts 1-5 never crosses a colon while one in the resource part may.
/// Building the regex as `p1:p2:p3:p4:p5:p6` with colon-free classes in p1..p5 forces the request
/// to be split at exactly its first five colons, which is the same language.
pub(crate) fn arn_regex(value: &str, wildcards: bool, vars: VarMode) -> Result<String, ReasonError> {
    // Tokenize before splitting: a variable such as `${aws:PrincipalAccount}` holds a colon that
    // is not a part separator.
    let tokens = tokenize(value, wildcards, vars);
    let mut parts: Vec<&[Token]> = Vec::with_capacity(6);
    let mut rest: &[Token] = &tokens;
    while parts.len() < 5 {
        let Some(i) = rest.iter().position(|t| *t == Token::Char(':')) else {
            break;
        };
        parts.push(&rest[..i]);
        rest = &rest[i + 1..];
    }
    parts.push(rest);
    if parts.len() != 6 {
        return Err(ReasonError::MalformedArn { pattern: value.to_owned() });
    }
    let mut re = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            re.push(':');
        }
        if i < 5 {
            // A runtime variable in parts 1-5 is confined to its part like a wildcard: IAM
            // compares part by part, so its value cannot shift the boundaries.
            push_tokens(&mut re, part, "[^:]", "[^:]");
        } else {
            push_tokens(&mut re, part, "(?s:.)", "(?s:.)");
        }
    }
    Ok(re)
}

/// Built automata, and patterns that failed to build: a failure (over the size limits) costs as
/// much as a success, and every rule asks about the same values.
#[derive(Default)]
struct Cache {
    built: HashMap<(usize, String), Result<Arc<Dfa>, ReasonError>>,
    /// Bytes of the automata and keys held.
    bytes: usize,
}

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Cache::default()))
}

/// Compiles `regex` (unanchored syntax) into a DFA that accepts exactly the strings the regex
/// matches in full. Cached by regex text, which covers every distinct (kind, value, flags),
/// across rules, files and threads.
pub(crate) fn compile(regex: &str) -> Result<Arc<Dfa>, ReasonError> {
    compile_within(regex, DFA_SIZE_LIMIT)
}

/// [`compile`] with another size limit (for the DFA and for determinisation), in bytes.
pub(crate) fn compile_within(regex: &str, limit: usize) -> Result<Arc<Dfa>, ReasonError> {
    let key = (limit, regex.to_owned());
    {
        // A poisoned lock only means another thread panicked mid-insert; the map is still valid.
        let map = cache().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(built) = map.built.get(&key) {
            return built.clone();
        }
    }
    // Building is reasoning work like searching: once the unit's budget is spent, no new
    // automaton is built for it (a hostile policy's later patterns stay unknown at no cost).
    super::budget::check()?;
    // Built outside the lock so one slow pattern does not serialise every other thread.
    let built = build(regex, limit).map(Arc::new);
    let cost = match &built {
        Ok(dfa) => dfa.memory_usage(),
        // A build stopped by a size limit did about that much work.
        Err(_) => limit,
    };
    let held = key.1.len() + built.as_ref().map_or(0, |dfa| dfa.memory_usage());
    let result = {
        let mut map = cache().lock().unwrap_or_else(|e| e.into_inner());
        if map.built.len() >= CACHE_CAPACITY || map.bytes + held > CACHE_BYTES {
            *map = Cache::default();
        }
        match map.built.get(&key) {
            // Another thread built it meanwhile.
            Some(other) => other.clone(),
            None => {
                map.bytes += held;
                map.built.insert(key, built.clone());
                built
            }
        }
    };
    // Charged after the build, which is kept for other units either way.
    super::budget::spend(cost / super::budget::BUILD_BYTES_PER_STEP)?;
    result
}

fn build(regex: &str, limit: usize) -> Result<Dfa, ReasonError> {
    // `\z` rather than relying on the eoi transition alone: with MatchKind::All the DFA keeps
    // running after an interior match, and only an end-anchored pattern makes "match state after
    // eoi" mean "the whole input matched".
    let full = format!("(?:{regex})\\z");
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .match_kind(MatchKind::All)
                .dfa_size_limit(Some(limit))
                .determinize_size_limit(Some(limit.min(DETERMINIZE_SIZE_LIMIT))),
        )
        .syntax(syntax::Config::new().unicode(true).utf8(true).nest_limit(NEST_LIMIT))
        .thompson(thompson::Config::new().nfa_size_limit(Some(NFA_SIZE_LIMIT)))
        .build(&full)
        .map_err(|e| ReasonError::Build { regex: regex.to_owned(), message: e.to_string() })
}

/// Start state for an anchored search; the DFA is built anchored-only, so this cannot fail for
/// our own DFAs, but the error is still mapped rather than unwrapped.
pub(crate) fn start(dfa: &Dfa) -> Result<regex_automata::util::primitives::StateID, ReasonError> {
    use regex_automata::dfa::Automaton;
    use regex_automata::util::start;
    dfa.start_state(&start::Config::new().anchored(Anchored::Yes))
        .map_err(|e| ReasonError::Build { regex: String::new(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_follow_mode() {
        assert_eq!(
            tokenize("${*}a${x}", true, VarMode::AnyValue),
            vec![Token::Char('*'), Token::Char('a'), Token::Var]
        );
        assert_eq!(tokenize("${*}", true, VarMode::Literal).len(), 4);
        // Unterminated variable is plain text.
        assert_eq!(tokenize("${a", true, VarMode::AnyValue).len(), 3);
    }

    #[test]
    fn escapes_metacharacters() {
        for s in ["a.b", "(x)", "[", "\\", "é😀", "a b#", "{1}", "\u{0}"] {
            let re = literal_regex(s, false, VarMode::Literal);
            assert!(build(&re, DFA_SIZE_LIMIT).is_ok(), "{s} -> {re}");
        }
    }
}
