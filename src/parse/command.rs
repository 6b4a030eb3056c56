//! Server command lines: one analyser for every place a server starts
//! (a Dockerfile CMD, a Procfile line, supervisord `command=`, systemd
//! `ExecStart=`, `GUNICORN_CMD_ARGS`, later compose and Kubernetes). It
//! reads gunicorn, uvicorn, hypercorn and `fastapi run|dev` argv through
//! their wrappers, and keeps every flag's and value's span.

use crate::parse::offsets::OffsetMap;
use crate::parse::shell::{self, Script, Word};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Gunicorn,
    Uvicorn,
    Hypercorn,
    /// Granian (Rust HTTP server for ASGI, RSGI and WSGI apps).
    Granian,
    FastApiRun,
    FastApiDev,
    Supervisord,
    /// `flask run`: Werkzeug's development server.
    FlaskRun,
    /// `manage.py runserver`, `django-admin runserver`.
    DjangoRunserver,
}

impl Server {
    pub fn name(self) -> &'static str {
        match self {
            Server::Gunicorn => "gunicorn",
            Server::Uvicorn => "uvicorn",
            Server::Hypercorn => "hypercorn",
            Server::Granian => "granian",
            Server::FastApiRun => "fastapi run",
            Server::FastApiDev => "fastapi dev",
            Server::Supervisord => "supervisord",
            Server::FlaskRun => "flask run",
            Server::DjangoRunserver => "runserver",
        }
    }

    /// Started through a subcommand that decides what runs.
    fn has_subcommand(self) -> bool {
        matches!(
            self,
            Server::FastApiRun | Server::FastApiDev | Server::FlaskRun | Server::DjangoRunserver
        )
    }

    /// The host the server listens on when none is given.
    pub fn default_host(self) -> Option<&'static str> {
        match self {
            // gunicorn binds 0.0.0.0:$PORT when PORT is set: callers check.
            Server::Gunicorn
            | Server::Uvicorn
            | Server::Hypercorn
            | Server::Granian
            | Server::FastApiDev => Some("127.0.0.1"),
            Server::FastApiRun => Some("0.0.0.0"),
            Server::FlaskRun | Server::DjangoRunserver => Some("127.0.0.1"),
            Server::Supervisord => None,
        }
    }
}

/// One option given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    /// The setting it sets, in the server's own spelling (`workers`,
    /// `worker_class`, `timeout_graceful_shutdown`, …).
    pub setting: &'static str,
    /// The flag word as written (`-w4` and `--workers=4` included).
    pub flag: Word,
    /// The value, with its own span where the text allows it.
    pub value: Option<Word>,
}

impl Opt {
    /// Where a finding about the value points: the value, else the flag.
    pub fn value_span(&self) -> Span {
        self.value.as_ref().map_or(self.flag.span, |v| v.span)
    }

    pub fn value_text(&self) -> Option<&str> {
        self.value.as_ref().map(|v| v.text.as_str())
    }
}

/// A server started by a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCommand {
    pub server: Server,
    /// The word naming the server (`gunicorn`, the module after `-m`,
    /// `fastapi`).
    pub program: Word,
    /// `run`/`dev` of fastapi and flask, `runserver` of Django.
    pub subcommand: Option<Word>,
    pub options: Vec<Opt>,
    /// Arguments that are not options (the application).
    pub args: Vec<Word>,
    /// `NAME=value` given before the server (`env`, shell assignments).
    pub env: Vec<Word>,
    /// From the first word of the command through its last.
    pub span: Span,
}

impl ServerCommand {
    /// The last option that sets `setting` (the one that wins).
    pub fn get(&self, setting: &str) -> Option<&Opt> {
        self.options.iter().rev().find(|o| o.setting == setting)
    }

    pub fn has(&self, setting: &str) -> bool {
        self.get(setting).is_some()
    }

    /// The word that makes this a development server, and why: a
    /// reloader flag, `fastapi dev`, `flask run`, `runserver`.
    pub fn dev_marker(&self) -> Option<(&Word, &'static str)> {
        let reload = self.get("reload").or_else(|| self.get("use_reloader"));
        let sub = self.subcommand.as_ref();
        match self.server {
            Server::Gunicorn | Server::Uvicorn | Server::Hypercorn | Server::Granian => {
                reload.map(|o| (&o.flag, "`--reload` restarts the server on file changes"))
            }
            Server::FastApiDev => sub.map(|w| (w, "`fastapi dev` is the development server")),
            Server::FlaskRun => sub.map(|w| (w, "`flask run` is Werkzeug's development server")),
            Server::DjangoRunserver => {
                sub.map(|w| (w, "`runserver` is Django's development server"))
            }
            Server::FastApiRun | Server::Supervisord => None,
        }
    }

    /// A variable set on the command line itself (`PORT=80 gunicorn …`).
    pub fn env_var(&self, name: &str) -> Option<&Word> {
        self.env
            .iter()
            .find(|w| w.text.split_once('=').is_some_and(|(k, _)| k == name))
    }
}

/// (flags, setting, takes a value)
type Spec = (&'static [&'static str], &'static str, bool);

const GUNICORN: &[Spec] = &[
    (&["-c", "--config"], "config", true),
    (&["-b", "--bind"], "bind", true),
    (&["--backlog"], "backlog", true),
    (&["-w", "--workers"], "workers", true),
    (&["-k", "--worker-class"], "worker_class", true),
    (&["--threads"], "threads", true),
    (&["--worker-connections"], "worker_connections", true),
    (&["--max-requests"], "max_requests", true),
    (&["--max-requests-jitter"], "max_requests_jitter", true),
    (&["-t", "--timeout"], "timeout", true),
    (&["--graceful-timeout"], "graceful_timeout", true),
    (&["--keep-alive"], "keepalive", true),
    (&["--limit-request-line"], "limit_request_line", true),
    (&["--limit-request-fields"], "limit_request_fields", true),
    (
        &["--limit-request-field_size"],
        "limit_request_field_size",
        true,
    ),
    (&["--reload"], "reload", false),
    (&["--reload-engine"], "reload_engine", true),
    (&["--reload-extra-file"], "reload_extra_files", true),
    (&["--spew"], "spew", false),
    (&["--check-config"], "check_config", false),
    (&["--print-config"], "print_config", false),
    (&["--preload"], "preload_app", false),
    (&["--no-sendfile"], "sendfile", false),
    (&["--reuse-port"], "reuse_port", false),
    (&["--chdir"], "chdir", true),
    (&["-D", "--daemon"], "daemon", false),
    (&["-e", "--env"], "raw_env", true),
    (&["-p", "--pid"], "pidfile", true),
    (&["--worker-tmp-dir"], "worker_tmp_dir", true),
    (&["-u", "--user"], "user", true),
    (&["-g", "--group"], "group", true),
    (&["-m", "--umask"], "umask", true),
    (&["--initgroups"], "initgroups", false),
    (&["--forwarded-allow-ips"], "forwarded_allow_ips", true),
    (&["--access-logfile"], "accesslog", true),
    (
        &["--disable-redirect-access-to-syslog"],
        "disable_redirect_access_to_syslog",
        false,
    ),
    (&["--access-logformat"], "access_log_format", true),
    (&["--error-logfile", "--log-file"], "errorlog", true),
    (&["--log-level"], "loglevel", true),
    (&["--capture-output"], "capture_output", false),
    (&["--logger-class"], "logger_class", true),
    (&["--log-config"], "logconfig", true),
    (&["--log-config-json"], "logconfig_json", true),
    (&["--log-syslog-to"], "syslog_addr", true),
    (&["--log-syslog"], "syslog", false),
    (&["--log-syslog-prefix"], "syslog_prefix", true),
    (&["--log-syslog-facility"], "syslog_facility", true),
    (
        &["-R", "--enable-stdio-inheritance"],
        "enable_stdio_inheritance",
        false,
    ),
    (&["--statsd-host"], "statsd_host", true),
    (&["--dogstatsd-tags"], "dogstatsd_tags", true),
    (&["--statsd-prefix"], "statsd_prefix", true),
    (&["-n", "--name"], "proc_name", true),
    (&["--pythonpath"], "pythonpath", true),
    (&["--paste", "--paster"], "paste", true),
    (&["--proxy-protocol"], "proxy_protocol", false),
    (&["--proxy-allow-from"], "proxy_allow_ips", true),
    (&["--keyfile"], "keyfile", true),
    (&["--certfile"], "certfile", true),
    (&["--ssl-version"], "ssl_version", true),
    (&["--cert-reqs"], "cert_reqs", true),
    (&["--ca-certs"], "ca_certs", true),
    (&["--suppress-ragged-eofs"], "suppress_ragged_eofs", false),
    (
        &["--do-handshake-on-connect"],
        "do_handshake_on_connect",
        false,
    ),
    (&["--ciphers"], "ciphers", true),
    (&["--paste-global"], "raw_paste_global_conf", true),
    (&["--strip-header-spaces"], "strip_header_spaces", false),
    (
        &["--permit-unconventional-http-method"],
        "permit_unconventional_http_method",
        false,
    ),
    (
        &["--permit-unconventional-http-version"],
        "permit_unconventional_http_version",
        false,
    ),
    (&["--casefold-http-method"], "casefold_http_method", false),
    (&["--header-map"], "header_map", true),
];

const UVICORN: &[Spec] = &[
    (&["--host"], "host", true),
    (&["--port"], "port", true),
    (&["--uds"], "uds", true),
    (&["--fd"], "fd", true),
    (&["--reload"], "reload", false),
    (&["--reload-dir"], "reload_dirs", true),
    (&["--reload-include"], "reload_includes", true),
    (&["--reload-exclude"], "reload_excludes", true),
    (&["--reload-delay"], "reload_delay", true),
    (&["--workers"], "workers", true),
    (&["--loop"], "loop", true),
    (&["--http"], "http", true),
    (&["--ws"], "ws", true),
    (&["--ws-max-size"], "ws_max_size", true),
    (&["--ws-max-queue"], "ws_max_queue", true),
    (&["--ws-ping-interval"], "ws_ping_interval", true),
    (&["--ws-ping-timeout"], "ws_ping_timeout", true),
    (
        &["--ws-per-message-deflate"],
        "ws_per_message_deflate",
        true,
    ),
    (&["--lifespan"], "lifespan", true),
    (&["--interface"], "interface", true),
    (&["--env-file"], "env_file", true),
    (&["--log-config"], "log_config", true),
    (&["--log-level"], "log_level", true),
    (&["--access-log"], "access_log", false),
    (&["--no-access-log"], "no_access_log", false),
    (&["--use-colors", "--no-use-colors"], "use_colors", false),
    (&["--proxy-headers"], "proxy_headers", false),
    (&["--no-proxy-headers"], "no_proxy_headers", false),
    (
        &["--server-header", "--no-server-header"],
        "server_header",
        false,
    ),
    (&["--date-header", "--no-date-header"], "date_header", false),
    (&["--forwarded-allow-ips"], "forwarded_allow_ips", true),
    (&["--root-path"], "root_path", true),
    (&["--limit-concurrency"], "limit_concurrency", true),
    (&["--backlog"], "backlog", true),
    (&["--limit-max-requests"], "limit_max_requests", true),
    (&["--timeout-keep-alive"], "timeout_keep_alive", true),
    (
        &["--timeout-graceful-shutdown"],
        "timeout_graceful_shutdown",
        true,
    ),
    (&["--ssl-keyfile"], "ssl_keyfile", true),
    (&["--ssl-certfile"], "ssl_certfile", true),
    (&["--ssl-keyfile-password"], "ssl_keyfile_password", true),
    (&["--ssl-version"], "ssl_version", true),
    (&["--ssl-cert-reqs"], "ssl_cert_reqs", true),
    (&["--ssl-ca-certs"], "ssl_ca_certs", true),
    (&["--ssl-ciphers"], "ssl_ciphers", true),
    (&["--header"], "headers", true),
    (&["--app-dir"], "app_dir", true),
    (
        &["--h11-max-incomplete-event-size"],
        "h11_max_incomplete_event_size",
        true,
    ),
    (&["--factory"], "factory", false),
];

/// granian's command line (`granian --interface asgi app.main:app`); the
/// settings carry uvicorn's names where they mean the same, so rules read
/// both alike. The graceful stop was `--workers-graceful-timeout` before
/// granian 2.3 and `--workers-kill-timeout` since.
const GRANIAN: &[Spec] = &[
    (&["--host"], "host", true),
    (&["--port"], "port", true),
    (&["--uds"], "uds", true),
    (&["--interface"], "interface", true),
    (&["--http"], "http", true),
    (&["--ws", "--no-ws"], "ws", false),
    (&["--workers"], "workers", true),
    (&["--blocking-threads"], "blocking_threads", true),
    (&["--runtime-threads", "--threads"], "threads", true),
    (
        &["--runtime-mode", "--threading-mode"],
        "threading_mode",
        true,
    ),
    (&["--loop"], "loop", true),
    (&["--task-impl"], "task_impl", true),
    (&["--backlog"], "backlog", true),
    (&["--backpressure"], "backpressure", true),
    (&["--log", "--no-log"], "log", false),
    (&["--log-level"], "log_level", true),
    (&["--log-config"], "log_config", true),
    (&["--access-log"], "access_log", false),
    (&["--no-access-log"], "no_access_log", false),
    (&["--access-log-fmt"], "access_log_format", true),
    (
        &["--ssl-certificate", "--ssl-certfile"],
        "ssl_certfile",
        true,
    ),
    (&["--ssl-keyfile"], "ssl_keyfile", true),
    (&["--ssl-keyfile-password"], "ssl_keyfile_password", true),
    (&["--url-path-prefix"], "root_path", true),
    (
        &["--respawn-failed-workers", "--no-respawn-failed-workers"],
        "respawn_failed_workers",
        false,
    ),
    (&["--respawn-interval"], "respawn_interval", true),
    (&["--workers-lifetime"], "workers_lifetime", true),
    (&["--workers-max-rss"], "workers_max_rss", true),
    (
        &["--workers-kill-timeout", "--workers-graceful-timeout"],
        "timeout_graceful_shutdown",
        true,
    ),
    (&["--factory", "--no-factory"], "factory", false),
    (&["--working-dir"], "working_dir", true),
    (&["--env-files"], "env_file", true),
    (&["--reload"], "reload", false),
    (&["--no-reload"], "no_reload", false),
    (&["--reload-paths"], "reload_dirs", true),
    (&["--reload-ignore-dirs"], "reload_ignore_dirs", true),
    (
        &["--reload-ignore-patterns"],
        "reload_ignore_patterns",
        true,
    ),
    (&["--reload-ignore-paths"], "reload_ignore_paths", true),
    (&["--process-name"], "process_name", true),
    (&["--pid-file"], "pid_file", true),
];

const HYPERCORN: &[Spec] = &[
    (&["-c", "--config"], "config", true),
    (&["-b", "--bind"], "bind", true),
    (&["--insecure-bind"], "insecure_bind", true),
    (&["--quic-bind"], "quic_bind", true),
    (&["-w", "--workers"], "workers", true),
    (&["-k", "--worker-class"], "worker_class", true),
    (&["--reload"], "use_reloader", false),
    (&["--graceful-timeout"], "graceful_timeout", true),
    (&["--keep-alive"], "keep_alive_timeout", true),
    (&["--read-timeout"], "read_timeout", true),
    (&["--max-requests"], "max_requests", true),
    (&["--max-requests-jitter"], "max_requests_jitter", true),
    (&["--access-logfile", "--access-log"], "accesslog", true),
    (&["--access-logformat"], "access_log_format", true),
    (
        &["--error-logfile", "--log-file", "--error-log"],
        "errorlog",
        true,
    ),
    (&["--log-config"], "logconfig", true),
    (&["--log-level"], "loglevel", true),
    (&["--root-path"], "root_path", true),
    (&["--server-name"], "server_names", true),
    (&["--statsd-host"], "statsd_host", true),
    (&["--statsd-prefix"], "statsd_prefix", true),
    (&["--backlog"], "backlog", true),
    (&["--ca-certs"], "ca_certs", true),
    (&["--certfile"], "certfile", true),
    (&["--keyfile"], "keyfile", true),
    (&["--keyfile-password"], "keyfile_password", true),
    (&["--ciphers"], "ciphers", true),
    (&["--verify-mode"], "verify_mode", true),
    (
        &["--websocket-ping-interval"],
        "websocket_ping_interval",
        true,
    ),
    (&["-g", "--group"], "group", true),
    (&["-u", "--user"], "user", true),
    (&["-m", "--umask"], "umask", true),
    (&["-p", "--pid"], "pid_path", true),
    (&["--debug"], "debug", false),
];

const FASTAPI: &[Spec] = &[
    (&["--host"], "host", true),
    (&["--port"], "port", true),
    (&["--reload"], "reload", false),
    (&["--no-reload"], "no_reload", false),
    (&["--workers"], "workers", true),
    (&["--root-path"], "root_path", true),
    (&["--app"], "app", true),
    (&["--entrypoint", "-e"], "entrypoint", true),
    (&["--proxy-headers"], "proxy_headers", false),
    (&["--no-proxy-headers"], "no_proxy_headers", false),
    (&["--forwarded-allow-ips"], "forwarded_allow_ips", true),
];

const SUPERVISORD: &[Spec] = &[
    (&["-c", "--configuration"], "configuration", true),
    (&["-n", "--nodaemon"], "nodaemon", false),
    (&["-s", "--silent"], "silent", false),
    (&["-u", "--user"], "user", true),
    (&["-m", "--umask"], "umask", true),
    (&["-d", "--directory"], "directory", true),
    (&["-l", "--logfile"], "logfile", true),
    (&["-y", "--logfile_maxbytes"], "logfile_maxbytes", true),
    (&["-z", "--logfile_backups"], "logfile_backups", true),
    (&["-e", "--loglevel"], "loglevel", true),
    (&["-j", "--pidfile"], "pidfile", true),
    (&["-i", "--identifier"], "identifier", true),
    (&["-q", "--childlogdir"], "childlogdir", true),
    (&["-k", "--nocleanup"], "nocleanup", false),
    (&["-a", "--minfds"], "minfds", true),
    (&["-t", "--strip_ansi"], "strip_ansi", false),
    (&["--minprocs"], "minprocs", true),
];

fn specs(server: Server) -> &'static [Spec] {
    match server {
        Server::Gunicorn => GUNICORN,
        Server::Uvicorn => UVICORN,
        Server::Hypercorn => HYPERCORN,
        Server::Granian => GRANIAN,
        Server::FastApiRun | Server::FastApiDev => FASTAPI,
        Server::Supervisord => SUPERVISORD,
        Server::FlaskRun | Server::DjangoRunserver => &[],
    }
}

/// Programs that run the command after them (with their own options).
const WRAPPERS: &[&str] = &[
    "exec",
    "nohup",
    "dumb-init",
    "tini",
    "tini-static",
    "gosu",
    "su-exec",
    "chpst",
    "setpriv",
    "env",
    "poetry",
    "uv",
    "pipenv",
    "pdm",
    "hatch",
    "rye",
    "ddtrace-run",
    "opentelemetry-instrument",
    "newrelic-admin",
    "doppler",
    "infisical",
];
/// Wrappers whose next word is their own argument, not the command.
const WRAPPERS_WITH_ARG: &[&str] = &["gosu", "su-exec"];
/// Subcommands of wrappers that then run the command.
const WRAPPER_SUBCOMMANDS: &[&str] = &["run", "run-program", "--"];

/// Does an exec-form ENTRYPOINT (`argv`) run the command its arguments
/// name, so that a shell-form CMD handed to it still runs? Yes for a
/// shell, a wrapper (`tini --`, `gosu app`, `doppler run --`, `sudo`),
/// anything given options of its own before the CMD (prodlint cannot
/// tell what they do), and what is named as an entrypoint script
/// (`docker-entrypoint.sh`, `/init`, `start`, `run.py`: they end `exec
/// "$@"`). No for a lone program (`ffmpeg`, `openvpn`): the shell's
/// command line becomes its options.
pub fn runs_its_arguments(argv: &[&str]) -> bool {
    const SHELLS_AND_RUNNERS: &[&str] = &[
        "sh",
        "bash",
        "ash",
        "dash",
        "zsh",
        "sudo",
        "timeout",
        "nice",
        "catatonit",
        "runuser",
        "s6-setuidgid",
        "xvfb-run",
    ];
    const SCRIPT_NAMES: &[&str] = &[
        "docker-entrypoint",
        "entrypoint",
        "entry",
        "start",
        "run",
        "init",
        "boot",
        "launch",
        "wrapper",
    ];
    let [program] = argv else {
        return true;
    };
    let name = base(program).to_ascii_lowercase();
    WRAPPERS.contains(&name.as_str())
        || SHELLS_AND_RUNNERS.contains(&name.as_str())
        || [".sh", ".bash", ".py", ".pl", ".rb", ".js"]
            .iter()
            .any(|e| name.ends_with(e))
        || SCRIPT_NAMES.iter().any(|p| name.starts_with(p))
}

fn base(word: &str) -> &str {
    // Asked of every word of every command: a plain scan from the end.
    match word.bytes().rposition(|b| b == b'/') {
        Some(i) => word.get(i + 1..).unwrap_or(word),
        None => word,
    }
}

/// `python`, `python3`, `python3.12`, `pypy3`, by path or name.
pub fn is_python(prog: &str) -> bool {
    let p = base(prog);
    p == "python"
        || p == "pypy3"
        || p.strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn server_named(name: &str) -> Option<Server> {
    match base(name) {
        "gunicorn" => Some(Server::Gunicorn),
        "uvicorn" => Some(Server::Uvicorn),
        "hypercorn" => Some(Server::Hypercorn),
        "granian" => Some(Server::Granian),
        "fastapi" => Some(Server::FastApiRun),
        "supervisord" => Some(Server::Supervisord),
        "flask" => Some(Server::FlaskRun),
        "django-admin" => Some(Server::DjangoRunserver),
        _ => None,
    }
}

/// The server an argv starts, if it starts one: wrappers, `python -m`
/// and `env NAME=value` are seen through.
pub fn analyse(argv: &[Word]) -> Option<ServerCommand> {
    let mut env = Vec::new();
    let mut i = 0;
    let mut skip_arg = false;
    while let Some(w) = argv.get(i) {
        let t = w.text.as_str();
        if skip_arg {
            skip_arg = false;
        } else if is_assignment(t) {
            env.push(w.clone());
        } else if WRAPPERS.contains(&base(t)) {
            skip_arg = WRAPPERS_WITH_ARG.contains(&base(t));
        } else if (i > 0 && t.starts_with('-')) || WRAPPER_SUBCOMMANDS.contains(&t) {
            // A wrapper's option or subcommand.
            skip_arg = i > 0 && matches!(t, "-u" | "--user" | "-U");
        } else if is_python(t) {
            let rest = &argv[i + 1..];
            if let Some(script) = rest.iter().position(|w| !w.text.starts_with('-'))
                && rest[script].text.ends_with("manage.py")
            {
                return Some(build(
                    Server::DjangoRunserver,
                    &rest[script],
                    &rest[script + 1..],
                    argv,
                    env,
                ))
                .filter(|c| c.subcommand.is_some());
            }
            let m = rest.iter().position(|w| w.text == "-m")? + i + 1;
            let module = argv.get(m + 1)?;
            let server = server_named(&module.text)?;
            return Some(build(server, module, &argv[m + 2..], argv, env))
                .filter(|c| c.subcommand.is_some() || !c.server.has_subcommand());
        } else {
            let server = server_named(t)?;
            return Some(build(server, w, &argv[i + 1..], argv, env))
                .filter(|c| c.subcommand.is_some() || !c.server.has_subcommand());
        }
        i += 1;
    }
    None
}

fn is_assignment(t: &str) -> bool {
    t.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !k.starts_with(|c: char| c.is_ascii_digit())
    })
}

fn build(
    server: Server,
    program: &Word,
    rest: &[Word],
    argv: &[Word],
    env: Vec<Word>,
) -> ServerCommand {
    let mut server = server;
    let mut rest = rest;
    let mut subcommand = None;
    if server.has_subcommand() {
        // `fastapi run|dev`, `flask run`, `runserver`: the subcommand decides.
        if let Some(sub) = rest.iter().position(|w| !w.text.starts_with('-')) {
            let word = &rest[sub];
            let known = match (server, word.text.as_str()) {
                (Server::FastApiRun, "dev") => Some(Server::FastApiDev),
                (Server::FastApiRun, "run") => Some(Server::FastApiRun),
                (Server::FlaskRun, "run") => Some(Server::FlaskRun),
                (Server::DjangoRunserver, "runserver") => Some(Server::DjangoRunserver),
                _ => None,
            };
            if let Some(k) = known {
                server = k;
                subcommand = Some(word.clone());
            }
            rest = &rest[sub + 1..];
        }
    }
    let (options, args) = options(server, rest);
    let span = argv
        .first()
        .map_or(program.span, |f| f.span)
        .cover(argv.last().map_or(program.span, |l| l.span));
    ServerCommand {
        server,
        program: program.clone(),
        subcommand,
        options,
        args,
        env,
        span,
    }
}

/// Options for `server` read from `words` (a command's arguments, or the
/// words of `GUNICORN_CMD_ARGS`), and the other arguments.
pub fn options(server: Server, words: &[Word]) -> (Vec<Opt>, Vec<Word>) {
    let table = specs(server);
    let mut opts = Vec::new();
    let mut args = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        i += 1;
        let t = w.text.as_str();
        if t == "--" {
            args.extend(words[i..].iter().cloned());
            break;
        }
        if !t.starts_with('-') || t == "-" {
            args.push(w.clone());
            continue;
        }
        if let Some((flag, value)) = t.split_once('=').filter(|_| t.starts_with("--")) {
            if let Some(&(_, setting, _)) = table.iter().find(|s| s.0.contains(&flag)) {
                let v = sub_word(w, flag.len() + 1, value);
                opts.push(Opt {
                    setting,
                    flag: w.clone(),
                    value: Some(v),
                });
            }
            continue;
        }
        if let Some(&(_, setting, takes)) = table.iter().find(|s| s.0.contains(&t)) {
            let value = if takes {
                let v = words.get(i).cloned();
                i += 1;
                v
            } else {
                None
            };
            opts.push(Opt {
                setting,
                flag: w.clone(),
                value,
            });
            continue;
        }
        // A short flag with its value attached: `-w4`, `-kuvicorn…`.
        if !t.starts_with("--") && t.len() > 2 && t.is_char_boundary(2) {
            let (flag, value) = t.split_at(2);
            if let Some(&(_, setting, true)) = table.iter().find(|s| s.0.contains(&flag)) {
                opts.push(Opt {
                    setting,
                    flag: w.clone(),
                    value: Some(sub_word(w, 2, value)),
                });
            }
        }
    }
    (opts, args)
}

/// The part of `w` from byte `at` of its text: its own span when the
/// text is the source verbatim, else the whole word's span.
fn sub_word(w: &Word, at: usize, text: &str) -> Word {
    let verbatim = w.span.len() == w.text.len();
    let span = if verbatim {
        Span::new(w.span.start + at, w.span.end)
    } else {
        w.span
    };
    Word {
        text: text.to_string(),
        span,
        quoted: w.quoted,
        dynamic: w.dynamic,
    }
}

/// Servers a shell script starts, looking inside `sh -c "…"` too.
/// `raw` gives the source text of a span (to map the inner script).
pub fn in_script(script: &Script, raw: &dyn Fn(Span) -> String) -> Vec<ServerCommand> {
    let mut out = Vec::new();
    collect(script, raw, 0, &mut out);
    out
}

fn collect(
    script: &Script,
    raw: &dyn Fn(Span) -> String,
    depth: usize,
    out: &mut Vec<ServerCommand>,
) {
    for cmd in &script.commands {
        let mut argv = cmd.assignments.clone();
        argv.extend(cmd.argv.iter().cloned());
        if depth < 4
            && let Some(inner) = shell_c(&cmd.without_wrappers().argv, raw)
        {
            collect(&inner, raw, depth + 1, out);
            continue;
        }
        out.extend(analyse(&argv));
    }
}

/// Servers an exec-form argv starts (`["gunicorn", …]`, or `["sh", "-c", "…"]`).
/// The servers the final image of a Dockerfile starts: an exec-form
/// ENTRYPOINT takes the exec-form CMD as its arguments (`ENTRYPOINT
/// ["python3"]` and `CMD ["manage.py", "runserver"]` are one process);
/// otherwise each of the two is read on its own.
pub fn in_dockerfile(
    df: &crate::parse::dockerfile::Dockerfile,
    raw: &dyn Fn(Span) -> String,
) -> Vec<ServerCommand> {
    in_target(df, None, raw)
}

/// The servers the image a build targets starts (`None`: the final
/// stage), as [`in_dockerfile`] reads the final one.
pub fn in_target(
    df: &crate::parse::dockerfile::Dockerfile,
    target: Option<&str>,
    raw: &dyn Fn(Span) -> String,
) -> Vec<ServerCommand> {
    use crate::parse::dockerfile::{Command, Keyword};
    let entry = df
        .target_last(target, Keyword::Entrypoint)
        .and_then(|i| i.command());
    let cmd = df
        .target_last(target, Keyword::Cmd)
        .and_then(|i| i.command());
    if let (Some(Command::Exec { argv: e, .. }), Some(Command::Exec { argv: c, .. })) = (entry, cmd)
    {
        let joined: Vec<Word> = e.iter().chain(c).cloned().collect();
        let commands = in_argv(&joined, raw);
        if !commands.is_empty() {
            return commands;
        }
    }
    [entry, cmd]
        .into_iter()
        .flatten()
        .flat_map(|c| match c {
            Command::Exec { argv, .. } => in_argv(argv, raw),
            Command::Shell { script, .. } => in_script(script, raw),
        })
        .collect()
}

pub fn in_argv(argv: &[Word], raw: &dyn Fn(Span) -> String) -> Vec<ServerCommand> {
    if let Some(inner) = shell_c(argv, raw) {
        return in_script(&inner, raw);
    }
    analyse(argv).into_iter().collect()
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// Is this program (`/bin/sh`, `bash`) a POSIX-style shell?
pub fn is_shell(program: &str) -> bool {
    SHELLS.contains(&base(program))
}

/// Does `shell -c "script"` end by replacing itself with the script's
/// last command, so that the command is PID 1 and receives SIGTERM?
/// (`body` is the script's text.) Checked on the shells themselves:
/// - bash (5.1 and later: Debian bullseye, Ubuntu 22.04 and newer) execs
///   the last command of a plain list (`a && b`, `a; b`): bash 5.2 leaves
///   `sleep` as the process of `bash -c 'true && sleep 2'`;
/// - BusyBox's ash (`/bin/sh` of Alpine and BusyBox images) execs the last
///   command of a plain list too (`a && b`, `a; b`, `a || b`; BusyBox
///   1.35 leaves `sleep` as the process of `sh -c 'true && sleep 1'`, and
///   the shell as the parent of `sh -c 'sleep 1 | cat'`);
/// - dash (`/bin/sh` of Debian and Ubuntu images, python and node and
///   their `-slim` variants included) never does: dash 0.5.12 keeps
///   `sleep` as the child of `dash -c 'sleep 2'`.
///
/// `alpine`: whether the image's `/bin/sh` is BusyBox.
pub fn shell_execs_last(shell: &str, alpine: bool, script: &Script, body: &str) -> bool {
    // No compound command, no trap (which keeps the shell to run it);
    // expansions (`$HOSTNAME`, `${PORT}`, `$(nproc)`) do not stop the
    // shell from exec'ing, so their braces and parentheses are not groups.
    let body = body.replace("${", "$").replace("$(", "$");
    let compound = [
        "while ", "until ", "for ", "if ", "case ", "(", "{", "trap ",
    ]
    .iter()
    .any(|k| body.contains(k));
    let single = script.commands.len() == 1
        && script.commands[0].next.is_none()
        && script.commands[0].redirects.is_empty()
        && !compound;
    use crate::parse::shell::Connector;
    // A plain list: every link `&&` or `;` (or `||`, for BusyBox).
    let plain_list = |or: bool| {
        !script.commands.is_empty()
            && !compound
            && script.commands.iter().all(|c| match c.next {
                None | Some(Connector::And | Connector::Seq) => true,
                Some(Connector::Or) => or,
                _ => false,
            })
    };
    match base(shell) {
        "bash" => single || plain_list(false),
        "ash" | "busybox" => single || plain_list(true),
        "sh" => alpine && (single || plain_list(true)),
        _ => false,
    }
}

/// Commands that apply database migrations: the schema changes, once.
const MIGRATIONS: &[&[&str]] = &[
    &["alembic", "upgrade"],
    &["manage.py", "migrate"],
    &["django-admin", "migrate"],
    &["flask", "db", "upgrade"],
    &["aerich", "upgrade"],
    &["yoyo", "apply"],
    &["piccolo", "migrations", "forwards"],
];

/// Does this command text run database migrations (`alembic upgrade
/// head`, `python manage.py migrate`, `flask db upgrade`)? Words are
/// compared by their last path component, in order, allowing options
/// between them.
pub fn runs_migrations(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '"' | '\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .collect();
    MIGRATIONS.iter().any(|seq| {
        words.iter().enumerate().any(|(i, w)| {
            // The subcommand's words follow within a few words (options
            // and their values between: `alembic -c prod.ini upgrade`).
            *w == seq[0] && {
                let mut rest = words.iter().skip(i + 1).take(4);
                seq[1..].iter().all(|s| rest.any(|w| w == s))
            }
        })
    })
}

#[cfg(test)]
#[test]
fn migrations_are_seen_in_commands() {
    assert!(runs_migrations(
        "alembic upgrade head && exec gunicorn app:app"
    ));
    assert!(runs_migrations("alembic -c prod.ini upgrade head"));
    assert!(runs_migrations(
        "sh -c 'python /app/manage.py migrate --noinput; gunicorn'"
    ));
    assert!(runs_migrations("flask db upgrade"));
    assert!(!runs_migrations("alembic revision --autogenerate"));
    assert!(!runs_migrations("gunicorn app:app"));
}

/// Is `/bin/sh` of this image BusyBox (an Alpine or BusyBox image)?
pub fn image_has_busybox_sh(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let repo = lower.split(['@', ':']).next().unwrap_or(&lower);
    let name = repo.rsplit('/').next().unwrap_or(repo);
    name == "alpine" || name == "busybox" || lower.contains("alpine")
}

/// `sh -c "script"`: the script, parsed, with spans into the file where
/// the source holds it verbatim (bare, or in plain quotes).
pub fn shell_c(argv: &[Word], raw: &dyn Fn(Span) -> String) -> Option<Script> {
    Some(parse_word(shell_c_body(argv)?, raw))
}

/// The script word of `sh -c "script"` (also `-ec`, `-xc`), when `argv`
/// starts a shell that way.
pub fn shell_c_body(argv: &[Word]) -> Option<&Word> {
    let prog = base(&argv.first()?.text);
    if !SHELLS.contains(&prog) {
        return None;
    }
    let c = argv.iter().position(|w| {
        w.text == "-c"
            || (w.text.starts_with('-') && w.text.ends_with('c') && !w.text.starts_with("--"))
    })?;
    argv.get(c + 1)
}

/// Parses the text of `word` as shell, mapping offsets into the file.
pub fn parse_word(word: &Word, raw: &dyn Fn(Span) -> String) -> Script {
    let src = raw(word.span);
    let start = if src == word.text {
        Some(word.span.start)
    } else {
        let quoted = ['"', '\'']
            .iter()
            .any(|q| src.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)) == Some(&word.text));
        quoted.then_some(word.span.start + 1)
    };
    let map = match start {
        Some(s) => OffsetMap::contiguous(s, word.text.len()),
        None => {
            // Escapes make offsets drift: point every word at the whole value.
            let mut m = OffsetMap::default();
            m.push(0, word.span.start, 0);
            m
        }
    };
    shell::parse(&word.text, &map)
}

/// The words of a setting value that holds command-line arguments
/// (`GUNICORN_CMD_ARGS`), with spans from `map`.
pub fn words_of(text: &str, map: &OffsetMap) -> Vec<Word> {
    shell::parse(text, map)
        .commands
        .into_iter()
        .flat_map(|c| c.assignments.into_iter().chain(c.argv))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Word> {
        words_of(text, &OffsetMap::contiguous(0, text.len()))
    }

    fn cmd(text: &str) -> ServerCommand {
        analyse(&words(text)).unwrap_or_else(|| panic!("no server in {text}"))
    }

    #[test]
    fn gunicorn_spellings() {
        let c = cmd(
            "gunicorn -w4 --worker-class=uvicorn.workers.UvicornWorker -b 0.0.0.0:8000 app:app",
        );
        assert_eq!(c.server, Server::Gunicorn);
        assert_eq!(c.get("workers").and_then(Opt::value_text), Some("4"));
        assert_eq!(
            c.get("workers").map(Opt::value_span),
            Some(Span::new(11, 12))
        );
        let k = c.get("worker_class").map(Opt::value_span);
        assert_eq!(k, Some(Span::new(28, 57)));
        assert_eq!(
            c.get("bind").and_then(Opt::value_text),
            Some("0.0.0.0:8000")
        );
        assert_eq!(c.args.len(), 1);
        assert_eq!(
            cmd("gunicorn -t 0 app")
                .get("timeout")
                .and_then(Opt::value_text),
            Some("0")
        );
        assert!(cmd("gunicorn --reload app").has("reload"));
        assert!(cmd("gunicorn --preload app").has("preload_app"));
    }

    #[test]
    fn wrappers_and_modules() {
        for text in [
            "exec gunicorn app:app",
            "tini -- gunicorn app:app",
            "dumb-init -- gunicorn app:app",
            "gosu app gunicorn app:app",
            "poetry run gunicorn app:app",
            "uv run --frozen gunicorn app:app",
            "env PORT=80 gunicorn app:app",
            "python -m gunicorn app:app",
            "/usr/local/bin/python3.12 -u -m gunicorn app:app",
            "ddtrace-run gunicorn app:app",
            "newrelic-admin run-program gunicorn app:app",
        ] {
            assert_eq!(cmd(text).server, Server::Gunicorn, "{text}");
        }
        assert_eq!(
            cmd("env PORT=80 gunicorn app")
                .env_var("PORT")
                .map(|w| w.text.as_str()),
            Some("PORT=80")
        );
        assert!(analyse(&words("python app.py")).is_none());
        assert!(analyse(&words("echo gunicorn")).is_none());
    }

    #[test]
    fn uvicorn_and_fastapi() {
        let c = cmd("uvicorn app.main:app --host 0.0.0.0 --port 8000 --reload");
        assert_eq!(c.server, Server::Uvicorn);
        assert!(c.has("reload"));
        assert_eq!(c.get("host").and_then(Opt::value_text), Some("0.0.0.0"));
        assert_eq!(cmd("fastapi dev app/main.py").server, Server::FastApiDev);
        assert_eq!(cmd("fastapi run app/main.py").server, Server::FastApiRun);
        assert_eq!(
            cmd("hypercorn -b 0.0.0.0:80 app:app").server,
            Server::Hypercorn
        );
    }

    #[test]
    fn granian_reads_like_uvicorn() {
        let c = cmd(
            "granian --interface asgi --host 0.0.0.0 --workers 4 --workers-kill-timeout 20 app.main:app",
        );
        assert_eq!(c.server, Server::Granian);
        assert_eq!(c.get("host").and_then(Opt::value_text), Some("0.0.0.0"));
        assert_eq!(c.get("workers").and_then(Opt::value_text), Some("4"));
        assert_eq!(
            c.get("timeout_graceful_shutdown").and_then(Opt::value_text),
            Some("20")
        );
        assert!(cmd("python -m granian --reload app:app").has("reload"));
    }

    #[test]
    fn shells_that_exec_their_last_command() {
        let script = |t: &str| crate::parse::shell::parse(t, &OffsetMap::contiguous(0, t.len()));
        let one = "gunicorn app:app";
        let list = "migrate && gunicorn app:app";
        assert!(shell_execs_last("bash", false, &script(list), list));
        assert!(shell_execs_last("/bin/sh", true, &script(one), one));
        assert!(!shell_execs_last("/bin/sh", false, &script(one), one));
        // BusyBox (Alpine's `/bin/sh`) execs the last of a plain list too,
        // `||` included; a pipe keeps every shell.
        assert!(shell_execs_last("sh", true, &script(list), list));
        let or = "migrate || gunicorn app:app";
        assert!(shell_execs_last("sh", true, &script(or), or));
        assert!(!shell_execs_last("bash", false, &script(or), or));
        let piped = "gunicorn app:app | tee /log";
        assert!(!shell_execs_last("sh", true, &script(piped), piped));
        assert!(!shell_execs_last("sh", false, &script(list), list));
        let looped = "while true; do work; done";
        assert!(!shell_execs_last("bash", false, &script(looped), looped));
    }

    #[test]
    fn shell_c_inside() {
        let text = r#"sh -c "exec gunicorn -w 2 app:app""#;
        let raw = |s: Span| text.get(s.start..s.end).unwrap_or("").to_string();
        let found = in_argv(&words(text), &raw);
        assert_eq!(found.len(), 1);
        let w = found[0].get("workers").map(Opt::value_span);
        assert_eq!(w.map(|s| &text[s.start..s.end]), Some("2"));
    }
}
