use super::*;

declare_rule! {
    /// ## What it checks
    /// A supervisord `[program:x]` that runs a server (gunicorn, uvicorn,
    /// hypercorn, `fastapi run`) with a `stopsignal` other than `TERM`,
    /// `INT` or `QUIT`.
    ///
    /// ## Why it matters in production
    /// The servers finish requests in flight on SIGTERM (and stop on INT
    /// and QUIT). `KILL` ends them mid-request; `HUP` makes gunicorn reload
    /// instead of stopping, and supervisord then kills it when
    /// `stopwaitsecs` runs out. Either way, every deploy or restart drops
    /// the requests being served.
    ///
    /// ## Example
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// stopsignal=KILL
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// stopsignal=TERM
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [supervisord: program section, stopsignal](https://supervisord.org/configuration.html#program-x-section-values)
    /// - [gunicorn: signal handling](https://docs.gunicorn.org/en/stable/signals.html)
    pub struct SupervisorStopSignal {
        code: "PM020",
        name: "supervisor-stop-signal",
        severity: Warning,
        fix: None,
        summary: "supervisord stops a server with a signal it does not shut down gracefully on",
    }
}

impl Rule for SupervisorStopSignal {
    impl_meta!();

    fn supervisor(&self, cx: &SupervisorContext<'_>, out: &mut Findings) {
        for p in cx.programs.iter().filter(|p| !p.launches.is_empty()) {
            let Some(e) = p.section.get("stopsignal") else {
                continue;
            };
            let sig = e.value.trim().to_ascii_uppercase();
            let sig = sig.strip_prefix("SIG").unwrap_or(&sig);
            if !matches!(sig, "TERM" | "INT" | "QUIT") {
                out.report(
                    &Self::META,
                    e.value_span,
                    format!(
                        "`stopsignal={}` does not let the server finish the requests in flight",
                        e.value
                    ),
                )
                .help("use `stopsignal=TERM`");
            }
        }
    }
}
