use super::*;

declare_rule! {
    /// ## What it checks
    /// A service running gunicorn (from its `command:`, or the `CMD` of the
    /// Dockerfile it builds) whose `stop_grace_period` (10 s by default) is
    /// shorter than gunicorn's graceful timeout (`graceful_timeout`, 30 s by
    /// default, read from the command line, `GUNICORN_CMD_ARGS` and the
    /// configuration file), or a uvicorn service with a longer
    /// `--timeout-graceful-shutdown`. When the server comes from the image,
    /// the finding names the Dockerfile's command as a related location in
    /// that file.
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
        for (i, (s, _, launches)) in cx.services().enumerate() {
            let from_image = launches.is_empty();
            let launches = if from_image {
                cx.image_launches.get(i).map_or(&[][..], Vec::as_slice)
            } else {
                launches
            };
            let before = out.len();
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
            // The server comes from the image the service builds: the
            // Dockerfile's command is the other end of the chain.
            if let (true, Some(built)) = (from_image, cx.built(i)) {
                for f in out.kept_since_mut(before) {
                    for l in launches {
                        f.related.push(crate::diagnostic::Related {
                            span: l.command.span,
                            message: "the image this service builds starts the server here"
                                .to_string(),
                            file: Some(crate::diagnostic::Elsewhere(std::sync::Arc::clone(
                                &built.file,
                            ))),
                        });
                    }
                }
            }
        }
    }
}
