//! Questions several DF rules ask of the model: which RUNs build the final
//! image, what the container's process is, what a package manager call does.

use crate::parse::dockerfile::{Command, Dockerfile, Instruction, Keyword, Stage};
use crate::parse::shell::{Script, SimpleCommand, Word};
use crate::source::SourceFile;

/// RUN instructions of the final image (its stage chain).
pub fn final_runs(df: &Dockerfile) -> impl Iterator<Item = &Instruction> {
    df.final_instructions()
        .filter(|i| i.keyword == Keyword::Run)
}

/// The stages of the final image's chain whose base is a pinnable image
/// (not `scratch`, not an earlier stage, not an unresolved reference).
pub fn pinnable_final_stages(df: &Dockerfile) -> impl Iterator<Item = &Stage> {
    df.final_chain()
        .into_iter()
        .filter(|s| s.parent.is_none() && !s.image.unresolved && !s.image.is_scratch())
}

/// RUN instructions of every stage.
pub fn all_runs(df: &Dockerfile) -> impl Iterator<Item = &Instruction> {
    df.instructions_of(Keyword::Run)
}

/// The simple commands a shell-form RUN executes (none for exec form).
pub fn commands(run: &Instruction) -> &[SimpleCommand] {
    run.script().map_or(&[], |s| s.commands.as_slice())
}

/// The container's CMD and ENTRYPOINT that take effect.
pub fn process_instructions(df: &Dockerfile) -> Vec<&Instruction> {
    [
        df.final_last(Keyword::Entrypoint),
        df.final_last(Keyword::Cmd),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The commands a CMD/ENTRYPOINT runs, as scripts: a shell-form command
/// as written; an exec form as one command, or the script of `sh -c "…"`.
pub fn process_scripts(cmd: &Command, file: &SourceFile) -> Vec<Script> {
    match cmd {
        Command::Shell { script, .. } => vec![script.clone()],
        Command::Exec { argv, .. } => {
            if let Some(inner) = shell_c_script(argv, file) {
                return vec![inner];
            }
            vec![Script {
                commands: vec![SimpleCommand {
                    assignments: Vec::new(),
                    argv: argv.clone(),
                    redirects: Vec::new(),
                    span: cmd.span(),
                    next: None,
                }],
                uses_shell_syntax: false,
            }]
        }
    }
}

/// `["sh", "-c", "script"]`: the script, parsed, with spans into the file
/// where the JSON string has no escapes.
pub fn shell_c_script(argv: &[Word], file: &SourceFile) -> Option<Script> {
    crate::parse::command::shell_c(argv, &|s| file.slice(s).to_string())
}

/// Short option clusters (`-qy`) and long options, for a flag check.
pub fn has_flag(cmd: &SimpleCommand, short: &[char], long: &[&str]) -> bool {
    cmd.args().iter().any(|w| {
        let t = w.text.as_str();
        if let Some(l) = t.strip_prefix("--") {
            let name = l.split('=').next().unwrap_or(l);
            return long.contains(&name);
        }
        if let Some(s) = t.strip_prefix('-') {
            return !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric())
                && s.chars().any(|c| short.contains(&c));
        }
        false
    })
}

/// `apt-get install`, `apt install`: the `install` word.
pub fn apt_subcommand<'a>(cmd: &'a SimpleCommand, names: &[&str]) -> Option<&'a Word> {
    let prog = cmd.program()?;
    if prog != "apt-get" && prog != "apt" {
        return None;
    }
    let sub = apt_sub_word(cmd)?;
    names.contains(&sub.text.as_str()).then_some(sub)
}

/// The first non-option argument of apt, skipping `-o Key=Value` pairs.
fn apt_sub_word(cmd: &SimpleCommand) -> Option<&Word> {
    let mut skip_next = false;
    for w in cmd.args() {
        if skip_next {
            skip_next = false;
            continue;
        }
        if w.text == "-o" || w.text == "-c" || w.text == "-t" {
            skip_next = true;
            continue;
        }
        if !w.text.starts_with('-') {
            return Some(w);
        }
    }
    None
}

/// Package names after an install subcommand.
pub fn packages<'a>(cmd: &'a SimpleCommand, sub: &Word) -> impl Iterator<Item = &'a Word> {
    let start = sub.span.end;
    let mut skip_next = false;
    cmd.args().iter().filter(move |w| {
        if w.span.start < start {
            return false;
        }
        if skip_next {
            skip_next = false;
            return false;
        }
        if matches!(
            w.text.as_str(),
            "-o" | "-t" | "--virtual" | "-t=" | "--repository" | "-X"
        ) {
            skip_next = true;
            return false;
        }
        !w.text.starts_with('-')
    })
}

/// What a RUN removes again, and from where on: `apt-get purge pkg`,
/// `apk del pkg`, or an auto-remove after `apt-mark auto` (the
/// docker-library pattern) that removes every build dependency.
#[derive(Default)]
pub struct Removals<'a> {
    /// Package name -> offset of the last command removing it.
    named: crate::hashing::FastMap<&'a str, usize>,
    /// Offset of the last auto-remove.
    auto: Option<usize>,
}

impl<'a> Removals<'a> {
    pub fn of(run: &'a Instruction) -> Self {
        let mut r = Removals::default();
        for c in commands(run) {
            let sub = c.subcommand().map(|w| w.text.as_str());
            let at = c.span.start;
            let removes = match c.program() {
                Some("apt-get" | "apt" | "yum" | "dnf") => match sub {
                    Some("autoremove") => {
                        r.auto = Some(at);
                        false
                    }
                    Some("purge" | "remove" | "erase") => {
                        if c.has_arg("--auto-remove") {
                            r.auto = Some(at);
                        }
                        true
                    }
                    _ => false,
                },
                Some("apk") => sub == Some("del"),
                _ => false,
            };
            if removes {
                for w in c.args() {
                    r.named.insert(w.text.as_str(), at);
                }
            }
        }
        r
    }

    /// `pkg`, installed at `at`, is removed later in the RUN (by name or
    /// by an auto-remove).
    pub fn removes_after(&self, pkg: &str, at: usize) -> bool {
        self.auto.is_some_and(|a| a > at) || self.named.get(pkg).is_some_and(|p| *p > at)
    }

    /// `pkg`, installed at `at`, is purged by name later in the RUN, with
    /// `--auto-remove` or before an `apt-get autoremove`: the packages
    /// installed only for it (its dependencies and recommendations) go
    /// too. (An auto-remove before the purge finds them still needed.)
    pub fn purges_with_its_own_after(&self, pkg: &str, at: usize) -> bool {
        self.named
            .get(pkg)
            .is_some_and(|p| *p > at && self.auto.is_some_and(|a| a >= *p))
    }
}

/// Is `cmd` an install of packages (apt, apk, yum/dnf/microdnf)?
pub fn install_word(cmd: &SimpleCommand) -> Option<&Word> {
    match cmd.program()? {
        "apt-get" | "apt" => apt_subcommand(cmd, &["install"]),
        "apk" => cmd.subcommand().filter(|w| w.text == "add"),
        "yum" | "dnf" | "microdnf" => cmd.subcommand().filter(|w| w.text == "install"),
        _ => None,
    }
}

/// A RUN of the final image installs the distribution's package `name`
/// (`freeradius`, `freeradius=3.0.26-r0`, `freeradius~3.0`).
pub fn installs_package(df: &Dockerfile, name: &str) -> bool {
    final_runs(df).flat_map(commands).any(|c| {
        install_word(c).is_some_and(|sub| {
            packages(c, sub).any(|p| p.text.split(['=', '~', '<', '>']).next() == Some(name))
        })
    })
}

pub use crate::parse::shell::pip_install;

/// Does a RUN have a BuildKit cache mount whose target contains `part`?
pub fn has_cache_mount(run: &Instruction, parts: &[&str]) -> bool {
    run.cache_mount_targets()
        .iter()
        .any(|t| parts.is_empty() || parts.iter().any(|p| t.contains(p)))
}

/// Is the process a known web server (gunicorn, uvicorn, ...)?
pub fn is_server_command(cmd: &SimpleCommand) -> bool {
    const SERVERS: &[&str] = &[
        "gunicorn",
        "uvicorn",
        "hypercorn",
        "daphne",
        "granian",
        "waitress-serve",
        "uwsgi",
        "nginx",
        "httpd",
        "caddy",
        "fastapi",
    ];
    let Some(prog) = cmd.program() else {
        return false;
    };
    if SERVERS.contains(&prog) {
        return true;
    }
    let args: Vec<&str> = cmd.args().iter().map(|w| w.text.as_str()).collect();
    if prog.starts_with("python") {
        if let Some(i) = args.iter().position(|a| *a == "-m") {
            return args
                .get(i + 1)
                .is_some_and(|m| SERVERS.contains(m) || *m == "flask");
        }
        return args.iter().any(|a| a.ends_with("manage.py")) && args.contains(&"runserver");
    }
    prog == "flask" && args.contains(&"run")
}

/// Wrappers that run the real command: `exec`, `tini --`, `dumb-init`, `gosu user`.
pub fn strip_exec(cmd: &SimpleCommand) -> SimpleCommand {
    cmd.without_wrappers()
}

/// The value the base image sets for `name` in its final stage, when a
/// Dockerfile of this repository builds that base (the project links a
/// `FROM acme/base` to the Dockerfile a workflow, compose file or build
/// script tags `acme/base`): images built on it inherit its `ENV`.
pub fn base_env(cx: &crate::rules::DockerContext<'_>, name: &str) -> Option<String> {
    let (_, base) = base_built_here(cx)?;
    let (pair, _) = base.dockerfile.final_env(name)?;
    pair.value.clone()
}

/// The Dockerfile of this repository that builds the image the final
/// stage is built `FROM` (a workflow, compose file or build script tags
/// it with that name), with its path: what the image inherits (`ENV`,
/// `USER`, `ENTRYPOINT`) is there.
pub fn base_built_here(
    cx: &crate::rules::DockerContext<'_>,
) -> Option<(std::path::PathBuf, std::sync::Arc<crate::project::Built>)> {
    let root = cx.dockerfile.final_chain().first().copied()?;
    cx.project.built_here(&root.image, &cx.file.path)
}
