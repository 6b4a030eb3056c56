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
use crate::parse::ini::{self, Entry};
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
            return (launches(script, &start, project), Some(launcher));
        }
    }
    (Vec::new(), None)
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
) -> Vec<Launch> {
    let Some(name) = crate::project::facts::entrypoint::named_by_command(entry)
        .and_then(|n| n.tail.last().cloned())
    else {
        return Vec::new();
    };
    project
        .scripts_started_by(launcher)
        .into_iter()
        .filter(|i| i.path.file_name().is_some_and(|n| n == name.as_str()))
        .flat_map(|i| {
            let file = SourceFile::new(&i.path, std::sync::Arc::clone(&i.text));
            launches(&file, start, project)
        })
        .collect()
}

/// Where `launcher` runs the script at `script`: an image's final stage,
/// a systemd service, or the supervisord program whose command names it.
fn start_of(launcher: &Path, script: &Path, project: &Project) -> Option<Start> {
    if let Some(built) = project.dockerfile(launcher) {
        return Some(Start::of_dockerfile(&built.dockerfile, &built.file));
    }
    let file = project.source_of(launcher)?;
    match project.kind_of(launcher)? {
        FileKind::Systemd => {
            let unit = ini::parse(&file.text, ini::Dialect::Systemd);
            Some(Start::of_systemd_service(unit.section("Service")?, &file))
        }
        FileKind::Supervisor => {
            let conf = ini::parse(&file.text, ini::Dialect::Supervisor);
            let name = script.file_name()?;
            let program = conf.sections.iter().find(|s| {
                s.name.starts_with("program:")
                    && s.get("command")
                        .and_then(crate::project::facts::entrypoint::named_by_command)
                        .and_then(|n| n.tail.last().cloned())
                        .is_some_and(|n| name == n.as_str())
            })?;
            Some(Start::of_supervisor_program(program, &file, project))
        }
        _ => None,
    }
}

/// The servers `script` starts when run from `start`: the launcher's
/// variables (their spans are the launcher's: unknown here, and its
/// `GUNICORN_CMD_ARGS` options point at each server's command), with
/// the variables the script itself sets before the server.
fn launches(script: &SourceFile, start: &Start, project: &Project) -> Vec<Launch> {
    let map = OffsetMap::contiguous(0, script.text.len());
    let parsed = shell::parse(&script.text, &map);
    let raw = |s: crate::source::Span| script.slice(s).to_string();
    let proxy = parsed
        .commands
        .iter()
        .any(|c| c.argv.first().is_some_and(|w| launch::is_proxy(&w.text)));
    let dev = start.dev || super::dev_files::is_dev_file(&script.path);
    crate::parse::command::in_script(&parsed, &raw)
        .into_iter()
        .map(|c| {
            let at = c.program.span;
            let mut env = start.env.clone();
            for v in env.values_mut() {
                v.span = None;
            }
            env.extend(assignments_before(&parsed, at.start));
            let mut env_args = start.env_args.clone();
            for o in &mut env_args {
                o.flag.span = at;
                if let Some(v) = &mut o.value {
                    v.span = at;
                }
            }
            let here = Start {
                site: start.site.clone(),
                dir: start.dir.clone(),
                in_container: start.in_container,
                dev,
                env,
                env_args,
            };
            let mut l = here.launch(c, project);
            l.behind_local_proxy = proxy;
            l
        })
        .collect()
}

/// The variables the script sets before offset `before` (`NAME=value`
/// on a line of its own, `export NAME=value`), with their values' spans.
fn assignments_before(script: &Script, before: usize) -> Vec<(String, EnvVar)> {
    let mut out = Vec::new();
    for c in script.commands.iter().filter(|c| c.span.start < before) {
        let words: Vec<&shell::Word> = match c.argv.first().map(|w| w.text.as_str()) {
            None => c.assignments.iter().collect(),
            Some("export") => c.argv.iter().skip(1).collect(),
            Some(_) => continue,
        };
        for w in words {
            if let Some((name, value)) = w.text.split_once('=')
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                let start = w.span.start + name.len() + 1;
                let span =
                    (start <= w.span.end).then(|| crate::source::Span::new(start, w.span.end));
                out.push((
                    name.to_string(),
                    EnvVar {
                        value: value.to_string(),
                        span,
                    },
                ));
            }
        }
    }
    out
}
