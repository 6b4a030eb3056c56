use super::*;

declare_rule! {
    /// ## What it checks
    /// uvicorn run directly (not as a gunicorn worker) without
    /// `--timeout-graceful-shutdown` or `UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN`,
    /// or granian without `--workers-kill-timeout` (`--workers-graceful-timeout`
    /// before granian 2.3) or its `GRANIAN_` variable, outside development
    /// files. Both wait without limit by default.
    ///
    /// ## Why it matters in production
    /// On SIGTERM uvicorn stops accepting connections and waits for the
    /// requests and connections in flight, with no limit by default. A
    /// long-poll, a WebSocket or a stuck request keeps it waiting until the
    /// orchestrator's own grace period ends and it is killed with SIGKILL:
    /// shutdown hooks never run, and every deploy waits the full grace
    /// period.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--timeout-graceful-shutdown", "20"]
    /// ```
    /// shorter than the orchestrator's grace period (30 s on Kubernetes,
    /// 10 s for docker stop).
    ///
    /// ## Fix
    /// None: the limit depends on the orchestrator's grace period.
    ///
    /// ## References
    /// - [Uvicorn: settings, timeouts](https://www.uvicorn.org/settings/#timeouts)
    pub struct GracefulShutdownUnbounded {
        code: "PM012",
        name: "graceful-shutdown-unbounded",
        severity: Info,
        fix: None,
        summary: "uvicorn waits without limit for requests in flight at shutdown",
    }
}

impl Rule for GracefulShutdownUnbounded {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // A default the command leaves is reported where it is started.
        if !cx.in_launcher() {
            return;
        }
        let l = cx.launch;
        let c = &l.command;
        let (flag, env) = match c.server {
            Server::Uvicorn => (
                "--timeout-graceful-shutdown",
                "UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN",
            ),
            Server::Granian => ("--workers-kill-timeout", "GRANIAN_WORKERS_KILL_TIMEOUT"),
            _ => return,
        };
        if l.dev
            || c.has("reload")
            || c.has("timeout_graceful_shutdown")
            || l.has_env(env)
            || (c.server == Server::Granian && l.has_env("GRANIAN_WORKERS_GRACEFUL_TIMEOUT"))
        {
            return;
        }
        out.report(
            &Self::META,
            c.program.span,
            format!(
                "{} has no `{flag}`: at shutdown it waits for requests in flight without limit",
                c.server.name()
            ),
        )
        .help(format!(
            "set `{flag}` below the orchestrator's grace period"
        ));
    }
}
