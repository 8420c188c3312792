//! Case-insensitive hash indexes over the catalog's names: a look-up hashes the name once
//! (lower-casing as it goes, no copy) and compares one or two candidates, where a binary search
//! compared ~16 names character by character per action.

use hashbrown::HashTable;

pub(super) use super::hash::caseless_hash;

/// Ids (indices into a table the caller owns), found by a caseless hash and a caller's
/// equality test.
#[derive(Default)]
pub(super) struct CaselessIndex {
    table: HashTable<u32>,
}

impl CaselessIndex {
    /// An index of `n` ids, `key(id)` giving each one's seed and name.
    pub(super) fn build<'k>(n: usize, key: impl Fn(u32) -> (u64, &'k str)) -> CaselessIndex {
        let hash = |id: &u32| {
            let (seed, name) = key(*id);
            caseless_hash(seed, name)
        };
        let mut table = HashTable::with_capacity(n);
        for id in (0..n).filter_map(|i| u32::try_from(i).ok()) {
            table.insert_unique(hash(&id), id, hash);
        }
        CaselessIndex { table }
    }

    /// The id whose key is `(seed, name)`, `same(id)` deciding between ids of equal hash.
    pub(super) fn find(&self, seed: u64, name: &str, same: impl Fn(u32) -> bool) -> Option<u32> {
        self.table.find(caseless_hash(seed, name), |&id| same(id)).copied()
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.table.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_ascii_case_only() {
        assert_eq!(caseless_hash(1, "S3:GetObject"), caseless_hash(1, "s3:getobject"));
        assert_ne!(caseless_hash(1, "s3:getobject"), caseless_hash(2, "s3:getobject"));
        assert_ne!(caseless_hash(0, "ab"), caseless_hash(0, "ba"));
        assert_ne!(caseless_hash(0, "é"), caseless_hash(0, "É"), "non-ASCII is not folded, as IAM");
    }

    #[test]
    fn finds_every_name_in_any_case_and_nothing_else() {
        let names = ["GetObject", "PutObject", "getobjectacl", "List", ""];
        let index = CaselessIndex::build(names.len(), |i| (7, names[i as usize]));
        assert_eq!(index.len(), names.len());
        for (i, n) in names.iter().enumerate() {
            for spelling in [n.to_string(), n.to_ascii_uppercase(), n.to_ascii_lowercase()] {
                let found = index.find(7, &spelling, |id| names[id as usize].eq_ignore_ascii_case(&spelling));
                assert_eq!(found, Some(i as u32), "{spelling}");
            }
        }
        let find = |seed: u64, q: &str| index.find(seed, q, |id| names[id as usize].eq_ignore_ascii_case(q));
        assert_eq!(find(7, "GetObjec"), None);
        assert_eq!(find(8, "GetObject"), None, "another seed");
    }
}
