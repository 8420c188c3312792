//! `trustlint server` driven over stdio as an editor drives it: framed JSON-RPC to the real
//! binary, answers read by a thread with a timeout so a hung server fails the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long one answer may take: a lint in a debug build on a loaded machine is well under it.
const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    /// Messages read while waiting for another one.
    queue: Vec<Value>,
    next_id: i64,
}

fn read_frames(out: impl Read, tx: std::sync::mpsc::Sender<Value>) {
    let mut r = BufReader::new(out);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.expect("Content-Length header")];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        if tx.send(serde_json::from_slice(&body).expect("server sends JSON")).is_err() {
            return;
        }
    }
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trustlint"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || read_frames(stdout, tx));
        Client { child, stdin, rx, queue: Vec::new(), next_id: 0 }
    }

    /// Starts a server and initializes it, offering `encodings` (none: UTF-16 only).
    fn initialized(dir: &Path, encodings: &[&str]) -> (Client, Value) {
        let mut c = Client::start(dir);
        let root = uri(dir);
        let mut caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
        if !encodings.is_empty() {
            caps["general"] = json!({"positionEncodings": encodings});
        }
        let init = c.request("initialize", json!({"processId": null, "rootUri": root, "capabilities": caps}));
        c.notify("initialized", json!({}));
        (c, init)
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write");
        self.stdin.write_all(body).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, msg: Value) {
        self.send_raw(msg.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The whole response (`result` or `error`) to a new request.
    fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The first message (queued or new) that `want` accepts; fails after [`TIMEOUT`].
    fn wait(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.queue.iter().position(&want) {
            return self.queue.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(m) => {
                    // The server asks to watch files; a client answers every request.
                    if m.get("method").is_some() && m.get("id").is_some() {
                        let id = m["id"].clone();
                        self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                    }
                    self.queue.push(m)
                }
                Err(RecvTimeoutError::Timeout) => panic!("no answer in {TIMEOUT:?}; got {:#?}", self.queue),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed its output; got {:#?}", self.queue)
                }
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        m["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        let doc = json!({"uri": uri, "languageId": language, "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": doc}));
    }

    /// Sends `shutdown` and `exit`; the exit status.
    fn shutdown(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.exit_status()
    }

    fn exit_status(mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn uri(path: &Path) -> String {
    url::Url::from_file_path(path).expect("absolute path").to_string()
}

fn with_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

/// A Spacelift trust policy whose `StringEquals` holds a wildcard (TL105), on a line with
/// characters outside the Basic Multilingual Plane before the finding.
fn trust_policy(operator: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\"Sid\": \"Écrire😀\", \"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"arn:aws:iam::324880187172:root\"}}, \"Action\": \"sts:AssumeRole\", \"Condition\": {{\"{operator}\": {{\"sts:ExternalId\": \"acme@*\"}}}}}}\n  ]\n}}\n"
    )
}

/// Byte offset of an LSP position counted in UTF-16 units.
fn utf16_offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = pos["character"].as_u64().unwrap_or(0) as usize;
    let mut at = start;
    for ch in text[start..].chars() {
        if units == 0 || ch == '\n' {
            break;
        }
        units = units.saturating_sub(ch.len_utf16());
        at += ch.len_utf8();
    }
    at
}

/// `text` with LSP text edits (UTF-16 positions) applied.
fn apply_utf16(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let a = utf16_offset(text, &e["range"]["start"]);
            let b = utf16_offset(text, &e["range"]["end"]);
            (a, b, e["newText"].as_str().unwrap_or_default())
        })
        .collect();
    spans.sort();
    let mut out = text.to_string();
    for (a, b, new) in spans.into_iter().rev() {
        out.replace_range(a..b, new);
    }
    out
}

/// Line (0-based) and the prefix of that line before `needle`.
fn locate<'a>(text: &'a str, needle: &str) -> (usize, &'a str) {
    let at = text.find(needle).expect("needle in text");
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, &text[start..at])
}

#[test]
fn trust_policy_diagnostic_range_hover_edit_and_clean_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("trust.json");
    let text = trust_policy("StringEquals");
    std::fs::write(&path, &text).expect("write");
    let (mut c, init) = Client::initialized(dir.path(), &[]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "trustlint");
    let u = uri(&path);
    c.open(&u, "json", &text);
    let diags = c.diagnostics(&u);
    let tl105 = with_code(&diags, "TL105");
    assert_eq!(tl105.len(), 1, "{diags:#?}");
    let d = tl105[0];
    let (line, before) = locate(&text, "\"acme@*\"");
    let character = before.encode_utf16().count();
    assert_ne!(character, before.len(), "the line has non-ASCII text before the finding");
    assert_eq!(d["range"]["start"], json!({"line": line, "character": character}));
    assert_eq!(d["range"]["end"], json!({"line": line, "character": character + "\"acme@*\"".len()}));
    assert_eq!(d["severity"], 1, "TL105 is an error");
    assert_eq!(d["source"], "trustlint");
    assert!(d["codeDescription"]["href"].as_str().is_some_and(|h| h.ends_with("docs/rules/TL105.md")), "{d}");
    assert!(d["message"].as_str().is_some_and(|m| m.contains("matched literally")), "{d}");

    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character + 2}}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let docs = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(docs.starts_with("# TL105 wildcard-in-exact-match"), "{docs}");
    assert!(docs.contains("## What it does"), "{docs}");
    let nothing = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 1, "character": 3}}),
    );
    assert_eq!(nothing, Value::Null, "no finding on line 1");

    // The fix as a code action on the finding's range, applied as an editor applies it.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let quick: Vec<&Value> = actions.iter().filter(|a| a["kind"] == "quickfix").collect();
    assert_eq!(quick.len(), 1, "{actions:#?}");
    let action = quick[0];
    assert_eq!(action["title"], "Replace `StringEquals` with `StringLike`");
    assert_eq!(action["isPreferred"], true, "a safe fix is preferred");
    assert_eq!(action["diagnostics"][0]["code"], "TL105");
    assert!(actions.iter().any(|a| a["kind"] == "source.fixAll.trustlint"), "{actions:#?}");
    let edits = action["edit"]["changes"][u.as_str()].as_array().cloned().unwrap_or_default();
    assert!(!edits.is_empty(), "{action}");
    let fixed = apply_utf16(&text, &edits);
    assert_eq!(fixed, trust_policy("StringLike"));
    // Sent as incremental changes, last edit first so earlier positions stay valid.
    let mut changes: Vec<Value> =
        edits.iter().map(|e| json!({"range": e["range"], "text": e["newText"]})).collect();
    changes.reverse();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": changes}),
    );
    let diags = c.diagnostics(&u);
    assert!(with_code(&diags, "TL105").is_empty(), "{diags:#?}");
    assert!(!with_code(&diags, "TL010").is_empty(), "the Sid is still reported: {diags:#?}");
    // `acme@*` now matches every stack (TL204), a finding with its statement as related place.
    let tl204 = with_code(&diags, "TL204");
    assert_eq!(tl204.len(), 1, "{diags:#?}");
    let related = &tl204[0]["relatedInformation"][0];
    assert_eq!(related["message"], "in this statement");
    assert_eq!(related["location"]["uri"], u.as_str());
    assert_eq!(related["location"]["range"]["start"]["line"], 3);
    assert_eq!(tl204[0]["severity"], 2, "TL204 is a warning");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text, "the server never writes the file");

    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    assert!(c.diagnostics(&u).is_empty(), "closing clears the diagnostics");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("unsaved.json");
    let text = trust_policy("StringEquals");
    // Never written: an editor's new buffer is linted from memory.
    let (mut c, init) = Client::initialized(dir.path(), &["utf-8", "utf-16"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let u = uri(&path);
    c.open(&u, "json", &text);
    let diags = c.diagnostics(&u);
    let (line, before) = locate(&text, "\"acme@*\"");
    let d = with_code(&diags, "TL105");
    assert_eq!(d.len(), 1, "{diags:#?}");
    assert_eq!(d[0]["range"]["start"], json!({"line": line, "character": before.len()}));
    assert_eq!(c.shutdown(), 0);
}

const MAIN_TF: &str = r#"resource "aws_iam_role" "spacelift" {
  name = "spacelift"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::324880187172:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}
"#;

const VARIABLES_TF: &str = "variable \"external_id\" {\n  type    = string\n  default = \"acme@*\"\n}\n";

#[test]
fn terraform_file_is_linted_with_its_module_and_open_buffers_win() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.tf"), MAIN_TF).expect("write");
    std::fs::write(dir.path().join("variables.tf"), VARIABLES_TF).expect("write");
    let (mut c, _) = Client::initialized(dir.path(), &[]);
    let main = uri(&dir.path().join("main.tf"));
    c.open(&main, "terraform", MAIN_TF);
    // The finding needs the variable's default, which only the other file (on disk) holds.
    let diags = c.diagnostics(&main);
    let d = with_code(&diags, "TL105");
    assert_eq!(d.len(), 1, "{diags:#?}");
    let (line, before) = locate(MAIN_TF, "var.external_id");
    assert_eq!(d[0]["range"]["start"], json!({"line": line, "character": before.len()}));
    // The fix renames the operator in main.tf, where it is written.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main}, "range": d[0]["range"], "context": {"diagnostics": []}}),
    );
    let edits = actions[0]["edit"]["changes"][main.as_str()].as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1, "{actions:#}");
    assert_eq!(edits[0]["newText"], "StringLike");
    let (line, before) = locate(MAIN_TF, "StringEquals");
    assert_eq!(edits[0]["range"]["start"], json!({"line": line, "character": before.len()}));

    // The other file opened with an unsaved exact id: the module is re-linted from the buffer.
    let vars = uri(&dir.path().join("variables.tf"));
    let fixed = VARIABLES_TF.replace("acme@*", "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@write");
    c.open(&vars, "terraform", &fixed);
    let diags = c.diagnostics(&main);
    assert!(with_code(&diags, "TL105").is_empty(), "{diags:#?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn configuration_is_read_and_reread_when_it_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("trustlint.toml");
    std::fs::write(&config, "[lint]\nignore = [\"TL105\"]\n").expect("write");
    std::fs::create_dir(dir.path().join("roles")).expect("mkdir");
    let path = dir.path().join("roles/trust.json");
    let text = trust_policy("StringEquals");
    std::fs::write(&path, &text).expect("write");
    let (mut c, _) = Client::initialized(dir.path(), &[]);
    let u = uri(&path);
    c.open(&u, "json", &text);
    let diags = c.diagnostics(&u);
    assert!(with_code(&diags, "TL105").is_empty(), "ignored by trustlint.toml one directory up: {diags:#?}");
    assert!(!with_code(&diags, "TL010").is_empty(), "{diags:#?}");

    std::fs::write(&config, "[lint]\nignore = []\n").expect("write");
    let change = json!({"changes": [{"uri": uri(&config), "type": 2}]});
    c.notify("workspace/didChangeWatchedFiles", change);
    let diags = c.diagnostics(&u);
    assert_eq!(with_code(&diags, "TL105").len(), 1, "{diags:#?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_document_that_does_not_parse_is_a_diagnostic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut c, _) = Client::initialized(dir.path(), &[]);
    let u = uri(&dir.path().join("broken.json"));
    c.open(&u, "json", "{\"Version\": \"2012-10-17\", \"Statement\": [\n");
    let diags = c.diagnostics(&u);
    assert_eq!(with_code(&diags, "TL001").len(), 1, "{diags:#?}");
    let tf = uri(&dir.path().join("broken.tf"));
    c.open(&tf, "terraform", "resource \"aws_iam_role\" \"r\" {\n  name = \n");
    let diags = c.diagnostics(&tf);
    assert_eq!(with_code(&diags, "TL001").len(), 1, "{diags:#?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn malformed_messages_and_unknown_methods_get_json_rpc_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Client::start(dir.path());
    let early = c.request_raw("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "not initialized: {early}");
    let root = uri(dir.path());
    c.request("initialize", json!({"processId": null, "rootUri": root, "capabilities": {}}));
    c.notify("initialized", json!({}));

    c.send_raw(b"{not json");
    let parse = c.wait(|m| m["error"]["code"] == -32700);
    assert_eq!(parse["id"], Value::Null);
    c.send(json!({"jsonrpc": "2.0", "id": 41, "method": 7}));
    let invalid = c.wait(|m| m["id"] == 41);
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    let unknown = c.request_raw("trustlint/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad = c.request_raw("textDocument/hover", json!({"position": "here"}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    // Still serving after all that.
    let u = uri(&dir.path().join("t.json"));
    c.open(&u, "json", &trust_policy("StringEquals"));
    assert_eq!(with_code(&c.diagnostics(&u), "TL105").len(), 1);

    // `exit` without `shutdown` is status 1.
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), 1);
}

#[test]
fn unsafe_fixes_are_labelled_and_never_preferred_or_in_fix_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("trustlint.toml"), "[input]\nrole-access = \"write\"\n").expect("write");
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::324880187172:root\"}, \"Action\": \"sts:AssumeRole\", \"Condition\": {\"StringLike\": {\"sts:ExternalId\": \"acme@*@app@*\"}}}]\n}\n";
    let (mut c, _) = Client::initialized(dir.path(), &[]);
    let u = uri(&dir.path().join("write-role.json"));
    c.open(&u, "json", text);
    let diags = c.diagnostics(&u);
    let tl111 = with_code(&diags, "TL111");
    assert_eq!(tl111.len(), 1, "a write role accepting read runs: {diags:#?}");
    let all = json!({"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}});
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": all, "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let for_tl111: Vec<&Value> = actions.iter().filter(|a| a["diagnostics"][0]["code"] == "TL111").collect();
    assert_eq!(for_tl111.len(), 1, "{actions:#?}");
    let a = for_tl111[0];
    assert!(
        a["title"].as_str().is_some_and(|t| t.ends_with("(unsafe fix: changes who may assume the role)")),
        "{a}"
    );
    assert_eq!(a["isPreferred"], false);
    let edits = a["edit"]["changes"][u.as_str()].as_array().cloned().unwrap_or_default();
    assert!(edits.iter().any(|e| e["newText"].as_str().is_some_and(|t| t.contains("write"))), "{a}");
    // Only the quick fixes were asked for: no fix-all, and none holds an unsafe edit anyway.
    let only = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": all, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    for action in only.as_array().cloned().unwrap_or_default() {
        assert_eq!(action["kind"], "source.fixAll.trustlint");
        let edits = action["edit"]["changes"][u.as_str()].to_string();
        assert!(!edits.contains("@write"), "the unsafe TL111 fix is not in fix-all: {action}");
    }
    assert_eq!(c.shutdown(), 0);
}

/// A child module whose role trusts Spacelift with the external id its caller passes in.
fn child_tf(operator: &str) -> String {
    format!(
        r#"variable "external_id" {{
  type = string
}}

resource "aws_iam_role" "this" {{
  name = "spacelift"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ AWS = "arn:aws:iam::324880187172:root" }}
      Action    = "sts:AssumeRole"
      Condition = {{ {operator} = {{ "sts:ExternalId" = var.external_id }} }}
    }}]
  }})
}}
"#
    )
}

/// The caller: its argument is what the child's condition compares.
const CALLER_TF: &str = r#"module "spacelift" {
  source      = "./child"
  external_id = "acme@*@stack-a@*"
}
"#;

/// Hover at `needle` in `text` of `uri`: the finding there, if any (`Value::Null` when none).
/// A request is answered after every pending lint, so it sees the current diagnostics.
fn hover_at(c: &mut Client, uri: &str, text: &str, needle: &str) -> Value {
    let (line, before) = locate(text, needle);
    let position = json!({"line": line, "character": before.len() + needle.len() / 2});
    c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": position}))
}

#[test]
fn a_change_in_a_child_module_relints_its_callers() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("child")).expect("mkdir");
    std::fs::write(dir.path().join("main.tf"), CALLER_TF).expect("write");
    let child_path = dir.path().join("child/main.tf");
    let (bad, good) = (child_tf("StringEquals"), child_tf("StringLike"));
    std::fs::write(&child_path, &bad).expect("write");
    let (mut c, _) = Client::initialized(dir.path(), &[]);
    let (caller, child) = (uri(&dir.path().join("main.tf")), uri(&child_path));
    c.open(&caller, "terraform", CALLER_TF);
    // Only the call gives the child's condition a value: the caller's lint finds TL105 in the
    // child's file (which is not open), where the condition is written.
    let diags = c.diagnostics(&child);
    let d = with_code(&diags, "TL105");
    assert_eq!(d.len(), 1, "{diags:#?}");
    let (line, before) = locate(&bad, "var.external_id");
    assert_eq!(d[0]["range"]["start"], json!({"line": line, "character": before.len()}));

    // The child opened and fixed in the editor, unsaved: the caller is linted again with the
    // buffer, and its finding in the child is gone (the child alone finds nothing either).
    c.open(&child, "terraform", &bad);
    assert!(
        hover_at(&mut c, &child, &bad, "var.external_id")["contents"]["value"]
            .as_str()
            .is_some_and(|h| h.starts_with("# TL105"))
    );
    let (line, before) = locate(&bad, "StringEquals");
    let range = json!({"start": {"line": line, "character": before.len()},
                       "end": {"line": line, "character": before.len() + "StringEquals".len()}});
    let change = json!({"range": range, "text": "StringLike"});
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": child, "version": 2}, "contentChanges": [change]}),
    );
    assert_eq!(hover_at(&mut c, &child, &good, "var.external_id"), Value::Null, "{:#?}", c.queue);

    // Closed without saving: the caller reads the child from disk again, finding included.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": child}}));
    assert!(!hover_at(&mut c, &child, &bad, "var.external_id").is_null(), "{:#?}", c.queue);
    // Fixed on disk (a `git checkout`): the watcher's notice re-lints the caller.
    std::fs::write(&child_path, &good).expect("write");
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": child, "type": 2}]}));
    assert_eq!(hover_at(&mut c, &child, &good, "var.external_id"), Value::Null, "{:#?}", c.queue);
    assert_eq!(c.shutdown(), 0);
}

/// A module of several Spacelift-trusting roles, the `n`th with `pattern` as its external id.
fn roles_tf(patterns: &[&str]) -> String {
    let mut out = String::new();
    for (i, p) in patterns.iter().enumerate() {
        out.push_str(&format!(
            r#"resource "aws_iam_role" "r{i}" {{
  name = "spacelift-{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ AWS = "arn:aws:iam::324880187172:root" }}
      Action    = "sts:AssumeRole"
      Condition = {{ StringLike = {{ "sts:ExternalId" = "{p}" }} }}
    }}]
  }})
}}

"#
        ));
    }
    out
}

/// Every diagnostic published for `uri`, as the server holds them after the pending lints.
fn settled(c: &mut Client, uri: &str, version: i64) -> Vec<Value> {
    let m = c.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["version"] == json!(version)
    });
    m["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
}

#[test]
fn diagnostics_after_many_edits_equal_a_fresh_servers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let start = ["acme@*@stack-0@read", "acme@*", "acme@*@stack-2@write", "acme@*@stack-3@*"];
    std::fs::write(dir.path().join("main.tf"), roles_tf(&start)).expect("write");
    std::fs::write(dir.path().join("other.tf"), roles_tf(&["acme@*"]).replace("\"r0\"", "\"o0\""))
        .expect("write");
    let main = uri(&dir.path().join("main.tf"));
    let (mut c, _) = Client::initialized(dir.path(), &[]);
    c.open(&main, "terraform", &roles_tf(&start));
    let _ = c.diagnostics(&main);
    // Edits that add findings, remove them, bring back earlier texts and change the number of
    // policies, each sent as a whole-document change and linted before the next.
    let edits: [&[&str]; 6] = [
        &["acme@*", "acme@*", "acme@*@stack-2@write", "acme@*@stack-3@*"],
        &["acme@*@stack-0@read", "acme@*@stack-1@read"],
        &[
            "acme@*@stack-0@read",
            "acme@*@stack-1@read",
            "*",
            "acme@*@stack-3@*",
            "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@s@write",
        ],
        &start,
        &["acme@*@stack-0@read", "acme@*", "acme@*@stack-2@write"],
        &["acme@*", "acme@*@stack-0@read", "acme@*@stack-2@write", "acme@*@stack-3@*"],
    ];
    // Text that does not parse, between two that do: no tree of it may be kept or reused.
    let texts: Vec<String> = edits
        .iter()
        .enumerate()
        .map(|(n, p)| {
            if n == 3 {
                format!("{}resource \"aws_iam_role\" \"broken\" {{\n", roles_tf(p))
            } else {
                roles_tf(p)
            }
        })
        .collect();
    let mut last = Vec::new();
    for (n, text) in texts.into_iter().enumerate() {
        let version = n as i64 + 2;
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": main, "version": version}, "contentChanges": [{"text": text}]}),
        );
        last = settled(&mut c, &main, version);
        assert_eq!(
            n == 3,
            !with_code(&last, "TL001").is_empty(),
            "only the broken text is a TL001: {last:#?}"
        );
        // A fresh server given the same text from the start finds exactly the same.
        let (mut fresh, _) = Client::initialized(dir.path(), &[]);
        fresh.open(&main, "terraform", &text);
        let cold = fresh.diagnostics(&main);
        assert_eq!(last, cold, "after edit {n}");
        assert_eq!(fresh.shutdown(), 0);
    }
    assert!(!with_code(&last, "TL204").is_empty(), "the edits left findings to compare: {last:#?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn saving_the_linted_text_does_not_lint_again_but_a_change_on_disk_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.tf"), MAIN_TF).expect("write");
    std::fs::write(dir.path().join("variables.tf"), VARIABLES_TF).expect("write");
    let (mut c, _) = Client::initialized(dir.path(), &[]);
    let main = uri(&dir.path().join("main.tf"));
    c.open(&main, "terraform", MAIN_TF);
    assert_eq!(with_code(&c.diagnostics(&main), "TL105").len(), 1);
    let published =
        |c: &Client| c.queue.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics").count();
    // Answered after every message the open caused (the module's other file is published too).
    hover_at(&mut c, &main, MAIN_TF, "var.external_id");
    c.queue.clear();
    // What an editor sends on save: the save, then the watcher's notice for the same file.
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": main}}));
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": main, "type": 2}]}));
    // A request is answered after the lints its predecessors caused: none was published.
    hover_at(&mut c, &main, MAIN_TF, "var.external_id");
    assert_eq!(published(&c), 0, "{:#?}", c.queue);

    // The variable's default changed on disk (not open): the module is linted again.
    let exact = VARIABLES_TF.replace("acme@*", "acme@01GE7K9SR2DQBCRQ90DH70JF6Y@stack-a@write");
    std::fs::write(dir.path().join("variables.tf"), exact).expect("write");
    let vars = uri(&dir.path().join("variables.tf"));
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": vars, "type": 2}]}));
    assert!(with_code(&c.diagnostics(&main), "TL105").is_empty());
    assert_eq!(c.shutdown(), 0);
}
