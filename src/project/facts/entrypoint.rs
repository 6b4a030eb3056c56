//! Entrypoint scripts: the shell script an image starts as its process
//! (`ENTRYPOINT ["/docker-entrypoint.sh"]`, `CMD ["./start.sh"]`) when
//! the Dockerfile copies it from the repository. The script is PID 1 (or
//! its parent): whether it hands the signal on decides whether the server
//! ever sees SIGTERM, and a `gosu`/`su-exec` in it decides which user the
//! server runs as. The project reads the script (never runs it) and keeps
//! these facts; rules read the facts.

use crate::parse::dockerfile::paths::join;
use crate::parse::dockerfile::{Command, Dockerfile, Keyword};
use crate::parse::shell::{Connector, Script, SimpleCommand, Word};
use crate::source::Span;

/// The script an image starts, as its Dockerfile names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEntry {
    /// Components of the repository path it is copied from (the `COPY`
    /// source), or of the path it runs as when a whole-context copy puts
    /// it there: matched against the repository's files by their ends.
    pub tail: Vec<String>,
    /// The word of `ENTRYPOINT`/`CMD` that names it.
    pub span: Span,
}

/// Programs that only start the next word: the script is after them.
fn is_launcher(word: &str) -> bool {
    matches!(
        word.rsplit('/').next().unwrap_or(word),
        "tini" | "tini-static" | "dumb-init" | "--" | "-s" | "-g"
    )
}

/// A word that names a shell script: `*.sh`, or a name with
/// `entrypoint` in it.
pub(crate) fn names_script(word: &str) -> bool {
    let name = word.rsplit('/').next().unwrap_or(word);
    !word.contains('$') && (name.ends_with(".sh") || name.contains("entrypoint"))
}

/// `$NAME` and `${NAME}` replaced by the image's literal `ENV` values.
fn expand_env(text: &str, df: &Dockerfile) -> String {
    crate::parse::vars::expand(text, |n| {
        df.final_env(n)
            .and_then(|(p, _)| p.value.as_deref())
            .filter(|v| !v.contains('$'))
    })
}

fn components(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(str::to_string)
        .collect()
}

/// The script a host's launcher starts: a systemd `ExecStart=` or a
/// supervisord `command=` whose program (after `tini`, `dumb-init` or a
/// shell) is a shell script (`ExecStart=/srv/tools/run-api.sh`): the
/// path's components, matched against the repository's files by their
/// ends (the script is installed elsewhere on the host).
pub fn named_by_command(entry: &crate::parse::ini::Entry) -> Option<NamedEntry> {
    // systemd's `-`, `@`, `:`, `+`, `!` prefixes change how it runs the
    // command, not what it runs.
    let prefix = entry.value.len()
        - entry
            .value
            .trim_start_matches(['-', '@', ':', '+', '!'])
            .len();
    let text = entry.value.get(prefix..)?;
    let script = crate::parse::shell::parse(text, &entry.map.slice_from(prefix));
    let first = script.commands.first()?;
    let word = script_word(&first.argv)?;
    let tail = components(&word.text);
    if tail.is_empty() || tail.iter().any(|c| c == "..") {
        return None;
    }
    Some(NamedEntry {
        tail,
        span: word.span,
    })
}

/// The word of a command that names the shell script it starts: its
/// program after `tini`/`dumb-init` and a shell (`bash run.sh`).
fn script_word(argv: &[Word]) -> Option<&Word> {
    let mut words = argv.iter().skip_while(|w| is_launcher(&w.text));
    let mut first = words.next()?;
    if crate::parse::command::is_shell(&first.text) {
        first = words.next()?;
    }
    names_script(&first.text).then_some(first)
}

/// The script the final stage starts, if it starts one the Dockerfile
/// copies from its build context.
pub fn named_in(df: &Dockerfile) -> Option<NamedEntry> {
    // The exec-form ENTRYPOINT, or the CMD when there is none.
    let instr = df
        .final_last(Keyword::Entrypoint)
        .or_else(|| df.final_last(Keyword::Cmd))?;
    let Some(Command::Exec { argv, .. }) = instr.command() else {
        return None;
    };
    let first = script_word(argv)?;
    let script = first.text.as_str();
    let name = script.rsplit('/').next().unwrap_or(script);
    // The COPY that puts it there: its destination (relative ones under
    // the WORKDIR of the time, `$VAR` from the image's ENV) is the
    // script's path, or a folder the script's name lands in.
    let expand = |text: &str| expand_env(text, df);
    let mut workdir = String::from("/");
    let mut whole_context = false;
    let mut copies: Vec<(String, &Word)> = Vec::new();
    for i in df.final_instructions() {
        if i.keyword == Keyword::From {
            workdir = String::from("/");
        }
        if i.keyword == Keyword::Workdir
            && let Some(w) = i.words().first()
        {
            workdir = join(&workdir, &expand(&w.text));
        }
        if !matches!(i.keyword, Keyword::Copy | Keyword::Add) || i.flag("from").is_some() {
            continue;
        }
        let Some((dest, sources)) = i.words().split_last() else {
            continue;
        };
        let dest_abs = join(&workdir, &expand(&dest.text));
        for s in sources {
            let base = s.text.trim_end_matches('/');
            if matches!(base, "." | "" | "*") {
                whole_context = true;
                continue;
            }
            if s.text.contains('$') {
                continue;
            }
            let s_name = base.rsplit('/').next().unwrap_or(base);
            copies.push((dest_abs.clone(), s));
            copies.push((join(&dest_abs, s_name), s));
        }
    }
    let script_abs = join(&workdir, &expand(script));
    let bare = !script.contains('/');
    let source = copies
        .iter()
        .rev()
        .find(|(dest, _)| {
            if bare {
                dest.rsplit('/').next() == Some(name)
            } else {
                *dest == script_abs
            }
        })
        .map(|(_, s)| *s);
    let tail = match source {
        Some(s) => components(&s.text),
        // Copied with the whole context: the path it runs as ends with
        // its path in the context.
        None if whole_context => components(script),
        // From the base image (official images' `docker-entrypoint.sh`):
        // not in the repository.
        None => return None,
    };
    if tail.is_empty() || tail.iter().any(|c| c == "..") {
        return None;
    }
    Some(NamedEntry {
        tail,
        span: first.span,
    })
}

/// What an entrypoint script does with the process it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptFacts {
    /// A long-running command (a server, or `"$@"`: the image's `CMD`)
    /// started without `exec`: the shell stays its parent. The command's
    /// span and what it runs.
    pub without_exec: Option<(Span, String)>,
    /// Commands put in the background and a `wait` for them, with no
    /// `trap` to pass a signal on: the `wait`.
    pub waits_untrapped: Option<Span>,
    /// The server is started as another user (`gosu`, `su-exec`,
    /// `setpriv`, `runuser`, `s6-setuidgid`, `chpst -u`): where.
    pub drops_root: Option<Span>,
    /// A command that applies database migrations (`alembic upgrade
    /// head`): where.
    pub migrates: Option<Span>,
    /// A command that installs Python packages the deployment chooses
    /// when the container starts (`pip install $EXTRA_PIP_PACKAGES`, `uv
    /// pip install -r "$REQUIREMENTS"`): where. The image's compilers are
    /// then what the start needs. Not an install of fixed packages (`pip
    /// install --upgrade pip`, `uv sync`): the build could have made it.
    pub installs_packages: Option<Span>,
}

impl ScriptFacts {
    pub fn swallows_sigterm(&self) -> bool {
        self.without_exec.is_some() || self.waits_untrapped.is_some()
    }
}

/// Programs that run the rest of their words as another user.
const DROPS: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "s6-setuidgid",
    "setuidgid",
    "chpst",
];

/// A command that keeps running: a server the project knows, or the
/// image's `CMD` handed on as `"$@"`.
fn long_running(c: &SimpleCommand) -> Option<String> {
    let inner = c.without_wrappers();
    let name = inner.name()?;
    if name == "$@" || name == "${@}" {
        return Some("the image's `CMD` (`\"$@\"`)".to_string());
    }
    let server = crate::parse::command::analyse(&inner.argv)?;
    Some(format!("`{}`", server.server.name()))
}

/// Where the final stage puts `gosu` or `su-exec` in the image (installs
/// the package, downloads or copies the binary): a tool whose one use is
/// an entrypoint script stepping down from root before the server starts.
pub fn step_down_tool(df: &Dockerfile) -> Option<&Word> {
    let named = |w: &&Word| {
        let name = w.text.rsplit('/').next().unwrap_or(&w.text);
        // A package pinned or constrained (`'su-exec>=0.2'`, `gosu=1.17-r6`).
        let name = name.split(['=', '~', '<', '>']).next().unwrap_or(name);
        name == "gosu" || name == "su-exec" || name.starts_with("gosu-")
    };
    df.final_instructions().find_map(|i| match i.keyword {
        Keyword::Run => i
            .script()
            .into_iter()
            .flat_map(|s| &s.commands)
            .flat_map(|c| &c.argv)
            .find(named),
        Keyword::Copy | Keyword::Add => i.words().iter().find(named),
        _ => None,
    })
}

/// `pip install` (or `uv pip install`) of what a variable names.
fn installs_chosen_packages(c: &SimpleCommand) -> bool {
    let inner = c.without_wrappers();
    let Some((_, sub, _)) = crate::parse::shell::pip_install(&inner) else {
        return false;
    };
    inner
        .argv
        .iter()
        .skip_while(|w| !std::ptr::eq(*w, sub))
        .skip(1)
        .any(|w| w.text.contains('$'))
}

/// Reads a script's text (never runs it).
pub fn read(script: &Script) -> ScriptFacts {
    let mut facts = ScriptFacts::default();
    let traps = script.commands.iter().any(|c| c.name() == Some("trap"));
    let mut backgrounded = false;
    for c in &script.commands {
        if facts.migrates.is_none() {
            let words: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
            if crate::parse::command::runs_migrations(&words.join(" ")) {
                facts.migrates = Some(c.span);
            }
        }
        if facts.installs_packages.is_none() && installs_chosen_packages(c) {
            facts.installs_packages = Some(c.span);
        }
        let execs = c.name() == Some("exec");
        if c.program().is_some_and(|p| DROPS.contains(&p))
            || (execs
                && c.argv
                    .get(1)
                    .is_some_and(|w| DROPS.contains(&w.text.rsplit('/').next().unwrap_or(""))))
        {
            facts.drops_root.get_or_insert(c.span);
        }
        if c.next == Some(Connector::Background) {
            backgrounded = true;
            continue;
        }
        if c.name() == Some("wait") && backgrounded && !traps {
            facts.waits_untrapped.get_or_insert(c.span);
        }
        // A command piped on, or in a condition, is not what the script
        // ends with.
        if execs
            || matches!(
                c.next,
                Some(Connector::Pipe | Connector::And | Connector::Or)
            )
        {
            continue;
        }
        if !traps && facts.without_exec.is_none() {
            facts.without_exec = long_running(c).map(|what| (c.span, what));
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(df: &str) -> Option<String> {
        named_in(&crate::parse::dockerfile::parse(df)).map(|e| e.tail.join("/"))
    }

    #[test]
    fn the_copied_script_is_named() {
        assert_eq!(
            entry(
                "FROM python:3.12-slim\nCOPY docker/entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n"
            )
            .as_deref(),
            Some("docker/entrypoint.sh")
        );
        assert_eq!(
            entry(
                "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"tini\", \"--\", \"bash\", \"./scripts/start.sh\"]\n"
            )
            .as_deref(),
            Some("scripts/start.sh")
        );
        assert_eq!(
            entry("FROM a\nCOPY scripts/start.sh /usr/local/bin/\nCMD [\"start.sh\"]\n").as_deref(),
            Some("scripts/start.sh")
        );
        // A relative destination under WORKDIR, one under an ENV folder.
        assert_eq!(
            entry(
                "FROM a\nWORKDIR /opt/app\nCOPY scripts/entrypoint.sh ./entrypoint.sh\nENTRYPOINT [\"/usr/bin/tini\", \"-g\", \"--\", \"/opt/app/entrypoint.sh\"]\n"
            )
            .as_deref(),
            Some("scripts/entrypoint.sh")
        );
        assert_eq!(
            entry(
                "FROM a\nENV HOME_DIR=/app\nCOPY ./docker/entry.sh $HOME_DIR/run.sh\nENTRYPOINT [\"/app/run.sh\"]\n"
            )
            .as_deref(),
            Some("docker/entry.sh")
        );
        // The base image's own script, a shell form, a server: none.
        assert_eq!(
            entry("FROM postgres:16\nENTRYPOINT [\"docker-entrypoint.sh\"]\n"),
            None
        );
        assert_eq!(
            entry("FROM a\nCOPY . .\nCMD [\"gunicorn\", \"app:app\"]\n"),
            None
        );
    }

    fn read(text: &str) -> ScriptFacts {
        let map = crate::parse::offsets::OffsetMap::contiguous(0, text.len());
        super::read(&crate::parse::shell::parse(text, &map))
    }

    #[test]
    fn what_a_script_does_with_its_server() {
        let f = read("#!/bin/sh\nset -e\nalembic upgrade head\ngunicorn app:app -b 0.0.0.0:8000\n");
        assert_eq!(
            f.without_exec.map(|(_, w)| w).as_deref(),
            Some("`gunicorn`")
        );
        let f = read("#!/bin/sh\nalembic upgrade head && exec gunicorn app:app\n");
        assert!(f.migrates.is_some() && !f.swallows_sigterm());
        let f = read(
            "#!/bin/sh\nif [ -n \"$EXTRA\" ]; then\n  uv pip install --system $EXTRA || exit 1\nfi\nexec \"$@\"\n",
        );
        assert!(f.installs_packages.is_some());
        assert!(
            read("#!/bin/sh\npip download x\nexec \"$@\"\n")
                .installs_packages
                .is_none()
        );
        let f = read("#!/bin/sh\nexec gosu app \"$@\"\n");
        assert!(f.drops_root.is_some() && !f.swallows_sigterm());
        let f = read("#!/bin/sh\ncelery worker &\nuvicorn app:app &\nwait\n");
        assert!(f.waits_untrapped.is_some());
        let f = read(
            "#!/bin/sh\ntrap 'kill $(jobs -p)' TERM\ncelery worker &\nuvicorn app:app &\nwait\n",
        );
        assert_eq!(f, ScriptFacts::default());
        let f = read("#!/bin/bash\n\"$@\"\n");
        assert!(f.without_exec.is_some());
    }
}
