//! Where a server starts and what it runs with: the command line, the
//! `GUNICORN_CMD_ARGS` and other variables set beside it, the gunicorn
//! configuration file it reads, and what the site implies (a container,
//! a development file).

use super::dev_files;
use crate::parse::command::{self, Opt, Server, ServerCommand};
use crate::parse::dockerfile::{Command, Dockerfile, Keyword};
use crate::parse::ini::{Entry, Section};
use crate::parse::procfile::Procfile;
use crate::parse::python::{Assignment, Module, Value};
use crate::parse::shell::{self, Word};
use crate::paths::FastPath;
use crate::project::Project;
use crate::source::{SourceFile, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    Dockerfile,
    Procfile {
        process: String,
    },
    Supervisor {
        program: String,
    },
    Systemd,
    Compose {
        service: String,
    },
    Kubernetes {
        container: String,
    },
    /// Nowhere prodlint can see (the server a configuration's lint
    /// checks its settings for).
    Unseen,
}

/// The gunicorn configuration file a server reads.
#[derive(Debug, Clone)]
pub enum ConfigFile {
    /// No `-c`, and no `gunicorn.conf.py` where it starts.
    None,
    Found(Arc<(PathBuf, Module)>),
    /// Named but not readable here (`python:module`, a path in the image
    /// that is not in the project): its settings are unknown.
    Unknown(String),
}

/// A variable set where the server starts.
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub value: String,
    /// The value's span in this file, when it is written here.
    pub span: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Launch {
    pub command: ServerCommand,
    pub site: Site,
    /// Runs in a container: a Dockerfile, a Procfile (dynos), or a process
    /// manager configuration in a project built into an image.
    pub in_container: bool,
    /// The file or process is meant for development.
    pub dev: bool,
    /// A reverse proxy starts beside the server (same command, same
    /// supervisord file): loopback is how the proxy reaches it.
    pub behind_local_proxy: bool,
    pub config: ConfigFile,
    /// Where the configuration file it names may be (empty when it names
    /// none, or a name prodlint cannot follow): the project's question.
    pub config_candidates: Vec<PathBuf>,
    /// Options from `GUNICORN_CMD_ARGS` set at the site.
    pub env_args: Vec<Opt>,
    /// Variables set at the site (Dockerfile `ENV`, `environment=`, …).
    pub env: BTreeMap<String, EnvVar>,
}

/// Where the value of a gunicorn setting comes from.
#[derive(Debug, Clone, Copy)]
pub enum Setting<'a> {
    /// On the command line.
    Flag(&'a Opt),
    /// In `GUNICORN_CMD_ARGS`.
    EnvArgs(&'a Opt),
    /// In the configuration file.
    Config(&'a Path, &'a Assignment),
    /// Possibly set where prodlint cannot see (an unreadable config file).
    Unknown,
    /// Not set: gunicorn's default applies.
    Default,
}

impl Launch {
    /// gunicorn started with `config` and nothing else, nowhere prodlint
    /// can see: the server as a configuration's own lint sees it.
    pub fn of_config(config: ConfigFile, in_container: bool, dev: bool) -> Launch {
        let program = Word {
            text: "gunicorn".to_string(),
            span: Span::empty(0),
            quoted: false,
            dynamic: false,
        };
        Launch {
            command: ServerCommand {
                server: Server::Gunicorn,
                program,
                subcommand: None,
                options: Vec::new(),
                args: Vec::new(),
                env: Vec::new(),
                span: Span::empty(0),
            },
            site: Site::Unseen,
            in_container,
            dev,
            behind_local_proxy: false,
            config,
            config_candidates: Vec::new(),
            env_args: Vec::new(),
            env: BTreeMap::new(),
        }
    }

    /// A gunicorn setting, by precedence: command line, then
    /// `GUNICORN_CMD_ARGS`, then the configuration file.
    pub fn setting(&self, name: &str) -> Setting<'_> {
        if let Some(o) = self.command.get(name) {
            return Setting::Flag(o);
        }
        if let Some(o) = self.env_args.iter().rev().find(|o| o.setting == name) {
            return Setting::EnvArgs(o);
        }
        match &self.config {
            ConfigFile::Found(c) => match c.1.get(name) {
                Some(a) => Setting::Config(&c.0, a),
                None if c.1.skipped.is_some() => Setting::Unknown,
                None => Setting::Default,
            },
            ConfigFile::Unknown(_) => Setting::Unknown,
            ConfigFile::None => Setting::Default,
        }
    }

    /// The server trusts a proxy's forwarded headers (`forwarded_allow_ips`
    /// written on its command line, in `GUNICORN_CMD_ARGS` or its
    /// configuration; `FORWARDED_ALLOW_IPS`; uvicorn's `--proxy-headers`):
    /// its author put a proxy in front of it.
    pub fn trusts_forwarded(&self) -> bool {
        matches!(
            self.setting("forwarded_allow_ips"),
            Setting::Flag(_) | Setting::EnvArgs(_) | Setting::Config(..)
        ) || self.has_env("FORWARDED_ALLOW_IPS")
            || self.command.get("proxy_headers").is_some()
    }

    /// Started from a Procfile (the platform's router forwards to the
    /// dynos), or by systemd or supervisord on a host and bound to a Unix
    /// socket or the loopback address (gunicorn's default): only a proxy
    /// on the same host can reach it there.
    pub fn on_a_host_or_platform(&self) -> bool {
        match self.site {
            Site::Procfile { .. } => true,
            Site::Systemd | Site::Supervisor { .. } => !self.in_container && self.binds_locally(),
            _ => false,
        }
    }

    /// Every address the server binds is a Unix socket or the loopback
    /// address: gunicorn's default (`127.0.0.1:8000`, but `0.0.0.0:$PORT`
    /// when `PORT` is set), or every `-b`/`bind` written.
    fn binds_locally(&self) -> bool {
        // A Unix socket (no host) or a loopback host.
        let local = |b: &str| super::bind_host(b).is_none_or(super::is_loopback);
        let written = self.written_binds();
        if !written.is_empty() {
            return written.iter().all(|w| !w.dynamic && local(&w.text));
        }
        match self.setting("bind") {
            Setting::Default => !self.has_env("PORT"),
            s => s.value().is_some_and(|v| {
                let binds = super::strings(&v);
                !binds.is_empty() && binds.iter().all(|b| local(b))
            }),
        }
    }

    /// The `-b`/`--bind` values written on the command line and in
    /// `GUNICORN_CMD_ARGS` (gunicorn binds every one).
    pub fn written_binds(&self) -> Vec<&Word> {
        self.command
            .options
            .iter()
            .chain(&self.env_args)
            .filter(|o| o.setting == "bind")
            .filter_map(|o| o.value.as_ref())
            .collect()
    }

    /// A variable known to be set where the server starts (or on its
    /// command line).
    pub fn has_env(&self, name: &str) -> bool {
        self.env.contains_key(name) || self.command.env_var(name).is_some()
    }

    /// The configuration file's name, for messages.
    pub fn config_name(&self) -> Option<String> {
        match &self.config {
            ConfigFile::Found(c) => Some(
                c.0.fast_file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
            ),
            _ => None,
        }
    }
}

impl Setting<'_> {
    /// Neither set nor possibly set elsewhere.
    pub fn is_default(&self) -> bool {
        matches!(self, Setting::Default)
    }

    /// The value, when it is known: a literal flag or a known assignment.
    pub fn value(&self) -> Option<Value> {
        match self {
            Setting::Flag(o) | Setting::EnvArgs(o) => match &o.value {
                Some(w) if w.dynamic => None,
                Some(w) => Some(flag_value(&w.text)),
                None => Some(Value::Bool(true)),
            },
            Setting::Config(_, a) if !a.conditional => Some(a.value.clone()),
            _ => None,
        }
    }
}

/// A flag's text as a value: a number when it reads as one.
pub fn flag_value(text: &str) -> Value {
    if let Ok(i) = text.trim().parse::<i64>() {
        return Value::Int(i);
    }
    if let Ok(f) = text.trim().parse::<f64>() {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

/// Reads a file's text to slice spans for `sh -c` bodies.
fn raw(file: &SourceFile) -> impl Fn(Span) -> String + '_ {
    move |s: Span| file.text.get(s.start..s.end).unwrap_or("").to_string()
}

/// The options of `GUNICORN_CMD_ARGS` whose value is `word`.
fn env_args_of(word: &Word, file: &SourceFile) -> Vec<Opt> {
    let script = command::parse_word(word, &raw(file));
    let words: Vec<Word> = script
        .commands
        .into_iter()
        .flat_map(|c| c.assignments.into_iter().chain(c.argv))
        .collect();
    command::options(Server::Gunicorn, &words).0
}

/// The gunicorn configuration a command reads, looked up from `dir` (the
/// folder the server starts in, or the build context).
fn config_for(
    cmd: &ServerCommand,
    env_args: &[Opt],
    dir: &Path,
    project: &Project,
) -> (ConfigFile, Vec<PathBuf>) {
    if cmd.server != Server::Gunicorn {
        return (ConfigFile::None, Vec::new());
    }
    let named = cmd
        .get("config")
        .or_else(|| env_args.iter().rev().find(|o| o.setting == "config"));
    let Some(named) = named else {
        // gunicorn reads `gunicorn.conf.py` where it starts by default.
        let default = vec![dir.join("gunicorn.conf.py")];
        return match project.config(&default) {
            Some(c) => (ConfigFile::Found(c), default),
            None => (ConfigFile::None, default),
        };
    };
    let Some(value) = named.value.as_ref().filter(|v| !v.dynamic) else {
        return (ConfigFile::Unknown(named.flag.text.clone()), Vec::new());
    };
    if value.text.starts_with("python:") {
        return (ConfigFile::Unknown(value.text.clone()), Vec::new());
    }
    let candidates = config_candidates(dir, &value.text);
    let found = project
        .config(&candidates)
        .map_or(ConfigFile::Unknown(value.text.clone()), ConfigFile::Found);
    (found, candidates)
}

/// Where the configuration file `named` (as given to `-c`) may be in the
/// project, seen from `dir`: a path in the image is tried by its tail.
pub fn config_candidates(dir: &Path, named: &str) -> Vec<PathBuf> {
    let path = named.strip_prefix("file:").unwrap_or(named);
    let as_given = Path::new(path);
    let name = as_given
        .fast_file_name()
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut candidates = Vec::new();
    if as_given.is_relative() {
        candidates.push(dir.join(as_given));
    } else {
        // A path inside the image: try its tail below the context.
        let parts: Vec<_> = as_given.components().skip(1).collect();
        for skip in 0..parts.len() {
            let tail: PathBuf = parts[skip..].iter().collect();
            candidates.push(dir.join(tail));
        }
    }
    candidates.push(dir.join(&name));
    for d in ["config", "conf", "deploy", "docker", "etc"] {
        candidates.push(dir.join(d).join(&name));
    }
    // A process manager's file kept in a subfolder (`deploy/`) names
    // the configuration at the project's root.
    candidates.extend(dir.ancestors().skip(1).take(3).map(|a| a.join(&name)));
    candidates
}

// Every launcher fills in the same facts; a struct for them would only
// move the list to each call.
#[allow(clippy::too_many_arguments)]
fn finish(
    command: ServerCommand,
    site: Site,
    dir: &Path,
    in_container: bool,
    dev: bool,
    env: BTreeMap<String, EnvVar>,
    env_args: Vec<Opt>,
    project: &Project,
) -> Launch {
    let (config, config_candidates) = config_for(&command, &env_args, dir, project);
    Launch {
        command,
        site,
        in_container,
        dev,
        behind_local_proxy: false,
        config,
        config_candidates,
        env_args,
        env,
    }
}

/// The variables the final stage of a Dockerfile sets (`ENV`), and the
/// gunicorn options its `GUNICORN_CMD_ARGS` holds.
pub(super) fn dockerfile_env(
    df: &Dockerfile,
    file: &SourceFile,
) -> (BTreeMap<String, EnvVar>, Vec<Opt>) {
    let mut env = BTreeMap::new();
    let mut env_args = Vec::new();
    for i in df
        .final_instructions()
        .filter(|i| i.keyword == Keyword::Env)
    {
        for p in i.pairs() {
            let value = p.value.clone().unwrap_or_default();
            if p.key == "GUNICORN_CMD_ARGS"
                && let Some(span) = p.value_span
            {
                let word = Word {
                    text: value.clone(),
                    span,
                    quoted: false,
                    dynamic: false,
                };
                env_args = env_args_of(&word, file);
            }
            env.insert(
                p.key.clone(),
                EnvVar {
                    value,
                    span: p.value_span,
                },
            );
        }
    }
    (env, env_args)
}

/// Servers the final image of a Dockerfile starts.
pub fn in_dockerfile(df: &Dockerfile, file: &SourceFile, project: &Project) -> Vec<Launch> {
    let raw = raw(file);
    let commands = command::in_dockerfile(df, &raw);
    let entry = df.final_last(Keyword::Entrypoint).and_then(|i| i.command());
    let cmd = df.final_last(Keyword::Cmd).and_then(|i| i.command());
    let (env, env_args) = dockerfile_env(df, file);
    let dir = crate::project::dir_of(&file.path);
    let dev = dev_files::is_dev_file(&file.path);
    let proxy = [entry, cmd].into_iter().flatten().any(|c| match c {
        Command::Exec { argv, .. } => argv.iter().any(|w| is_proxy(&w.text)),
        Command::Shell { script, .. } => script
            .commands
            .iter()
            .any(|c| c.argv.iter().any(|w| is_proxy(&w.text))),
    });
    commands
        .into_iter()
        .map(|c| {
            let mut l = finish(
                c,
                Site::Dockerfile,
                &dir,
                true,
                dev,
                env.clone(),
                env_args.clone(),
                project,
            );
            l.behind_local_proxy = proxy;
            l
        })
        .collect()
}

/// Variables a compose service or a Kubernetes container sets.
fn env_of(pairs: Vec<(String, String, Option<Span>)>) -> BTreeMap<String, EnvVar> {
    pairs
        .into_iter()
        .map(|(k, value, span)| (k, EnvVar { value, span }))
        .collect()
}

/// The servers a compose service's `entrypoint` and `command` start.
/// The servers a compose service's own `entrypoint:` and `command:`
/// start, read as written (no environment, no project): what
/// [`in_compose_service`] completes into launches.
pub fn compose_commands(
    service: &crate::parse::compose::Service<'_>,
    file: &SourceFile,
) -> Vec<command::ServerCommand> {
    let raw = raw(file);
    let entry = service.argv("entrypoint", &raw);
    let cmd = service.argv("command", &raw);
    let argv: Vec<Word> = entry.iter().chain(cmd.iter()).flatten().cloned().collect();
    let commands = command::in_argv(&argv, &raw);
    match &cmd {
        Some(c) if commands.is_empty() => command::in_argv(c, &raw),
        _ => commands,
    }
}

pub fn in_compose_service(
    service: &crate::parse::compose::Service<'_>,
    file: &SourceFile,
    dev: bool,
    project: &Project,
) -> Vec<Launch> {
    let commands = compose_commands(service, file);
    let env = env_of(
        service
            .environment()
            .into_iter()
            .map(|v| {
                let text = v.value.and_then(|n| n.as_str()).unwrap_or("");
                let value = text
                    .split_once('=')
                    .filter(|(k, _)| *k == v.key.text)
                    .map_or(text, |(_, v)| v)
                    .to_string();
                (v.key.text, value, v.value_span)
            })
            .collect(),
    );
    let env_args = env_args_from(&env, file);
    let dir = crate::project::dir_of(&file.path);
    commands
        .into_iter()
        .map(|c| {
            let site = Site::Compose {
                service: service.name.text.clone(),
            };
            finish(
                c,
                site,
                &dir,
                true,
                dev,
                env.clone(),
                env_args.clone(),
                project,
            )
        })
        .collect()
}

/// The servers a Kubernetes container's `command` and `args` start.
pub fn in_kube_container(
    c: &crate::parse::kube::Container<'_>,
    file: &SourceFile,
    project: &Project,
) -> Vec<Launch> {
    let raw = raw(file);
    let words = |key: &str| {
        c.get(key)
            .and_then(|n| crate::parse::compose::argv_of(n, &raw))
    };
    let (cmd, args) = (words("command"), words("args"));
    let argv: Vec<Word> = cmd.iter().chain(args.iter()).flatten().cloned().collect();
    let mut commands = command::in_argv(&argv, &raw);
    if commands.is_empty()
        && cmd.is_none()
        && let Some(a) = &args
    {
        commands = command::in_argv(a, &raw);
    }
    let env = env_of(
        c.env()
            .into_iter()
            .map(|(k, v)| {
                let value = v.and_then(|n| n.as_str()).unwrap_or("").to_string();
                (k.text, value, v.map(|n| n.span))
            })
            .collect(),
    );
    let env_args = env_args_from(&env, file);
    let dir = crate::project::dir_of(&file.path);
    let dev = dev_files::is_dev_file(&file.path);
    commands
        .into_iter()
        .map(|l| {
            let site = Site::Kubernetes {
                container: c.name_text().to_string(),
            };
            finish(
                l,
                site,
                &dir,
                true,
                dev,
                env.clone(),
                env_args.clone(),
                project,
            )
        })
        .collect()
}

/// A word that runs a reverse proxy (`nginx`, `/usr/sbin/nginx`, or a
/// shell script's text that starts one).
pub fn is_proxy(word: &str) -> bool {
    word.split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
        .any(|w| crate::rules::known_images::is_proxy_program(w.rsplit('/').next().unwrap_or(w)))
}

/// Servers a Procfile's processes start. Dynos get `PORT` (and, for
/// Python apps, `WEB_CONCURRENCY`) from the platform.
pub fn in_procfile(procfile: &Procfile, file: &SourceFile, project: &Project) -> Vec<Launch> {
    let raw = raw(file);
    let dir = crate::project::dir_of(&file.path);
    let dev_file = dev_files::is_dev_file(&file.path);
    let mut env = BTreeMap::new();
    for name in ["PORT", "WEB_CONCURRENCY"] {
        env.insert(
            name.to_string(),
            EnvVar {
                value: String::new(),
                span: None,
            },
        );
    }
    let mut out = Vec::new();
    for p in &procfile.processes {
        let dev = dev_file || dev_files::is_dev_process(&p.name);
        for c in command::in_script(&p.command, &raw) {
            let site = Site::Procfile {
                process: p.name.clone(),
            };
            out.push(finish(
                c,
                site,
                &dir,
                true,
                dev,
                env.clone(),
                Vec::new(),
                project,
            ));
        }
    }
    out
}

/// `KEY="value",KEY2=value2` (supervisord) or `KEY=value KEY2=value`
/// (systemd `Environment=`) into variables.
fn env_pairs(e: &Entry, separators: &[char]) -> BTreeMap<String, EnvVar> {
    let mut out = BTreeMap::new();
    let mut at = 0;
    for part in split_outside_quotes(&e.value, separators) {
        let mut start = e.value[at..].find(part.as_str()).map_or(at, |i| at + i);
        at = start + part.len();
        // systemd quotes whole assignments: `"KEY=a b"`.
        let mut part = part.as_str();
        for q in ['"', '\''] {
            if let Some(inner) = part.strip_prefix(q).and_then(|p| p.strip_suffix(q)) {
                part = inner;
                start += 1;
            }
        }
        if let Some((k, v)) = part.split_once('=') {
            let k = k.trim();
            let lead = v.len() - v.trim_start().len();
            let v_trim = v.trim();
            let unquoted = v_trim.trim_matches(['"', '\'']);
            let quote = (v_trim.len() - unquoted.len()) / 2;
            let vstart = start + k.len() + 1 + lead + quote;
            let span = e.map.span(vstart, vstart + unquoted.len());
            out.insert(
                k.to_string(),
                EnvVar {
                    value: unquoted.to_string(),
                    span: Some(span),
                },
            );
        }
    }
    out
}

fn split_outside_quotes(text: &str, seps: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                cur.push(c);
            }
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                cur.push(c);
            }
            None if seps.contains(&c) => {
                if !cur.trim().is_empty() {
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur.clear();
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

pub(super) fn env_args_from(env: &BTreeMap<String, EnvVar>, file: &SourceFile) -> Vec<Opt> {
    env.get("GUNICORN_CMD_ARGS")
        .and_then(|v| {
            v.span.map(|span| Word {
                text: v.value.clone(),
                span,
                quoted: false,
                dynamic: false,
            })
        })
        .map(|w| env_args_of(&w, file))
        .unwrap_or_default()
}

/// `%(name)s` → `${name}s`, keeping every offset.
fn expansions_as_variables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("%(") {
        let Some(close) = rest[i..].find(')') else {
            break;
        };
        out.push_str(&rest[..i]);
        out.push_str("${");
        out.push_str(&rest[i + 2..i + close]);
        out.push('}');
        rest = &rest[i + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The server a supervisord `[program:x]` section starts.
pub fn in_supervisor_program(
    section: &Section,
    file: &SourceFile,
    project: &Project,
) -> Vec<Launch> {
    let Some(cmd) = section.get("command") else {
        return Vec::new();
    };
    let raw = raw(file);
    let Start {
        site,
        dir,
        in_container,
        dev,
        env,
        env_args,
    } = Start::of_supervisor_program(section, file, project);
    // `%(ENV_X)s` is filled in by supervisord at start-up; read as the
    // same-length `${ENV_X}s`, the shell reader sees one unknown word.
    let text = expansions_as_variables(&cmd.value);
    let script = shell::parse(&text, &cmd.map);
    command::in_script(&script, &raw)
        .into_iter()
        .map(|c| {
            finish(
                c,
                site.clone(),
                &dir,
                in_container,
                dev,
                env.clone(),
                env_args.clone(),
                project,
            )
        })
        .collect()
}

/// The servers a systemd unit's `ExecStart=` lines start.
pub fn in_systemd_service(service: &Section, file: &SourceFile, project: &Project) -> Vec<Launch> {
    let raw = raw(file);
    let Start {
        dir,
        dev,
        env,
        env_args,
        ..
    } = Start::of_systemd_service(service, file);
    let mut out = Vec::new();
    for e in service.entries.iter().filter(|e| e.key == "ExecStart") {
        // `-`, `@`, `:`, `+`, `!` prefixes change how systemd runs the
        // command, not what it runs.
        let prefix = e.value.len() - e.value.trim_start_matches(['-', '@', ':', '+', '!']).len();
        let text = &e.value[prefix..];
        let map = e.map.slice_from(prefix);
        let script = shell::parse(text, &map);
        for c in command::in_script(&script, &raw) {
            out.push(finish(
                c,
                Site::Systemd,
                &dir,
                false,
                dev,
                env.clone(),
                env_args.clone(),
                project,
            ));
        }
    }
    out
}

/// Where a launcher starts its processes, whatever they are: the site,
/// the working folder, and the variables set there.
pub struct Start {
    pub site: Site,
    pub dir: PathBuf,
    pub in_container: bool,
    pub dev: bool,
    pub env: BTreeMap<String, EnvVar>,
    pub env_args: Vec<Opt>,
}

impl Start {
    /// A supervisord `[program:x]`: its `environment=` and `directory=`;
    /// in a container when the project around it is built into an image.
    pub fn of_supervisor_program(section: &Section, file: &SourceFile, project: &Project) -> Start {
        let env = section
            .get("environment")
            .map(|e| env_pairs(e, &[',']))
            .unwrap_or_default();
        let env_args = env_args_from(&env, file);
        let mut dir = crate::project::dir_of(&file.path);
        if let Some(d) = section.value("directory")
            && Path::new(d).is_relative()
        {
            dir = dir.join(d);
        }
        let program = section
            .name
            .split_once(':')
            .map_or(section.name.as_str(), |(_, n)| n)
            .to_string();
        Start {
            site: Site::Supervisor { program },
            in_container: project.containerized(&dir),
            dir,
            dev: dev_files::is_dev_file(&file.path),
            env,
            env_args,
        }
    }

    /// A systemd `[Service]`: its `Environment=` and `WorkingDirectory=`,
    /// on a host.
    pub fn of_systemd_service(service: &Section, file: &SourceFile) -> Start {
        let mut env = BTreeMap::new();
        for e in service.entries.iter().filter(|e| e.key == "Environment") {
            env.extend(env_pairs(e, &[' ', '\t']));
        }
        let env_args = env_args_from(&env, file);
        let mut dir = crate::project::dir_of(&file.path);
        if let Some(d) = service.value("WorkingDirectory")
            && Path::new(d).is_relative()
        {
            dir = dir.join(d);
        }
        Start {
            site: Site::Systemd,
            dir,
            in_container: false,
            dev: dev_files::is_dev_file(&file.path),
            env,
            env_args,
        }
    }

    /// The final stage of a Dockerfile: its `ENV`, in a container.
    pub fn of_dockerfile(df: &Dockerfile, file: &SourceFile) -> Start {
        let (env, env_args) = dockerfile_env(df, file);
        Start {
            site: Site::Dockerfile,
            dir: crate::project::dir_of(&file.path),
            in_container: true,
            dev: dev_files::is_dev_file(&file.path),
            env,
            env_args,
        }
    }

    /// The launch of `command`, started here.
    pub fn launch(&self, command: ServerCommand, project: &Project) -> Launch {
        finish(
            command,
            self.site.clone(),
            &self.dir,
            self.in_container,
            self.dev,
            self.env.clone(),
            self.env_args.clone(),
            project,
        )
    }
}
