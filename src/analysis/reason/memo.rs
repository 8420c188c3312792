//! Answers to questions about languages, remembered across rules, files and threads.
//!
//! Every rule that looks at a condition asks the same few questions of the same languages (a
//! witness of the external ids it accepts, of the read ids, of a foreign account, ...), and so
//! does the Deny-aware trust reasoning on every statement. A question is keyed by the structure
//! of its languages (their regexes and boolean tree, written unambiguously) and the universe, so
//! equal questions are answered once per run whoever asks. Answers do not depend on who asks or
//! when: searches are deterministic.
//!
//! Only decided answers and deterministic failures (size limits) are kept; "the budget of this
//! file is spent" is not, since another file's budget may still decide the question. The memo is
//! bounded in bytes and dropped whole when full, like the automaton cache.

use std::sync::{Mutex, OnceLock};

use super::{ReasonError, Universe};

/// Bytes of keys and answers kept before the memo is dropped: far above what a large repository
/// needs (a question's key is a few hundred bytes), far below the automata it saves rebuilding;
/// 16 MB saved a 100,000-file run no time (2026-12-02).
const MEMO_BYTES: usize = 4 << 20;

/// What a question asks of its languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Question {
    /// A shortest witness in the universe.
    Witness,
    /// A shortest prefix after which every suffix is accepted.
    PrefixForAllSuffixes,
}

type Key = (Question, String, UniverseKey);
type Answer = Result<Option<String>, ReasonError>;

/// A universe as a memo key: its byte set packed into bits. Hashing the universe itself hashes
/// 256 booleans one by one, which cost more than many of the lookups it keys (the server asks
/// thousands of remembered questions per lint).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct UniverseKey {
    allowed: [u64; 4],
    min_chars: u32,
    max_chars: Option<u32>,
}

impl UniverseKey {
    fn of(u: &Universe) -> UniverseKey {
        let mut allowed = [0u64; 4];
        for (b, _) in u.allowed.iter().enumerate().filter(|(_, on)| **on) {
            allowed[b / 64] |= 1 << (b % 64);
        }
        UniverseKey { allowed, min_chars: u.min_chars, max_chars: u.max_chars }
    }
}

#[derive(Default)]
struct Memo {
    // hashbrown's default hasher (foldhash): the keys are long strings hashed on every lookup.
    answers: hashbrown::HashMap<Key, Answer>,
    bytes: usize,
}

fn memo() -> &'static Mutex<Memo> {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(Memo::default()))
}

/// The remembered answer to `(question, key, universe)`, or `compute`'s, remembered.
pub(crate) fn answer(
    question: Question,
    key: String,
    universe: &Universe,
    compute: impl FnOnce() -> Answer,
) -> Answer {
    let key = (question, key, UniverseKey::of(universe));
    {
        // A poisoned lock only means another thread panicked mid-insert; the map is still valid.
        let memo = memo().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = memo.answers.get(&key) {
            return hit.clone();
        }
    }
    // Computed outside the lock so one slow question does not serialise the other threads.
    let result = compute();
    if matches!(result, Err(ReasonError::OverBudget { .. })) {
        return result;
    }
    let size = key.1.len() + answer_bytes(&result) + std::mem::size_of::<(Key, Answer)>();
    let mut memo = memo().lock().unwrap_or_else(|e| e.into_inner());
    if memo.bytes + size > MEMO_BYTES {
        memo.answers.clear();
        memo.bytes = 0;
    }
    if memo.answers.insert(key, result.clone()).is_none() {
        memo.bytes += size;
    }
    result
}

fn answer_bytes(a: &Answer) -> usize {
    match a {
        Ok(Some(w)) => w.len(),
        Ok(None) => 0,
        Err(e) => e.to_string().len(),
    }
}

/// Forgets every remembered answer, so that the next questions are searched again (benchmarks
/// of the searches themselves; the automata stay cached).
pub(crate) fn forget() {
    let mut memo = memo().lock().unwrap_or_else(|e| e.into_inner());
    *memo = Memo::default();
}
