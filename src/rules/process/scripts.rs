//! Servers started by a shell script that a launcher of the repository
//! runs: a systemd unit's `ExecStart=/srv/tools/run-api.sh`, a
//! supervisord program's `command=`, an image's `CMD ["/start.sh"]`.
//! The script is where the server's command line is written, so the
//! server rules report there; what the launcher sets (its variables, its
//! site: a host or a container) is what the script runs with. The
//! launcher's own rules (a unit's `User=`, a program's stop signal) count
//! the servers its scripts start.

use super::launch::{self, Launch, Start};
use crate::discover::FileKind;
use crate::parse::ini::Entry;
use crate::project::facts::launched::ScriptServers;
use crate::project::{Input, Project};
use crate::source::SourceFile;
use std::path::Path;

/// The servers the shell script `script` starts, as the first launcher
/// that runs it (in path order) starts it. Empty when no launcher of the
/// repository runs it.
pub fn in_launched_script<'p>(
    script: &SourceFile,
    project: &'p Project,
) -> (Vec<Launch>, Option<&'p Path>) {
    let Some((input, servers)) = project.script_servers(&script.path) else {
        return (Vec::new(), None);
    };
    for launcher in project.launchers_of_script(&script.path) {
        if let Some(start) = start_of(launcher, &script.path, project) {
            return (launches(input, servers, &start, project), Some(launcher));
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
    let Some(named) = crate::project::facts::entrypoint::named_by_command(entry) else {
        return Vec::new();
    };
    let Some(input) = project.script_named_at(launcher, named.span) else {
        return Vec::new();
    };
    match project.script_servers(&input.path) {
        Some((input, servers)) => launches(input, servers, start, project),
        None => Vec::new(),
    }
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

/// The servers a script starts when run from `start`: the launcher's
/// variables (their spans are the launcher's: unknown here, and its
/// `GUNICORN_CMD_ARGS` options point at each server's command), with the
/// variables the script itself sets before each server (its own
/// `GUNICORN_CMD_ARGS` replacing the launcher's).
fn launches(input: &Input, read: &ScriptServers, start: &Start, project: &Project) -> Vec<Launch> {
    let script = &input.source();
    let dev = start.dev || super::dev_files::is_dev_file(&script.path);
    let mut base = start.env.clone();
    for v in base.values_mut() {
        v.span = None;
    }
    read.servers
        .iter()
        .map(|c| {
            let at = c.program.span;
            let before = || read.set_before(at.start);
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
