//! Files read once, with a line index, and spans into them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

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
    line_starts: Vec<usize>,
    /// Characters (UTF-8 lead bytes) before every multiple of [`CHECKPOINT`] bytes, so a column
    /// on a 200 MB one-line file costs at most one checkpoint's scan, not the whole line.
    char_checkpoints: Vec<usize>,
}

/// Bytes between two entries of [`Source`]'s character checkpoints.
const CHECKPOINT: usize = 512;

fn is_lead(b: u8) -> bool {
    (b as i8) >= -0x40
}

impl Source {
    pub fn new(id: SourceId, name: String, path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut char_checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let mut chars = 0;
        for chunk in text.as_bytes().chunks(CHECKPOINT) {
            char_checkpoints.push(chars);
            chars += chunk.iter().filter(|&&b| is_lead(b)).count();
        }
        Source { id, name, path, text, hidden: false, line_starts, char_checkpoints }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / CHECKPOINT;
        let base = self.char_checkpoints.get(k).copied().unwrap_or(0);
        base + self.text.as_bytes()[k * CHECKPOINT..offset].iter().filter(|&&b| is_lead(b)).count()
    }

    /// Line and column of a byte offset (clamped to the text, snapped to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = if offset - start <= CHECKPOINT {
            self.text[start..offset].chars().count() + 1
        } else {
            self.chars_before(offset) - self.chars_before(start) + 1
        };
        LineCol { line: line + 1, column }
    }

    /// Byte range of the 1-based `line` without its line terminator.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let idx = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts[idx];
        let mut end = self.line_starts.get(idx + 1).copied().unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset of the start of the 0-based line index.
    pub fn line_start(&self, line0: usize) -> usize {
        self.line_starts.get(line0).copied().unwrap_or(self.text.len())
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
#[derive(Debug, Default)]
pub struct SourceMap {
    sources: RwLock<Vec<Arc<Source>>>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&self, name: String, path: PathBuf, text: String) -> Arc<Source> {
        let mut guard = self.sources.write().unwrap_or_else(|e| e.into_inner());
        let id = SourceId(guard.len() as u32);
        let source = Arc::new(Source::new(id, name, path, text));
        guard.push(source.clone());
        source
    }

    /// Like [`SourceMap::add`], for text read through a link out of the scanned root: findings
    /// in it are reported by place, without a code frame.
    pub fn add_hidden(&self, name: String, path: PathBuf, text: String) -> Arc<Source> {
        let mut guard = self.sources.write().unwrap_or_else(|e| e.into_inner());
        let id = SourceId(guard.len() as u32);
        let mut source = Source::new(id, name, path, text);
        source.hidden = true;
        let source = Arc::new(source);
        guard.push(source.clone());
        source
    }

    /// The source already loaded from `path`, if any.
    pub fn find_path(&self, path: &Path) -> Option<Arc<Source>> {
        let guard = self.sources.read().unwrap_or_else(|e| e.into_inner());
        guard.iter().find(|s| s.path == path).cloned()
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
}
