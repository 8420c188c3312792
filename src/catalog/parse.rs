//! Parsers of the embedded data files read at run time (the action table is parsed by
//! `build.rs`, with `table.rs`). They never panic: a malformed line is skipped and
//! counted, and the result is sorted here rather than trusting the file order.

use super::index::CaselessIndex;
use super::{AccessLevel, Accounts, Gaps, KnownAccount, Managed, ManagedPolicyInfo};
use crate::wildcard::cmp_ignore_case;

/// Data lines: not empty, not comments.
fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l)).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

pub(super) fn managed(text: &'static str) -> Managed {
    let mut malformed = 0;
    let mut policies = Vec::new();
    for line in data_lines(text) {
        match managed_line(line) {
            Some(p) if !p.name.is_empty() => policies.push(p),
            _ => malformed += 1,
        }
    }
    policies.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
    Managed { policies, malformed }
}

/// The policy named `name` (case-insensitively), read from its own line only: one look-up
/// (a pre-commit run on one `.tf` file) need not parse the whole table.
pub(super) fn managed_one(text: &'static str, name: &str) -> Option<ManagedPolicyInfo> {
    data_lines(text)
        .filter(|l| l.split('\t').next().is_some_and(|n| cmp_ignore_case(n, name).is_eq()))
        .find_map(|l| managed_line(l).filter(|p| !p.name.is_empty()))
}

fn managed_line(line: &'static str) -> Option<ManagedPolicyInfo> {
    let f: Vec<&'static str> = line.split('\t').collect();
    // 7 fields; data generated before the "changes something" columns has 5.
    let (name, access, all, count, write_like, changing, example) = match f.as_slice() {
        [n, a, g, c, w] => (n, a, g, c, w, None, "-"),
        [n, a, g, c, w, ch, ex] => (n, a, g, c, w, Some(ch), *ex),
        _ => return None,
    };
    let write_like_count: u32 = write_like.parse().ok()?;
    let max_access = match *access {
        "-" => None,
        code => Some(AccessLevel::from_code(code)?),
    };
    Some(ManagedPolicyInfo {
        name,
        max_access,
        grants_all: *all == "1",
        action_count: count.parse().ok()?,
        write_like_count,
        changing_count: match changing {
            Some(ch) => ch.parse().ok()?,
            None => write_like_count,
        },
        changing_example: (example != "-").then_some(example),
    })
}

pub(super) fn gaps(text: &'static str) -> Gaps {
    let (mut actions, mut services): (Vec<_>, Vec<_>) =
        data_lines(text).map(str::trim).partition(|l| l.contains(':'));
    actions.sort_by(|a, b| cmp_ignore_case(a, b));
    services.sort_by(|a, b| cmp_ignore_case(a, b));
    let action_index = CaselessIndex::build(actions.len(), |i| (0, actions[i as usize]));
    let service_index = CaselessIndex::build(services.len(), |i| (0, services[i as usize]));
    Gaps { actions, services, action_index, service_index }
}

pub(super) fn accounts(text: &'static str) -> Accounts {
    let mut malformed = 0;
    let mut accounts = Vec::new();
    for line in data_lines(text) {
        let f: Vec<&'static str> = line.split('\t').collect();
        match f.as_slice() {
            [id, name, kind, enabled] if crate::aws::is_account_id(id) && !name.is_empty() => {
                accounts.push(KnownAccount { id, name, is_aws: *kind == "aws", enabled: *enabled != "0" })
            }
            _ => malformed += 1,
        }
    }
    accounts.sort_by(|a, b| a.id.cmp(b.id));
    accounts.dedup_by(|b, a| a.id == b.id);
    Accounts { accounts, malformed }
}
