//! PM: servers and process managers. Rules see gunicorn configuration
//! files, the servers that Dockerfiles, Procfiles, supervisord programs
//! and systemd units start, and those process managers' own settings.
//! Each rule overrides the hooks it needs; the others do nothing.

pub mod dev_files;
pub mod launch;
pub mod scripts;

mod pm001_sync_worker_for_asgi_app;
mod pm002_deprecated_uvicorn_worker;
mod pm003_reload_in_production;
mod pm004_timeout_disabled;
mod pm005_workers_from_host_cpus;
mod pm006_single_worker;
mod pm007_bind_localhost_in_container;
mod pm008_max_requests_without_jitter;
mod pm009_forwarded_allow_ips_wildcard;
mod pm010_access_log_missing;
mod pm011_keepalive_below_proxy_idle;
mod pm012_graceful_shutdown_unbounded;
mod pm013_unknown_gunicorn_setting;
mod pm020_supervisor_stop_signal;
mod pm021_supervisor_orphan_workers;
mod pm022_supervisor_stop_wait_short;
mod pm023_supervisor_runs_as_root;
mod pm024_supervisor_no_autorestart;
mod pm025_supervisor_stdout_seek;
mod pm026_supervisor_daemonizes_in_container;
mod pm030_systemd_no_restart;
mod pm031_systemd_runs_as_root;
mod pm032_systemd_stop_timeout_short;

use crate::config::Config;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Findings};
use crate::impl_meta;
use crate::parse::command::{Opt, Server};
use crate::parse::ini::{self, Ini, Section};
use crate::parse::procfile;
use crate::parse::python::{Assignment, Module, Value};
use crate::project::Project;
use crate::registry::RuleMeta;
use crate::rules::meta::{FileSkipped, ParseError};
use crate::rules::{DockerContext, Rule};
use crate::select::Selection;
use crate::source::{SourceFile, Span};
use launch::{Launch, Setting};

/// A gunicorn configuration file.
pub struct ConfigContext<'a> {
    pub file: &'a SourceFile,
    pub module: &'a Module,
    /// The project depends on FastAPI or Starlette (`None`: unknown).
    pub asgi: Option<bool>,
    /// The project builds a container image.
    pub containerized: bool,
    /// The file is meant for development.
    pub dev: bool,
    pub config: &'a Config,
}

/// A server, seen from the file being linted: the file that starts it,
/// or the gunicorn configuration it reads. A rule's `server` hook reports
/// what is written in that file (see [`LaunchContext::span_of`]): one
/// hook checks a setting wherever it is set, and each finding lands in
/// the file where its fix belongs.
pub struct LaunchContext<'a> {
    pub file: &'a SourceFile,
    pub launch: &'a Launch,
    pub asgi: Option<bool>,
    pub config: &'a Config,
    pub here: Here<'a>,
    /// A reverse proxy or load balancer is in front of the server: one
    /// starts beside it, the repository deploys one
    /// ([`Project::fronted_by_proxy`]), the server trusts a proxy's
    /// forwarded headers, or it runs where one always is
    /// ([`Launch::on_a_host_or_platform`]).
    pub proxied: bool,
}

/// Which of a server's files is being linted.
#[derive(Clone, Copy)]
pub enum Here<'a> {
    /// The file that starts it: its command line and the variables set
    /// beside it.
    Launcher,
    /// The gunicorn configuration it reads, with what is known of it
    /// (its module, whether the project runs in a container, whether the
    /// file is for development).
    Config(&'a ConfigContext<'a>),
}

impl LaunchContext<'_> {
    /// Where `s` is written in the file being linted: a flag or
    /// `GUNICORN_CMD_ARGS` in the launcher, an assignment (not under an
    /// `if`) in the configuration.
    pub fn span_of(&self, s: &Setting<'_>) -> Option<Span> {
        match (self.here, s) {
            (Here::Launcher, Setting::Flag(o) | Setting::EnvArgs(o)) => Some(o.value_span()),
            (Here::Config(_), Setting::Config(_, a)) if !a.conditional => Some(a.value_span),
            _ => None,
        }
    }

    /// The file being linted starts the server: findings about the
    /// command itself (a default it leaves) belong here.
    pub fn in_launcher(&self) -> bool {
        matches!(self.here, Here::Launcher)
    }
}

/// One `[program:x]` of a supervisord configuration.
pub struct Program<'a> {
    pub section: &'a Section,
    pub launches: Vec<Launch>,
}

pub struct SupervisorContext<'a> {
    pub file: &'a SourceFile,
    pub ini: &'a Ini,
    pub programs: Vec<Program<'a>>,
    pub config: &'a Config,
}

pub struct SystemdContext<'a> {
    pub file: &'a SourceFile,
    pub service: &'a Section,
    /// The servers its `ExecStart=` lines start (empty: not a server unit).
    pub launches: Vec<Launch>,
    pub config: &'a Config,
}

pub static RULES: &[&dyn Rule] = &[
    &pm001_sync_worker_for_asgi_app::SyncWorkerForAsgiApp,
    &pm002_deprecated_uvicorn_worker::DeprecatedUvicornWorker,
    &pm003_reload_in_production::ReloadInProduction,
    &pm004_timeout_disabled::TimeoutDisabled,
    &pm005_workers_from_host_cpus::WorkersFromHostCpus,
    &pm006_single_worker::SingleWorker,
    &pm007_bind_localhost_in_container::BindLocalhostInContainer,
    &pm008_max_requests_without_jitter::MaxRequestsWithoutJitter,
    &pm009_forwarded_allow_ips_wildcard::ForwardedAllowIpsWildcard,
    &pm010_access_log_missing::AccessLogMissing,
    &pm011_keepalive_below_proxy_idle::KeepaliveBelowProxyIdle,
    &pm012_graceful_shutdown_unbounded::GracefulShutdownUnbounded,
    &pm013_unknown_gunicorn_setting::UnknownGunicornSetting,
    &pm020_supervisor_stop_signal::SupervisorStopSignal,
    &pm021_supervisor_orphan_workers::SupervisorOrphanWorkers,
    &pm022_supervisor_stop_wait_short::SupervisorStopWaitShort,
    &pm023_supervisor_runs_as_root::SupervisorRunsAsRoot,
    &pm024_supervisor_no_autorestart::SupervisorNoAutorestart,
    &pm025_supervisor_stdout_seek::SupervisorStdoutSeek,
    &pm026_supervisor_daemonizes_in_container::SupervisorDaemonizesInContainer,
    &pm030_systemd_no_restart::SystemdNoRestart,
    &pm031_systemd_runs_as_root::SystemdRunsAsRoot,
    &pm032_systemd_stop_timeout_short::SystemdStopTimeoutShort,
];

fn enabled<'a>(selection: &'a Selection) -> impl Iterator<Item = &'static dyn Rule> + 'a {
    RULES
        .iter()
        .copied()
        .filter(|r| selection.is_enabled(r.meta().code))
}

pub fn run_launches(
    file: &SourceFile,
    launcher: &std::path::Path,
    launches: &[Launch],
    config: &Config,
    project: &Project,
    selection: &Selection,
    out: &mut Findings,
) {
    if launches.is_empty() {
        return;
    }
    let asgi = project.asgi(&crate::project::dir_of(&file.path));
    for l in launches {
        let cx = LaunchContext {
            file,
            launch: l,
            asgi,
            config,
            here: Here::Launcher,
            proxied: l.behind_local_proxy
                || l.trusts_forwarded()
                || l.on_a_host_or_platform()
                || project.fronted_by_proxy(launcher),
        };
        for rule in enabled(selection) {
            rule.server(&cx, out);
        }
    }
}

/// The PM rules over a Dockerfile: the servers its image starts.
pub fn check_dockerfile(cx: &DockerContext<'_>, selection: &Selection, out: &mut Findings) {
    let launches = launch::in_dockerfile(cx.dockerfile, cx.file, cx.project);
    run_launches(
        cx.file,
        &cx.file.path,
        &launches,
        cx.config,
        cx.project,
        selection,
        out,
    );
    for rule in enabled(selection) {
        rule.dockerfile_servers(cx, &launches, out);
    }
}

/// A gunicorn configuration file.
pub fn check_gunicorn(
    file: &SourceFile,
    module: &Module,
    config: &Config,
    project: &Project,
    selection: &Selection,
    out: &mut Findings,
) {
    if let Some(why) = &module.skipped {
        out.report(
            &FileSkipped::META,
            Span::empty(0),
            format!("not linted: {why}"),
        );
        return;
    }
    for e in &module.errors {
        out.report(
            &ParseError::META,
            e.span,
            format!("Python syntax error: {}", e.message),
        );
    }
    if let Some(l) = &module.limit {
        out.report(&FileSkipped::META, l.span, l.message.clone());
    }
    let dir = crate::project::dir_of(&file.path);
    let cx = ConfigContext {
        file,
        module,
        asgi: project.asgi(&dir),
        containerized: project.containerized(&dir),
        dev: dev_files::is_dev_file(&file.path),
        config,
    };
    let before = out.len();
    for rule in enabled(selection) {
        rule.gunicorn_config(&cx, out);
    }
    // The server hooks, once, from the configuration's side: what they
    // check there is the settings written in this file, whichever server
    // reads it (the launches are named below as related locations).
    let seen_as = launch::Launch::of_config(launch::ConfigFile::None, cx.containerized, cx.dev);
    let lcx = LaunchContext {
        file,
        launch: &seen_as,
        asgi: cx.asgi,
        config,
        here: Here::Config(&cx),
        // The configuration's own lint reports the values written there,
        // not defaults: what is in front of its servers is theirs to say.
        proxied: false,
    };
    for rule in enabled(selection) {
        rule.server(&lcx, out);
    }
    let sites = project.launched_by(&file.path);
    // The servers that read this file are where its settings take
    // effect: each finding names them (the first few).
    for f in out.kept_since_mut(before) {
        for s in sites.iter().take(MAX_SITES) {
            f.related.push(crate::diagnostic::Related {
                span: s.span,
                message: "a server started here reads this configuration".to_string(),
                file: Some(crate::diagnostic::Elsewhere(std::sync::Arc::clone(&s.file))),
            });
        }
    }
}

/// How many launch sites a configuration finding names.
const MAX_SITES: usize = 3;

fn report_ini_errors(ini: &Ini, out: &mut Findings) {
    for e in &ini.errors {
        out.report(&ParseError::META, e.span, e.message.clone());
    }
}

/// A supervisord configuration.
pub fn check_supervisor(
    file: &SourceFile,
    config: &Config,
    project: &Project,
    selection: &Selection,
    out: &mut Findings,
) {
    let ini = ini::parse(&file.text, ini::Dialect::Supervisor);
    report_ini_errors(&ini, out);
    let programs: Vec<Program<'_>> = ini
        .sections
        .iter()
        .filter(|s| s.name.starts_with("program:"))
        .map(|s| Program {
            section: s,
            launches: launch::in_supervisor_program(s, file, project),
        })
        .collect();
    let proxy = ini
        .sections
        .iter()
        .filter(|s| s.name.starts_with("program:"))
        .filter_map(|s| s.value("command"))
        .any(|c| c.split_whitespace().next().is_some_and(launch::is_proxy));
    let mut programs = programs;
    for p in &mut programs {
        for l in &mut p.launches {
            l.behind_local_proxy = proxy;
        }
    }
    let all: Vec<Launch> = programs.iter().flat_map(|p| p.launches.clone()).collect();
    run_launches(file, &file.path, &all, config, project, selection, out);
    // The servers a program's script starts are the program's too
    // (their own lint is the script's).
    for p in &mut programs {
        if let Some(command) = p.section.get("command")
            && crate::project::facts::entrypoint::named_by_command(command)
                .is_some_and(|n| project.script_named_at(&file.path, n.span).is_some())
        {
            let start = launch::Start::of_supervisor_program(p.section, file, project);
            p.launches.extend(scripts::through_scripts(
                command, &file.path, &start, project,
            ));
        }
    }
    let cx = SupervisorContext {
        file,
        ini: &ini,
        programs,
        config,
    };
    for rule in enabled(selection) {
        rule.supervisor(&cx, out);
    }
}

/// A systemd unit.
pub fn check_systemd(
    file: &SourceFile,
    config: &Config,
    project: &Project,
    selection: &Selection,
    out: &mut Findings,
) {
    let ini = ini::parse(&file.text, ini::Dialect::Systemd);
    report_ini_errors(&ini, out);
    let Some(service) = ini.section("Service") else {
        return;
    };
    let mut launches = launch::in_systemd_service(service, file, project);
    run_launches(file, &file.path, &launches, config, project, selection, out);
    // The servers its `ExecStart=` scripts start are its servers too
    // (their own lint is the script's).
    let start = launch::Start::of_systemd_service(service, file);
    for e in service.entries.iter().filter(|e| e.key == "ExecStart") {
        launches.extend(scripts::through_scripts(e, &file.path, &start, project));
    }
    let cx = SystemdContext {
        file,
        service,
        launches,
        config,
    };
    for rule in enabled(selection) {
        rule.systemd(&cx, out);
    }
}

/// A shell script a launcher of the repository starts: the servers it
/// starts, as that launcher runs it.
pub fn check_script(
    file: &SourceFile,
    config: &Config,
    project: &Project,
    selection: &Selection,
    out: &mut Findings,
) {
    let (launches, launcher) = scripts::in_launched_script(file, project);
    if let Some(launcher) = launcher {
        run_launches(file, launcher, &launches, config, project, selection, out);
    }
}

/// A Procfile.
pub fn check_procfile(
    file: &SourceFile,
    config: &Config,
    project: &Project,
    selection: &Selection,
    out: &mut Findings,
) {
    let p = procfile::parse(&file.text);
    for e in &p.errors {
        out.report(&ParseError::META, e.span, e.message.clone());
    }
    let launches = launch::in_procfile(&p, file, project);
    run_launches(file, &file.path, &launches, config, project, selection, out);
}

// ---- questions several rules ask ----

/// gunicorn's synchronous worker, as gunicorn itself tells it (`sync`,
/// or a class path ending in `SyncWorker`).
fn is_sync_worker(class: &str) -> bool {
    class == "sync" || class.ends_with("SyncWorker")
}

/// Worker classes that run a WSGI app (and cannot serve an ASGI one).
fn is_wsgi_worker(class: &str) -> bool {
    matches!(
        class,
        "sync" | "gthread" | "gevent" | "eventlet" | "tornado"
    ) || [
        "SyncWorker",
        "ThreadWorker",
        "GeventWorker",
        "EventletWorker",
        "TornadoWorker",
    ]
    .iter()
    .any(|s| class.ends_with(s) && class.starts_with("gunicorn."))
}

/// Worker classes whose one process serves many requests at once
/// (greenlets, an event loop): gevent, eventlet, tornado, and the ASGI
/// workers (uvicorn's, or a class named for ASGI).
/// `gthread` is not among them: with its default single thread it serves
/// one request at a time, like `sync`.
fn serves_concurrently(class: &str) -> bool {
    matches!(class, "gevent" | "eventlet" | "tornado")
        || (class.starts_with("gunicorn.")
            && [
                "GeventWorker",
                "GeventPyWSGIWorker",
                "EventletWorker",
                "TornadoWorker",
            ]
            .iter()
            .any(|s| class.ends_with(s)))
        || class.contains("Uvicorn")
        || class.contains("Asgi")
}

/// `uvicorn.workers.X` moved to the `uvicorn-worker` package.
fn deprecated_worker(class: &str) -> Option<String> {
    let name = class.strip_prefix("uvicorn.workers.")?;
    matches!(name, "UvicornWorker" | "UvicornH11Worker").then(|| format!("uvicorn_worker.{name}"))
}

/// A host that only the container itself can reach.
fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h == "localhost" || h == "::1" || h.starts_with("127.")
}

/// The host of a gunicorn/hypercorn bind (`HOST:PORT`, `[::1]:80`, `unix:…`).
fn bind_host(bind: &str) -> Option<&str> {
    if bind.starts_with("unix:") || bind.starts_with("fd://") {
        return None;
    }
    if let Some(rest) = bind.strip_prefix('[') {
        return rest.split_once(']').map(|(h, _)| h);
    }
    Some(bind.rsplit_once(':').map_or(bind, |(h, _)| h))
}

/// Log targets that reach the container's output.
fn is_stream(target: &str) -> bool {
    matches!(
        target,
        "-" | "/dev/stdout"
            | "/dev/stderr"
            | "/dev/fd/1"
            | "/dev/fd/2"
            | "/proc/self/fd/1"
            | "/proc/self/fd/2"
            | "/proc/1/fd/1"
            | "/proc/1/fd/2"
    )
}

/// The strings of a value (a string, or a list of them).
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::Str(s) => vec![s.as_str()],
        Value::List(l) => l.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// A known, unconditional assignment in a config file.
fn assigned<'a>(cx: &'a ConfigContext<'_>, name: &str) -> Option<&'a Assignment> {
    cx.module.get(name).filter(|a| !a.conditional)
}

/// Where a finding about a launch's setting points: the value written in
/// the file being linted, else the server's name.
fn at(cx: &LaunchContext<'_>, setting: &Setting<'_>) -> Span {
    cx.span_of(setting)
        .unwrap_or(cx.launch.command.program.span)
}

/// An option's literal integer value.
fn int_of(o: &Opt) -> Option<i64> {
    o.value
        .as_ref()
        .filter(|w| !w.dynamic)
        .and_then(|w| w.text.trim().parse().ok())
}

/// How long the server waits for requests in flight at shutdown, when it
/// is known: gunicorn's `graceful_timeout` (30 s by default), uvicorn's
/// `--timeout-graceful-shutdown` and granian's `--workers-kill-timeout`
/// (no default: unbounded).
pub fn graceful_seconds(l: &Launch) -> Option<(i64, String)> {
    match l.command.server {
        Server::Gunicorn => match l.setting("graceful_timeout") {
            Setting::Default => Some((30, "gunicorn's default graceful timeout".to_string())),
            s => s
                .value()
                .and_then(|v| v.or_default().and_then(Value::as_int))
                .map(|n| (n, "the graceful timeout set for gunicorn".to_string())),
        },
        Server::Uvicorn | Server::Hypercorn | Server::Granian => {
            let name = if l.command.server == Server::Hypercorn {
                "graceful_timeout"
            } else {
                "timeout_graceful_shutdown"
            };
            l.command.get(name).and_then(int_of).map(|n| {
                (
                    n,
                    format!("{}'s graceful shutdown timeout", l.command.server.name()),
                )
            })
        }
        _ => None,
    }
}

/// A process manager's stop wait (`key`, `wait` seconds, written at
/// `at`, or its default reported on `head`) shorter than the longest
/// graceful timeout of `launches`: the server is killed mid-shutdown.
pub fn report_short_stop_wait(
    rule: &'static RuleMeta,
    key: &str,
    wait: Option<(f64, Span)>,
    default: f64,
    head: Span,
    launches: &[Launch],
    out: &mut Findings,
) {
    let Some((graceful, what)) = longest_graceful(launches) else {
        return;
    };
    // A graceful timeout read from the server's configuration file puts
    // the chain across files: XR004 reports it, with every link.
    if graceful_in_config(launches) {
        return;
    }
    let (seconds, span, given) = match wait {
        Some((w, at)) => (w, at, ""),
        None => (default, head, " (the default)"),
    };
    if seconds >= graceful as f64 {
        return;
    }
    out.report(
        rule,
        span,
        format!("`{key}` is {seconds} s{given}, shorter than {what} ({graceful} s): requests in flight are killed"),
    )
    .help(format!("set `{key}` above {graceful} s"));
}

/// Does a launch read its graceful timeout from its configuration file?
pub fn graceful_in_config(launches: &[Launch]) -> bool {
    launches.iter().any(|l| {
        l.command.server == Server::Gunicorn
            && matches!(l.setting("graceful_timeout"), Setting::Config(..))
    })
}

/// A program's server with the longest known graceful timeout.
pub fn longest_graceful(launches: &[Launch]) -> Option<(i64, String)> {
    launches
        .iter()
        .filter_map(graceful_seconds)
        .max_by_key(|(n, _)| *n)
}

/// Replaces `old` with `new` inside `span` of the file: an edit when the
/// source holds the text verbatim.
fn replace_in(file: &SourceFile, span: Span, old: &str, new: &str) -> Option<Edit> {
    let src = file.slice(span);
    let at = src.find(old)?;
    let start = span.start + at;
    Some(Edit::replace(Span::new(start, start + old.len()), new))
}

/// Inserts a line after an INI entry or a Python statement.
fn line_after(end: usize, text: String) -> Edit {
    Edit::insert(end, format!("\n{text}"))
}
