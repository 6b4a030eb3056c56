use super::*;

declare_rule! {
    /// ## What it checks
    /// A supervisord `[program:x]` whose `stopwaitsecs` (10 by default) is
    /// shorter than the graceful timeout of the server it runs: gunicorn's
    /// `graceful_timeout` (30 s by default, read from the command line, the
    /// environment and its configuration file), or uvicorn's and
    /// hypercorn's graceful shutdown timeout when one is given.
    ///
    /// A graceful timeout read from the gunicorn configuration file puts
    /// the chain across files: XR004 reports it then, with every link.
    ///
    /// ## Why it matters in production
    /// supervisord sends the stop signal, waits `stopwaitsecs`, then sends
    /// SIGKILL. The server was told it had longer to finish its requests:
    /// they are cut off mid-response on every restart.
    ///
    /// ## Example
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// stopwaitsecs=35
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [supervisord: stopwaitsecs](https://supervisord.org/configuration.html#program-x-section-values)
    /// - [gunicorn: graceful_timeout](https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout)
    pub struct SupervisorStopWaitShort {
        code: "PM022",
        name: "supervisor-stop-wait-short",
        severity: Warning,
        fix: None,
        summary: "supervisord kills the server before its graceful timeout ends",
    }
}

impl Rule for SupervisorStopWaitShort {
    impl_meta!();

    fn supervisor(&self, cx: &SupervisorContext<'_>, out: &mut Findings) {
        for p in &cx.programs {
            let entry = p.section.get("stopwaitsecs");
            let wait = match entry {
                Some(e) => match e.value.trim().parse::<f64>() {
                    Ok(n) => Some((n, e.value_span)),
                    Err(_) => continue,
                },
                None => None,
            };
            report_short_stop_wait(
                &Self::META,
                "stopwaitsecs",
                wait,
                crate::project::facts::units::SUPERVISOR_STOP_WAIT,
                p.section.header_span,
                &p.launches,
                out,
            );
        }
    }
}
