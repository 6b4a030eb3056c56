use super::*;

declare_rule! {
    /// ## What it checks
    /// The worker class `uvicorn.workers.UvicornWorker` (or
    /// `UvicornH11Worker`) in a gunicorn configuration file, on a command
    /// line or in `GUNICORN_CMD_ARGS`.
    ///
    /// ## Why it matters in production
    /// Uvicorn deprecated its gunicorn workers in 0.30 and moved them to the
    /// `uvicorn-worker` package, where fixes now land. The old path warns
    /// at every start and will go away in a future release: an upgrade of
    /// uvicorn then stops the service from starting.
    ///
    /// ## Example
    /// ```python
    /// worker_class = "uvicorn.workers.UvicornWorker"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// worker_class = "uvicorn_worker.UvicornWorker"
    /// ```
    /// and add `uvicorn-worker` to the dependencies.
    ///
    /// ## Fix
    /// Safe: the class path is replaced; the package `uvicorn-worker` must
    /// be installed.
    ///
    /// ## References
    /// - [uvicorn-worker](https://github.com/Kludex/uvicorn-worker)
    /// - [Uvicorn: deployment](https://www.uvicorn.org/deployment/)
    pub struct DeprecatedUvicornWorker {
        code: "PM002",
        name: "deprecated-uvicorn-worker",
        severity: Warning,
        fix: Safe,
        summary: "the deprecated `uvicorn.workers` worker class is used",
    }
}

fn report(file: &SourceFile, span: Span, class: &str, out: &mut Findings) {
    let Some(new) = deprecated_worker(class) else {
        return;
    };
    let b = out
        .report(
            &DeprecatedUvicornWorker::META,
            span,
            format!("`{class}` is deprecated; the worker now lives in `{new}`"),
        )
        .help("install `uvicorn-worker` and use its class");
    if let Some(edit) = replace_in(file, span, class, &new) {
        b.fix(Applicability::Safe, format!("use `{new}`"), vec![edit]);
    }
}

impl Rule for DeprecatedUvicornWorker {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                for a in cx
                    .module
                    .assignments
                    .iter()
                    .filter(|a| a.name == "worker_class")
                {
                    if let Some(class) = a.value.or_default().and_then(Value::as_str) {
                        report(cx.file, a.value_span, class, out);
                    }
                }
            }
            Here::Launcher => {
                let l = cx.launch;
                if !matches!(l.command.server, Server::Gunicorn) {
                    return;
                }
                let opts = l.command.options.iter().chain(&l.env_args);
                for o in opts.filter(|o| o.setting == "worker_class") {
                    if let Some(v) = o.value.as_ref() {
                        report(cx.file, v.span, &v.text, out);
                    }
                }
            }
        }
    }
}
