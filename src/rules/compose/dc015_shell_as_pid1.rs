use super::*;

declare_rule! {
    /// ## What it checks
    /// A service whose `command:` or `entrypoint:` runs `sh -c "…"` (or
    /// `bash -c`) where the shell stays the container's PID 1: the script's
    /// last command is not `exec`, and the shell does not replace itself
    /// with it (bash 5.1+ does for a plain `a && b` list, BusyBox's `sh`
    /// for one plain command; dash, the `/bin/sh` of Debian- and
    /// Ubuntu-based images, never does). DF012's
    /// twin for compose. Compose splits a `command:` string into words
    /// itself (it does not wrap it in a shell): only an explicit `sh -c`,
    /// as a string or a list, starts one. Services that run once (a
    /// migration, an `init-*` step, `restart: "no"`, a command-line
    /// tool's image run per invocation: see DC003) are not reported.
    ///
    /// ## Why it matters in production
    /// `docker compose stop` and `down` send SIGTERM to PID 1. A shell
    /// there does not forward it: the server never starts its graceful
    /// shutdown, and after `stop_grace_period` (10 s by default) it is
    /// SIGKILLed mid-request, with open transactions and half-written files.
    ///
    /// ## Example
    /// ```yaml
    /// command: ["sh", "-c", "alembic upgrade head && gunicorn app.main:app"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// command: ["sh", "-c", "alembic upgrade head && exec gunicorn app.main:app"]
    /// ```
    ///
    /// ## Fix
    /// None: where `exec` goes depends on the script.
    ///
    /// ## References
    /// - [Docker: stop a container (signals)](https://docs.docker.com/reference/cli/docker/container/stop/)
    /// - [Compose: `stop_grace_period`](https://docs.docker.com/reference/compose-file/services/#stop_grace_period)
    pub struct ShellAsPid1 {
        code: "DC015",
        name: "shell-as-pid1",
        severity: Warning,
        fix: None,
        summary: "`sh -c` stays PID 1 and swallows SIGTERM",
    }
}

impl Rule for ShellAsPid1 {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        let raw = |s: crate::source::Span| cx.file.slice(s).to_string();
        for (i, (s, dockerfile, _)) in cx.services().enumerate() {
            // A migration or set-up step that runs once has nothing to drain.
            if cx.one_off(i) {
                continue;
            }
            let entry = s.argv("entrypoint", &raw);
            let cmd = s.argv("command", &raw);
            let argv: Vec<_> = entry.iter().chain(cmd.iter()).flatten().cloned().collect();
            let Some(script) = crate::parse::command::shell_c(&argv, &raw) else {
                continue;
            };
            if script.commands.is_empty()
                || script
                    .commands
                    .last()
                    .is_some_and(|c| c.name() == Some("exec"))
            {
                continue;
            }
            let alpine = s
                .image()
                .map(|i| i.text.clone())
                .or_else(|| {
                    dockerfile.and_then(|d| d.final_chain().first().map(|st| st.image.text.clone()))
                })
                .is_some_and(|i| crate::parse::command::image_has_busybox_sh(&i));
            let shell = argv.first().map_or("sh", |w| w.text.as_str());
            let body = crate::parse::command::shell_c_body(&argv).map_or("", |w| w.text.as_str());
            if crate::parse::command::shell_execs_last(shell, alpine, &script, body) {
                continue;
            }
            let at = s
                .get("command")
                .filter(|_| cmd.is_some())
                .or_else(|| s.get("entrypoint"))
                .map_or(s.name.span, |n| n.span);
            out.report(
                &Self::META,
                at,
                format!(
                    "service `{}` runs `{shell} -c` without `exec`: the shell stays PID 1 and SIGTERM never reaches the server",
                    s.name.text
                ),
            )
            .help("put `exec` before the last command of the script");
        }
    }
}
