use super::*;

declare_rule! {
    /// ## What it checks
    /// gunicorn with no access log (`accesslog`/`--access-logfile` unset:
    /// gunicorn's default writes none), granian without `--access-log`
    /// (off by default too; not reported for gunicorn behind a reverse
    /// proxy started beside it — the same command or supervisord file
    /// starts nginx, which logs every request it passes on), and, where
    /// the server runs in a
    /// container, an access or error log written to a file instead of
    /// `-` (standard output/error).
    ///
    /// ## Why it matters in production
    /// Without an access log there is no record of which requests came in,
    /// how long they took and what they returned. A log file inside a
    /// container is invisible to `docker logs`, `kubectl logs` and the log
    /// collector, grows until the disk fills, and is lost with the
    /// container.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["gunicorn", "--access-logfile", "/var/log/access.log", "app:app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["gunicorn", "--access-logfile", "-", "app:app"]
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [gunicorn: accesslog](https://docs.gunicorn.org/en/stable/settings.html#accesslog)
    /// - [The Twelve-Factor App: logs](https://12factor.net/logs)
    pub struct AccessLogMissing {
        code: "PM010",
        name: "access-log-missing",
        severity: Info,
        fix: None,
        summary: "gunicorn writes no access log, or logs to a file inside a container",
    }
}

const FILE_HELP: &str = "log to `-` and let the platform collect standard output";

fn file_message(setting: &str, target: &str) -> String {
    let what = if setting == "accesslog" {
        "access"
    } else {
        "error"
    };
    format!(
        "the {what} log goes to the file `{target}` inside the container, where log collectors do not look"
    )
}

impl Rule for AccessLogMissing {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                if !cx.containerized {
                    return;
                }
                for setting in ["accesslog", "errorlog"] {
                    if let Some(a) = assigned(cx, setting)
                        && let Some(target) = a.value.or_default().and_then(Value::as_str)
                        && !is_stream(target)
                    {
                        out.report(&Self::META, a.value_span, file_message(setting, target))
                            .help(FILE_HELP);
                    }
                }
            }
            Here::Launcher => {
                let l = cx.launch;
                // granian, like gunicorn, writes no access log by default.
                if l.command.server == Server::Granian {
                    if !l.command.has("access_log") && !l.has_env("GRANIAN_ACCESS_LOG") && !l.dev {
                        out.report(
                            &Self::META,
                            l.command.program.span,
                            "granian writes no access log: `--access-log` is not set",
                        )
                        .help("add `--access-log`");
                    }
                    return;
                }
                if l.command.server != Server::Gunicorn {
                    return;
                }
                // A reverse proxy started beside it (same command, same
                // supervisord file) logs every request it passes on.
                if l.setting("accesslog").is_default() && !l.behind_local_proxy {
                    out.report(
                        &Self::META,
                        l.command.program.span,
                        "gunicorn writes no access log: `--access-logfile` is not set",
                    )
                    .help("add `--access-logfile -` (standard output)");
                }
                if !l.in_container {
                    return;
                }
                for setting in ["accesslog", "errorlog"] {
                    let s = l.setting(setting);
                    if let (Some(span), Some(Value::Str(target))) = (cx.span_of(&s), s.value())
                        && !is_stream(&target)
                    {
                        out.report(&Self::META, span, file_message(setting, &target))
                            .help(FILE_HELP);
                    }
                }
            }
        }
    }
}
