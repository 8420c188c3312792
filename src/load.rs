//! Reading input bytes: bounded in size, streams as well as files, and decoded as UTF-8 (the only
//! encoding IAM and Terraform read) with a clear word on anything else.

use std::io::Read;
use std::path::Path;

/// Largest input read, in bytes (files, streams, standard input). IAM policies are at most
/// 10 KiB and a large `get-account-authorization-details` dump or plan is a few MiB; past this
/// the file is reported (TL001) rather than read, so a stray `/dev/zero` or a multi-gigabyte
/// log named `*.json` cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 32 << 20;

/// Why an input could not be turned into text.
#[derive(Debug)]
pub enum LoadError {
    /// The operating system refused (permissions, vanished file, I/O error).
    Io(std::io::Error),
    /// Larger than [`MAX_FILE_BYTES`]; `size` is known for regular files.
    TooLarge { size: Option<u64> },
    /// UTF-16 (by byte order mark or by its NUL pattern); `text` is the decoded content, used
    /// only to decide whether a walked file looks like a policy.
    Utf16 { big_endian: bool, bom: bool, text: String },
}

impl LoadError {
    /// The message of the TL001 finding (lowercase, no trailing period).
    pub fn message(&self) -> String {
        match self {
            LoadError::Io(e) => format!("cannot read the file: {e}"),
            LoadError::TooLarge { size: Some(n) } => format!(
                "file is {} bytes, over trustlint's limit of {MAX_FILE_BYTES} bytes ({} MiB); it was not read",
                n,
                MAX_FILE_BYTES >> 20
            ),
            LoadError::TooLarge { size: None } => format!(
                "input is over trustlint's limit of {MAX_FILE_BYTES} bytes ({} MiB); it was not read",
                MAX_FILE_BYTES >> 20
            ),
            LoadError::Utf16 { big_endian, bom, .. } => format!(
                "file is UTF-16 ({}{}); IAM and Terraform read UTF-8",
                if *big_endian { "big-endian" } else { "little-endian" },
                if *bom { ", with a byte order mark" } else { "" }
            ),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            LoadError::Io(_) => "not read",
            LoadError::TooLarge { .. } => "too large to read",
            LoadError::Utf16 { .. } => "not UTF-8",
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            LoadError::Io(_) => {
                "make the file readable by the user running trustlint; the other files were still checked"
            }
            LoadError::TooLarge { .. } => "lint a smaller file, or split the document",
            LoadError::Utf16 { .. } => "save the file as UTF-8 without a byte order mark",
        }
    }
}

/// Text decoded from UTF-8, with what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text without a leading byte order mark; invalid sequences replaced by U+FFFD.
    pub text: String,
    /// The input started with a UTF-8 byte order mark (removed from `text`).
    pub bom: bool,
    /// Byte offset in `text` of the first invalid UTF-8 sequence (now U+FFFD).
    pub invalid_at: Option<usize>,
}

/// Reads a file or stream path (a FIFO, `/dev/stdin`, a character device) up to the size limit.
pub fn read_path(path: &Path) -> Result<Decoded, LoadError> {
    let file = std::fs::File::open(path).map_err(LoadError::Io)?;
    let size = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
    if let Some(n) = size.filter(|&n| n > MAX_FILE_BYTES) {
        return Err(LoadError::TooLarge { size: Some(n) });
    }
    // A buffer of the file's size takes its bytes in one read (and one more that finds the
    // end); grown from empty, a 1 KiB policy took five.
    let capacity = size.map_or(0, |n| n as usize + 1);
    read_into(file, Vec::with_capacity(capacity)).map_err(|e| match e {
        LoadError::TooLarge { .. } => LoadError::TooLarge { size },
        e => e,
    })
}

/// Reads a stream to its end, but never more than the size limit.
pub fn read_stream(reader: impl Read) -> Result<Decoded, LoadError> {
    read_into(reader, Vec::new())
}

fn read_into(reader: impl Read, mut bytes: Vec<u8>) -> Result<Decoded, LoadError> {
    reader.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(LoadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { size: None });
    }
    decode(bytes)
}

/// UTF-8 (with or without BOM, invalid bytes replaced); UTF-16 is an error.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, LoadError> {
    if let Some(big_endian) = utf16_order(&bytes) {
        let bom = matches!(bytes.get(..2), Some([0xFF, 0xFE] | [0xFE, 0xFF]));
        let units = bytes[if bom { 2 } else { 0 }..].chunks_exact(2).map(|p| {
            if big_endian { u16::from_be_bytes([p[0], p[1]]) } else { u16::from_le_bytes([p[0], p[1]]) }
        });
        let text = char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')).collect();
        return Err(LoadError::Utf16 { big_endian, bom, text });
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { bytes[3..].to_vec() } else { bytes };
    Ok(match String::from_utf8(body) {
        Ok(text) => Decoded { text, bom, invalid_at: None },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Decoded { text: String::from_utf8_lossy(e.as_bytes()).into_owned(), bom, invalid_at: Some(at) }
        }
    })
}

/// `Some(big_endian)` when the bytes are UTF-16: a UTF-16 byte order mark, or (without one) the
/// NUL bytes that ASCII text in UTF-16 puts at every other position.
fn utf16_order(bytes: &[u8]) -> Option<bool> {
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return Some(false),
        Some([0xFE, 0xFF]) => return Some(true),
        _ => {}
    }
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    // Sample the start: policy text is ASCII-heavy, so one byte of each pair is NUL.
    let head = &bytes[..bytes.len().min(512)];
    let pairs = head.len() / 2;
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_nul * 4 >= pairs * 3 && even_nul == 0 {
        Some(false)
    } else if even_nul * 4 >= pairs * 3 && odd_nul == 0 {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, big: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if big { [0xFE, 0xFF] } else { [0xFF, 0xFE] });
        }
        for u in s.encode_utf16() {
            out.extend(if big { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        out
    }

    #[test]
    fn utf16_is_named_with_its_byte_order() {
        for (big, bom) in [(false, true), (true, true), (false, false), (true, false)] {
            let Err(LoadError::Utf16 { big_endian, bom: b, text }) =
                decode(utf16(r#"{"Statement": []}"#, big, bom))
            else {
                panic!("not detected: big={big} bom={bom}");
            };
            assert_eq!((big_endian, b), (big, bom));
            assert_eq!(text, r#"{"Statement": []}"#);
        }
        let message = decode(utf16("{}", false, true)).unwrap_err().message();
        assert_eq!(
            message,
            "file is UTF-16 (little-endian, with a byte order mark); IAM and Terraform read UTF-8"
        );
    }

    #[test]
    fn bom_and_invalid_utf8_are_recorded() {
        let d = decode(b"\xEF\xBB\xBF{}".to_vec()).unwrap();
        assert_eq!(d, Decoded { text: "{}".into(), bom: true, invalid_at: None });
        let d = decode(b"{\"a\": \"\xFF\"}".to_vec()).unwrap();
        assert_eq!(d.invalid_at, Some(7));
        assert_eq!(d.text, "{\"a\": \"\u{FFFD}\"}");
        // Plain UTF-8 with non-ASCII text is not mistaken for UTF-16.
        assert_eq!(decode("é☕ {}".as_bytes().to_vec()).unwrap().text, "é☕ {}");
    }

    #[test]
    fn streams_stop_at_the_limit() {
        let endless = std::io::repeat(b' ');
        assert!(matches!(read_stream(endless), Err(LoadError::TooLarge { size: None })));
    }
}
