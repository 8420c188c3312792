//! Pretty-printed JSON written as it goes, in `serde_json::to_writer_pretty`'s layout (two
//! spaces of indent, `"key": value`, `[]` and `{}` when empty): the JSON report of 600,000
//! findings spent most of its time in serde's per-field machinery, and this writes the same
//! bytes as plain copies.

use std::io::{self, Write};

pub struct Pretty<W: Write> {
    out: W,
    depth: usize,
    /// Nothing was written yet into the innermost open object or array.
    empty: bool,
}

impl<W: Write> Pretty<W> {
    pub fn new(out: W) -> Pretty<W> {
        Pretty { out, depth: 0, empty: true }
    }

    pub fn open_object(&mut self) -> io::Result<()> {
        self.open(b'{')
    }

    pub fn close_object(&mut self) -> io::Result<()> {
        self.close(b'}')
    }

    pub fn open_array(&mut self) -> io::Result<()> {
        self.open(b'[')
    }

    pub fn close_array(&mut self) -> io::Result<()> {
        self.close(b']')
    }

    /// Starts the next member of the open object: `"key": `.
    pub fn key(&mut self, key: &str) -> io::Result<()> {
        self.element()?;
        self.string_value(key)?;
        self.out.write_all(b": ")
    }

    /// Starts the next element of the open array.
    pub fn element(&mut self) -> io::Result<()> {
        self.out.write_all(if self.empty { b"\n" } else { b",\n" })?;
        self.empty = false;
        self.indent()
    }

    pub fn str(&mut self, key: &str, value: &str) -> io::Result<()> {
        self.key(key)?;
        self.string_value(value)
    }

    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> io::Result<()> {
        self.key(key)?;
        match value {
            Some(v) => self.string_value(v),
            None => self.out.write_all(b"null"),
        }
    }

    pub fn num(&mut self, key: &str, value: usize) -> io::Result<()> {
        self.key(key)?;
        let mut digits = itoa::Buffer::new();
        self.out.write_all(digits.format(value).as_bytes())
    }

    /// A string, escaped as serde_json escapes it: runs without a byte to escape are copied
    /// whole (most messages have none).
    fn string_value(&mut self, s: &str) -> io::Result<()> {
        let bytes = s.as_bytes();
        self.out.write_all(b"\"")?;
        let mut start = 0;
        while let Some(i) = next_escape(bytes, start) {
            self.out.write_all(&bytes[start..i])?;
            self.escape(bytes[i])?;
            start = i + 1;
        }
        self.out.write_all(&bytes[start..])?;
        self.out.write_all(b"\"")
    }

    fn escape(&mut self, b: u8) -> io::Result<()> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        match b {
            b'"' => self.out.write_all(b"\\\""),
            b'\\' => self.out.write_all(b"\\\\"),
            b'\n' => self.out.write_all(b"\\n"),
            b'\r' => self.out.write_all(b"\\r"),
            b'\t' => self.out.write_all(b"\\t"),
            0x08 => self.out.write_all(b"\\b"),
            0x0c => self.out.write_all(b"\\f"),
            _ => self.out.write_all(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]),
        }
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"\n")?;
        Ok(self.out)
    }

    fn open(&mut self, bracket: u8) -> io::Result<()> {
        self.out.write_all(&[bracket])?;
        self.depth += 1;
        self.empty = true;
        Ok(())
    }

    fn close(&mut self, bracket: u8) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if !self.empty {
            self.out.write_all(b"\n")?;
            self.indent()?;
        }
        // The enclosing container holds at least this one.
        self.empty = false;
        self.out.write_all(&[bracket])
    }

    fn indent(&mut self) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        let mut n = self.depth * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }
}

/// The first byte at or after `from` that JSON needs escaped (`"`, `\\`, a control
/// character), eight bytes at a time.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A high bit set in each byte of `x` that is zero (exact for the first such byte).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // A byte below 0x20 is zero once its low five bits are cleared.
        if zero(x & !(0x1f * ONES)) | zero(x ^ (b'"' as u64 * ONES)) | zero(x ^ (b'\\' as u64 * ONES)) != 0 {
            break;
        }
        i += 8;
    }
    bytes.get(i..)?.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\').map(|p| p + i)
}
