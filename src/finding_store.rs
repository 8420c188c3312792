//! The findings of a `check` run, gathered into one vector as units finish (in whatever order
//! the threads finish them), then filtered, put in report order and deduplicated in place: a
//! run of 600,000 findings never holds them twice, as moving per-unit vectors into one did
//! (the memory of the small vectors stays with the allocator while the large one fills).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::diagnostic::Finding;
use crate::source::{Source, SourceId, SourceMap};

/// Where one job's findings sit: from `findings[at]` up to the next batch, job `job`'s, numbered
/// from `first` in the order the job made them. Job and number break ties in the report order,
/// so it is the same whatever order the threads finished in.
struct Batch {
    job: u32,
    first: u32,
    at: usize,
}

/// Findings of a run with the job each came from.
#[derive(Default)]
pub struct Store {
    inner: Mutex<(Vec<Finding>, Vec<Batch>)>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    /// Adds findings of job `job` (jobs count from 0 in the order of the run), numbered from
    /// `first` (a job's later findings, such as those of the rules on the whole run, continue
    /// its numbering).
    pub fn add(&self, job: usize, first: usize, mut findings: Vec<Finding>) {
        if findings.is_empty() {
            return;
        }
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (all, batches) = &mut *guard;
        batches.push(Batch { job: to_u32(job), first: to_u32(first), at: all.len() });
        all.append(&mut findings);
    }

    /// Every finding that `keep` keeps, except those of jobs `dropped` names, in report order:
    /// path, line, column, code, message (then job and number), without duplicates (a policy
    /// document used by two resources reports once per location). Counted into groups by path
    /// first, so only one path's sort keys are held at a time, not 24 bytes for every finding.
    pub fn into_sorted(
        self,
        sources: &SourceMap,
        dropped: &dyn Fn(usize) -> bool,
        keep: &dyn Fn(&Finding) -> bool,
    ) -> Vec<Finding> {
        let (mut findings, mut batches) = self.inner.into_inner().unwrap_or_else(|e| e.into_inner());
        retain(&mut findings, &mut batches, dropped, keep);
        // One snapshot of the sources and the ranks by id: no lock and no hash per finding.
        let all = sources.all();
        let rank = name_ranks(&findings, sources);
        let mut rank_by_id = vec![0u32; all.len()];
        for (id, &r) in &rank {
            if let Some(slot) = rank_by_id.get_mut(id.0 as usize) {
                *slot = r;
            }
        }
        let rank_of = |f: &Finding| rank_by_id.get(f.span.src.0 as usize).copied().unwrap_or(0) as usize;
        let groups = rank.values().max().map_or(0, |&r| r as usize + 1);
        let mut starts = vec![0usize; groups + 1];
        findings.iter().for_each(|f| starts[rank_of(f) + 1] += 1);
        for r in 0..groups {
            starts[r + 1] += starts[r];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; findings.len()];
        for (i, f) in findings.iter().enumerate() {
            let r = rank_of(f);
            order[next[r]] = to_u32(i);
            next[r] += 1;
        }
        drop(next);
        for r in 0..groups {
            sort_group(&mut order[starts[r]..starts[r + 1]], &findings, &batches, &all);
        }
        permute(&mut findings, order);
        findings.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
        findings
    }
}

/// Drops the findings of jobs `dropped` names and those `keep` rejects, moving each batch's
/// start to where its findings now sit (a batch's numbers keep their order).
fn retain(
    findings: &mut Vec<Finding>,
    batches: &mut [Batch],
    dropped: &dyn Fn(usize) -> bool,
    keep: &dyn Fn(&Finding) -> bool,
) {
    let mut kept = Vec::with_capacity(findings.len());
    let mut count = 0usize;
    for b in 0..batches.len() {
        let end = batches.get(b + 1).map_or(findings.len(), |n| n.at);
        let batch = &mut batches[b];
        let skip = dropped(batch.job as usize);
        let at = count;
        for f in &findings[batch.at..end] {
            let ok = !skip && keep(f);
            kept.push(ok);
            count += usize::from(ok);
        }
        batch.at = at;
    }
    let mut it = kept.iter();
    findings.retain(|_| *it.next().unwrap_or(&true));
}

/// Puts the findings of one path (`order`, indexes into `findings`) in report order.
fn sort_group(order: &mut [u32], findings: &[Finding], batches: &[Batch], sources: &[Arc<Source>]) {
    if order.len() < 2 {
        return;
    }
    // [line, column, job, number, place]
    let mut keys: Vec<[u32; 5]> = order
        .iter()
        .map(|&i| {
            let f = &findings[i as usize];
            let (line, column) = position(f, sources);
            let b = batches.partition_point(|b| b.at <= i as usize).saturating_sub(1);
            let (job, number) = batches
                .get(b)
                .map_or((0, i), |b| (b.job, b.first.saturating_add(i.saturating_sub(to_u32(b.at)))));
            [line, column, job, number, i]
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        let (fa, fb) = (&findings[a[4] as usize], &findings[b[4] as usize]);
        a[..2]
            .cmp(&b[..2])
            .then_with(|| fa.code.cmp(fb.code))
            .then_with(|| fa.message.cmp(&fb.message))
            .then(a[2..4].cmp(&b[2..4]))
    });
    for (slot, k) in order.iter_mut().zip(keys) {
        *slot = k[4];
    }
}

/// Line and column of a finding's start; (0, 0), before every line, outside every source.
fn position(f: &Finding, sources: &[Arc<Source>]) -> (u32, u32) {
    sources.get(f.span.src.0 as usize).map_or((0, 0), |s| {
        let l = s.line_col(f.span.start);
        (to_u32(l.line), to_u32(l.column))
    })
}

/// Each source's place in the order of names (equal names share one), so a sort key holds no
/// copy of a path.
pub fn name_ranks(findings: &[Finding], sources: &SourceMap) -> HashMap<SourceId, u32> {
    let mut ids: Vec<SourceId> = findings.iter().map(|f| f.span.src).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut named: Vec<(String, SourceId)> =
        ids.into_iter().map(|id| (sources.get(id).map(|s| s.name.clone()).unwrap_or_default(), id)).collect();
    named.sort();
    let mut rank = HashMap::with_capacity(named.len());
    let mut r = 0u32;
    for (i, (name, id)) in named.iter().enumerate() {
        if i > 0 && named[i - 1].0 != *name {
            r += 1;
        }
        rank.insert(*id, r);
    }
    rank
}

/// Puts `items[order[k]]` at `k` for every `k`, in place (moving 600,000 findings into a new
/// vector would hold them twice), following each cycle of the permutation once.
pub fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..order.len() {
        let mut k = start;
        while order[k] != DONE {
            let from = order[k] as usize;
            order[k] = DONE;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;
    use std::path::PathBuf;

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        // Two cycles (0 2 4) and (1 3), a fixed point (5).
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        permute(&mut items, vec![2, 3, 4, 1, 0, 5]);
        assert_eq!(items, vec!['c', 'd', 'e', 'b', 'a', 'f']);
        let mut none: Vec<u8> = Vec::new();
        permute(&mut none, Vec::new());
        assert!(none.is_empty());
    }

    fn finding(span: Span, message: &str) -> Finding {
        Finding::for_test("TL303", span, message)
    }

    #[test]
    fn report_order_does_not_depend_on_the_order_jobs_finished_in() {
        let sources = SourceMap::new();
        let b = sources.add("b.json".into(), PathBuf::from("b.json"), "x\ny\n".into());
        let a = sources.add("a.json".into(), PathBuf::from("a.json"), "x\ny\n".into());
        let sorted = |jobs_in_order: bool| {
            let store = Store::default();
            // Job 0 (b.json): two findings at the same place, told apart only by their number.
            let job0 = vec![finding(Span::new(b.id, 2, 3), "same"), finding(Span::new(b.id, 2, 4), "same")];
            let job1 = vec![finding(Span::new(a.id, 2, 3), "m"), finding(Span::new(a.id, 0, 1), "m")];
            let job2 = vec![finding(Span::new(a.id, 0, 1), "dropped")];
            if jobs_in_order {
                store.add(0, 0, job0);
                store.add(1, 0, job1);
            } else {
                store.add(1, 0, job1);
                store.add(0, 0, job0);
            }
            store.add(2, 0, job2);
            // A duplicate (same code, span and message) of job 1's first finding, from the run.
            store.add(1, 2, vec![finding(Span::new(a.id, 2, 3), "m")]);
            let out = store.into_sorted(&sources, &|job| job == 2, &|_| true);
            out.iter()
                .map(|f| (sources.get(f.span.src).map(|s| s.name.clone()), f.span.start, f.span.end))
                .collect::<Vec<_>>()
        };
        let expected = vec![
            (Some("a.json".to_string()), 0, 1),
            (Some("a.json".to_string()), 2, 3),
            (Some("b.json".to_string()), 2, 3),
            (Some("b.json".to_string()), 2, 4),
        ];
        assert_eq!(sorted(true), expected);
        assert_eq!(sorted(false), expected);
    }
}
