//! Baselines: record today's findings, hide them later, notice when they are fixed.
//!
//! A finding's fingerprint must survive unrelated edits, so it never includes a line number:
//! it hashes the rule code, the path, the normalised subject, the text the finding points at
//! (whitespace collapsed) and, for otherwise identical findings, their occurrence index.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::rules::Finding;
use crate::source::SourceMap;

pub const VERSION: u32 = 1;

/// 64-bit FNV-1a: tiny, and stable across Rust versions and platforms (unlike `DefaultHasher`).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Report paths with `/` separators, so a baseline written on Windows works on Linux.
pub fn norm_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    p.strip_prefix("./").map(str::to_string).unwrap_or(p)
}

/// One fingerprint per finding, in the same order.
pub fn fingerprints(findings: &[Finding], sources: &SourceMap) -> Vec<String> {
    let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let (path, text) = match sources.get(f.span.src) {
                Some(src) => (norm_path(&src.name), collapse_ws(src.slice(f.span))),
                None => (String::new(), String::new()),
            };
            let subject = f.subject.as_deref().map(collapse_ws).unwrap_or_default();
            let key = (f.code.to_string(), path, subject, text);
            let n = seen.entry(key.clone()).or_insert(0);
            let occurrence = n.to_string();
            *n += 1;
            format!("{:016x}", fnv1a(&[&key.0, &key.1, &key.2, &key.3, &occurrence]))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub code: String,
    pub fingerprint: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub tool: Tool,
    pub entries: Vec<Entry>,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding], sources: &SourceMap) -> Baseline {
        let fps = fingerprints(findings, sources);
        let mut entries: Vec<Entry> = findings
            .iter()
            .zip(fps)
            .map(|(f, fingerprint)| Entry {
                path: sources.get(f.span.src).map(|s| norm_path(&s.name)).unwrap_or_default(),
                code: f.code.to_string(),
                fingerprint,
                message: f.message.to_string(),
            })
            .collect();
        entries.sort();
        Baseline {
            version: VERSION,
            tool: Tool { name: "trustlint".into(), version: env!("CARGO_PKG_VERSION").into() },
            entries,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a trustlint baseline: {e}", path.display()))?;
        if b.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {VERSION})",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    /// One flag per fingerprint: true for a finding the baseline does not record (shown). Each
    /// entry hides one finding, so a second identical finding shows. With the entries left
    /// unmatched, by fingerprint.
    fn unrecorded<'b>(&'b self, fps: &[String]) -> (Vec<bool>, BTreeMap<&'b str, usize>) {
        let mut recorded: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &self.entries {
            *recorded.entry(e.fingerprint.as_str()).or_insert(0) += 1;
        }
        let keep = fps
            .iter()
            .map(|fp| match recorded.get_mut(fp.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .collect();
        (keep, recorded)
    }

    /// Which of `findings` the baseline leaves shown (what `--fix` may change).
    pub fn shown(&self, findings: &[Finding], sources: &SourceMap) -> Vec<bool> {
        self.unrecorded(&fingerprints(findings, sources)).0
    }

    /// Drops the findings recorded in the baseline, and their fingerprints from `fps` (one per
    /// finding, from [`fingerprints`] over the whole run); returns how many recorded findings are
    /// gone. Only entries this run could have found again count: their file was checked and
    /// `checked_rule(entry)` says their rule ran on it (not left out by `--select`, `--ignore` or
    /// a per-path exemption), so partial runs do not report findings as fixed.
    pub fn filter(
        &self,
        findings: &mut Vec<Finding>,
        fps: &mut Vec<String>,
        sources: &SourceMap,
        checked_rule: &dyn Fn(&Entry) -> bool,
    ) -> usize {
        let (keep, recorded) = self.unrecorded(fps);
        let mut it = keep.iter();
        findings.retain(|_| *it.next().unwrap_or(&true));
        let mut it = keep.iter();
        fps.retain(|_| *it.next().unwrap_or(&true));
        let checked: std::collections::HashSet<String> =
            sources.all().iter().map(|s| norm_path(&s.name)).collect();
        let mut fixed = 0;
        let mut unmatched = recorded;
        for e in &self.entries {
            if let Some(n) = unmatched.get_mut(e.fingerprint.as_str())
                && *n > 0
            {
                *n -= 1;
                if checked.contains(&e.path) && checked_rule(e) {
                    fixed += 1;
                }
            }
        }
        fixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        // Known FNV-1a 64 value of "a" followed by our 0xff separator must never change.
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(
            format!("{:016x}", fnv1a(&["TL002", "a.json"])),
            format!("{:016x}", fnv1a(&["TL002", "a.json"]))
        );
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn whitespace_is_collapsed() {
        assert_eq!(collapse_ws("  \"Effect\":\n   \"Alow\" "), "\"Effect\": \"Alow\"");
        assert_eq!(norm_path("./a\\b.json"), "a/b.json");
    }
}
