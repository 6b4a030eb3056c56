use super::*;

declare_rule! {
    /// ## What it checks
    /// gunicorn serving a project that depends on FastAPI or Starlette
    /// (in `requirements*.txt`, `pyproject.toml`, `Pipfile`, `setup.cfg` or
    /// `setup.py`) with no worker class, or with a WSGI one: `sync` (the
    /// default), `gthread`, `gevent`, `eventlet`, `tornado`. The worker
    /// class is read from the command line, `GUNICORN_CMD_ARGS` and the
    /// configuration file, in gunicorn's order of precedence.
    ///
    /// ## Why it matters in production
    /// WSGI workers call the application as a WSGI callable. An ASGI app
    /// is not one: every request fails with a `TypeError` (the service
    /// starts, and the first health check finds the 500s).
    ///
    /// ## Example
    /// ```python
    /// # gunicorn.conf.py
    /// worker_class = "sync"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// worker_class = "uvicorn_worker.UvicornWorker"
    /// ```
    ///
    /// ## Fix
    /// None: the uvicorn worker is a dependency to add.
    ///
    /// ## References
    /// - [gunicorn: worker_class](https://docs.gunicorn.org/en/stable/settings.html#worker-class)
    /// - [Uvicorn: deployment with gunicorn](https://www.uvicorn.org/deployment/)
    pub struct SyncWorkerForAsgiApp {
        code: "PM001",
        name: "sync-worker-for-asgi-app",
        severity: Error,
        fix: None,
        summary: "gunicorn runs WSGI workers for an ASGI (FastAPI/Starlette) app",
    }
}

const HELP: &str = "use `-k uvicorn_worker.UvicornWorker` (package `uvicorn-worker`)";

impl Rule for SyncWorkerForAsgiApp {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                if cx.asgi != Some(true) {
                    return;
                }
                if let Some(a) = assigned(cx, "worker_class")
                    && let Some(class) = a.value.or_default().and_then(Value::as_str)
                    && is_wsgi_worker(class)
                {
                    out.report(
                        &Self::META,
                        a.value_span,
                        format!("`{class}` workers cannot serve the project's ASGI app"),
                    )
                    .help(HELP);
                }
            }
            Here::Launcher => {
                let l = cx.launch;
                if l.command.server != Server::Gunicorn || cx.asgi != Some(true) {
                    return;
                }
                match l.setting("worker_class") {
                    s @ (Setting::Flag(_) | Setting::EnvArgs(_)) => {
                        if let Some(Value::Str(class)) = s.value()
                            && is_wsgi_worker(&class)
                        {
                            out.report(
                                &Self::META,
                                at(cx, &s),
                                format!("`{class}` workers cannot serve the project's ASGI app"),
                            )
                            .help(HELP);
                        }
                    }
                    Setting::Default => {
                        out.report(
                                    &Self::META,
                                    l.command.program.span,
                                    "gunicorn runs its default `sync` workers, which cannot serve the project's ASGI app",
                                )
                                .help(HELP);
                    }
                    _ => {}
                }
            }
        }
    }
}
