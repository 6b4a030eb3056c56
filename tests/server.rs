//! `prodlint server` driven over stdio as an editor drives it.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Value>,
    /// Messages read while waiting for another one.
    queued: VecDeque<Value>,
    next_id: i64,
}

fn read_frame(out: &mut impl BufRead) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    out.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_prodlint"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start prodlint server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut out) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            queued: VecDeque::new(),
            next_id: 1,
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        self.stdin.write_all(body).expect("write body");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The first message (queued or new) that `want` accepts.
    fn wait(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.queued.iter().position(&want) {
            return self.queued.remove(i).expect("queued");
        }
        loop {
            let m = self
                .rx
                .recv_timeout(WAIT)
                .expect("the server answered in time");
            if want(&m) {
                return m;
            }
            self.queued.push_back(m);
        }
    }

    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The code actions offered for a range (start and end as line and
    /// character), asking only for the `only` kinds when some are given.
    fn code_actions(
        &mut self,
        uri: &str,
        start: (u32, u32),
        end: (u32, u32),
        only: &[&str],
    ) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if !only.is_empty() {
            context["only"] = json!(only);
        }
        let r = self.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": {
                    "start": {"line": start.0, "character": start.1},
                    "end": {"line": end.0, "character": end.1}
                },
                "context": context
            }),
        );
        r["result"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("not a list of actions: {r}"))
    }

    fn initialize(&mut self, dir: &Path, capabilities: Value) -> Value {
        let root = uri_of(dir);
        let r = self.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    /// Shuts down and exits; returns the exit code.
    fn stop(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.child.wait().expect("exit").code().unwrap_or(-1)
    }
}

fn uri_of(path: &Path) -> String {
    lsp_types::Url::from_directory_path(path)
        .map(|u| u.as_str().trim_end_matches('/').to_string())
        .unwrap_or_else(|()| panic!("not absolute: {}", path.display()))
}

/// Code, start line/character and end line/character of each diagnostic.
fn summary(diagnostics: &[Value]) -> Vec<(String, u64, u64, u64, u64)> {
    diagnostics
        .iter()
        .map(|d| {
            let r = &d["range"];
            let n = |v: &Value| v.as_u64().unwrap_or(u64::MAX);
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                n(&r["start"]["line"]),
                n(&r["start"]["character"]),
                n(&r["end"]["line"]),
                n(&r["end"]["character"]),
            )
        })
        .collect()
}

/// The codes of the diagnostics, in order.
fn codes(diagnostics: &[Value]) -> Vec<String> {
    summary(diagnostics).into_iter().map(|d| d.0).collect()
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap_or_default())
        .collect()
}

/// The text edits an action makes to `uri`.
fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn s(code: &str, a: u64, b: u64, c: u64, d: u64) -> (String, u64, u64, u64, u64) {
    (code.to_string(), a, b, c, d)
}

/// Applies LSP text edits to ASCII text (character = byte).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let ch = p["character"].as_u64().unwrap_or(0) as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + ch
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    spans.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

const BAD: &str = "FROM python:3.12\nRUN pip install flask\nCMD python app.py\n";
const GOOD: &str = "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nRUN pip install --no-cache-dir flask==3.0.0\nUSER 10001\nCMD [\"python\", \"app.py\"]\n";

#[test]
fn open_fix_change_and_shut_down() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, BAD).expect("write");
    let uri = uri_of(&file);
    let mut client = Client::start(dir.path());

    let init = client.initialize(dir.path(), json!({}));
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.prodlint"])
    );
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(init["result"]["serverInfo"]["name"], "prodlint");

    client.open(&uri, "dockerfile", BAD);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(
        summary(&diagnostics),
        [
            s("DF001", 0, 0, 0, 16),
            s("DF028", 0, 0, 0, 16),
            s("DF004", 0, 5, 0, 16),
            s("DF006", 1, 4, 1, 15),
            s("DF012", 2, 4, 2, 17),
        ]
    );
    let df001 = &diagnostics[0];
    assert_eq!(df001["severity"], 1);
    assert_eq!(df001["source"], "prodlint");
    assert_eq!(
        df001["codeDescription"]["href"],
        "https://github.com/prodlint/prodlint/blob/main/rules/DF001.md"
    );
    assert_eq!(diagnostics[1]["severity"], 3, "info");
    assert_eq!(diagnostics[2]["severity"], 2, "warning");

    // The cursor on line 2: the pip fix first (preferred, safe), then the
    // suppression, then fix-all.
    let actions = client.code_actions(&uri, (1, 0), (1, 0), &[]);
    // Without `only`, the fix-all action comes last (editors list it in
    // their source-action menus).
    assert_eq!(
        titles(&actions),
        [
            "insert `--no-cache-dir` (DF006)",
            "Ignore DF006 on this line",
            "Apply every safe prodlint fix"
        ]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["diagnostics"][0]["code"], "DF006");
    let edits = edits_of(&actions[0], &uri);
    let fixed = apply(BAD, &edits);
    assert_eq!(
        fixed,
        "FROM python:3.12\nRUN pip install --no-cache-dir flask\nCMD python app.py\n"
    );

    // Fix all on save (`source.fixAll`): every safe fix, one edit of the
    // whole text; the unsafe exec-form rewrite is left alone.
    let all = client.code_actions(&uri, (0, 0), (0, 0), &["source.fixAll"]);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["kind"], "source.fixAll.prodlint");
    let whole = edits_of(&all[0], &uri);
    assert_eq!(
        whole[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}})
    );
    assert_eq!(apply(BAD, &whole), fixed);

    // The unsafe exec-form rewrite is offered, not preferred.
    let actions = client.code_actions(&uri, (2, 6), (2, 6), &[]);
    assert_eq!(actions[0]["title"], "rewrite in exec form (DF012, unsafe)");
    assert_eq!(actions[0]["isPreferred"], false);

    // Incremental change: the pip fix, applied by range.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": edits[0]["range"], "text": edits[0]["newText"]}]
        }),
    );
    assert_eq!(
        codes(&client.diagnostics(&uri)),
        ["DF001", "DF028", "DF004", "DF012"]
    );

    // The whole fixed text: nothing left.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": GOOD}]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    assert_eq!(client.stop(), 0);
}

#[test]
fn ignore_action_inserts_the_suppression_and_hover_shows_the_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nUSER 10001\n  CMD python app.py\n";
    let uri = uri_of(dir.path()) + "/Dockerfile";
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}));
    client.open(&uri, "dockerfile", text);
    assert_eq!(
        summary(&client.diagnostics(&uri)),
        [s("DF012", 3, 6, 3, 19)]
    );

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 8}}),
    );
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    let doc = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(doc.starts_with("# DF012 shell-form-entrypoint\n"), "{doc}");
    let nothing = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}),
    );
    assert_eq!(nothing["result"], Value::Null);

    let actions = client.code_actions(&uri, (3, 0), (3, 0), &[]);
    assert_eq!(actions[1]["title"], "Ignore DF012 on this line");
    let edits = edits_of(&actions[1], &uri);
    let suppressed = apply(text, &edits);
    assert_eq!(
        suppressed,
        "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nUSER 10001\n  # prodlint: ignore[DF012]\n  CMD python app.py\n"
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Closing clears the document's diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_second_ignore_joins_the_comment_above() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".gitignore"), ".env\n").expect("write");
    let uri = uri_of(dir.path()) + "/.env";
    let text = "A=1\n# prodlint: ignore[EN004]\nA = 2\n";
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}));
    client.open(&uri, "dotenv", text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(summary(&diagnostics), [s("EN001", 2, 0, 2, 1)]);
    // The earlier assignment is related information, in the same file.
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(related["message"], "first set here");
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    let actions = client.code_actions(&uri, (2, 0), (2, 1), &["quickfix"]);
    // No fix-all either: the only fix is unsafe.
    assert_eq!(
        titles(&actions),
        [
            "delete the earlier line (EN001, unsafe)",
            "Ignore EN001 on this line"
        ]
    );
    let edits = edits_of(&actions[1], &uri);
    assert_eq!(
        apply(text, &edits),
        "A=1\n# prodlint: ignore[EN004,EN001]\nA = 2\n"
    );
    // Refactoring actions are not offered.
    let none = client.code_actions(&uri, (2, 0), (2, 1), &["refactor"]);
    assert_eq!(none, Vec::<Value>::new());
    assert_eq!(client.stop(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let uri = uri_of(dir.path()) + "/Dockerfile";
    // "é" is two bytes and one UTF-16 unit.
    let text = "# é\nFROM python:3.12-slim AS app\nENV PYTHONUNBUFFERED=1\nUSER 10001\nLABEL x=\"é\"  \nCMD python app.py\n";
    for (offer, encoding) in [
        (json!(["utf-8", "utf-16"]), "utf-8"),
        (json!(["utf-32"]), "utf-16"),
    ] {
        let mut client = Client::start(dir.path());
        let init = client.initialize(dir.path(), json!({"general": {"positionEncodings": offer}}));
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], encoding);
        client.open(
            &uri,
            "dockerfile",
            &text.replace("CMD python", "CMD  \"é\" && python"),
        );
        let d = summary(&client.diagnostics(&uri));
        let df012 = d.iter().find(|x| x.0 == "DF012").cloned();
        // `"é" && python app.py`: 21 bytes, 20 UTF-16 units.
        let (start, end) = if encoding == "utf-8" {
            (5, 26)
        } else {
            (5, 25)
        };
        assert_eq!(
            df012,
            Some(s("DF012", 5, start, 5, end)),
            "{encoding}: {d:?}"
        );
        assert_eq!(client.stop(), 0);
    }
}

#[test]
fn workspace_configuration_applies_and_is_watched() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("prodlint.toml"),
        "ignore = [\"DF004\", \"DF028\"]\n",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("svc")).expect("mkdir");
    let uri = uri_of(dir.path()) + "/svc/Dockerfile";
    let mut client = Client::start(Path::new("/"));
    client.initialize(
        dir.path(),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    // The server asks to be told when a configuration file changes.
    let register = client.wait(|m| m["method"] == "client/registerCapability");
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"],
        json!([
            {"globPattern": "**/prodlint.toml"},
            {"globPattern": "**/.prodlint.toml"},
            {"globPattern": "**/pyproject.toml"}
        ])
    );
    client.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));

    client.open(&uri, "dockerfile", BAD);
    assert_eq!(
        codes(&client.diagnostics(&uri)),
        ["DF001", "DF006", "DF012"]
    );

    // A broken configuration, changed outside the editor: shown once, and
    // the defaults apply.
    std::fs::write(dir.path().join("prodlint.toml"), "ignore = [\n").expect("write");
    let config_uri = uri_of(dir.path()) + "/prodlint.toml";
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let shown = client.wait(|m| m["method"] == "window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("prodlint: "), "{message}");
    assert!(message.contains("prodlint.toml"), "{message}");
    assert!(
        message.ends_with("(using the default configuration)"),
        "{message}"
    );
    assert_eq!(client.diagnostics(&uri).len(), 5);

    // Mended and saved from the editor.
    std::fs::write(dir.path().join("prodlint.toml"), "ignore = [\"DF\"]\n").expect("write");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), Vec::<String>::new());
    assert_eq!(client.stop(), 0);
}

#[test]
fn malformed_messages_get_errors_and_the_server_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::start(dir.path());

    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "before initialize: {early}");

    client.send_raw(b"{this is not json");
    let e = client.wait(|m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(e["error"]["code"], -32700);
    client.send_raw(b"[1, 2, 3]");
    let e = client.wait(|m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(e["error"]["code"], -32600);

    client.initialize(dir.path(), json!({}));
    let unknown = client.request("textDocument/formatting", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let bad = client.request("textDocument/hover", json!({"position": "here"}));
    assert_eq!(bad["error"]["code"], -32602);
    // A notification with bad parameters is dropped; a binary document is
    // reported, not a crash.
    client.notify("textDocument/didOpen", json!({"textDocument": 7}));
    let uri = uri_of(dir.path()) + "/Dockerfile";
    client.open(&uri, "dockerfile", "FROM \u{0}\u{0}\u{0}\n");
    let d = client.diagnostics(&uri);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "PL003");

    // Still serving.
    let again = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert!(again.get("error").is_none(), "{again}");
    assert_eq!(client.stop(), 0);
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().expect("exit").code(), Some(1));
}

/// Hostile input never takes the server down: bytes that are not UTF-8, a
/// bad length, an endless header line, edits outside the document or
/// backwards, requests about documents never opened, a deeply nested file.
#[test]
fn hostile_input_is_answered_and_the_server_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}));

    client.send_raw(&[0xff, 0xfe, 0x00, 0x80, b'{']);
    let e = client.wait(|m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(e["error"]["code"], -32700);
    let header = format!(
        "Content-Length: -5\r\nX-Long: {}\r\n\r\n",
        "a".repeat(100_000)
    );
    client.stdin.write_all(header.as_bytes()).expect("write");
    let e = client.wait(|m| m["id"].is_null() && m.get("error").is_some());
    assert_eq!(e["error"]["code"], -32700);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Content-Length"),
        "{e}"
    );

    let uri = uri_of(dir.path()) + "/.github/workflows/ci.yml";
    let nested = format!(
        "on: push\njobs: {}{}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    client.open(&uri, "yaml", &nested);
    let d = client.diagnostics(&uri);
    assert!(
        d.iter()
            .all(|x| x["code"].as_str().is_some_and(|c| c.starts_with("PL"))),
        "{d:?}"
    );

    // Edits past the end and backwards are clamped, not a crash.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [
                {"text": "on: push\n"},
                {"range": {"start": {"line": 1000, "character": 5}, "end": {"line": 2000, "character": 0}}, "text": "jobs: {}\n"},
                {"range": {"start": {"line": 0, "character": 9}, "end": {"line": 0, "character": 2}}, "text": ""}
            ]
        }),
    );
    client.diagnostics(&uri);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///never/opened", "version": 1}, "contentChanges": [{"text": "x"}]}),
    );
    let r = client.code_actions("file:///never/opened", (0, 0), (0, 0), &[]);
    assert_eq!(r, Vec::<Value>::new());
    let r = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4_000_000_000u64, "character": 4_000_000_000u64}}),
    );
    assert_eq!(r["result"], Value::Null);
    assert_eq!(client.stop(), 0);
}

/// A long-lived server asks git again after a save: an env file added to
/// the index becomes a committed one (EN024).
#[test]
fn what_git_tracks_is_asked_again_after_a_save() {
    let dir = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !git(&["init", "-q"]) {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    std::fs::write(dir.path().join(".gitignore"), ".env\n").expect("write");
    let text = "DB_PASSWORD=Tr0ub4dor-and-3-horses\n";
    std::fs::write(dir.path().join(".env"), text).expect("write");
    let uri = uri_of(dir.path()) + "/.env";
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}));
    client.open(&uri, "dotenv", text);
    let before = codes(&client.diagnostics(&uri));
    assert!(!before.contains(&"EN024".to_string()), "{before:?}");
    assert!(git(&["add", "-f", ".env"]));
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let diagnostics = client.diagnostics(&uri);
    // Never the secret itself, in any message.
    let all = serde_json::to_string(&diagnostics).unwrap_or_default();
    assert!(!all.contains("Tr0ub4dor"), "{all}");
    let after = codes(&diagnostics);
    assert_eq!(after, ["EN024", "SE004"]);
    // Only EN024 is new.
    assert_eq!(before, ["SE004"]);
    assert_eq!(client.stop(), 0);
}

/// Secrets never reach the editor outside the code-action edits that go
/// back to it (an edit must hold the real text): not in diagnostics, their
/// related information, action titles or hovers.
#[test]
fn the_editor_never_sees_a_secret_outside_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("Dockerfile");
    // Built from parts so that no scanner flags this source file.
    let key = format!("sk_{}_{}", "live", "Q7vT2mXk9LpR4sWz8NbY3cHd");
    let text =
        format!("FROM python:3.12-slim\nUSER app\nCMD gunicorn app:app --env STRIPE_KEY={key}\n");
    std::fs::write(&file, &text).expect("write");
    let uri = uri_of(&file);
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}));
    client.open(&uri, "dockerfile", &text);
    let diagnostics = client.diagnostics(&uri);
    assert!(
        codes(&diagnostics).contains(&"SE001".to_string()),
        "{diagnostics:?}"
    );
    let tail = &key[8..];
    assert!(!Value::Array(diagnostics).to_string().contains(tail));
    let actions = client.code_actions(&uri, (2, 0), (2, 10), &[]);
    let mut edits_seen = false;
    for action in &actions {
        let mut shown = action.clone();
        if let Some(edit) = shown.get_mut("edit") {
            edits_seen |= edit.to_string().contains(&key);
            *edit = Value::Null;
        }
        assert!(!shown.to_string().contains(tail), "{shown}");
    }
    assert!(
        edits_seen,
        "the rewrite of the CMD line carries the real text back"
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 30}}),
    );
    assert!(!hover.to_string().contains(tail), "{hover}");
    assert_eq!(client.stop(), 0);
}

/// Inputs that once took the server tens of seconds per change (a run of
/// token prefixes, key headers without an END line) are answered within
/// the client's wait, and a hover right after is too.
#[test]
fn hostile_documents_do_not_block_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}));
    let prefix = format!("xo{}-a", "xb");
    let header = format!("-----BEGIN RSA {} KEY-----\n", "PRIVATE");
    let cases = [
        ("a.env", "dotenv", format!("A={}\n", prefix.repeat(30_000))),
        ("b.env", "dotenv", format!("B={}\n", "eyJa".repeat(40_000))),
        ("c.env", "dotenv", header.repeat(20_000)),
    ];
    for (name, language, text) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, &text).expect("write");
        let uri = uri_of(&file);
        client.open(&uri, language, &text);
        let _ = client.diagnostics(&uri);
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}),
        );
        assert!(hover.get("error").is_none(), "{hover}");
    }
    assert_eq!(client.stop(), 0);
}

/// Opens a gunicorn configuration with sync workers in `dir` (a project
/// that does not depend on FastAPI yet: no PM001).
fn open_sync_worker_config(dir: &Path) -> (Client, String) {
    let config =
        "bind = \"0.0.0.0:8000\"\nworkers = 4\nworker_class = \"sync\"\naccesslog = \"-\"\n";
    let file = dir.join("gunicorn.conf.py");
    std::fs::write(&file, config).expect("write");
    let uri = uri_of(&file);
    let mut client = Client::start(dir);
    client.initialize(dir, json!({}));
    client.open(&uri, "python", config);
    assert!(!codes(&client.diagnostics(&uri)).contains(&"PM001".to_string()));
    (client, uri)
}

/// What the project depends on is read again when a dependency file
/// changes: adding FastAPI to `pyproject.toml` makes sync workers a
/// finding without restarting the server.
#[test]
fn an_edited_pyproject_is_seen_without_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pyproject = dir.path().join("pyproject.toml");
    std::fs::write(
        &pyproject,
        "[project]\nname = \"svc\"\ndependencies = [\"gunicorn\"]\n",
    )
    .expect("write");
    let (mut client, uri) = open_sync_worker_config(dir.path());
    std::fs::write(
        &pyproject,
        "[project]\nname = \"svc\"\ndependencies = [\n  \"gunicorn\",\n  \"fastapi>=0.115\",\n]\n",
    )
    .expect("write");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&pyproject), "type": 2}]}),
    );
    assert!(codes(&client.diagnostics(&uri)).contains(&"PM001".to_string()));
    assert_eq!(client.stop(), 0);
}

/// A Python file that a Dockerfile's command names with `-c` is a
/// gunicorn configuration in the editor too, and its findings name the
/// launch in the Dockerfile as related information, with that file's URI.
#[test]
fn a_named_configuration_is_linted_with_its_launch_as_related() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("conf")).expect("mkdir");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nCMD [\"gunicorn\", \"-c\", \"conf/prod.py\", \"app:app\"]\n",
    )
    .expect("write");
    let config = "bind = \"0.0.0.0:8000\"\nworkers = 4\ntimeout = 0\naccesslog = \"-\"\n";
    let file = dir.path().join("conf/prod.py");
    std::fs::write(&file, config).expect("write");
    let uri = uri_of(&file);
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), json!({}));
    client.open(&uri, "python", config);
    let diagnostics = client.diagnostics(&uri);
    let pm004 = diagnostics
        .iter()
        .find(|d| d["code"] == "PM004")
        .unwrap_or_else(|| panic!("no PM004 in {diagnostics:?}"));
    assert_eq!(pm004["range"]["start"], json!({"line": 2, "character": 10}));
    let related = &pm004["relatedInformation"][0];
    assert_eq!(
        related["location"]["uri"],
        json!(uri_of(&dir.path().join("Dockerfile")))
    );
    assert_eq!(
        related["location"]["range"],
        json!({"start": {"line": 1, "character": 5}, "end": {"line": 1, "character": 48}})
    );
    assert_eq!(client.stop(), 0);
}

/// A save keeps the projects whose files are unchanged, and reads again
/// one whose file changed on disk: a requirements file edited outside the
/// editor (no watched-files notice) is seen at the next save.
#[test]
fn a_save_reads_again_what_changed_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reqs = dir.path().join("requirements.txt");
    std::fs::write(&reqs, "gunicorn\n").expect("write");
    let (mut client, uri) = open_sync_worker_config(dir.path());
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(!codes(&client.diagnostics(&uri)).contains(&"PM001".to_string()));
    std::fs::write(&reqs, "gunicorn\nfastapi>=0.115\n").expect("write");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(codes(&client.diagnostics(&uri)).contains(&"PM001".to_string()));
    assert_eq!(client.stop(), 0);
}
