//! The action table, parsed at build time. `build.rs` includes this file, parses
//! `data/catalog/actions.tsv` with [`parse`] and writes [`emit`]'s Rust statics into `OUT_DIR`,
//! so a run starts with the table sorted and indexed (inflating and parsing it took ~8 ms per
//! run, most of a one-file run). The crate's tests include it too, to test the parser.
//!
//! The statics hold no pointers (string offsets into one text), so the loader relocates
//! nothing. Only `std` may be used here: the build script has no other dependency.

use std::cmp::Ordering;
use std::fmt::Write as _;

use super::hash::{EMPTY_SLOT, action_seed, caseless_hash};

/// One service: its prefix, resource types and condition keys, and actions.
pub struct ParsedService {
    pub prefix: String,
    pub resource_types: Vec<String>,
    pub condition_keys: Vec<String>,
    pub actions: Vec<ParsedAction>,
}

pub struct ParsedAction {
    pub name: String,
    /// The one-letter access code (`L R T W P`), validated.
    pub access: u8,
    /// Comma-separated indices into the service's lists, as in the file.
    pub resource_types: String,
    pub condition_keys: String,
}

pub struct Parsed {
    pub date: String,
    /// Sorted by prefix, case-insensitively, without duplicates; each service's actions sorted
    /// by name the same way.
    pub services: Vec<ParsedService>,
    /// Lines that could not be parsed and were skipped.
    pub malformed: usize,
}

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn list(s: &str) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect()
}

/// Parses the TSV. It never panics: a malformed line is skipped and counted, and the result is
/// sorted here rather than trusting the file order.
pub fn parse(text: &str) -> Parsed {
    let date = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix('#'))
        .and_then(|l| l.split('\t').find_map(|f| f.trim().strip_prefix("date")?.strip_prefix('=')))
        .unwrap_or("unknown")
        .to_string();
    let mut malformed = 0;
    let mut services: Vec<ParsedService> = Vec::new();
    let lines = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
    for line in lines.filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut f = line.split('\t');
        if let Some(prefix) = line.strip_prefix('@') {
            let mut f = prefix.split('\t');
            match f.next() {
                Some(prefix) if !prefix.is_empty() => services.push(ParsedService {
                    prefix: prefix.to_string(),
                    resource_types: list(f.next().unwrap_or("")),
                    condition_keys: list(f.next().unwrap_or("")),
                    actions: Vec::new(),
                }),
                _ => malformed += 1,
            }
            continue;
        }
        let name = f.next().unwrap_or("");
        let access = f.next().filter(|a| matches!(*a, "L" | "R" | "T" | "W" | "P"));
        match (services.last_mut(), access) {
            (Some(s), Some(access)) if !name.is_empty() => s.actions.push(ParsedAction {
                name: name.to_string(),
                access: access.as_bytes()[0],
                resource_types: f.next().unwrap_or("").to_string(),
                condition_keys: f.next().unwrap_or("").to_string(),
            }),
            _ => malformed += 1,
        }
    }
    services.sort_by(|a, b| cmp_ignore_case(&a.prefix, &b.prefix));
    services.dedup_by(|b, a| {
        let dup = a.prefix.eq_ignore_ascii_case(&b.prefix);
        malformed += usize::from(dup);
        dup
    });
    for s in &mut services {
        s.actions.sort_by(|a, b| cmp_ignore_case(&a.name, &b.name));
        s.actions.dedup_by(|b, a| a.name.eq_ignore_ascii_case(&b.name));
    }
    Parsed { date, services, malformed }
}

/// The slot of `id` with hash `hash` ([`EMPTY_SLOT`] tells the layout).
pub fn slot(hash: u64, id: usize) -> Option<u32> {
    let id = u16::try_from(id).ok().filter(|&i| i != u16::MAX)?;
    Some(((hash >> 48) as u32) << 16 | u32::from(id))
}

/// An open-addressing table (linear probing, at most half full) of the given hashes, the id of
/// each being its position; `None` when there are 65,535 or more.
pub fn slots(hashes: &[u64]) -> Option<Vec<u32>> {
    let len = (hashes.len() * 2).next_power_of_two().max(16);
    let mut table = vec![EMPTY_SLOT; len];
    for (id, &hash) in hashes.iter().enumerate() {
        let mut i = hash as usize & (len - 1);
        while table[i] != EMPTY_SLOT {
            i = (i + 1) & (len - 1);
        }
        table[i] = slot(hash, id)?;
    }
    Some(table)
}

/// Rust source of the statics (`DATE`, `MALFORMED`, `SERVICES`, `NAMES`, `ACTIONS`,
/// `SERVICE_SLOTS`, `ACTION_SLOTS`) and the text their offsets point into. The source names
/// `TEXT` as `include_str!(concat!(env!("OUT_DIR"), "/<text_file>"))`.
pub fn emit(p: &Parsed, text_file: &str) -> Result<(String, String), String> {
    let mut text = String::new();
    let mut add = |s: &str| {
        let at = text.len();
        text.push_str(s);
        (at, s.len())
    };
    let (mut services, mut names, mut actions) = (String::new(), String::new(), String::new());
    let (mut service_hashes, mut action_hashes) = (Vec::new(), Vec::new());
    let mut name_count = 0;
    // Service prefixes first and together, as every look-up compares one; then each
    // service's names.
    let prefixes: Vec<(usize, usize)> = p.services.iter().map(|s| add(&s.prefix)).collect();
    for (si, (s, &(po, pl))) in p.services.iter().zip(&prefixes).enumerate() {
        let start = action_hashes.len();
        for n in s.resource_types.iter().chain(&s.condition_keys) {
            let (o, l) = add(n);
            let _ = write!(names, "S({o},{l}),");
        }
        // Names together, as a look-up compares one; the index lists after them.
        let names_at: Vec<(usize, usize)> = s.actions.iter().map(|a| add(&a.name)).collect();
        for (a, &(no, nl)) in s.actions.iter().zip(&names_at) {
            let (ro, rl) = add(&a.resource_types);
            let (co, cl) = add(&a.condition_keys);
            let _ = writeln!(actions, "act({no},{nl},b'{}',{si},{ro},{rl},{co},{cl}),", a.access as char);
            action_hashes.push(caseless_hash(action_seed(si), &a.name));
        }
        let _ = writeln!(
            services,
            "svc({po},{pl},{name_count},{},{},{start},{}),",
            s.resource_types.len(),
            s.condition_keys.len(),
            action_hashes.len()
        );
        name_count += s.resource_types.len() + s.condition_keys.len();
        service_hashes.push(caseless_hash(0, &s.prefix));
    }
    let too_many = || format!("more than 65,534 services or actions ({})", action_hashes.len());
    let service_slots = slots(&service_hashes).ok_or_else(too_many)?;
    let action_slots = slots(&action_hashes).ok_or_else(too_many)?;
    let numbers = |v: &[u32]| {
        v.iter().fold(String::new(), |mut s, n| {
            let _ = write!(s, "{n},");
            s
        })
    };
    let mut rs = String::new();
    let _ = writeln!(rs, "pub(super) const DATE: &str = {:?};", p.date);
    let _ = writeln!(rs, "pub(super) const MALFORMED: usize = {};", p.malformed);
    let _ = writeln!(
        rs,
        "pub(super) static TEXT: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/{text_file}\"));"
    );
    let _ = writeln!(rs, "pub(super) static SERVICES: [Service; {}] = [{services}];", p.services.len());
    let _ = writeln!(rs, "pub(super) static NAMES: [S; {name_count}] = [{names}];");
    let _ = writeln!(rs, "pub(super) static ACTIONS: [Action; {}] = [{actions}];", action_hashes.len());
    let _ = writeln!(
        rs,
        "pub(super) static SERVICE_SLOTS: [u32; {}] = [{}];",
        service_slots.len(),
        numbers(&service_slots)
    );
    let _ = writeln!(
        rs,
        "pub(super) static ACTION_SLOTS: [u32; {}] = [{}];",
        action_slots.len(),
        numbers(&action_slots)
    );
    Ok((rs, text))
}
