use super::*;

declare_rule! {
    /// ## What it checks
    /// The container's process is started in shell form (`CMD gunicorn …`),
    /// or in exec form through `sh -c` whose last command is not `exec`. A
    /// script is fine where the shell replaces itself with its last command:
    /// `bash -c` with a plain list (`a && b`: bash 5.1 and later exec the
    /// last command), and `sh -c` of one plain command or a plain list
    /// (`a && b`, `a; b`, `a || b`) on Alpine or BusyBox images (BusyBox
    /// ash execs the last command: checked with BusyBox 1.35), which holds
    /// for a shell-form `CMD` or `ENTRYPOINT` on those images too (`CMD
    /// aria2c --conf-path=…`: `/bin/sh -c` execs it). A pipe keeps the
    /// shell as the parent on every shell. Debian's and Ubuntu's `/bin/sh`
    /// is dash, which forks every command and stays PID 1 (checked with
    /// dash 0.5.12): reported.
    /// Both the final ENTRYPOINT and the final CMD are judged; a CMD is
    /// skipped only behind a shell-form ENTRYPOINT, which ignores it. A
    /// shell-form CMD behind an exec-form ENTRYPOINT (`tini --`, an
    /// entrypoint script that ends in `exec "$@"`) still starts a shell.
    /// An image with no ENTRYPOINT of its own keeps the one of a base
    /// built in the repository (`FROM acme/ffmpeg`, whose Dockerfile ends
    /// `ENTRYPOINT ["ffmpeg"]`): its shell-form CMD reaches that
    /// entrypoint as `/bin/sh -c …`, and is said so.
    ///
    /// An entrypoint script the Dockerfile copies from the repository
    /// (`COPY docker/entrypoint.sh /entrypoint.sh` and `ENTRYPOINT
    /// ["/entrypoint.sh"]`, or a script of a whole-context copy) is read
    /// too: a script that starts the server (or the image's `CMD`, `"$@"`)
    /// without `exec`, or puts processes in the background and `wait`s for
    /// them with no `trap`, keeps the signal at its shell. The finding is
    /// on the Dockerfile's word that names the script, with the script's
    /// line as a related location. A script file never gets bash's or
    /// BusyBox's "exec the last command" shortcut, which applies to
    /// `-c` strings only. A script the base image brings (official images'
    /// `docker-entrypoint.sh`) is not in the repository and is not judged.
    ///
    /// ## Why it matters in production
    /// Shell form runs `/bin/sh -c "…"`: the shell is PID 1 and the server
    /// its child. `docker stop` and Kubernetes send SIGTERM to PID 1, most
    /// shells do not forward it, and after the grace period the server is
    /// SIGKILLed mid-request. Graceful shutdown, draining and zero-downtime
    /// deploys all depend on the server receiving SIGTERM.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD gunicorn app.main:app -k uvicorn_worker.UvicornWorker
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["gunicorn", "app.main:app", "-k", "uvicorn_worker.UvicornWorker"]
    /// ```
    /// or, when a shell is needed, `exec` the server:
    /// `CMD ["sh", "-c", "alembic upgrade head && exec gunicorn app.main:app"]`.
    ///
    /// ## Fix
    /// Unsafe: rewrites a shell-form command that uses no shell syntax
    /// (no variables, operators, globs or redirections) into the exec form.
    /// It is unsafe because the command no longer runs through a shell.
    ///
    /// ## Differences from hadolint
    /// hadolint's DL3025 asks for the JSON form of `CMD` and `ENTRYPOINT`;
    /// prodlint also reports the JSON form that starts `sh -c` without
    /// `exec` where the shell stays PID 1 (dash), and accepts shell form
    /// whose script starts with `exec`.
    ///
    /// ## References
    /// - [Dockerfile: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
    pub struct ShellFormEntrypoint {
        code: "DF012",
        name: "shell-form-entrypoint",
        severity: Warning,
        fix: Unsafe,
        summary: "the container's process runs under a shell and never gets SIGTERM",
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

impl ShellFormEntrypoint {
    fn check_instruction(
        instr: &Instruction,
        // The ENTRYPOINT a CMD is handed to, as the message names it, and
        // its program when that is not one that runs its arguments as a
        // command (`ffmpeg` rather than `tini --` or a script).
        after: Option<(&str, Option<&str>)>,
        cx: &DockerContext<'_>,
        out: &mut Findings,
    ) {
        let Some(cmd) = instr.command() else { return };
        let kw = instr.keyword.as_str();
        match cmd {
            Command::Shell { script, span, text } => {
                // A program that does not run its arguments gets the shell's
                // command line as its own options: the container is broken,
                // not merely deaf to SIGTERM.
                if let Some((entrypoint, Some(program))) = after {
                    out.report(
                        &Self::META,
                        *span,
                        format!(
                            "shell-form {kw} is handed to {entrypoint} as arguments: `{program}` receives `/bin/sh -c …` rather than its own options"
                        ),
                    )
                    .help(format!(
                        "set an ENTRYPOINT of its own (`ENTRYPOINT []` keeps this {kw} and the variables its shell expands), or give {kw} in exec form with only the options `{program}` expects ({kw} [\"--option\", \"value\"]; exec form expands no variables)"
                    ));
                    return;
                }
                if script.commands.first().and_then(|c| c.name()) == Some("exec") {
                    return;
                }
                // BusyBox's `/bin/sh` (Alpine) replaces itself with a single
                // simple command: the program is PID 1 and gets SIGTERM.
                let alpine =
                    cx.dockerfile.final_chain().first().is_some_and(|s| {
                        crate::parse::command::image_has_busybox_sh(&s.image.text)
                    });
                if after.is_none()
                    && crate::parse::command::shell_execs_last("sh", alpine, script, text)
                {
                    return;
                }
                let message = if let Some((entrypoint, None)) = after {
                    format!(
                        "shell-form {kw} reaches {entrypoint} as `/bin/sh -c …`: the shell, not the server, gets SIGTERM"
                    )
                } else {
                    format!(
                        "shell-form {kw}: `/bin/sh` is PID 1 and the server may never get SIGTERM"
                    )
                };
                let b = out
                    .report(&Self::META, *span, message)
                    .help(format!("use the exec form: {kw} [\"program\", \"arg\", …]"));
                let simple = !script.uses_shell_syntax
                    && script.commands.len() == 1
                    && script.commands[0].assignments.is_empty();
                if simple {
                    let words: Vec<String> = script.commands[0]
                        .argv
                        .iter()
                        .map(|w| json_string(&w.text))
                        .collect();
                    b.fix(
                        Applicability::Unsafe,
                        "rewrite in exec form",
                        vec![Edit::replace(*span, format!("[{}]", words.join(", ")))],
                    );
                }
            }
            Command::Exec { argv, span } => {
                let Some(script) = shell_c_script(argv, cx.file) else {
                    return;
                };
                let execs = script
                    .commands
                    .last()
                    .is_some_and(|c| c.name() == Some("exec"));
                // bash and BusyBox replace themselves with the last command
                // (see `shell_execs_last`); dash (Debian's `/bin/sh`) does not.
                let alpine =
                    cx.dockerfile.final_chain().first().is_some_and(|s| {
                        crate::parse::command::image_has_busybox_sh(&s.image.text)
                    });
                let shell = argv.first().map_or("sh", |w| w.text.as_str());
                let body =
                    crate::parse::command::shell_c_body(argv).map_or("", |w| w.text.as_str());
                let replaced =
                    crate::parse::command::shell_execs_last(shell, alpine, &script, body);
                if !execs && !replaced {
                    out.report(&Self::META, *span, format!("{kw} runs `sh -c` without `exec`: the shell stays PID 1 and may swallow SIGTERM"))
                        .help("start the server with `exec` as the last command of the script");
                }
            }
        }
    }
}

impl ShellFormEntrypoint {
    /// The entrypoint script the image starts (the project reads it):
    /// it is PID 1, and passes SIGTERM on only by `exec`ing the server or
    /// trapping the signal.
    fn check_script(cx: &DockerContext<'_>, out: &mut Findings) {
        let Some((path, facts, named)) = cx.project.entry_script(&cx.file.path) else {
            return;
        };
        // Shown as the Dockerfile's folder (its build context) sees it.
        let context = crate::project::dir_of(&crate::project::key(&cx.file.path));
        let shown = path.strip_prefix(&context).map_or_else(
            |_| crate::source::display_path(path),
            |p| p.display().to_string(),
        );
        let script = cx.project.source_of(path);
        let (message, help, at, note) = if let Some((at, what)) = &facts.without_exec {
            (
                format!(
                    "the entrypoint script `{shown}` starts {what} without `exec`: the script's shell stays PID 1 and the server never gets SIGTERM"
                ),
                "put `exec` before the command that starts the server (`exec gunicorn …`, `exec \"$@\"`)",
                *at,
                "started without `exec` here",
            )
        } else if let Some(at) = facts.waits_untrapped {
            (
                format!(
                    "the entrypoint script `{shown}` starts processes in the background and waits for them with no `trap`: SIGTERM stops at the shell and they are killed after the grace period"
                ),
                "run one process per container, or `trap` TERM and pass it on to the children",
                at,
                "waits here; nothing passes the signal on",
            )
        } else {
            return;
        };
        let b = out.report(&Self::META, named.span, message).help(help);
        if let Some(file) = &script {
            b.related_in(file, at, note);
        }
    }
}

impl Rule for ShellFormEntrypoint {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        let entrypoint = df.final_last(Keyword::Entrypoint);
        if let Some(e) = entrypoint {
            Self::check_instruction(e, None, cx, out);
        }
        // Without an ENTRYPOINT of its own, the image keeps the one of a
        // base built in this repository (`FROM easypi/ffmpeg-arm`, whose
        // Dockerfile ends `ENTRYPOINT ["ffmpeg"]`).
        let base = if entrypoint.is_none() {
            base_built_here(cx)
        } else {
            None
        };
        let inherited = base
            .as_ref()
            .and_then(|(_, b)| b.dockerfile.final_last(Keyword::Entrypoint));
        // `ENTRYPOINT []` clears the entrypoint: the CMD runs by itself.
        let cleared = |e: &&Instruction| matches!(e.command(), Some(Command::Exec { argv, .. }) if argv.is_empty());
        let (entrypoint, inherited) = (
            entrypoint.filter(|e| !cleared(e)),
            inherited.filter(|e| !cleared(e)),
        );
        let entrypoint_kind = entrypoint.or(inherited).map(|e| e.command());
        // A shell-form ENTRYPOINT ignores CMD; an exec-form one receives it as arguments.
        let cmd_matters = entrypoint_kind.is_none_or(|c| matches!(c, Some(Command::Exec { .. })));
        let after = match (entrypoint, &base) {
            (Some(_), _) => Some("the ENTRYPOINT".to_string()),
            (None, Some(_)) if inherited.is_some() => df
                .final_chain()
                .first()
                .map(|s| format!("the ENTRYPOINT it inherits from `{}`", s.image.text)),
            _ => None,
        };
        if cmd_matters && let Some(c) = df.final_last(Keyword::Cmd) {
            // The program the CMD is handed to, unless it runs its
            // arguments (a launcher, a script).
            let program = entrypoint.or(inherited).and_then(|e| match e.command() {
                Some(Command::Exec { argv, .. }) => {
                    let words: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
                    (!crate::parse::command::runs_its_arguments(&words)).then(|| {
                        let first = words.first().copied().unwrap_or_default();
                        first.rsplit('/').next().unwrap_or(first).to_string()
                    })
                }
                _ => None,
            });
            Self::check_instruction(
                c,
                after.as_deref().map(|a| (a, program.as_deref())),
                cx,
                out,
            );
        }
        Self::check_script(cx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    fn messages(text: &str) -> Vec<String> {
        check_text(&ShellFormEntrypoint, text)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn shell_cmd_behind_an_exec_entrypoint() {
        let m = messages("FROM a\nENTRYPOINT [\"tini\", \"--\"]\nCMD uvicorn app:app\n");
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("shell-form CMD reaches the ENTRYPOINT"),
            "{m:?}"
        );
        // A program that does not run its arguments gets them as options,
        // `exec` or not.
        let m = messages("FROM a\nENTRYPOINT [\"ffmpeg\"]\nCMD ffmpeg -i $DEV -f flv $URI\n");
        assert_eq!(
            m,
            [
                "shell-form CMD is handed to the ENTRYPOINT as arguments: `ffmpeg` receives `/bin/sh -c …` rather than its own options"
            ]
        );
        assert_eq!(
            messages("FROM a\nENTRYPOINT [\"ffmpeg\"]\nCMD exec ffmpeg -i $DEV\n").len(),
            1
        );
        // Wrappers with options of their own, scripts and `/init` run it.
        for e in [
            "[\"doppler\", \"run\", \"--\"]",
            "[\"/init\"]",
            "[\"/usr/local/bin/docker-entrypoint\"]",
        ] {
            let m = messages(&format!("FROM a\nENTRYPOINT {e}\nCMD uvicorn app:app\n"));
            assert!(
                m.iter().all(|m| m.starts_with("shell-form CMD reaches")),
                "{e}: {m:?}"
            );
        }
        // `ENTRYPOINT []` clears it: the CMD alone, a single command that
        // BusyBox's shell execs.
        assert!(messages("FROM alpine:3.20\nENTRYPOINT []\nCMD ffmpeg -i $DEV\n").is_empty());
    }

    #[test]
    fn shell_entrypoint_ignores_cmd() {
        let m = messages("FROM a\nENTRYPOINT gunicorn app:app\nCMD also ignored\n");
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("shell-form ENTRYPOINT"), "{m:?}");
    }

    #[test]
    fn exec_and_exec_prefixed_shell_forms_are_fine() {
        assert!(messages("FROM a\nCMD exec gunicorn app:app\n").is_empty());
        // One plain command: exec'd by bash and BusyBox, not by dash.
        assert!(messages("FROM a\nCMD [\"bash\", \"-c\", \"gunicorn app:app\"]\n").is_empty());
        // bash 5.1+ execs the last command of a plain list.
        assert!(
            messages("FROM a\nCMD [\"bash\", \"-c\", \"migrate && gunicorn app:app\"]\n")
                .is_empty()
        );
        assert_eq!(
            messages("FROM a\nCMD [\"bash\", \"-c\", \"migrate & gunicorn app:app; wait\"]\n")
                .len(),
            1
        );
        assert!(
            messages("FROM python:3.12-alpine\nCMD [\"sh\", \"-c\", \"gunicorn app:app\"]\n")
                .is_empty()
        );
        assert_eq!(
            messages("FROM python:3.12-slim\nCMD [\"sh\", \"-c\", \"gunicorn app:app\"]\n").len(),
            1
        );
        assert_eq!(
            messages("FROM a\nCMD [\"sh\", \"-c\", \"migrate && gunicorn app:app\"]\n").len(),
            1
        );
    }

    #[test]
    fn busybox_sh_execs_one_shell_form_command() {
        // BusyBox ash execs the one plain command of `/bin/sh -c`, and the
        // last of a plain list.
        assert!(messages("FROM alpine:3\nCMD aria2c --rpc-listen-port=${PORT}\n").is_empty());
        assert!(messages("FROM alpine:3\nCMD migrate && aria2c --dir=/data\n").is_empty());
        assert!(
            messages("FROM alpine:3\nCMD [\"sh\", \"-c\", \"cd /srv; mtproto-proxy -p 8888\"]\n")
                .is_empty()
        );
        // Not a pipe, not behind an ENTRYPOINT, not dash.
        assert_eq!(
            messages("FROM alpine:3\nCMD aria2c --dir=/data | tee /log\n").len(),
            1
        );
        assert_eq!(
            messages("FROM alpine:3\nENTRYPOINT [\"tini\", \"--\"]\nCMD aria2c\n").len(),
            1
        );
        assert_eq!(messages("FROM debian:12\nCMD aria2c\n").len(), 1);
    }
}
