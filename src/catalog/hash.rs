//! The catalog's case-insensitive hash and slot layout. Shared by `build.rs`, which lays out the
//! action table's slots at build time, and the crate, which looks names up in them: both must
//! hash alike.

/// FxHash's multiplier (rustc-hash).
const K: u64 = 0xf135_7aea_2e62_a9c5;

/// Hash of `s` with ASCII letters folded to lower case, so `S3:getobject` and `s3:GetObject`
/// hash alike; `seed` separates namespaces (the actions of different services) in one table.
pub fn caseless_hash(seed: u64, s: &str) -> u64 {
    let mut h = seed.wrapping_mul(K);
    for &b in s.as_bytes() {
        h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(K);
    }
    // Tables take the slot from the low bits (and hashbrown a tag from the top 7): move the
    // well-mixed high bits down, as rustc-hash's `finish` does.
    h.rotate_left(26)
}

/// An empty slot of a slot table; a full one holds an id in its low 16 bits and a tag from the
/// hash (its top 16 bits) in its high 16, so a probe rarely reads an entry it does not want.
pub const EMPTY_SLOT: u32 = u32::MAX;

/// The seed of the action slots for the actions of service `si`.
pub fn action_seed(si: usize) -> u64 {
    si as u64 + 1
}
