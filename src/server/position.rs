//! LSP positions and byte offsets. A position's `character` counts UTF-16 code units unless the
//! client and server agreed on UTF-8 (`positionEncoding`); trustlint's spans are byte offsets.

use lsp_types::{Position, PositionEncodingKind, Range};

/// The position encoding agreed in `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion, and byte offsets are what trustlint
    /// keeps), else UTF-16, which every client must support.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn units(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
        }
    }
}

/// Byte offsets of the start of every line of a text (LSP lines end at `\n`; a `\r` before it is
/// part of the line's end).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The position of byte `offset` (clamped to the text, snapped back to a char boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let offset = floor_char(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        Position { line: to_u32(line), character: to_u32(enc.units(&text[start..offset])) }
    }

    pub fn range(&self, text: &str, start: usize, end: usize, enc: Encoding) -> Range {
        Range { start: self.position(text, start, enc), end: self.position(text, end, enc) }
    }

    /// The byte offset of `pos`. A line past the end is the end of the text; a character past
    /// the end of its line is the line's end (before `\r\n`), as the specification asks; an
    /// offset inside a character (half a surrogate pair) is that character's start.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else { return text.len() };
        let mut end = self.starts.get(pos.line as usize + 1).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let line = &text[start..end];
        let want = pos.character as usize;
        match enc {
            Encoding::Utf8 => start + floor_char(line, want.min(line.len())),
            Encoding::Utf16 => {
                let mut units = 0;
                for (i, c) in line.char_indices() {
                    if units + c.len_utf16() > want {
                        return start + i;
                    }
                    units += c.len_utf16();
                }
                end
            }
        }
    }
}

fn floor_char(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\"a\": \"é😀x\",\r\n  \"b\": 1}\n";

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two_units() {
        let idx = LineIndex::new(TEXT);
        let x = TEXT.find('x').unwrap();
        // `{"a": "` is 7 units, é one, 😀 two.
        assert_eq!(idx.position(TEXT, x, Encoding::Utf16), pos(0, 10));
        assert_eq!(idx.position(TEXT, x, Encoding::Utf8), pos(0, 7 + 2 + 4));
        assert_eq!(idx.offset(TEXT, pos(0, 10), Encoding::Utf16), x);
        assert_eq!(idx.offset(TEXT, pos(0, 13), Encoding::Utf8), x);
    }

    #[test]
    fn offsets_inside_a_character_snap_to_its_start() {
        let idx = LineIndex::new(TEXT);
        let emoji = TEXT.find('😀').unwrap();
        assert_eq!(idx.offset(TEXT, pos(0, 9), Encoding::Utf16), emoji);
        assert_eq!(idx.offset(TEXT, pos(0, 11), Encoding::Utf8), emoji);
        assert_eq!(idx.position(TEXT, emoji + 1, Encoding::Utf16), pos(0, 8));
    }

    #[test]
    fn positions_past_the_line_or_text_are_clamped() {
        let idx = LineIndex::new(TEXT);
        let crlf = TEXT.find('\r').unwrap();
        assert_eq!(idx.offset(TEXT, pos(0, 99), Encoding::Utf16), crlf);
        assert_eq!(idx.offset(TEXT, pos(9, 0), Encoding::Utf16), TEXT.len());
        let b = TEXT.find("\"b\"").unwrap();
        assert_eq!(idx.position(TEXT, b, Encoding::Utf16), pos(1, 2));
        assert_eq!(idx.position(TEXT, TEXT.len() + 5, Encoding::Utf16), pos(2, 0));
    }

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])), Encoding::Utf16);
    }
}
