use super::*;

declare_rule! {
    /// ## What it checks
    /// gunicorn's `max_requests` set above 0 (in a configuration file, on a
    /// command line or in `GUNICORN_CMD_ARGS`) with no
    /// `max_requests_jitter`.
    ///
    /// ## Why it matters in production
    /// Every worker starts together and serves about the same number of
    /// requests, so without jitter they all reach `max_requests` and
    /// restart at the same moment: a periodic capacity drop, and latency
    /// spikes while each worker loads the app again.
    ///
    /// ## Example
    /// ```python
    /// max_requests = 1000
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// max_requests = 1000
    /// max_requests_jitter = 500
    /// ```
    ///
    /// ## Fix
    /// Unsafe: adds a jitter of half of `max_requests`, which changes when
    /// workers restart.
    ///
    /// ## References
    /// - [gunicorn: max_requests_jitter](https://docs.gunicorn.org/en/stable/settings.html#max-requests-jitter)
    pub struct MaxRequestsWithoutJitter {
        code: "PM008",
        name: "max-requests-without-jitter",
        severity: Info,
        fix: Unsafe,
        summary: "`max_requests` is set without `max_requests_jitter`: workers restart together",
    }
}

const HELP: &str = "add `max_requests_jitter` so workers restart at different times";

fn message(n: i64) -> String {
    format!(
        "every worker restarts after {n} requests at about the same time: no `max_requests_jitter`"
    )
}

impl Rule for MaxRequestsWithoutJitter {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                let Some(a) = assigned(cx, "max_requests") else {
                    return;
                };
                let Some(n) = a
                    .value
                    .or_default()
                    .and_then(Value::as_int)
                    .filter(|n| *n > 0)
                else {
                    return;
                };
                if cx.module.get("max_requests_jitter").is_some() {
                    return;
                }
                out.report(&Self::META, a.value_span, message(n))
                    .help(HELP)
                    .fix(
                        Applicability::Unsafe,
                        format!("add `max_requests_jitter = {}`", n / 2),
                        vec![line_after(
                            a.stmt_span.end,
                            format!("max_requests_jitter = {}", n / 2),
                        )],
                    );
            }
            Here::Launcher => {
                let l = cx.launch;
                if l.command.server != Server::Gunicorn
                    || !l.setting("max_requests_jitter").is_default()
                {
                    return;
                }
                let s = l.setting("max_requests");
                let (Some(span), Some(n)) = (
                    cx.span_of(&s),
                    s.value().and_then(|v| v.as_int()).filter(|n| *n > 0),
                ) else {
                    return;
                };
                let b = out.report(&Self::META, span, message(n)).help(HELP);
                let jitter = n / 2;
                // An exec-form item (`"1000"` in a JSON array) takes a new item.
                let json_item = cx.file.slice(span) == format!("\"{n}\"");
                let edit = if json_item {
                    Some(Edit::insert(
                        span.end,
                        format!(", \"--max-requests-jitter\", \"{jitter}\""),
                    ))
                } else if cx.file.slice(span) == n.to_string() {
                    Some(Edit::insert(
                        span.end,
                        format!(" --max-requests-jitter {jitter}"),
                    ))
                } else {
                    None
                };
                if let Some(e) = edit {
                    b.fix(
                        Applicability::Unsafe,
                        format!("add `--max-requests-jitter {jitter}`"),
                        vec![e],
                    );
                }
            }
        }
    }
}
