//! The documented grammar's parts ([`GrammarConfig::default`]) checked by hand: each is a
//! character class or two with a length range, and checking a literal id this way costs
//! nothing, where its automata cost more than the rest of a one-file pre-commit run. The
//! tests check both against the automata of the configured regexes.

#[cfg(doc)]
use super::GrammarConfig;
use super::Part;

/// `[a-z0-9][a-z0-9_-]{1,37}`.
fn account(s: &str) -> bool {
    let b = s.as_bytes();
    (2..=38).contains(&b.len())
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b[1..].iter().all(|&c| slug_byte(c))
}

/// `[0-7][0-9A-HJKMNP-TV-Z]{25}`: a ULID in Crockford base32.
fn integration_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 26
        && (b'0'..=b'7').contains(&b[0])
        && b[1..].iter().all(|&c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !b"ILOU".contains(&c)))
}

/// `[a-z0-9_-]+`.
fn stack(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(slug_byte)
}

fn slug_byte(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-'
}

/// Whether `value` is a valid `part` in the documented grammar.
pub(super) fn contains(part: Part, value: &str) -> bool {
    match part {
        Part::Account => account(value),
        Part::IntegrationId => integration_id(value),
        Part::Stack => stack(value),
        Part::Phase => value == "read" || value == "write",
    }
}

/// The shortest valid value of `part`, first in the search's preference order (lowercase
/// letters, then digits, then capitals).
pub(super) fn shortest(part: Part) -> &'static str {
    match part {
        Part::Account => "aa",
        Part::IntegrationId => "00000000000000000000000000",
        Part::Stack => "a",
        Part::Phase => "read",
    }
}
