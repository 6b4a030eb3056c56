use super::*;

declare_rule! {
    /// ## What it checks
    /// gunicorn's worker `timeout` set to 0, in a configuration file
    /// (`timeout = 0`, or 0 as the fallback of an environment variable),
    /// on a command line (`-t 0`, `--timeout 0`) or in `GUNICORN_CMD_ARGS`.
    ///
    /// ## Why it matters in production
    /// 0 disables the arbiter's check on its workers: a worker stuck in a
    /// deadlock, an endless loop or a hung upstream call is never killed
    /// and replaced, and the service loses capacity until every worker is
    /// stuck. With async workers the timeout only means "the worker still
    /// answers", so a finite value costs nothing.
    ///
    /// ## Example
    /// ```python
    /// timeout = 0
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// timeout = 60
    /// ```
    ///
    /// ## Fix
    /// None: the right limit depends on the slowest legitimate request.
    ///
    /// ## References
    /// - [gunicorn: timeout](https://docs.gunicorn.org/en/stable/settings.html#timeout)
    pub struct TimeoutDisabled {
        code: "PM004",
        name: "timeout-disabled",
        severity: Error,
        fix: None,
        summary: "gunicorn's worker timeout is disabled (0)",
    }
}

const MESSAGE: &str = "`timeout` 0 disables gunicorn's check on stuck workers";
const HELP: &str = "set a finite timeout (the default is 30 s)";

impl Rule for TimeoutDisabled {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                let Some(a) = assigned(cx, "timeout") else {
                    return;
                };
                let fallback = match &a.value {
                    Value::Env { var, .. } => format!(" when `{var}` is unset"),
                    _ => String::new(),
                };
                if a.value.or_default().and_then(Value::as_int) == Some(0) {
                    out.report(&Self::META, a.value_span, format!("{MESSAGE}{fallback}"))
                        .help(HELP);
                }
            }
            Here::Launcher => {
                let l = cx.launch;
                if l.command.server != Server::Gunicorn {
                    return;
                }
                let s = l.setting("timeout");
                if let Some(span) = cx.span_of(&s)
                    && s.value().and_then(|v| v.as_int()) == Some(0)
                {
                    out.report(&Self::META, span, MESSAGE).help(HELP);
                }
            }
        }
    }
}
