//! What an image is for, from its Dockerfile and the project: a server, a
//! command-line tool, or something prodlint cannot tell. Rules about
//! serving (health checks, buffered logs, running as root for long) read
//! it instead of each guessing.

use super::*;

/// What the final image runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// It exposes a port, starts a web server, or a deployment publishes
    /// its ports.
    Server,
    /// Its ENTRYPOINT is a program that is not a server or a launcher, its
    /// CMD (if any) passes only flags, nothing is exposed, no server starts
    /// and no deployment publishes a port: a command-line tool run per
    /// invocation. Also a CMD-only image of a program that is no server,
    /// launcher or daemon whose documented `docker run`s all remove it
    /// on exit or attach a terminal and publish nothing, and none
    /// detaches it (`docker run --rm -it jess/htop`, `docker run -it
    /// tetris`), or that reads its standard input (`CMD ["hadolint",
    /// "-"]`), or someone else's program of which nothing says it serves
    /// or keeps running (no exposed port, no `VOLUME`, no `HEALTHCHECK`,
    /// no `worker` argument, no documented `docker run`, nothing in the
    /// repository runs it, nothing of the build context copied in: `CMD
    /// ["shellcheck"]` after installing it). Also an ENTRYPOINT
    /// that is a bare interpreter or shell
    /// (`ENTRYPOINT ["python"]`) with no CMD, nothing exposed, no
    /// documented `docker run` that detaches or restarts it, and no
    /// deployment giving it a command: a prompt each run hands a script.
    Tool,
    /// No ENTRYPOINT, and its CMD opens a bare interpreter or shell
    /// (`CMD ["python3"]`, `CMD ["bash"]`, or no CMD on a distribution's
    /// image or on an official language image nothing in the repository
    /// runs, whose shell or prompt it inherits), nothing exposed, no server: an
    /// image for others to build `FROM`, or a toolbox run interactively.
    Base,
    /// A desktop application: its documented `docker run` hands it the
    /// host's X display, and nothing is exposed or served.
    Desktop,
    /// Its default command only prints usage (`CMD ["--help"]`, `CMD
    /// ["tool", "--help"]`): a toolbox whose every deployment chooses what
    /// runs (`airflow webserver`, `cfssl serve`), exposed ports or not.
    Chosen,
    Unknown,
}

/// Words that ask a program for its usage.
const HELP: &[&str] = &["--help", "-h", "help", "-help"];

/// The image's default command ends by asking for usage: the words of
/// the final ENTRYPOINT (exec form) and CMD, the last one a help flag.
fn prints_usage(df: &crate::parse::dockerfile::Dockerfile) -> bool {
    use crate::parse::dockerfile::Command;
    let last_word = |k: Keyword| {
        df.final_last(k).and_then(|i| i.command()).map(|c| match c {
            Command::Exec { argv, .. } => argv.last().map(|w| w.text.clone()),
            Command::Shell { text, .. } => text.split_whitespace().last().map(str::to_string),
        })
    };
    // A CMD of its own that only echoes (`CMD ["echo", "Use one of: …"]`)
    // prints a note and exits: what runs is each run's choice.
    let first_word = df
        .final_last(Keyword::Cmd)
        .and_then(|i| i.command())
        .and_then(|c| match c {
            Command::Exec { argv, .. } => argv.first().map(|w| w.text.clone()),
            // A shell form only when the echo is all it runs (`echo x &&
            // python main.py` starts a program).
            Command::Shell { script, .. } => (script.commands.len() == 1)
                .then(|| script.commands.first().and_then(|c| c.program()))
                .flatten()
                .map(str::to_string),
        });
    if df.final_last(Keyword::Entrypoint).is_none()
        && first_word.is_some_and(|w| matches!(w.rsplit('/').next(), Some("echo" | "printf")))
    {
        return true;
    }
    // The default run ends with the CMD's last word when there is a CMD
    // (it follows the ENTRYPOINT), else with the ENTRYPOINT's.
    let last = match last_word(Keyword::Cmd) {
        Some(w) => w,
        None => last_word(Keyword::Entrypoint).flatten(),
    };
    last.is_some_and(|w| HELP.contains(&w.trim_matches(['"', '\''])))
}

/// Interpreters and shells whose bare prompt is a base image's default
/// command.
const PROMPTS: &[&str] = &[
    "python", "python3", "ipython", "bash", "sh", "ash", "zsh", "node", "irb", "ruby", "php",
    "perl", "jshell", "pwsh",
];

/// Distribution images whose default command is a shell.
const DISTRIBUTIONS: &[&str] = &[
    "debian",
    "ubuntu",
    "alpine",
    "busybox",
    "fedora",
    "centos",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "archlinux",
    "opensuse",
    "oraclelinux",
];

/// Vendors' images whose own command is a shell (`pwsh`), matched by
/// their whole name: an image built on one with no command of its own
/// opens that shell.
const SHELL_IMAGES: &[&str] = &["mcr.microsoft.com/powershell"];

/// Official language images whose own command is the interpreter's
/// prompt or a shell (`python` runs `python3`, `node` runs `node`, `ruby`
/// runs `irb`, `golang`, `rust` and `buildpack-deps` inherit `bash`): an
/// image built on one with no command of its own opens that prompt.
const PROMPT_IMAGES: &[&str] = &[
    "python",
    "pypy",
    "node",
    "ruby",
    "golang",
    "rust",
    "buildpack-deps",
];

/// Programs an ENTRYPOINT starts that run other commands (or a shell):
/// they say nothing about what the image is.
const LAUNCHERS: &[&str] = &[
    "sh",
    "bash",
    "ash",
    "dash",
    "tini",
    "dumb-init",
    "gosu",
    "su-exec",
    "env",
    "supervisord",
    "docker-entrypoint.sh",
    "entrypoint.sh",
    "python",
    "python3",
    "node",
    "java",
    "dotnet",
    "ruby",
    "php",
    "perl",
    "deno",
    "bun",
    "uv",
    "poetry",
    "runit_bootstrap",
    "runsvdir",
    "s6-svscan",
    "init",
];

/// Network daemons often started without an `EXPOSE` beside them (and
/// those that step down from root themselves, known apart).
const DAEMONS: &[&str] = &[
    "coredns",
    "consul",
    "vault",
    "nomad",
    "clair",
    "prometheus",
    "grafana-server",
    "traefik",
    "haproxy",
    "envoy",
    "etcd",
    "minio",
    "squid",
    "tor",
    "privoxy",
    "redis-server",
    "mongod",
    "postgres",
    "mysqld",
    "memcached",
    "rabbitmq-server",
    "nats-server",
    "openvpn",
    "pomerium",
    "watchtower",
    "postfix",
    "snort",
    "delegated",
    "stunnel",
];

/// Words of the arguments that start a long-running process.
const SERVING_ARGS: &[&str] = &[
    "serve",
    "server",
    "agent",
    "daemon",
    "start",
    "run",
    "-f",
    "--foreground",
    "-D",
    "web",
    "-l",
    "--listen",
    "-p",
    "--port",
    "0.0.0.0",
];

/// Is `program` (with its arguments) a daemon rather than a tool: a known
/// one, a `…d`/`…-server` name, or arguments that start serving?
fn daemon(program: &str, args: &[String]) -> bool {
    DAEMONS.contains(&program)
        || crate::rules::known_images::program_drops_root(program)
        || program.ends_with("-server")
        || program.ends_with("server")
        || program.contains("proxy")
        // `sshd`, `httpd`; not `s3cmd` (a command) nor `signed`, nor words
        // that merely end in `d` (`gcloud`, `docker-build`,
        // `youtube-download`, `1password`, `notepad`, `htpasswd`, CAD
        // programs such as `openscad` and `kicad`).
        || (program.len() > 4
            && program.ends_with('d')
            && !["ed", "cmd", "cloud", "build", "load", "word", "pad", "passwd", "cad"]
                .iter()
                .any(|end| program.ends_with(end)))
        || args.iter().any(|a| SERVING_ARGS.contains(&a.as_str()))
}

/// Does the CMD or ENTRYPOINT start a known web server?
pub fn starts_server(cx: &DockerContext<'_>) -> bool {
    final_scripts(cx).any(|s| s.commands.iter().any(|c| is_server_command(&strip_exec(c))))
}

/// The scripts the final stage's last ENTRYPOINT, then its last CMD, run
/// ([`process_scripts`]), made once per Dockerfile.
fn final_scripts<'c>(
    cx: &'c DockerContext<'_>,
) -> impl Iterator<Item = &'c crate::parse::shell::Script> {
    scripts_of(cx).iter().flatten()
}

/// [`final_scripts`] by keyword: the ENTRYPOINT's, the CMD's.
fn scripts_of<'c>(cx: &'c DockerContext<'_>) -> &'c [Vec<crate::parse::shell::Script>; 2] {
    cx.scripts.get_or_init(|| {
        [Keyword::Entrypoint, Keyword::Cmd].map(|k| {
            cx.dockerfile
                .final_last(k)
                .and_then(|i| i.command())
                .map(|c| process_scripts(c, cx.file))
                .unwrap_or_default()
        })
    })
}

/// The first command the final stage's last `k` (ENTRYPOINT or CMD)
/// runs, `exec` stripped.
fn first_command(cx: &DockerContext<'_>, k: Keyword) -> Option<crate::parse::shell::SimpleCommand> {
    let [entrypoint, cmd] = scripts_of(cx);
    let scripts = match k {
        Keyword::Entrypoint => entrypoint,
        Keyword::Cmd => cmd,
        _ => return None,
    };
    scripts
        .first()
        .and_then(|s| s.commands.first().map(strip_exec))
}

/// The program the final stage starts: the ENTRYPOINT's, else the CMD's
/// (`ENTRYPOINT ["mosquitto"]`, `CMD ["netdata", "-D"]`).
pub fn final_program(cx: &DockerContext<'_>) -> Option<String> {
    first_command(cx, Keyword::Entrypoint)
        .or_else(|| first_command(cx, Keyword::Cmd))
        .and_then(|c| c.program().map(str::to_string))
}

/// The image starts a daemon that steps down from root by itself
/// ([`known_images::program_drops_root`]), and no word of its
/// ENTRYPOINT or CMD keeps it root (`--user=root`, `-u root`, ntopng's
/// `--dont-change-user` or `-s`).
pub fn starts_self_demoting_daemon(cx: &DockerContext<'_>) -> bool {
    // An entrypoint script hands the CMD on (`exec "$@"`, the official
    // images' pattern): the daemon is the CMD's.
    let program = match (
        first_command(cx, Keyword::Entrypoint),
        first_command(cx, Keyword::Cmd),
    ) {
        (Some(e), Some(c))
            if e.program()
                .is_some_and(|p| p.ends_with(".sh") || p.contains("entrypoint")) =>
        {
            c.program().map(str::to_string)
        }
        _ => final_program(cx),
    };
    let Some(program) = program else {
        return false;
    };
    let keeps_root = [Keyword::Entrypoint, Keyword::Cmd].iter().any(|&k| {
        first_command(cx, k).is_some_and(|c| {
            c.argv.iter().any(|w| {
                w.text.contains("root")
                    || w.text == "--dont-change-user"
                    || (program == "ntopng" && w.text == "-s")
            })
        })
    });
    // FreeRADIUS' `radiusd` switches to `radius` where the distribution's
    // package configures it so (Alpine, Fedora); a build from source does
    // not.
    let demotes = crate::rules::known_images::program_drops_root(&program)
        || (program == "radiusd" && super::helpers::installs_package(cx.dockerfile, "freeradius"))
        || (matches!(program.as_str(), "mysqld" | "mariadbd" | "mysqld_safe")
            && writes_server_user(cx));
    demotes && !keeps_root
}

/// The image's own command starts its program as another user (`CMD
/// gosu privoxy privoxy --no-daemon …`, `su-exec`, `setpriv`,
/// `runuser`): the step down the official images write in their
/// entrypoint scripts, written in the command.
pub fn command_steps_down(cx: &DockerContext<'_>) -> bool {
    final_scripts(cx).any(|s| {
        let Some(at) = crate::project::facts::entrypoint::read(s).drops_root else {
            return false;
        };
        // To another user than root (`gosu root …`, `--reuid=0` keep it).
        s.commands.iter().filter(|c| c.span == at).all(|c| {
            !c.argv.iter().any(|w| {
                let t = w.text.as_str();
                matches!(t, "root" | "0") || t.ends_with("=root") || t.ends_with("=0")
            })
        })
    })
}

/// A RUN of the final stage writes a `user=<name>` other than root into
/// a configuration (`sed … 's/^\[mysqld\]$/&\nuser=mysql/' my.cnf`,
/// `echo 'user=mysql' >> …`): MySQL and MariaDB read it and switch to
/// that user when started as root.
fn writes_server_user(cx: &DockerContext<'_>) -> bool {
    super::helpers::final_runs(cx.dockerfile).any(|i| {
        let words: Vec<&str> = i
            .script()
            .into_iter()
            .flat_map(|s| &s.commands)
            .flat_map(|c| c.assignments.iter().chain(&c.argv))
            .map(|w| w.text.as_str())
            .collect();
        // It edits MySQL's configuration, not `pip install --user=…`.
        let configures = words.iter().any(|w| {
            ["my.cnf", "/etc/mysql", "[mysqld]"]
                .iter()
                .any(|c| w.contains(c))
        });
        configures
            && words.iter().any(|w| {
                w.match_indices("user=").any(|(at, _)| {
                    // A setting of its own: a word's start, or after a
                    // written `\n`, a line break or a space within it
                    // (not `--user=`, `db_user=`).
                    let before = w.get(..at).unwrap_or_default();
                    let setting = before.is_empty()
                        || before.ends_with("\\n")
                        || before.ends_with(['\n', ' ']);
                    let name: String = w
                        .get(at + "user=".len()..)
                        .unwrap_or_default()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                        .collect();
                    setting && !name.is_empty() && name != "root" && name != "0"
                })
            })
    })
}

/// The daemon of the image's own command that logs users in as
/// themselves (`CMD ["/usr/sbin/sshd", "-D"]`, `nmbd -D && smbd -FS`):
/// its name.
pub fn starts_login_daemon(cx: &DockerContext<'_>) -> Option<String> {
    // Beside a web server (`sshd && gunicorn …`), root serves that too.
    if starts_server(cx) {
        return None;
    }
    final_scripts(cx).flat_map(|s| &s.commands).find_map(|c| {
        let p = strip_exec(c).program()?.to_string();
        crate::rules::known_images::program_logs_users_in(&p).then_some(p)
    })
}

/// The role of the image `cx` builds.
pub fn role(cx: &DockerContext<'_>) -> Role {
    *cx.role.get_or_init(|| role_of(cx))
}

fn role_of(cx: &DockerContext<'_>) -> Role {
    let df = cx.dockerfile;
    let published = cx
        .project
        .units_of(&cx.file.path)
        .any(|u| !u.runs.is_empty() && u.runs.iter().any(|r| !r.ports.is_empty()));
    if starts_server(cx) {
        return Role::Server;
    }
    // A port exposed or published, but the default only prints usage:
    // what serves there is what each deployment asks for.
    if df.final_last(Keyword::Expose).is_some() || published {
        return if prints_usage(df) {
            Role::Chosen
        } else {
            Role::Server
        };
    }
    if usage_runs_on_display(&cx.file.text) {
        return Role::Desktop;
    }
    // The ENTRYPOINT's program, and the words of ENTRYPOINT and CMD after it.
    let first = |k: Keyword| first_command(cx, k);
    let Some(cmd) = first(Keyword::Entrypoint) else {
        let prompt = first(Keyword::Cmd).is_some_and(|c| {
            c.argv.len() == 1
                && c.program()
                    .is_some_and(|p| PROMPTS.contains(&p) || p.starts_with("python3."))
        });
        // No command at all on a distribution's image: it inherits the
        // distribution's shell (`FROM debian:12` and files copied in); on
        // an official language image that nothing in the repository runs
        // (a compose service or a manifest may give it a command: a
        // worker), the language's prompt (`FROM python:3-alpine`).
        let inherits_shell = df.final_last(Keyword::Cmd).is_none()
            && df.final_chain().first().is_some_and(|s| {
                let repo = s.image.repository();
                let name = repo.rsplit('/').next().unwrap_or(&repo);
                DISTRIBUTIONS.contains(&name)
                    || SHELL_IMAGES.contains(&repo.as_str())
                    || (!repo.contains('/') && PROMPT_IMAGES.contains(&name) && !runs_somewhere(cx))
            });
        if prompt || inherits_shell {
            return Role::Base;
        }
        // A CMD-only image whose documented runs are all removed when
        // they exit or attached to a terminal, none detached (`docker run
        // --rm -it jess/htop`), or whose program reads its standard input
        // (`CMD ["hadolint", "-"]`: a filter fed by `docker run -i`): a
        // program run per invocation, like an ENTRYPOINT tool. Run at a
        // terminal and reached by nobody else, its arguments say nothing
        // of serving (`emacs -f tetris`): only a daemon's name does.
        if let Some(c) = first(Keyword::Cmd)
            && let Some(program) = c.program()
            && !LAUNCHERS.contains(&program)
            && !program.ends_with(".sh")
            && !prints_usage(df)
        {
            let args: Vec<String> = c.args().iter().map(|w| w.text.clone()).collect();
            let per_invocation = !daemon(program, &args)
                && (usage_runs_once(&cx.file.text) || args.last().is_some_and(|w| w == "-"));
            // Someone else's program that nothing says serves or keeps
            // running (`CMD ["shellcheck"]` after installing it): no port,
            // no volume for state, no health check, no documented run, no
            // deployment, a program not named like a daemon nor started as
            // a worker, and nothing of the repository copied into the
            // image (an app's own image, a worker or a Go service built
            // from the checkout, is deployed from elsewhere).
            let says_nothing = !daemon(program, &args)
                && !args.iter().any(|a| a == "worker")
                && df.final_last(Keyword::Volume).is_none()
                && df.final_last(Keyword::Healthcheck).is_none()
                && !copies_from_context(df)
                && usage_runs(&cx.file.text).is_empty()
                && !runs_somewhere(cx);
            if per_invocation
                || says_nothing
                || (!daemon(program, &[]) && usage_runs_at_terminal(&cx.file.text))
            {
                return Role::Tool;
            }
        }
        return unknown(df);
    };
    let Some(program) = cmd.program().map(str::to_string) else {
        return unknown(df);
    };
    // A bare interpreter or shell as the ENTRYPOINT, no CMD, no
    // documented run that detaches it, and no deployment that gives it a
    // command (`ENTRYPOINT ["python"]` beside example scripts): a prompt,
    // run per invocation with the script each run names.
    if cmd.argv.len() == 1
        && (PROMPTS.contains(&program.as_str()) || program.starts_with("python3."))
        && df.final_last(Keyword::Cmd).is_none()
        && !usage_detaches(&cx.file.text)
        && !cx
            .project
            .units_of(&cx.file.path)
            .flat_map(|u| u.runs.iter())
            .any(|r| r.command_set)
    {
        return Role::Tool;
    }
    let mut args: Vec<String> = cmd.args().iter().map(|w| w.text.clone()).collect();
    if let Some(c) = first(Keyword::Cmd) {
        // A default subcommand (`CMD ["trade"]`) runs something by itself;
        // a tool's default is a flag (`--help`) or nothing.
        if c.argv.first().is_some_and(|w| !w.text.starts_with('-')) {
            return unknown(df);
        }
        args.extend(c.argv.iter().map(|w| w.text.clone()));
    }
    if LAUNCHERS.contains(&program.as_str()) || program.ends_with(".sh") || daemon(&program, &args)
    {
        return unknown(df);
    }
    Role::Tool
}

/// Some stage copies files of the build context (`COPY`/`ADD` without
/// `--from`, other than a URL): the image holds the repository's code.
fn copies_from_context(df: &crate::parse::dockerfile::Dockerfile) -> bool {
    df.instructions.iter().any(|i| {
        matches!(i.keyword, Keyword::Copy | Keyword::Add)
            && i.flag("from").is_none()
            && i.words()
                .split_last()
                .is_some_and(|(_, sources)| sources.iter().any(|w| !w.text.contains("://")))
    })
}

/// What an image of no clearer role is: a toolbox when its default only
/// prints usage (`CMD ["ykpersonalize", "--help"]` behind an entrypoint
/// script), else unknown.
fn unknown(df: &crate::parse::dockerfile::Dockerfile) -> Role {
    if prints_usage(df) {
        Role::Chosen
    } else {
        Role::Unknown
    }
}

/// Do all the deployments of the image check its health themselves
/// (compose `healthcheck:`, Kubernetes probes)? `false` when nothing in
/// the project runs it.
pub fn health_checked_everywhere(cx: &DockerContext<'_>) -> bool {
    every_run(cx, |r| {
        r.health_checked
            // A compose entry layered with a file that checks the same
            // service's health (an override over its base, a deploy file
            // a workflow adds) runs merged with that check.
            || match &r.runner {
                crate::project::facts::images::Runner::Compose { service } => cx
                    .project
                    .layered_states(&r.at.file, service, &["healthcheck"]),
                _ => false,
            }
    })
}

/// Every deployment of the image in the repository is a Kubernetes
/// container (and there is one): Kubernetes ignores `HEALTHCHECK`; its
/// probes are what KU001/KU002 ask for.
pub fn kubernetes_only(cx: &DockerContext<'_>) -> bool {
    every_run(cx, |r| {
        matches!(
            r.runner,
            crate::project::facts::images::Runner::Kubernetes { .. }
        )
    })
}

/// A Windows image (`mcr.microsoft.com/windows/servercore`, a
/// `nanoserver` or `windowsservercore` tag): there is no root to drop,
/// the default user is `ContainerAdministrator` and `USER` names Windows
/// accounts.
pub fn windows(df: &crate::parse::dockerfile::Dockerfile) -> bool {
    df.final_chain().first().is_some_and(|s| {
        let text = s.image.text.to_ascii_lowercase();
        text.starts_with("mcr.microsoft.com/windows")
            || text.contains("windowsservercore")
            || text.contains("nanoserver")
    })
}

/// A WebAssembly image: built `FROM scratch`, its ENTRYPOINT (or CMD)
/// a `.wasm` module, which a wasm runtime (WasmEdge, wasmtime) runs
/// with no Linux user or shell at all.
pub fn wasm(df: &crate::parse::dockerfile::Dockerfile) -> bool {
    use crate::parse::dockerfile::Command;
    let scratch = df
        .final_chain()
        .first()
        .is_some_and(|s| s.image.is_scratch());
    // The program each instruction starts, as parsed.
    let module = |k: Keyword| {
        df.final_last(k)
            .and_then(|i| i.command())
            .is_some_and(|c| match c {
                Command::Exec { argv, .. } => {
                    argv.first().is_some_and(|w| w.text.ends_with(".wasm"))
                }
                Command::Shell { script, .. } => script
                    .commands
                    .first()
                    .and_then(|c| c.program())
                    .is_some_and(|p| p.ends_with(".wasm")),
            })
    };
    scratch && (module(Keyword::Entrypoint) || module(Keyword::Cmd))
}

/// Every deployment of the image in the repository runs it as a user
/// other than root, whatever its `USER` (and there is one).
pub fn user_set_everywhere(cx: &DockerContext<'_>) -> bool {
    every_run(cx, |r| r.non_root.is_some())
}

/// Every deployment of the image in the repository grants it privileges
/// only root can use (`privileged`, capabilities beyond Docker's
/// defaults), and there is one.
pub fn privileged_everywhere(cx: &DockerContext<'_>) -> bool {
    every_run(cx, |r| r.host_privileges.is_some())
}

/// Something in the repository runs the image (a compose service, a
/// Kubernetes container).
pub fn runs_somewhere(cx: &DockerContext<'_>) -> bool {
    cx.project
        .units_of(&cx.file.path)
        .any(|u| !u.runs.is_empty())
}

/// Some deployment of the image publishes ports and checks no health:
/// where a toolbox image is made a server with nothing watching it.
pub fn serves_unchecked_somewhere(cx: &DockerContext<'_>) -> bool {
    cx.project
        .units_of(&cx.file.path)
        .flat_map(|u| u.runs.iter())
        .any(|r| !r.ports.is_empty() && !r.health_checked)
}

/// The Dockerfile's own usage comment runs the image with privileges only
/// root can use (`# docker run --privileged …`, `--cap-add`, `--device`):
/// the author's stated deployment, where the repository holds no other.
pub fn usage_grants_privileges(text: &str) -> bool {
    usage_run_has(text, grants_privileges)
}

/// A `docker run` word that grants privileges only root can use.
fn grants_privileges(w: &str) -> bool {
    w == "--privileged"
        || w.starts_with("--privileged=true")
        || w.starts_with("--cap-add")
        || w.starts_with("--device")
}

/// The Dockerfile's own usage comment, or a deployment of the image,
/// mounts the host's kernel headers (`-v /usr/src:/usr/src`): the image
/// builds against the running kernel (an eBPF toolkit compiling its
/// probes, a kernel module built on the host).
pub fn builds_against_host_kernel(cx: &DockerContext<'_>) -> bool {
    usage_runs(&cx.file.text)
        .iter()
        .any(|r| r.iter().any(|w| mounts_kernel_tree(w)))
        || cx
            .project
            .units_of(&cx.file.path)
            .flat_map(|u| u.runs.iter())
            .any(|r| r.host_paths.iter().any(|p| kernel_tree(p)))
}

/// The kernel's headers: `/lib/modules` alone is what `modprobe` reads
/// to load a module, not a build.
fn kernel_tree(path: &str) -> bool {
    path.trim_end_matches('/') == "/usr/src"
}

/// A `docker run` word that bind-mounts the host's kernel headers
/// (`/usr/src:/usr/src:ro`, `source=/usr/src,…`).
fn mounts_kernel_tree(w: &str) -> bool {
    let source = w
        .split(',')
        .find_map(|p| p.strip_prefix("source=").or_else(|| p.strip_prefix("src=")))
        .unwrap_or_else(|| w.split(':').next().unwrap_or(w));
    kernel_tree(source)
}

/// Where the image runs, it is privileged and given the host's kernel
/// headers on the same run: every deployment of the repository (when
/// there is one), else a `docker run` of the usage comment.
pub fn privileged_with_kernel_tree(cx: &DockerContext<'_>) -> bool {
    if runs_somewhere(cx) {
        return every_run(cx, |r| {
            r.host_privileges.is_some() && r.host_paths.iter().any(|p| kernel_tree(p))
        });
    }
    usage_runs(&cx.file.text)
        .iter()
        .any(|r| r.iter().any(|w| grants_privileges(w)) && r.iter().any(|w| mounts_kernel_tree(w)))
}

/// The Dockerfile's own usage comment runs the image on the host's X
/// display (`-v /tmp/.X11-unix:/tmp/.X11-unix`, `-e DISPLAY=…`): a
/// desktop application.
pub fn usage_runs_on_display(text: &str) -> bool {
    usage_run_has(text, |w| {
        w.contains("/tmp/.X11-unix") || w.starts_with("DISPLAY") || w.contains("DISPLAY=")
    })
}

/// Every `docker run` the Dockerfile's comments document is run once:
/// it removes the container when it exits (`--rm`) or is at a terminal
/// (below), and none runs it detached (`-d`, `-dit`, `--detach`) or
/// restarts it (`--restart`): the author runs it per invocation, as a
/// command. `false` when none is documented.
pub fn usage_runs_once(text: &str) -> bool {
    let runs = usage_runs(text);
    !runs.is_empty()
        && runs
            .iter()
            .all(|r| (r.contains(&"--rm") || at_terminal(r)) && !r.iter().any(|w| detached(w)))
}

/// A documented `docker run` detaches or restarts the container: the
/// author runs it as a service.
pub fn usage_detaches(text: &str) -> bool {
    usage_runs(text)
        .iter()
        .any(|r| docker_options(r).iter().any(|w| detached(w)))
}

/// Every documented `docker run` attaches a terminal (`-it`, `-i -t`,
/// `--interactive --tty`), publishes no port and none is detached or
/// restarted: a person at the keyboard uses it, nobody reaches it from
/// outside. `false` when none is documented.
pub fn usage_runs_at_terminal(text: &str) -> bool {
    let runs = usage_runs(text);
    !runs.is_empty()
        && runs
            .iter()
            .all(|r| at_terminal(r) && !r.iter().any(|w| detached(w)))
}

/// A cluster of short flags (`-dit`, `-ti`) holding `flag`.
fn short_flag(w: &str, flag: char) -> bool {
    w.len() > 1
        && w.starts_with('-')
        && !w.starts_with("--")
        && w[1..].chars().all(|c| c.is_ascii_alphabetic())
        && w.contains(flag)
}

/// A `docker run` word that detaches or restarts the container.
fn detached(w: &str) -> bool {
    w == "--detach" || w.starts_with("--restart") || short_flag(w, 'd')
}

/// The options of a `docker run` attach a terminal and neither publish a
/// port nor share the host's network: the words before the image only,
/// the container's own arguments (`-listen`, `-port`) are not docker's.
fn at_terminal(run: &[&str]) -> bool {
    let options = docker_options(run);
    let switch = |w: &str, flag: char| docker_switches(w).is_some_and(|s| s.contains(flag));
    let publishes = |w: &str| {
        switch(w, 'P')
            || w.starts_with("-p")
            || w.starts_with("--publish")
            || w.starts_with("--expose")
    };
    let host_network = options
        .windows(2)
        .any(|p| matches!(p, [flag, "host"] if *flag == "--net" || *flag == "--network"))
        || options
            .iter()
            .any(|w| *w == "--net=host" || *w == "--network=host");
    options
        .iter()
        .any(|w| *w == "--interactive" || switch(w, 'i'))
        && options.iter().any(|w| *w == "--tty" || switch(w, 't'))
        && !options.iter().any(|w| publishes(w))
        && !host_network
}

/// The options of a `docker run` (its words from `run` on): up to the
/// image, the first word that is neither an option nor an option's value.
fn docker_options<'w>(run: &'w [&'w str]) -> &'w [&'w str] {
    /// Long options that take no value.
    const SWITCHES: &[&str] = &[
        "--rm",
        "--init",
        "--privileged",
        "--interactive",
        "--tty",
        "--detach",
        "--read-only",
        "--publish-all",
        "--no-healthcheck",
        "--oom-kill-disable",
    ];
    let mut at = 1;
    while let Some(w) = run.get(at) {
        if !w.starts_with('-') {
            break;
        }
        let takes_value = if w.starts_with("--") {
            !w.contains('=') && !SWITCHES.contains(w)
        } else {
            // A short cluster of switches (`-it`, `-P`) takes none; a
            // short option with its value attached (`-p80:80`) neither.
            !(docker_switches(w).is_some() || w.len() > 2)
        };
        at += if takes_value { 2 } else { 1 };
    }
    run.get(..at.min(run.len())).unwrap_or(run)
}

/// The letters of a cluster of `docker run`'s one-letter switches (`-it`,
/// `-dit`, `-P`): detach, interactive, tty, publish all.
fn docker_switches(w: &str) -> Option<&str> {
    w.strip_prefix('-')
        .filter(|s| !s.is_empty() && s.chars().all(|c| matches!(c, 'd' | 'i' | 't' | 'P')))
}

/// A word of a `docker run` command in the Dockerfile's comments (the
/// author's documented usage, lines joined by `\`) satisfies `word`.
fn usage_run_has(text: &str, word: impl Fn(&str) -> bool) -> bool {
    usage_runs(text).iter().flatten().any(|w| word(w))
}

/// The words of each `docker run` command in the Dockerfile's comments
/// (lines joined by `\`), from `run` on.
fn usage_runs(text: &str) -> Vec<Vec<&str>> {
    let mut runs: Vec<Vec<&str>> = Vec::new();
    let finder = memchr::memmem::Finder::new(b"docker run");
    // Lines before the next `docker run` cannot start or continue a run:
    // the scan starts at the line that holds it, and skips ahead again
    // whenever a run has ended. (Most Dockerfiles document none.)
    let mut from = 0;
    while let Some(found) = text
        .get(from..)
        .and_then(|rest| finder.find(rest.as_bytes()))
    {
        let start = text[..from + found].rfind('\n').map_or(0, |i| i + 1);
        let mut in_run = false;
        let mut end = text.len();
        let mut offset = start;
        for line in text[start..].split_inclusive('\n') {
            offset += line.len();
            let line = line.trim_end_matches(['\n', '\r']);
            let Some(comment) = line.trim_start().strip_prefix('#') else {
                // The usage is documented above the instructions.
                if !line.trim().is_empty() {
                    in_run = false;
                }
                if in_run {
                    continue;
                }
                end = offset;
                break;
            };
            let comment = comment.trim();
            let mut words = comment;
            if let Some(at) = comment.find("docker run") {
                in_run = true;
                runs.push(Vec::new());
                words = &comment[at + "docker ".len()..];
            }
            if in_run && let Some(run) = runs.last_mut() {
                run.extend(words.split_whitespace().filter(|w| *w != "\\"));
            }
            // The command goes on while its lines end with `\`.
            in_run = in_run && comment.ends_with('\\');
            if !in_run {
                end = offset;
                break;
            }
        }
        from = end;
    }
    runs
}

/// The image runs somewhere in the repository, and every run is `ok`.
fn every_run(
    cx: &DockerContext<'_>,
    ok: impl Fn(&crate::project::facts::images::Run) -> bool,
) -> bool {
    let runs: Vec<_> = cx
        .project
        .units_of(&cx.file.path)
        .flat_map(|u| u.runs.iter())
        .collect();
    !runs.is_empty() && runs.iter().all(|r| ok(r))
}

#[cfg(test)]
mod usage_tests {
    use super::*;

    #[test]
    fn runs_removed_on_exit_and_never_detached_are_per_invocation() {
        let htop = "# docker run --rm -it \\\n# \t--pid host \\\n# \tjess/htop\nFROM alpine\nCMD [\"htop\"]\n";
        assert!(usage_runs_once(htop));
        assert!(!usage_runs_once(&htop.replace("-it", "-dit")));
        assert!(!usage_runs_once(&htop.replace("--rm", "--restart always")));
        // At a terminal and publishing nothing: a person runs it.
        assert!(usage_runs_once(&htop.replace("--rm ", "")));
        assert!(usage_runs_once("# docker run -i -t tetris\nFROM alpine\n"));
        assert!(!usage_runs_once(
            "# docker run -it -p 8080:80 x/site\nFROM alpine\n"
        ));
        assert!(!usage_runs_once("# docker run -i x/tool\nFROM alpine\n"));
        // The container's own arguments are not docker's options.
        assert!(!usage_runs_at_terminal(
            "# docker run --rm x/daemon -listen -strict\nFROM alpine\n"
        ));
        assert!(usage_runs_at_terminal(
            "# docker run -it -v $HOME:/root -e TERM x/game -port 1\nFROM alpine\n"
        ));
        // On the host's network it is reachable from outside.
        assert!(!usage_runs_at_terminal(
            "# docker run -it --net host x/tool\nFROM alpine\n"
        ));
        // Every documented run counts.
        let two = "# docker run --rm -it x/tool\n# docker run -d -p 80:80 x/tool\nFROM alpine\n";
        assert!(!usage_runs_once(two));
        assert!(!usage_runs_once("FROM alpine\nCMD [\"htop\"]\n"));
    }
}
