//! Servers started by a shell script that a launcher of the repository
//! runs: a systemd unit's `ExecStart=/srv/tools/run-api.sh`, a
//! supervisord program's `command=`, an image's `CMD ["/start.sh"]`.
//! The script is where the server's command line is written, so the
//! server rules report there; what the launcher sets (its variables, its
//! site: a host or a container) is what the script runs with. The
//! launcher's own rules (a unit's `User=`, a program's stop signal) count
//! the servers its scripts start.

use super::launch::{self, EnvVar, Launch, Start};
use crate::discover::FileKind;
use crate::parse::ini::Entry;
use crate::parse::offsets::OffsetMap;
use crate::parse::shell::{self, Script};
use crate::project::Project;
use crate::source::SourceFile;
use std::path::Path;

/// The servers the shell script `script` starts, as the first launcher
/// that runs it (in path order) starts it. Empty when no launcher of the
/// repository runs it.
pub fn in_launched_script<'p>(
    script: &SourceFile,
    project: &'p Project,
) -> (Vec<Launch>, Option<&'p Path>) {
    let launchers = project.launchers_of_script(&script.path);
    for launcher in launchers {
        if let Some(start) = start_of(launcher, &script.path, project) {
            let read = Read::of(SourceFile::new(
                std::sync::Arc::clone(&script.path),
                script.text.clone(),
            ));
            return (launches(&read, &start, project), Some(launcher));
        }
    }
    (Vec::new(), None)
}

/// A shell script read once for the launches of a check (a supervisord
/// file's programs may all start the same one).
pub type Parsed = crate::hashing::FastMap<std::sync::Arc<std::path::Path>, std::rc::Rc<Read>>;

/// What a script says for its launches, read once.
pub struct Read {
    file: SourceFile,
    /// The servers it starts (the first [`MAX_SERVERS`]).
    servers: Vec<crate::parse::command::ServerCommand>,
    /// The variables it sets, in order (the first [`MAX_ASSIGNMENTS`]).
    assignments: Vec<(usize, String, EnvVar)>,
    /// It starts a reverse proxy too.
    proxy: bool,
}

impl Read {
    fn of(file: SourceFile) -> Read {
        let map = OffsetMap::contiguous(0, file.text.len());
        let parsed = shell::parse(&file.text, &map);
        let raw = |s: crate::source::Span| file.slice(s).to_string();
        let servers = crate::parse::command::in_script(&parsed, &raw)
            .into_iter()
            .take(MAX_SERVERS)
            .collect();
        let proxy = parsed
            .commands
            .iter()
            .any(|c| c.argv.iter().any(|w| launch::is_proxy(&w.text)));
        Read {
            assignments: assignments(&parsed),
            servers,
            proxy,
            file,
        }
    }
}

/// The servers the script a systemd `ExecStart=` or supervisord
/// `command=` entry of `launcher` starts (`start`: where it runs them).
/// Their spans are in the script: for the launcher's own rules, which
/// report on its settings.
pub fn through_scripts(
    entry: &Entry,
    launcher: &Path,
    start: &Start,
    project: &Project,
    parsed: &mut Parsed,
) -> Vec<Launch> {
    let Some(named) = crate::project::facts::entrypoint::named_by_command(entry) else {
        return Vec::new();
    };
    let Some(input) = project.script_named_at(launcher, named.span) else {
        return Vec::new();
    };
    let read = parsed
        .entry(std::sync::Arc::clone(&input.path))
        .or_insert_with(|| {
            std::rc::Rc::new(Read::of(SourceFile::new(
                std::sync::Arc::clone(&input.path),
                input.text.clone(),
            )))
        })
        .clone();
    launches(&read, start, project)
}

/// Where `launcher` runs the script at `script`: an image's final stage,
/// a systemd service, or the supervisord program whose command names it.
fn start_of(launcher: &Path, script: &Path, project: &Project) -> Option<Start> {
    if let Some(built) = project.dockerfile(launcher) {
        return Some(Start::of_dockerfile(&built.dockerfile, &built.file));
    }
    let file = project.source_of(launcher)?;
    let conf = project.process_manager(launcher)?;
    match project.kind_of(launcher)? {
        FileKind::Systemd => Some(Start::of_systemd_service(conf.section("Service")?, &file)),
        FileKind::Supervisor => {
            let words = project.words_naming(launcher, script);
            let program = conf.sections.iter().find(|s| {
                s.name.starts_with("program:")
                    && s.get("command")
                        .and_then(crate::project::facts::entrypoint::named_by_command)
                        .is_some_and(|n| words.contains(&n.span))
            })?;
            Some(Start::of_supervisor_program(program, &file, project))
        }
        _ => None,
    }
}

/// How many servers of one script are read, and how many of its
/// variable assignments: real start scripts start a few and set a few
/// dozen; a crafted one costs no more than that.
const MAX_SERVERS: usize = 16;
const MAX_ASSIGNMENTS: usize = 256;

/// The servers a script starts when run from `start`: the launcher's
/// variables (their spans are the launcher's: unknown here, and its
/// `GUNICORN_CMD_ARGS` options point at each server's command), with the
/// variables the script itself sets before each server (its own
/// `GUNICORN_CMD_ARGS` replacing the launcher's).
fn launches(read: &Read, start: &Start, project: &Project) -> Vec<Launch> {
    let script = &read.file;
    let dev = start.dev || super::dev_files::is_dev_file(&script.path);
    let mut base = start.env.clone();
    for v in base.values_mut() {
        v.span = None;
    }
    read.servers
        .iter()
        .map(|c| {
            let at = c.program.span;
            let before = || {
                read.assignments
                    .iter()
                    .take_while(move |(offset, ..)| *offset < at.start)
            };
            let mut env = base.clone();
            env.extend(before().map(|(_, name, value)| (name.clone(), value.clone())));
            let env_args = if before().any(|(_, name, _)| name == "GUNICORN_CMD_ARGS") {
                launch::env_args_from(&env, script)
            } else {
                let mut args = start.env_args.clone();
                for o in &mut args {
                    o.flag.span = at;
                    if let Some(v) = &mut o.value {
                        v.span = at;
                    }
                }
                args
            };
            let here = Start {
                site: start.site.clone(),
                dir: start.dir.clone(),
                in_container: start.in_container,
                dev,
                env,
                env_args,
            };
            let mut l = here.launch(c.clone(), project);
            l.behind_local_proxy = read.proxy;
            l
        })
        .collect()
}

/// The variables the script sets (`NAME=value` on a line of its own,
/// `export NAME=value`), in order, each with where its command starts and
/// its value's span.
fn assignments(script: &Script) -> Vec<(usize, String, EnvVar)> {
    let mut out = Vec::new();
    for c in &script.commands {
        let words: Vec<&shell::Word> = match c.argv.first().map(|w| w.text.as_str()) {
            None => c.assignments.iter().collect(),
            Some("export") => c.argv.iter().skip(1).collect(),
            Some(_) => continue,
        };
        for w in words {
            if let Some((name, value, own)) = w.assignment() {
                // A quoted value (`X="a b"`) points at the rest of the word,
                // its quotes included: `GUNICORN_CMD_ARGS` is read from it.
                let rest = w.span.start + name.len() + 1;
                let span = own.or_else(|| {
                    (rest <= w.span.end).then(|| crate::source::Span::new(rest, w.span.end))
                });
                out.push((
                    c.span.start,
                    name.to_string(),
                    EnvVar {
                        value: value.to_string(),
                        span,
                    },
                ));
                if out.len() >= MAX_ASSIGNMENTS {
                    return out;
                }
            }
        }
    }
    out
}
