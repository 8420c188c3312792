//! The documents the editor has open: their text as the editor holds it, kept in step with
//! `didChange` (whole-text and incremental edits).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use crate::server::position::{Encoding, LineIndex};

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub version: i32,
    pub text: String,
}

/// Open documents by URI. Only `file:` URIs are kept: trustlint reads files and their modules.
#[derive(Debug, Default)]
pub struct Documents {
    open: BTreeMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, path: PathBuf, version: i32, text: String) {
        self.open.insert(uri, Document { path, version, text });
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    /// Applies the edits of one `didChange` in order; `false` when the document is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: Encoding,
    ) -> bool {
        let Some(doc) = self.open.get_mut(uri) else { return false };
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let idx = LineIndex::new(&doc.text);
                    let start = idx.offset(&doc.text, range.start, enc);
                    let end = idx.offset(&doc.text, range.end, enc).max(start);
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.version = version;
        true
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Uri, &Document)> {
        self.open.iter()
    }

    /// The open document of a path, if any.
    pub fn by_path(&self, path: &Path) -> Option<(&Uri, &Document)> {
        self.open.iter().find(|(_, d)| d.path == path)
    }
}

/// The path of a `file:` URI (percent-decoded), or `None` for other schemes.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

/// The `file:` URI of a path.
pub fn path_uri(path: &Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    url.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position { line: start.0, character: start.1 },
                end: Position { line: end.0, character: end.1 },
            }),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn incremental_edits_apply_in_order_in_utf16() {
        let uri: Uri = "file:///tmp/a.json".parse().unwrap();
        let mut docs = Documents::default();
        docs.open(uri.clone(), "/tmp/a.json".into(), 1, "{\"😀\": 1,\n \"b\": 2}".into());
        // After the emoji (two UTF-16 units) and its closing quote: replace `1` by `10`.
        let changes = vec![edit((0, 7), (0, 8), "10"), edit((1, 1), (1, 4), "\"c\"")];
        assert!(docs.change(&uri, 2, changes, Encoding::Utf16));
        let doc = docs.get(&uri).unwrap();
        assert_eq!(doc.text, "{\"😀\": 10,\n \"c\": 2}");
        assert_eq!(doc.version, 2);
    }

    #[test]
    fn file_uris_round_trip_with_percent_encoding() {
        let uri: Uri = "file:///tmp/my%20dir/main.tf".parse().unwrap();
        let path = uri_path(&uri).unwrap();
        assert_eq!(path, PathBuf::from("/tmp/my dir/main.tf"));
        assert_eq!(path_uri(&path).unwrap(), uri);
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_path(&other), None);
    }
}
