//! Files read once, with a line index, and spans into them.

use std::any::Any;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// Index of a [`Source`] in the run's [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SourceId(pub u32);

/// A byte range in one source. Every model value carries one so findings point at the exact
/// characters the user wrote, whatever the input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub src: SourceId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(src: SourceId, start: usize, end: usize) -> Self {
        Span { src, start, end: end.max(start) }
    }

    /// The smallest span covering both (same source assumed; the first wins otherwise).
    pub fn to(self, other: Span) -> Span {
        if self.src != other.src {
            return self;
        }
        Span::new(self.src, self.start.min(other.start), self.end.max(other.end))
    }
}

/// 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Line and column of a byte offset in a text without a line index (clamped, snapped to a char
/// boundary); [`Source::line_col`] is the indexed form.
pub fn line_col_in(text: &str, offset: usize) -> LineCol {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol { line: before.matches('\n').count() + 1, column: text[line_start..offset].chars().count() + 1 }
}

/// One file's text, read once and shared by parser, rules and reporters.
#[derive(Debug)]
pub struct Source {
    pub id: SourceId,
    /// The path as the user gave it (relative stays relative); used in reports.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
    /// Read through a link that leaves the scanned root: reports may name it and its lines,
    /// never print its bytes (it may be `/proc/self/environ`).
    pub hidden: bool,
    /// The text was given back after analysis ([`SourceMap::release_text`]): no finding
    /// points into it, and the run keeps only its name.
    pub released: bool,
    /// Another reader took this source through [`SourceMap::find_path`] (a Terraform
    /// `file()`, a module call): its findings may point into it, so it is never released.
    shared: std::sync::atomic::AtomicBool,
    /// What positions are read from: one field, as a released source needs only its kept
    /// positions (100,000 of them are held to the report).
    index: LineIndex,
}

/// Offsets as `u32`, half the size of `usize` ones: a read file is at most 32 MiB
/// ([`crate::load::MAX_FILE_BYTES`]), and an in-memory text past 4 GiB cannot be built.
#[derive(Debug, Clone)]
enum LineIndex {
    /// Of a text held: where each line starts, and the characters (UTF-8 lead bytes) before
    /// every multiple of [`CHECKPOINT`] bytes, so a column on a 200 MB one-line file costs at
    /// most one checkpoint's scan, not the whole line.
    /// `char_checkpoints` is `None` for an ASCII text, where a byte is a character.
    Text { line_starts: Box<[u32]>, char_checkpoints: Option<Box<[u32]>> },
    /// Of a released source: the line and column of each byte offset its findings point at
    /// (sorted by offset), resolved from the text before it was given back.
    Kept(Box<[(u32, u32, u32)]>),
    /// Of a released ASCII text with fewer lines than kept positions would take: its line
    /// starts (a column is then the bytes from the line's start) and its length.
    Ascii { line_starts: Box<[u32]>, len: u32 },
}

/// What a released text keeps of `index`: its line starts when the text is ASCII and they are
/// smaller than the positions `kept` (same answers: a column counts bytes there), else `kept`.
fn released_index(index: LineIndex, text: &str, kept: Box<[(u32, u32, u32)]>) -> LineIndex {
    match index {
        // No checkpoints: the text was found ASCII when it was indexed.
        LineIndex::Text { line_starts, char_checkpoints: None }
            if line_starts.len() < kept.len() * 3 && u32::try_from(text.len()).is_ok() =>
        {
            LineIndex::Ascii { line_starts, len: text.len() as u32 }
        }
        _ => LineIndex::Kept(kept),
    }
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex::Kept(Box::default())
    }
}

/// Line starts of a text without one: the first line, at 0.
const NO_LINES: &[u32] = &[0];

/// Bytes between two entries of [`Source`]'s character checkpoints.
const CHECKPOINT: usize = 512;

fn is_lead(b: u8) -> bool {
    (b as i8) >= -0x40
}

impl Source {
    pub fn new(id: SourceId, name: String, path: PathBuf, mut text: String) -> Self {
        // Read by doubling a buffer: up to half of it spare, for as long as the run keeps it.
        text.shrink_to_fit();
        let offset = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| offset(i + 1)));
        // Most policy and Terraform files are ASCII: counting lead bytes there is wasted.
        let char_checkpoints = (!text.is_ascii()).then(|| {
            let mut checkpoints = Vec::with_capacity(text.len().div_ceil(CHECKPOINT));
            let mut chars = 0;
            for chunk in text.as_bytes().chunks(CHECKPOINT) {
                checkpoints.push(offset(chars));
                chars += chunk.iter().filter(|&&b| is_lead(b)).count();
            }
            checkpoints.into_boxed_slice()
        });
        Source {
            id,
            name,
            path,
            text,
            hidden: false,
            released: false,
            shared: Default::default(),
            index: LineIndex::Text { line_starts: line_starts.into_boxed_slice(), char_checkpoints },
        }
    }

    fn line_starts(&self) -> &[u32] {
        match &self.index {
            LineIndex::Text { line_starts, .. } => line_starts,
            // A released text has no lines to show.
            LineIndex::Kept(_) | LineIndex::Ascii { .. } => NO_LINES,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / CHECKPOINT;
        let checkpoints = match &self.index {
            LineIndex::Text { char_checkpoints: None, .. } => return offset,
            LineIndex::Text { char_checkpoints: Some(c), .. } => &c[..],
            LineIndex::Kept(_) | LineIndex::Ascii { .. } => &[],
        };
        let base = checkpoints.get(k).map_or(0, |&c| c as usize);
        base + self.text.as_bytes()[k * CHECKPOINT..offset].iter().filter(|&&b| is_lead(b)).count()
    }

    /// Line and column of a byte offset (clamped to the text, snapped to a char boundary). Of a
    /// released source, the position kept for that offset (1:1 for any other).
    pub fn line_col(&self, offset: usize) -> LineCol {
        if let LineIndex::Ascii { line_starts, len } = &self.index {
            let offset = offset.min(*len as usize);
            let line = line_starts.partition_point(|&s| s as usize <= offset).max(1) - 1;
            let start = line_starts.get(line).map_or(0, |&s| s as usize);
            return LineCol { line: line + 1, column: offset - start.min(offset) + 1 };
        }
        if let LineIndex::Kept(kept) = &self.index {
            let found =
                u32::try_from(offset).ok().and_then(|o| kept.binary_search_by_key(&o, |&(o, _, _)| o).ok());
            if let Some(i) = found {
                let (_, line, column) = kept[i];
                return LineCol { line: line as usize, column: column as usize };
            }
        }
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = starts[line] as usize;
        let column = if offset - start <= CHECKPOINT {
            self.text[start..offset].chars().count() + 1
        } else {
            self.chars_before(offset) - self.chars_before(start) + 1
        };
        LineCol { line: line + 1, column }
    }

    /// Byte range of the 1-based `line` without its line terminator.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let starts = self.line_starts();
        let idx = line.saturating_sub(1).min(starts.len() - 1);
        let start = starts[idx] as usize;
        let mut end = starts.get(idx + 1).map_or(self.text.len(), |&s| s as usize);
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// Byte offset of the start of the 0-based line index.
    pub fn line_start(&self, line0: usize) -> usize {
        self.line_starts().get(line0).map_or(self.text.len(), |&s| s as usize)
    }

    pub fn slice(&self, span: Span) -> &str {
        let end = span.end.min(self.text.len());
        let start = span.start.min(end);
        self.text.get(start..end).unwrap_or("")
    }

    pub fn span_all(&self) -> Span {
        Span::new(self.id, 0, self.text.len())
    }
}

/// All sources of one run. Append-only, so parsers may add files they pull in (Terraform
/// `file()`) while other units are analysed in parallel.
#[derive(Default)]
pub struct SourceMap {
    sources: RwLock<Vec<Arc<Source>>>,
    /// The ids of the sources of each path, by the path's hash, in the order they were added:
    /// [`SourceMap::find_path`] is asked for every file of every module call, and comparing the
    /// path with every source's was a quarter of a run on public Terraform repositories.
    /// Written while `sources` is held for writing.
    by_path: RwLock<hashbrown::HashMap<u64, thin_vec::ThinVec<u32>>>,
    /// What a reader derived from one source, computed once per run: a Terraform file's
    /// syntax tree is asked for by its own directory's job and by every module call of that
    /// directory from other jobs. Freed with the map.
    memo: Mutex<Memo>,
}

/// Derived values by source, and the bytes of source text they stand for (the budget that
/// bounds what a run keeps).
#[derive(Default)]
struct Memo {
    values: HashMap<SourceId, Arc<dyn Any + Send + Sync>>,
    bytes: usize,
}

/// The key of a path in [`SourceMap`]'s path index: `Path`'s hash agrees with its equality
/// (both read its components), and a fixed-key hasher needs no state.
fn path_key(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// Source text whose derived values a run keeps: syntax trees take about 25 times the text,
/// so this bounds the memo near 400 MB whatever the size of the repository.
const MEMO_BUDGET_BYTES: usize = 16 * 1024 * 1024;

impl std::fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceMap").field("sources", &self.len()).finish_non_exhaustive()
    }
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&self, name: String, path: PathBuf, text: String) -> Arc<Source> {
        let mut guard = self.sources.write().unwrap_or_else(|e| e.into_inner());
        let id = SourceId(guard.len() as u32);
        let source = Arc::new(Source::new(id, name, path, text));
        self.index_path(&source);
        guard.push(source.clone());
        source
    }

    /// Records `source` under its path (called with `sources` held for writing).
    fn index_path(&self, source: &Source) {
        let mut by_path = self.by_path.write().unwrap_or_else(|e| e.into_inner());
        by_path.entry(path_key(&source.path)).or_default().push(source.id.0);
    }

    /// Like [`SourceMap::add`], for text read through a link out of the scanned root: findings
    /// in it are reported by place, without a code frame.
    pub fn add_hidden(&self, name: String, path: PathBuf, text: String) -> Arc<Source> {
        let mut guard = self.sources.write().unwrap_or_else(|e| e.into_inner());
        let id = SourceId(guard.len() as u32);
        let mut source = Source::new(id, name, path, text);
        source.hidden = true;
        let source = Arc::new(source);
        self.index_path(&source);
        guard.push(source.clone());
        source
    }

    /// What `make` derives from source `id`: the value kept from an earlier request of the
    /// run, else computed now and, when `keep` and the budget allows, kept for later ones (two
    /// threads asking at once may both compute; one result is kept). A source holds one kind
    /// of derived value: a request for another type computes afresh.
    pub fn memo<T: Any + Send + Sync>(&self, id: SourceId, keep: bool, make: impl FnOnce() -> T) -> Arc<T> {
        let lock = || self.memo.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = lock().values.get(&id).cloned().and_then(|v| v.downcast::<T>().ok()) {
            return found;
        }
        let made = Arc::new(make());
        let weight = self.get(id).map_or(0, |s| s.text.len());
        let mut memo = lock();
        if keep && memo.bytes + weight <= MEMO_BUDGET_BYTES && !memo.values.contains_key(&id) {
            memo.bytes += weight;
            memo.values.insert(id, made.clone());
        }
        made
    }

    /// Drops the text (and line index and derived value) of source `id`, keeping its name and
    /// path: for a file whose unit is checked and that no finding points into, so a run of
    /// 100,000 files does not hold every text until the report. A later reader of the same
    /// path ([`SourceMap::find_path`]) reads the file again.
    pub fn release_text(&self, id: SourceId) {
        self.release_keeping(id, Vec::new());
    }

    /// Like [`SourceMap::release_text`], keeping the line and column of `offsets` (the places
    /// findings point at), so reports that print only positions need no text: line and column
    /// are the same as the text gave.
    pub fn release_keeping(&self, id: SourceId, mut offsets: Vec<usize>) {
        {
            let mut guard = self.sources.write().unwrap_or_else(|e| e.into_inner());
            let Some(slot) = guard.get_mut(id.0 as usize) else { return };
            // Under the write lock: a reader either marked it shared first, or finds it
            // released and reads the file again.
            if slot.released || slot.shared.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
            offsets.sort_unstable();
            offsets.dedup();
            let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            // An offset past 4 GiB cannot be kept as `u32`: it reads as 1:1, as any offset not
            // kept does (no text that large is read).
            let kept: Box<[(u32, u32, u32)]> = offsets
                .into_iter()
                .filter_map(|o| {
                    let lc = slot.line_col(o);
                    Some((u32::try_from(o).ok()?, to_u32(lc.line), to_u32(lc.column)))
                })
                .collect();
            // Changed in place when no reader holds it (the usual case): no name or path copied.
            if let Some(own) = Arc::get_mut(slot) {
                own.index = released_index(std::mem::take(&mut own.index), &own.text, kept);
                own.text = String::new();
                own.released = true;
            } else {
                let bare = Source {
                    id,
                    name: slot.name.clone(),
                    path: slot.path.clone(),
                    text: String::new(),
                    hidden: slot.hidden,
                    released: true,
                    shared: Default::default(),
                    index: released_index(slot.index.clone(), &slot.text, kept),
                };
                *slot = Arc::new(bare);
            }
        }
        let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        memo.values.remove(&id);
    }

    /// The source already loaded from `path`, if any (and not released).
    pub fn find_path(&self, path: &Path) -> Option<Arc<Source>> {
        let guard = self.sources.read().unwrap_or_else(|e| e.into_inner());
        let by_path = self.by_path.read().unwrap_or_else(|e| e.into_inner());
        let ids = by_path.get(&path_key(path))?;
        let found =
            ids.iter().filter_map(|&i| guard.get(i as usize)).find(|s| s.path == path && !s.released)?;
        found.shared.store(true, std::sync::atomic::Ordering::Relaxed);
        Some(found.clone())
    }

    pub fn get(&self, id: SourceId) -> Option<Arc<Source>> {
        let guard = self.sources.read().unwrap_or_else(|e| e.into_inner());
        guard.get(id.0 as usize).cloned()
    }

    /// Every source loaded so far, in the order they were added.
    pub fn all(&self) -> Vec<Arc<Source>> {
        self.sources.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Names of every source read so far, in the order they were added.
    pub fn names(&self) -> Vec<String> {
        let guard = self.sources.read().unwrap_or_else(|e| e.into_inner());
        guard.iter().map(|s| s.name.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.sources.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_scalars() {
        let s = Source::new(SourceId(0), "a".into(), "a".into(), "ab\néé x\n".into());
        assert_eq!(s.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(s.line_col(3), LineCol { line: 2, column: 1 });
        // "éé " is 5 bytes; 'x' is the 4th scalar on line 2.
        assert_eq!(s.line_col(8), LineCol { line: 2, column: 4 });
        assert_eq!(s.line_range(2), 3..9);
    }

    #[test]
    fn columns_on_long_lines_use_checkpoints() {
        let text = format!("x\n{}{}z", "é".repeat(5000), "a".repeat(7000));
        let s = Source::new(SourceId(0), "a".into(), "a".into(), text.clone());
        let z = text.len() - 1;
        assert_eq!(s.line_col(z), LineCol { line: 2, column: 12001 });
        assert_eq!(s.line_col(2 + 10000), LineCol { line: 2, column: 5001 });
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The index (with checkpoints, or none for ASCII) answers as a scan of the text does,
        /// on lines shorter and longer than a checkpoint.
        #[test]
        fn line_col_agrees_with_a_scan(
            parts in proptest::collection::vec((0usize..3, 0usize..3000), 1..6),
            probes in proptest::collection::vec(0usize..20_000, 1..20),
        ) {
            let text: String = parts
                .iter()
                .map(|&(kind, n)| match kind {
                    0 => "a".repeat(n),
                    1 => "é".repeat(n / 2),
                    _ => "\n".repeat(n % 4 + 1),
                })
                .collect();
            let s = Source::new(SourceId(0), "a".into(), "a".into(), text.clone());
            for p in probes {
                proptest::prop_assert_eq!(s.line_col(p), line_col_in(&text, p), "offset {}", p);
            }
        }
    }

    #[test]
    fn a_released_text_keeps_the_positions_asked_for() {
        let map = SourceMap::new();
        let s = map.add("p.json".into(), PathBuf::from("p.json"), "{\n  \"é\": \"x\"\n}\n".into());
        let (at_x, at_end) = (s.text.find('x').unwrap_or(0), s.text.len());
        let (x, end) = (s.line_col(at_x), s.line_col(at_end));
        map.release_keeping(s.id, vec![at_end, at_x, at_x]);
        let released = map.get(s.id).expect("still in the map");
        assert!(released.released && released.text.is_empty());
        assert_eq!((released.line_col(at_x), released.line_col(at_end)), (x, end));
        assert_eq!(x, LineCol { line: 2, column: 9 }, "columns count characters, not bytes");
        assert_eq!(released.line_col(1), LineCol { line: 1, column: 1 }, "an offset not kept");
    }

    #[test]
    fn a_released_ascii_text_with_many_findings_keeps_its_line_starts() {
        let map = SourceMap::new();
        let text = "{\n  \"a\": 1,\n  \"b\": 2\n}\n";
        let s = map.add("p.json".into(), PathBuf::from("p.json"), text.into());
        let offsets: Vec<usize> = (0..=text.len()).collect();
        let before: Vec<LineCol> = offsets.iter().map(|&o| s.line_col(o)).collect();
        map.release_keeping(s.id, offsets.clone());
        let released = map.get(s.id).expect("still in the map");
        assert!(released.released && released.text.is_empty());
        assert!(matches!(released.index, LineIndex::Ascii { .. }), "fewer line starts than positions");
        let after: Vec<LineCol> = offsets.iter().map(|&o| released.line_col(o)).collect();
        assert_eq!(before, after);
        assert_eq!(released.line_col(text.len() + 10), s.line_col(text.len()), "clamped to the text");
    }

    #[test]
    fn memo_computes_once_when_kept_and_respects_the_budget() {
        let map = SourceMap::new();
        let small = map.add("a.tf".into(), PathBuf::from("a.tf"), "x".into());
        let calls = std::cell::Cell::new(0);
        let make = || {
            calls.set(calls.get() + 1);
            42u32
        };
        assert_eq!(*map.memo(small.id, false, make), 42);
        assert_eq!(*map.memo(small.id, true, make), 42);
        assert_eq!(*map.memo(small.id, true, make), 42);
        assert_eq!(calls.get(), 2, "not kept the first time, kept the second");
        map.release_text(small.id);
        assert!(map.get(small.id).is_some_and(|s| s.released && s.text.is_empty() && s.name == "a.tf"));
        assert!(map.find_path(Path::new("a.tf")).is_none(), "a released source is read again");
        assert_eq!(*map.memo(small.id, true, make), 42);
        assert_eq!(calls.get(), 3, "the derived value went with the text");
        let taken = map.add("c.json".into(), PathBuf::from("c.json"), "{}".into());
        assert!(map.find_path(Path::new("c.json")).is_some());
        map.release_text(taken.id);
        assert_eq!(
            map.get(taken.id).map(|s| s.text.clone()).as_deref(),
            Some("{}"),
            "taken by another reader"
        );
        let big = map.add("b.tf".into(), PathBuf::from("b.tf"), "y".repeat(MEMO_BUDGET_BYTES + 1));
        map.memo(big.id, true, make);
        map.memo(big.id, true, make);
        assert_eq!(calls.get(), 5, "over the budget: never kept");
    }
}
