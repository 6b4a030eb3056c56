use super::*;

declare_rule! {
    /// ## What it checks
    /// gunicorn started without a worker count anywhere: no `-w`/`--workers`,
    /// none in `GUNICORN_CMD_ARGS` or the configuration file it reads, and no
    /// `WEB_CONCURRENCY` set where it starts. Procfiles are not checked:
    /// the platform sets `WEB_CONCURRENCY`.
    ///
    /// ## Why it matters in production
    /// gunicorn then runs one worker. One slow request, one CPU-bound
    /// handler or one crashed worker stalls the whole instance, and the
    /// CPUs it was given sit idle. A worker that serves requests
    /// concurrently (`gevent`, `eventlet`, `tornado`, uvicorn's) waits on
    /// slow I/O without stalling the others, and the message says so:
    /// what one process still costs is one CPU for every request, a
    /// CPU-bound request stalling the rest, and every open connection
    /// dropped when it crashes.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["gunicorn", "-k", "uvicorn_worker.UvicornWorker", "app.main:app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV WEB_CONCURRENCY=2
    /// CMD ["gunicorn", "-k", "uvicorn_worker.UvicornWorker", "app.main:app"]
    /// ```
    ///
    /// ## Fix
    /// None: the count depends on the CPUs the service gets.
    ///
    /// ## References
    /// - [gunicorn: workers](https://docs.gunicorn.org/en/stable/settings.html#workers)
    pub struct SingleWorker {
        code: "PM006",
        name: "single-worker",
        severity: Info,
        fix: None,
        summary: "gunicorn runs its default single worker",
    }
}

impl Rule for SingleWorker {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // A default the command leaves is reported where it is started.
        if !cx.in_launcher() {
            return;
        }
        let l = cx.launch;
        if l.command.server != Server::Gunicorn || l.has_env("WEB_CONCURRENCY") {
            return;
        }
        if l.setting("workers").is_default() {
            let message = match concurrent_worker(l) {
                // One worker of these serves many requests at once: what
                // one process still costs is one CPU and one crash.
                Some(class) => format!(
                    "gunicorn runs a single `{class}` worker (no worker count is set and `WEB_CONCURRENCY` is not set): its requests share one CPU, so a CPU-bound one stalls the others, and a crash drops every open connection"
                ),
                None => "gunicorn runs a single worker: no worker count is set and `WEB_CONCURRENCY` is not set".to_string(),
            };
            out.report(&Self::META, l.command.program.span, message)
                .help("set `--workers` or `WEB_CONCURRENCY` from the CPUs the service gets");
        }
    }
}

/// The worker class, when its one process serves requests concurrently.
fn concurrent_worker(l: &Launch) -> Option<String> {
    match l.setting("worker_class").value() {
        Some(Value::Str(class)) if serves_concurrently(&class) => Some(class),
        _ => None,
    }
}
