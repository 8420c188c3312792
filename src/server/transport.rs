//! JSON-RPC over standard input and output, framed by `Content-Length` headers. lsp-server's own
//! stdio transport stops at the first malformed message; this one answers it with the JSON-RPC
//! error the specification names (-32700 for text that is not JSON, -32600 for JSON that is not
//! a message) and goes on reading, and bounds what one message may cost in memory.

use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, Message};
use serde_json::{Value, json};

/// Largest message read, in bytes: an open document is at most the 32 MiB an input may be,
/// plus its JSON escaping.
pub const MAX_MESSAGE_BYTES: usize = 80 << 20;

/// Longest header line; real headers are a few dozen bytes.
const MAX_HEADER_LINE: u64 = 8 << 10;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// The writer thread: joined at exit so every queued message reaches the client.
pub struct Writer(JoinHandle<io::Result<()>>);

impl Writer {
    pub fn join(self) -> io::Result<()> {
        self.0.join().unwrap_or_else(|_| Err(io::Error::other("writer thread panicked")))
    }
}

/// A connection over this process's standard input and output. The reader thread is not joined:
/// it may be blocked on a client that never closes its end.
pub fn stdio() -> (Connection, Writer) {
    // A few messages may wait, so a burst of keystrokes read during a lint is linted once;
    // the bound keeps a client that sends faster than the server lints from filling memory.
    let (to_server, from_client) = crossbeam_channel::bounded::<Message>(8);
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    std::thread::spawn(move || read_loop(&mut io::stdin().lock(), &to_server));
    let writer = std::thread::spawn(move || write_loop(&from_server));
    (Connection { sender: to_client, receiver: from_client }, Writer(writer))
}

fn write_loop(messages: &Receiver<Message>) -> io::Result<()> {
    for msg in messages {
        // The lock is taken per message so the reader thread can answer a malformed message
        // between two of ours without the frames interleaving.
        let mut out = io::stdout().lock();
        msg.write(&mut out)?;
    }
    Ok(())
}

/// Reads frames until end of input or `exit`; what cannot be a message is answered here.
pub fn read_loop(input: &mut impl BufRead, to_server: &Sender<Message>) {
    loop {
        let body = match read_frame(input) {
            Ok(Some(body)) => body,
            Ok(None) => return,
            Err(Frame::Io(_)) => return,
            Err(Frame::Bad(why)) => {
                reply_error(Value::Null, PARSE_ERROR, &why);
                continue;
            }
        };
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                reply_error(Value::Null, PARSE_ERROR, &format!("message is not JSON: {e}"));
                continue;
            }
        };
        let id = value.get("id").filter(|id| id.is_number() || id.is_string()).cloned();
        let msg: Message = match serde_json::from_value(value) {
            Ok(msg) => msg,
            Err(e) => {
                let why = format!("not a JSON-RPC request, response or notification: {e}");
                reply_error(id.unwrap_or(Value::Null), INVALID_REQUEST, &why);
                continue;
            }
        };
        let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
        if to_server.send(msg).is_err() || exit {
            return;
        }
    }
}

fn reply_error(id: Value, code: i64, message: &str) {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string();
    let mut out = io::stdout().lock();
    let _ = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len()).and_then(|()| out.flush());
}

/// Why a frame could not be read.
#[derive(Debug)]
pub enum Frame {
    /// The input failed or ended inside a frame: nothing more can be read.
    Io(io::Error),
    /// The headers were wrong or the body too large; the frame was skipped.
    Bad(String),
}

/// One frame's body; `None` at the end of input between frames.
pub fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Frame> {
    let mut length: Option<usize> = None;
    let mut bad = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        input.by_ref().take(MAX_HEADER_LINE).read_until(b'\n', &mut line).map_err(Frame::Io)?;
        if line.is_empty() {
            return if any { Err(Frame::Io(io::ErrorKind::UnexpectedEof.into())) } else { Ok(None) };
        }
        any = true;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        match line.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad = Some(format!("bad Content-Length header `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => bad = Some(format!("bad header line `{}`", line.chars().take(80).collect::<String>())),
        }
    }
    if let Some(why) = bad {
        return Err(Frame::Bad(why));
    }
    let Some(length) = length else {
        return Err(Frame::Bad("message without a Content-Length header".into()));
    };
    if length > MAX_MESSAGE_BYTES {
        let skipped =
            io::copy(&mut input.by_ref().take(length as u64), &mut io::sink()).map_err(Frame::Io)?;
        if skipped < length as u64 {
            return Err(Frame::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        return Err(Frame::Bad(format!(
            "message of {length} bytes is over the server's limit of {MAX_MESSAGE_BYTES} bytes"
        )));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(Frame::Io)?;
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_one_after_another() {
        let mut input: &[u8] = b"Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: x\r\n\r\n[1]";
        assert_eq!(read_frame(&mut input).unwrap().unwrap(), b"{}");
        assert_eq!(read_frame(&mut input).unwrap().unwrap(), b"[1]");
        assert!(read_frame(&mut input).unwrap().is_none());
    }

    #[test]
    fn a_bad_header_skips_the_frame_and_a_short_body_ends_input() {
        let mut input: &[u8] = b"Content-Length: x\r\n\r\nContent-Length: 9\r\n\r\n{}";
        assert!(matches!(read_frame(&mut input), Err(Frame::Bad(_))));
        assert!(matches!(read_frame(&mut input), Err(Frame::Io(_))));
        let mut input: &[u8] = b"\r\n";
        assert!(matches!(read_frame(&mut input), Err(Frame::Bad(_))));
    }

    #[test]
    fn an_oversized_body_is_skipped_not_stored() {
        let big = MAX_MESSAGE_BYTES + 1;
        let head = format!("Content-Length: {big}\r\n\r\n").into_bytes();
        let tail: &[u8] = b"Content-Length: 2\r\n\r\n{}";
        let input = io::Cursor::new(head).chain(io::repeat(b' ').take(big as u64)).chain(tail);
        let mut r = io::BufReader::new(input);
        assert!(matches!(read_frame(&mut r), Err(Frame::Bad(m)) if m.contains("over the server's limit")));
        assert_eq!(read_frame(&mut r).unwrap().unwrap(), b"{}");
    }
}
