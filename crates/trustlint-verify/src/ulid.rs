//! ULIDs (https://github.com/ulid/spec): 48-bit millisecond timestamp + 80 random bits, as 26
//! characters of Crockford base32. Spacelift integration ids and run ids have this shape.
//!
//! The random part only has to make ids unlikely to collide (run ids, placeholder integration
//! ids); it is not a secret. It comes from std's per-process randomly keyed SipHash
//! (`RandomState`), which the OS seeds, so no extra dependency is needed.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

/// Crockford's base32 alphabet (no I, L, O, U).
pub const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh ULID.
pub fn generate() -> String {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u128(ms);
    let a = h.finish();
    h.write_u64(a);
    let b = h.finish();
    let random = (u128::from(a) << 16 | u128::from(b & 0xffff)) & ((1u128 << 80) - 1);
    encode((ms & ((1u128 << 48) - 1)) << 80 | random)
}

/// 128 bits as 26 Crockford characters (the first carries 3 bits, so it is 0..7).
pub fn encode(mut value: u128) -> String {
    let mut out = [0u8; 26];
    for slot in out.iter_mut().rev() {
        *slot = CROCKFORD[(value & 31) as usize];
        value >>= 5;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why `s` is not a ULID (26 Crockford base32 characters, upper case, first one 0..7).
pub fn problem(s: &str) -> Option<String> {
    let n = s.chars().count();
    if n != 26 {
        return Some(format!("is {n} characters long; a ULID has 26"));
    }
    if let Some(c) = s.chars().find(|c| !c.is_ascii() || !CROCKFORD.contains(&(*c as u8))) {
        return Some(format!(
            "contains `{c}`; a ULID uses Crockford base32 `0-9A-Z` without I, L, O, U (upper case)"
        ));
    }
    if s.as_bytes()[0] > b'7' {
        return Some("starts with a character above `7`, which overflows 128 bits".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ulids_are_valid_and_distinct() {
        let a = generate();
        let b = generate();
        assert_eq!(problem(&a), None, "{a}");
        assert_eq!(problem(&b), None, "{b}");
        assert_ne!(a, b);
        assert_eq!(encode(0), "00000000000000000000000000");
        assert_eq!(encode(u128::MAX), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
    }

    #[test]
    fn invalid_ulids_are_explained() {
        assert_eq!(problem("01GE7K9SR2DQBCRQ90DH70JF6Y"), None);
        assert!(problem("01GE7K9SR2DQBCRQ90DH70JF6").unwrap().contains("25 characters"));
        assert!(problem("01GE7K9SR2DQBCRQ90DH70JF6I").unwrap().contains("`I`"));
        assert!(problem("01ge7k9sr2dqbcrq90dh70jf6y").is_some());
        assert!(problem("81GE7K9SR2DQBCRQ90DH70JF6Y").is_some());
    }
}
