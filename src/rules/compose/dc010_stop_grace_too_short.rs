use super::*;

declare_rule! {
    /// ## What it checks
    /// A service running gunicorn (from its `command:`) whose
    /// `stop_grace_period` (10 s by default) is shorter than gunicorn's
    /// graceful timeout (`graceful_timeout`, 30 s by default, from the
    /// command line or `GUNICORN_CMD_ARGS`), or a uvicorn service with a
    /// longer `--timeout-graceful-shutdown`. When the chain spans files —
    /// the server comes from the `CMD` of the image the service builds, or
    /// the graceful timeout from the gunicorn configuration file — XR004
    /// reports it instead, with every link as a location.
    ///
    /// ## Why it matters in production
    /// `docker compose stop` and every redeploy send SIGTERM, wait the
    /// grace period, then SIGKILL. The server was promised more time to
    /// finish its requests: they are cut off on every deploy.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     command: gunicorn -k uvicorn_worker.UvicornWorker app.main:app
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     command: gunicorn -k uvicorn_worker.UvicornWorker app.main:app
    ///     stop_grace_period: 35s
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Compose file reference: stop_grace_period](https://docs.docker.com/reference/compose-file/services/#stop_grace_period)
    /// - [gunicorn: graceful_timeout](https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout)
    pub struct StopGraceTooShort {
        code: "DC010",
        name: "stop-grace-too-short",
        severity: Info,
        fix: None,
        summary: "compose kills the server before its graceful timeout ends",
    }
}

impl Rule for StopGraceTooShort {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        for (s, _, launches) in cx.services() {
            // The server comes from the image the service builds: the
            // chain spans files, and XR004 reports it with every link.
            if launches.is_empty() {
                continue;
            }
            let wait = match s.str_of("stop_grace_period") {
                Some(e) => match crate::parse::duration::compose(&e.text) {
                    Some(w) => Some((w, e.span)),
                    None => continue,
                },
                None => None,
            };
            crate::rules::process::report_short_stop_wait(
                &Self::META,
                "stop_grace_period",
                wait,
                10.0,
                s.name.span,
                launches,
                out,
            );
        }
    }
}
