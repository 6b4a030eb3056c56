use super::*;

declare_rule! {
    /// ## What it checks
    /// The container's process is started in shell form (`CMD gunicorn …`),
    /// or in exec form through `sh -c` whose last command is not `exec`.
    /// The ENTRYPOINT is judged when there is one, else the CMD.
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

impl DockerfileRule for ShellFormEntrypoint {
    impl_meta!();

    fn check(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let Some(instr) = process_instruction(cx.dockerfile) else {
            return;
        };
        let Some(cmd) = instr.command() else { return };
        let kw = instr.keyword.as_str();
        match cmd {
            Command::Shell { script, span, .. } => {
                if script.commands.first().and_then(|c| c.name()) == Some("exec") {
                    return;
                }
                let b = out
                    .report(&Self::META, *span, format!("shell-form {kw}: `/bin/sh` is PID 1 and the server may never get SIGTERM"))
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
                let last = script.commands.last();
                let execs = last.is_some_and(|c| c.name() == Some("exec"));
                // A script of one plain command is exec'd by bash and dash.
                let single = script.commands.len() == 1 && !script.uses_shell_syntax;
                if !execs && !single {
                    out.report(&Self::META, *span, format!("{kw} runs `sh -c` without `exec`: the shell stays PID 1 and may swallow SIGTERM"))
                        .help("start the server with `exec` as the last command of the script");
                }
            }
        }
    }
}
