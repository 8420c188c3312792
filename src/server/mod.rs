//! `trustlint server`: a Language Server Protocol server. Open documents are linted from memory
//! as `check` lints their files (a Terraform file with its whole module), on open, change and
//! save; a change re-lints only its file or module. Synchronous: one thread handles messages,
//! the engine parallelises a lint.

// lsp-types' `Uri` caches parsed parts in cells, but orders and hashes by its text alone, so it
// is a sound map key (rust-analyzer allows the lint for the same reason).
#![allow(clippy::mutable_key_type)]

pub mod actions;
pub mod config;
pub mod diagnostics;
pub mod documents;
pub mod hover;
pub mod lint;
pub mod position;
pub mod transport;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{CodeActionKind, InitializeParams, MessageType, Uri};
use serde_json::{Value, json};

use crate::discover::{self, FileClass};
use crate::server::config::{Configs, is_config};
use crate::server::diagnostics::Published;
use crate::server::documents::{Documents, uri_path};
use crate::server::lint::{Reads, UnitKey};
use crate::server::position::Encoding;
use crate::{Error, RuleSet};

pub struct ServerOptions {
    /// `--rules-dir`: declarative rules run with the built-in ones.
    pub rules_dir: Option<PathBuf>,
}

/// Serves on `conn` until `exit`: `Ok(true)` when the client asked for `shutdown` first.
pub fn serve(conn: &Connection, opts: &ServerOptions) -> Result<bool, Error> {
    let rules = RuleSet::load(opts.rules_dir.as_deref())?;
    let documented = RuleSet::load(None)?.rules().iter().map(|r| r.meta().code).collect();
    let Some((id, params)) = initialize_request(conn)? else { return Ok(false) };
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref());
    let enc = Encoding::negotiate(offered);
    let result = json!({
        "capabilities": capabilities(enc),
        "serverInfo": {"name": "trustlint", "version": env!("CARGO_PKG_VERSION")},
    });
    conn.initialize_finish(id, result).map_err(|e| Error::Usage(format!("LSP initialize: {e}")))?;
    let mut server = Server {
        conn,
        enc,
        rules,
        documented,
        docs: Documents::default(),
        configs: Configs::default(),
        published: Published::default(),
        dirty: BTreeSet::new(),
        reads: HashMap::new(),
        linted: HashMap::new(),
        disk_epoch: 0,
        parsed: crate::engine::ParseCache::default(),
        shutdown: false,
        next_id: 0,
    };
    if watch_supported(&params) {
        server.watch_files();
    }
    Ok(server.run())
}

/// The `initialize` request, answering one whose parameters do not parse (the client may try
/// again); `None` when the client left or said `exit` first.
fn initialize_request(conn: &Connection) -> Result<Option<(RequestId, InitializeParams)>, Error> {
    loop {
        let (id, params) = match conn.initialize_start() {
            Ok(start) => start,
            Err(e) if e.channel_is_disconnected() => return Ok(None),
            Err(e) => return Err(Error::Usage(format!("LSP initialize: {e}"))),
        };
        match serde_json::from_value::<InitializeParams>(params) {
            Ok(p) => return Ok(Some((id, p))),
            Err(e) => {
                let msg = format!("initialize: invalid parameters: {e}");
                let _ = conn.sender.send(Response::new_err(id, ErrorCode::InvalidParams as i32, msg).into());
            }
        }
    }
}

fn capabilities(enc: Encoding) -> Value {
    json!({
        "positionEncoding": enc.kind(),
        "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
        "hoverProvider": true,
        "codeActionProvider": {
            "codeActionKinds": [CodeActionKind::QUICKFIX, actions::FIX_ALL],
            "resolveProvider": false,
        },
    })
}

fn watch_supported(params: &InitializeParams) -> bool {
    let ws = params.capabilities.workspace.as_ref();
    ws.and_then(|w| w.did_change_watched_files.as_ref()).and_then(|c| c.dynamic_registration).unwrap_or(false)
}

struct Server<'c> {
    conn: &'c Connection,
    enc: Encoding,
    rules: RuleSet,
    /// Codes of the rules shipped with trustlint, which have a docs page.
    documented: HashSet<&'static str>,
    docs: Documents,
    configs: Configs,
    published: Published,
    /// Units changed since they were last linted.
    dirty: BTreeSet<UnitKey>,
    /// What each linted unit read outside its own files (child modules, templates).
    reads: HashMap<UnitKey, Reads>,
    /// What each unit was last linted from ([`Server::inputs`]): a unit whose inputs did not
    /// change since (a save of the text it was linted from, an undo) is not linted again.
    linted: HashMap<UnitKey, u64>,
    /// Counts changes on disk that a lint may read (a configuration, a file not open).
    disk_epoch: u64,
    /// Syntax trees of the files linted so far, kept across lints.
    parsed: crate::engine::ParseCache,
    shutdown: bool,
    next_id: i32,
}

/// What handling one message asks of the loop.
enum Flow {
    Continue,
    Exit,
}

impl Server<'_> {
    /// Messages are handled as they come; lints wait until no message is queued (a burst of
    /// keystrokes is linted once) or a request needs the current diagnostics.
    fn run(&mut self) -> bool {
        loop {
            let Ok(msg) = self.conn.receiver.recv() else { return false };
            if let Flow::Exit = self.handle(msg) {
                return self.shutdown;
            }
            while let Ok(msg) = self.conn.receiver.try_recv() {
                if let Flow::Exit = self.handle(msg) {
                    return self.shutdown;
                }
            }
            self.flush();
        }
    }

    fn handle(&mut self, msg: Message) -> Flow {
        match msg {
            Message::Request(r) => {
                self.flush();
                self.request(r);
                Flow::Continue
            }
            Message::Notification(n) if n.method == notif::Exit::METHOD => Flow::Exit,
            Message::Notification(n) => {
                self.notification(n);
                Flow::Continue
            }
            Message::Response(_) => Flow::Continue,
        }
    }

    fn request(&mut self, r: Request) {
        let result = if self.shutdown {
            Err((ErrorCode::InvalidRequest, "the server is shutting down".to_string()))
        } else {
            match r.method.as_str() {
                req::Shutdown::METHOD => {
                    self.shutdown = true;
                    Ok(Value::Null)
                }
                req::HoverRequest::METHOD => self.hover(r.params),
                req::CodeActionRequest::METHOD => self.code_actions(r.params),
                m => Err((ErrorCode::MethodNotFound, format!("unknown method {m}"))),
            }
        };
        let response = match result {
            Ok(v) => Response::new_ok(r.id, v),
            Err((code, msg)) => Response::new_err(r.id, code as i32, msg),
        };
        self.send(response.into());
    }

    fn hover(&self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: lsp_types::HoverParams = parse(params)?;
        let at = p.text_document_position_params;
        let entries = self.published.at(&at.text_document.uri);
        let h = hover::hover(&entries, at.position, &self.rules);
        Ok(serde_json::to_value(h).unwrap_or(Value::Null))
    }

    fn code_actions(&self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: lsp_types::CodeActionParams = parse(params)?;
        let entries = self.published.at(&p.text_document.uri);
        Ok(serde_json::to_value(actions::actions(&entries, &p)).unwrap_or(Value::Null))
    }

    fn notification(&mut self, n: Notification) {
        let outcome = match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => parse(n.params).map(|p| self.did_open(p)),
            notif::DidChangeTextDocument::METHOD => parse(n.params).map(|p| self.did_change(p)),
            notif::DidSaveTextDocument::METHOD => parse(n.params).map(|p| self.did_save(p)),
            notif::DidCloseTextDocument::METHOD => parse(n.params).map(|p| self.did_close(p)),
            notif::DidChangeWatchedFiles::METHOD => parse(n.params).map(|p| self.watched(p)),
            _ => Ok(()),
        };
        if let Err((_, msg)) = outcome {
            self.log(MessageType::WARNING, &format!("{}: {msg}", n.method));
        }
    }

    fn did_open(&mut self, p: lsp_types::DidOpenTextDocumentParams) {
        let doc = p.text_document;
        let Some(path) = uri_path(&doc.uri) else { return };
        self.docs.open(doc.uri, path.clone(), doc.version, doc.text);
        self.touch(&path);
    }

    fn did_change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        let doc = p.text_document;
        if self.docs.change(&doc.uri, doc.version, p.content_changes, self.enc)
            && let Some(path) = self.docs.get(&doc.uri).map(|d| d.path.clone())
        {
            self.touch(&path);
        }
    }

    fn did_save(&mut self, p: lsp_types::DidSaveTextDocumentParams) {
        if let Some(path) = uri_path(&p.text_document.uri) {
            self.changed_on_disk(&path);
        }
    }

    fn did_close(&mut self, p: lsp_types::DidCloseTextDocumentParams) {
        let Some(doc) = self.docs.close(&p.text_document.uri) else { return };
        self.touch(&doc.path);
    }

    fn watched(&mut self, p: lsp_types::DidChangeWatchedFilesParams) {
        for change in p.changes {
            if let Some(path) = uri_path(&change.uri) {
                self.changed_on_disk(&path);
            }
        }
    }

    /// A file changed on disk: a configuration file re-lints everything open, another file the
    /// units it belongs to.
    fn changed_on_disk(&mut self, path: &std::path::Path) {
        // An open Terraform file is read from its buffer, in its own module and in callers
        // alike: saving it changes nothing a lint reads. Anything else may be read from disk
        // (a JSON document is also a `templatefile()` template).
        let open_tf = self.docs.iter().any(|(_, d)| d.path == path)
            && matches!(discover::classify(path), Some(FileClass::Terraform | FileClass::TerraformJson));
        if !open_tf {
            self.disk_epoch += 1;
        }
        if is_config(path) {
            self.configs.clear();
            let keys: Vec<UnitKey> = self.docs.iter().filter_map(|(_, d)| UnitKey::of(&d.path)).collect();
            self.dirty.extend(keys);
            return;
        }
        let keys: Vec<UnitKey> = self
            .docs
            .iter()
            .filter_map(|(_, d)| UnitKey::of(&d.path))
            .filter(|k| k.affected_by(path))
            .collect();
        self.dirty.extend(keys);
        self.touch(path);
    }

    /// Marks the unit of an edited, opened or closed document for linting, and the units that
    /// read it (the modules calling the module it is in).
    fn touch(&mut self, path: &std::path::Path) {
        if let Some(key) = UnitKey::of(path) {
            self.dirty.insert(key);
        }
        let readers = self.reads.iter().filter(|(_, r)| r.affected_by(path)).map(|(k, _)| k.clone());
        self.dirty.extend(readers.collect::<Vec<_>>());
    }

    fn flush(&mut self) {
        for key in std::mem::take(&mut self.dirty) {
            self.lint(&key);
        }
    }

    /// Lints one unit and publishes what changed; a unit with no open document is forgotten
    /// and its diagnostics cleared.
    fn lint(&mut self, key: &UnitKey) {
        let open = self.docs.iter().any(|(_, d)| UnitKey::of(&d.path).as_ref() == Some(key));
        if !open {
            self.reads.remove(key);
            self.linted.remove(key);
            let touched = self.published.remove(key);
            self.publish(touched);
            return;
        }
        let inputs = self.inputs();
        if self.linted.get(key) == Some(&inputs) {
            return;
        }
        let found = self.configs.for_dir(key.dir(), &self.rules);
        if let Some(e) = &found.error {
            self.show(MessageType::ERROR, &format!("{e}; linting with the defaults until it is fixed"));
        }
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lint::run(key, &self.docs, (&self.rules, &self.parsed), found.config.as_deref())
        }));
        let report = match run {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => return self.log(MessageType::ERROR, &format!("{}: {e}", key.dir().display())),
            Err(_) => {
                let msg = format!("{}: internal error while linting; please report it", key.dir().display());
                return self.show(MessageType::ERROR, &msg);
            }
        };
        let reads = Reads::of(key, &report);
        if reads.is_empty() {
            self.reads.remove(key);
        } else {
            self.reads.insert(key.clone(), reads);
        }
        for note in &report.over_budget {
            self.log(MessageType::WARNING, note);
        }
        let docs_url = |code: &str| {
            let rule = self.rules.rules().iter().find(|r| r.meta().code == code)?;
            self.documented.contains(rule.meta().code).then(|| rule.meta().help_uri())
        };
        let found = diagnostics::from_report(&report, self.enc, &docs_url);
        self.linted.insert(key.clone(), inputs);
        let touched = self.published.replace(key, found);
        self.publish(touched);
    }

    /// A fingerprint of everything a lint reads that can change while the server runs: the text
    /// of every open document, and the changes seen on disk.
    fn inputs(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        self.disk_epoch.hash(&mut h);
        for (_, d) in self.docs.iter() {
            d.path.hash(&mut h);
            d.text.hash(&mut h);
        }
        h.finish()
    }

    fn publish(&self, uris: Vec<Uri>) {
        for uri in uris {
            let diagnostics: Vec<lsp_types::Diagnostic> =
                self.published.at(&uri).into_iter().map(|e| e.diagnostic.clone()).collect();
            let version = self.docs.get(&uri).map(|d| d.version);
            let params = lsp_types::PublishDiagnosticsParams { uri, diagnostics, version };
            self.send(Notification::new(notif::PublishDiagnostics::METHOD.into(), params).into());
        }
    }

    /// Asks the client to report changes to configuration and Terraform files on disk.
    fn watch_files(&mut self) {
        let globs = [
            "**/trustlint.toml",
            "**/.trustlint.toml",
            "**/*.tf",
            "**/*.tf.json",
            "**/*.tfvars",
            "**/*.tfvars.json",
        ];
        let watchers: Vec<Value> = globs.iter().map(|g| json!({"globPattern": g})).collect();
        let registration = json!({
            "registrations": [{
                "id": "trustlint-watch",
                "method": notif::DidChangeWatchedFiles::METHOD,
                "registerOptions": {"watchers": watchers},
            }]
        });
        self.next_id += 1;
        let id = RequestId::from(format!("trustlint-{}", self.next_id));
        self.send(Request::new(id, req::RegisterCapability::METHOD.into(), registration).into());
    }

    fn log(&self, typ: MessageType, message: &str) {
        let params = lsp_types::LogMessageParams { typ, message: message.into() };
        self.send(Notification::new(notif::LogMessage::METHOD.into(), params).into());
    }

    fn show(&self, typ: MessageType, message: &str) {
        let params = lsp_types::ShowMessageParams { typ, message: message.into() };
        self.send(Notification::new(notif::ShowMessage::METHOD.into(), params).into());
    }

    fn send(&self, msg: Message) {
        // The client has gone when this fails; the loop ends at the next receive.
        let _ = self.conn.sender.send(msg);
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}
