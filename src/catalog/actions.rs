//! The action table as `build.rs` wrote it (see `table.rs`): services and actions sorted
//! case-insensitively, names as offsets into one text, and an open-addressing slot table per
//! kind of look-up, all laid out at build time.

use super::AccessLevel;
use super::hash::{EMPTY_SLOT, action_seed, caseless_hash};

/// A string of [`TEXT`]: offset and length.
#[derive(Clone, Copy)]
pub(super) struct S(u32, u32);

impl S {
    pub(super) fn get(self) -> &'static str {
        let start = self.0 as usize;
        TEXT.get(start..start + self.1 as usize).unwrap_or("")
    }
}

pub(super) struct Service {
    prefix: S,
    /// The service's resource types, then its condition keys, from here in [`NAMES`].
    names: u32,
    resource_types: u32,
    condition_keys: u32,
    /// Range into [`ACTIONS`].
    pub(super) start: u32,
    pub(super) end: u32,
}

pub(super) struct Action {
    name: S,
    pub(super) access: AccessLevel,
    pub(super) service: u32,
    /// Comma-separated indices into the service's resource types and condition keys.
    pub(super) resource_types: S,
    pub(super) condition_keys: S,
}

impl Service {
    pub(super) fn prefix(&self) -> &'static str {
        self.prefix.get()
    }

    pub(super) fn resource_types(&self) -> &'static [S] {
        let start = self.names as usize;
        NAMES.get(start..start + self.resource_types as usize).unwrap_or(&[])
    }

    pub(super) fn condition_keys(&self) -> &'static [S] {
        let start = (self.names + self.resource_types) as usize;
        NAMES.get(start..start + self.condition_keys as usize).unwrap_or(&[])
    }

    pub(super) fn actions(&self) -> &'static [Action] {
        ACTIONS.get(self.start as usize..self.end as usize).unwrap_or(&[])
    }
}

impl Action {
    pub(super) fn name(&self) -> &'static str {
        self.name.get()
    }
}

/// The generated table's constructors (short, so the generated source stays small).
#[allow(clippy::too_many_arguments)]
const fn act(no: u32, nl: u32, access: u8, service: u32, ro: u32, rl: u32, co: u32, cl: u32) -> Action {
    let access = match access {
        b'L' => AccessLevel::List,
        b'R' => AccessLevel::Read,
        b'T' => AccessLevel::Tagging,
        b'W' => AccessLevel::Write,
        // `table::parse` lets only `L R T W P` through.
        _ => AccessLevel::PermissionsManagement,
    };
    Action { name: S(no, nl), access, service, resource_types: S(ro, rl), condition_keys: S(co, cl) }
}

const fn svc(
    po: u32,
    pl: u32,
    names: u32,
    resource_types: u32,
    condition_keys: u32,
    start: u32,
    end: u32,
) -> Service {
    Service { prefix: S(po, pl), names, resource_types, condition_keys, start, end }
}

include!(concat!(env!("OUT_DIR"), "/actions.rs"));

/// The id whose slot `hash` leads to and that `same` accepts.
fn find(slots: &[u32], hash: u64, same: impl Fn(usize) -> bool) -> Option<usize> {
    let mask = slots.len().checked_sub(1)?;
    let tag = (hash >> 48) as u32;
    let mut i = hash as usize & mask;
    // At most half full, so an empty slot ends every probe; the bound is for safety only.
    for _ in 0..slots.len() {
        let slot = *slots.get(i)?;
        if slot == EMPTY_SLOT {
            return None;
        }
        let id = (slot & 0xffff) as usize;
        if slot >> 16 == tag && same(id) {
            return Some(id);
        }
        i = (i + 1) & mask;
    }
    None
}

/// The index in [`SERVICES`] of the service `prefix` (case-insensitive).
pub(super) fn find_service(prefix: &str) -> Option<usize> {
    let same = |i: usize| SERVICES.get(i).is_some_and(|s| s.prefix().eq_ignore_ascii_case(prefix));
    find(&SERVICE_SLOTS, caseless_hash(0, prefix), same)
}

/// The index in [`ACTIONS`] of the action `name` of service `si` (case-insensitive).
pub(super) fn find_action(si: usize, name: &str) -> Option<usize> {
    let same = |i: usize| {
        ACTIONS.get(i).is_some_and(|a| a.service as usize == si && a.name().eq_ignore_ascii_case(name))
    };
    find(&ACTION_SLOTS, caseless_hash(action_seed(si), name), same)
}
