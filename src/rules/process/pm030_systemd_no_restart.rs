use super::*;

declare_rule! {
    /// ## What it checks
    /// A systemd service whose `ExecStart=` starts a server (gunicorn,
    /// uvicorn, hypercorn, `fastapi run`; directly or through a shell
    /// script of the repository it runs) with no `Restart=`, or with
    /// `Restart=no`.
    ///
    /// ## Why it matters in production
    /// systemd's default is not to restart: after a crash or an
    /// out-of-memory kill the service stays down until someone restarts it.
    ///
    /// ## Example
    /// ```ini
    /// [Service]
    /// ExecStart=/srv/app/.venv/bin/gunicorn app:app
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [Service]
    /// ExecStart=/srv/app/.venv/bin/gunicorn app:app
    /// Restart=on-failure
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [systemd.service: Restart=](https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Restart=)
    pub struct SystemdNoRestart {
        code: "PM030",
        name: "systemd-no-restart",
        severity: Warning,
        fix: None,
        summary: "a systemd server unit is not restarted when it fails",
    }
}

impl Rule for SystemdNoRestart {
    impl_meta!();

    fn systemd(&self, cx: &SystemdContext<'_>, out: &mut Findings) {
        if cx.launches.is_empty() {
            return;
        }
        match cx.service.get("Restart") {
            None => {
                out.report(
                    &Self::META,
                    cx.service.header_span,
                    "the server unit has no `Restart=`: systemd leaves it down after a crash",
                )
                .help("add `Restart=on-failure` (or `always`)");
            }
            Some(e) if e.value.trim() == "no" || e.value.trim().is_empty() => {
                out.report(
                    &Self::META,
                    e.value_span,
                    "`Restart=no`: systemd leaves the server down after a crash",
                )
                .help("use `Restart=on-failure` (or `always`)");
            }
            Some(_) => {}
        }
    }
}
