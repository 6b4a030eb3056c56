use super::*;

declare_rule! {
    /// ## What it checks
    /// A served app whose code configures no JSON logging: no structlog
    /// `JSONRenderer`, no JSON formatter (python-json-logger's
    /// `JsonFormatter`, named in a `dictConfig` or a logging
    /// configuration file), no loguru `serialize=True`, anywhere in the
    /// app's package or the repository's logging configuration files.
    /// When structlog renders with `ConsoleRenderer` only, the finding
    /// says so. A `logging.config.dictConfig({…})` written out in the code
    /// is read: without a JSON formatter named in it, logs are text.
    /// Logging configured from what prodlint does not read (`dictConfig`
    /// of a dict built or loaded elsewhere, `fileConfig`, uvicorn's
    /// `log_config=` or `--log-config`, gunicorn's `logconfig`) may be
    /// JSON: the rule stays silent. Reported once per served app (see PY015), at its
    /// construction, for production files.
    ///
    /// ## Why it matters in production
    /// Log collectors (Loki, CloudWatch, Datadog, Elasticsearch) index
    /// fields of JSON lines; plain text lines are searched as text, and a
    /// multi-line traceback becomes several unrelated entries. Request
    /// ids, user ids and durations can only be filtered and graphed when
    /// they are fields.
    ///
    /// ## Example
    /// ```python
    /// structlog.configure(processors=[structlog.dev.ConsoleRenderer()])
    /// app = FastAPI()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// structlog.configure(
    ///     processors=[
    ///         structlog.processors.add_log_level,
    ///         structlog.processors.TimeStamper(fmt="iso"),
    ///         structlog.processors.JSONRenderer(),
    ///     ]
    /// )
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [structlog: logging best practices](https://www.structlog.org/en/stable/logging-best-practices.html)
    /// - [python-json-logger](https://nhairs.github.io/python-json-logger/latest/)
    pub struct LogsNotStructured {
        code: "PY017",
        name: "logs-not-structured",
        severity: Info,
        fix: None,
        summary: "the app configures no JSON logging",
    }
}

impl Rule for LogsNotStructured {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        APP_CONSTRUCTORS
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        if served_apps(cx).is_empty() {
            return;
        }
        let all = signals(cx);
        // Logging set up from a file prodlint does not read, here or by
        // the launch (`--log-config`, gunicorn's `logconfig`): unknown.
        if signal(all, Signal::LogConfig).is_some() || cx.project.names_log_config() {
            return;
        }
        let message = match signal(all, Signal::ConsoleLogs) {
            Some(_) => {
                "structlog renders logs for a console only (`ConsoleRenderer`), and nothing renders JSON: collectors get text lines, not fields"
            }
            None => {
                "no JSON logging is configured for this app: collectors get text lines, not fields to filter on"
            }
        };
        report_missing(
            cx,
            &Self::META,
            Signal::JsonLogs,
            message,
            "render logs as JSON in production (structlog's `JSONRenderer`, python-json-logger, loguru `serialize=True`)",
            out,
        );
    }
}
