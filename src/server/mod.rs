//! `prodlint server`: a Language Server over standard input and output.
//! Open documents are linted from their unsaved text (after a short pause
//! in typing), with the configuration found from the file's folder upward
//! and the neighbouring files read from disk.

mod actions;
mod analysis;
mod diagnostics;
mod text;
mod transport;

use crate::diagnostic::Finding;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Initialized, Notification as _, PublishDiagnostics,
    ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, MessageType, PositionEncodingKind, PublishDiagnosticsParams, Registration,
    RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use text::{Encoding, Lines};
use transport::Incoming;

/// How long typing must pause before a changed document is linted again.
const DEBOUNCE: Duration = Duration::from_millis(150);

const SERVER_NOT_INITIALIZED: i32 = -32002;

/// Serves one client on standard input and output until it says `exit`
/// or closes the stream. Returns the process exit code: 0 after a
/// `shutdown` request, 1 otherwise, as the protocol asks.
pub fn run() -> i32 {
    let (tx, rx) = mpsc::channel();
    // Reading blocks; the server's loop must also wake up when a pause in
    // typing ends, so frames arrive through a channel.
    let reader = std::thread::Builder::new()
        .name("prodlint-lsp-reader".into())
        .spawn(move || {
            let mut input = io::BufReader::new(io::stdin().lock());
            while let Ok(Some(frame)) = transport::read(&mut input) {
                if tx.send(frame).is_err() {
                    break;
                }
            }
        });
    if let Err(e) = reader {
        eprintln!("prodlint: error: cannot start the server: {e}");
        return 1;
    }
    let mut server = Server::new(io::stdout().lock());
    server.serve(&rx)
}

struct Document {
    path: PathBuf,
    version: i32,
    text: String,
    /// The findings of the text as it was last linted.
    findings: Vec<Finding>,
    /// Whether `text` changed since the findings were made.
    stale: bool,
}

struct Server<W: Write> {
    out: W,
    initialized: bool,
    shutdown: bool,
    encoding: Encoding,
    /// A configuration file named in the client's initialization options,
    /// used instead of the one found from each document's folder.
    config_path: Option<PathBuf>,
    documents: HashMap<Url, Document>,
    /// Changed documents and when their pause in typing ends.
    pending: BTreeMap<Url, Instant>,
    /// Configuration errors already shown, so that each is shown once.
    shown: HashSet<String>,
    /// The client can watch files for the server: configuration files
    /// edited outside the editor then lint the open documents again.
    watch_configs: bool,
    /// The projects around the open documents.
    projects: analysis::Projects,
}

impl<W: Write> Server<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            initialized: false,
            shutdown: false,
            encoding: Encoding::Utf16,
            config_path: None,
            documents: HashMap::new(),
            pending: BTreeMap::new(),
            shown: HashSet::new(),
            watch_configs: false,
            projects: analysis::Projects::default(),
        }
    }

    fn serve(&mut self, rx: &mpsc::Receiver<Incoming>) -> i32 {
        loop {
            let frame = match self.pending.values().min().copied() {
                Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(frame) => frame,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        self.lint_due();
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => return 1,
                },
                None => match rx.recv() {
                    Ok(frame) => frame,
                    Err(_) => return 1,
                },
            };
            let result = match frame {
                Incoming::Malformed { id, code, message } => {
                    transport::write_error(&mut self.out, id, code, &message)
                }
                Incoming::Message(Message::Request(req)) => self.request(req),
                Incoming::Message(Message::Notification(n)) if n.method == "exit" => {
                    return if self.shutdown { 0 } else { 1 };
                }
                Incoming::Message(Message::Notification(n)) => self.notification(n),
                // The one request the server sends (to watch configuration
                // files) needs no answer.
                Incoming::Message(Message::Response(_)) => Ok(()),
            };
            if result.is_err() {
                // The client is gone.
                return 1;
            }
        }
    }

    fn send(&mut self, message: Message) -> io::Result<()> {
        transport::write(&mut self.out, &message)
    }

    fn reply<T: serde::Serialize>(&mut self, id: RequestId, result: T) -> io::Result<()> {
        self.send(Response::new_ok(id, result).into())
    }

    fn reply_error(&mut self, id: RequestId, code: i32, message: String) -> io::Result<()> {
        self.send(Response::new_err(id, code, message).into())
    }

    fn notify<N: lsp_types::notification::Notification>(
        &mut self,
        params: N::Params,
    ) -> io::Result<()> {
        self.send(Notification::new(N::METHOD.to_string(), params).into())
    }

    fn request(&mut self, req: Request) -> io::Result<()> {
        let id = req.id.clone();
        if self.shutdown {
            return self.reply_error(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            );
        }
        if !self.initialized && req.method != "initialize" {
            return self.reply_error(
                id,
                SERVER_NOT_INITIALIZED,
                "the server is not initialized".into(),
            );
        }
        match req.method.as_str() {
            "initialize" => match params::<InitializeParams>(&req) {
                Ok(p) if !self.initialized => {
                    let result = self.initialize(p);
                    self.reply(id, result)
                }
                Ok(_) => self.reply_error(
                    id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is already initialized".into(),
                ),
                Err(e) => self.reply_error(id, ErrorCode::InvalidParams as i32, e),
            },
            "shutdown" => {
                self.shutdown = true;
                self.reply(id, ())
            }
            CodeActionRequest::METHOD => match params::<CodeActionParams>(&req) {
                Ok(p) => {
                    let actions = self.code_actions(p);
                    self.reply(id, actions)
                }
                Err(e) => self.reply_error(id, ErrorCode::InvalidParams as i32, e),
            },
            HoverRequest::METHOD => match params::<HoverParams>(&req) {
                Ok(p) => {
                    let hover = self.hover(p);
                    self.reply(id, hover)
                }
                Err(e) => self.reply_error(id, ErrorCode::InvalidParams as i32, e),
            },
            other => self.reply_error(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("prodlint does not handle `{other}`"),
            ),
        }
    }

    fn notification(&mut self, n: Notification) -> io::Result<()> {
        if !self.initialized {
            return Ok(());
        }
        // A notification cannot be answered: one with bad parameters is
        // dropped, as the protocol asks.
        match n.method.as_str() {
            Initialized::METHOD if self.watch_configs => return self.register_watchers(),
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = notification_params::<DidOpenTextDocumentParams>(&n) {
                    let doc = p.text_document;
                    self.documents.insert(
                        doc.uri.clone(),
                        Document {
                            path: path_of(&doc.uri),
                            version: doc.version,
                            text: doc.text,
                            findings: Vec::new(),
                            stale: true,
                        },
                    );
                    return self.lint_and_publish(&doc.uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = notification_params::<DidChangeTextDocumentParams>(&n) {
                    let encoding = self.encoding;
                    if let Some(doc) = self.documents.get_mut(&p.text_document.uri) {
                        text::apply_changes(&mut doc.text, p.content_changes, encoding);
                        doc.version = p.text_document.version;
                        doc.stale = true;
                        self.pending
                            .insert(p.text_document.uri, Instant::now() + DEBOUNCE);
                    }
                }
            }
            // A saved file may be another's neighbour (the Dockerfile of a
            // compose service) or the configuration: every open document is
            // linted again.
            DidSaveTextDocument::METHOD
                if notification_params::<DidSaveTextDocumentParams>(&n).is_ok() =>
            {
                // The projects are kept unless a file they read changed on
                // disk (the open documents' texts are already in them).
                let open = self.documents.values().map(|d| d.path.clone()).collect();
                self.projects.refresh(&open);
                return self.lint_all_keeping_projects();
            }
            DidChangeConfiguration::METHOD | DidChangeWatchedFiles::METHOD => {
                return self.lint_all();
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = notification_params::<DidCloseTextDocumentParams>(&n) {
                    let uri = p.text_document.uri;
                    self.documents.remove(&uri);
                    self.pending.remove(&uri);
                    return self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn initialize(&mut self, p: InitializeParams) -> InitializeResult {
        self.watch_configs = p
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let offers_utf8 = p
            .capabilities
            .general
            .and_then(|g| g.position_encodings)
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        self.encoding = if offers_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        self.config_path = p
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("config"))
            .and_then(|c| c.as_str())
            .map(PathBuf::from);
        self.initialized = true;
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::from(self.encoding.name())),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                            include_text: Some(false),
                        })),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::from(actions::FIX_ALL),
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "prodlint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    fn register_watchers(&mut self) -> io::Result<()> {
        let watchers = ["**/prodlint.toml", "**/.prodlint.toml", "**/pyproject.toml"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "prodlint-configuration".into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        // The answer needs no handling: without it, saving the
        // configuration in the editor still lints again.
        self.send(
            Request::new(
                RequestId::from("prodlint-register".to_string()),
                RegisterCapability::METHOD.to_string(),
                params,
            )
            .into(),
        )
    }

    fn lint_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Url> = self
            .pending
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            let _ = self.lint_and_publish(&uri);
        }
    }

    fn lint_all(&mut self) -> io::Result<()> {
        self.projects.forget();
        self.lint_all_keeping_projects()
    }

    fn lint_all_keeping_projects(&mut self) -> io::Result<()> {
        // What git tracks may have changed too (`git add` of an env file),
        // and what the project depends on (an edited `pyproject.toml`).
        crate::git::forget();
        let mut uris: Vec<Url> = self.documents.keys().cloned().collect();
        uris.sort();
        for uri in uris {
            if let Some(doc) = self.documents.get_mut(&uri) {
                doc.stale = true;
            }
            self.lint_and_publish(&uri)?;
        }
        Ok(())
    }

    /// Lints a document if its text changed since it was last linted.
    fn refresh(&mut self, uri: &Url) {
        self.pending.remove(uri);
        let config_path = self.config_path.clone();
        let Some(doc) = self.documents.get_mut(uri) else {
            return;
        };
        if !doc.stale {
            return;
        }
        let (findings, config_error) = analysis::analyse(
            &doc.path,
            &doc.text,
            config_path.as_deref(),
            &mut self.projects,
        );
        doc.findings = findings;
        doc.stale = false;
        if let Some(message) = config_error
            && self.shown.insert(message.clone())
        {
            let _ = self.notify::<ShowMessage>(ShowMessageParams {
                typ: MessageType::ERROR,
                message: format!("prodlint: {message} (using the default configuration)"),
            });
        }
    }

    fn lint_and_publish(&mut self, uri: &Url) -> io::Result<()> {
        self.refresh(uri);
        let encoding = self.encoding;
        let Some(doc) = self.documents.get(uri) else {
            return Ok(());
        };
        let lines = Lines::new(&doc.text, encoding);
        let diagnostics = doc
            .findings
            .iter()
            .map(|f| diagnostics::diagnostic(f, uri, &lines))
            .collect();
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: Some(doc.version),
        };
        self.notify::<PublishDiagnostics>(params)
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Vec<lsp_types::CodeActionOrCommand> {
        let uri = p.text_document.uri;
        self.refresh(&uri);
        let Some(doc) = self.documents.get(&uri) else {
            return Vec::new();
        };
        // `only` lists kinds or their parents (`source` covers
        // `source.fixAll.prodlint`).
        let wanted = |kind: &str| {
            p.context.only.as_ref().is_none_or(|only| {
                only.iter()
                    .any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str())))
            })
        };
        let lines = Lines::new(&doc.text, self.encoding);
        let mut out = Vec::new();
        if wanted(CodeActionKind::QUICKFIX.as_str()) {
            out = actions::code_actions(&doc.findings, &doc.text, &uri, &lines, p.range);
        }
        if wanted(actions::FIX_ALL)
            && doc.findings.iter().any(|f| f.fix.is_some())
            && let Some(fixed) = analysis::fix_all(
                &doc.path,
                &doc.text,
                self.config_path.as_deref(),
                &mut self.projects,
            )
        {
            out.push(actions::fix_all(&uri, &lines, doc.text.len(), fixed));
        }
        out
    }

    fn hover(&mut self, p: HoverParams) -> Option<lsp_types::Hover> {
        let at = p.text_document_position_params;
        let uri = at.text_document.uri;
        self.refresh(&uri);
        let doc = self.documents.get(&uri)?;
        let lines = Lines::new(&doc.text, self.encoding);
        actions::hover(&doc.findings, &lines, at.position)
    }
}

fn params<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T, String> {
    serde_json::from_value(req.params.clone())
        .map_err(|e| format!("bad parameters for `{}`: {e}", req.method))
}

fn notification_params<T: serde::de::DeserializeOwned>(n: &Notification) -> Result<T, String> {
    serde_json::from_value(n.params.clone()).map_err(|e| e.to_string())
}

/// The file a document is. Documents that are not files (`untitled:`)
/// are classified by the last segment of their address.
fn path_of(uri: &Url) -> PathBuf {
    uri.to_file_path().unwrap_or_else(|_| {
        let name = uri.path_segments().and_then(|mut s| s.next_back());
        PathBuf::from(name.unwrap_or_default())
    })
}
