use super::*;

declare_rule! {
    /// ## What it checks
    /// A systemd server unit whose `TimeoutStopSec=` (or `TimeoutSec=`) is
    /// shorter than the server's graceful timeout: gunicorn's
    /// `graceful_timeout` (30 s by default), or uvicorn's and hypercorn's
    /// graceful shutdown timeout when one is given. systemd's default stop
    /// timeout (90 s) is long enough and is not reported.
    ///
    /// A graceful timeout read from the gunicorn configuration file puts
    /// the chain across files: XR004 reports it then, with every link.
    ///
    /// ## Why it matters in production
    /// systemd sends SIGTERM, waits `TimeoutStopSec`, then SIGKILL. A
    /// shorter wait than the server's own kills requests in flight on every
    /// restart and deploy.
    ///
    /// ## Example
    /// ```ini
    /// [Service]
    /// ExecStart=/srv/app/.venv/bin/gunicorn app:app
    /// TimeoutStopSec=5
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [Service]
    /// ExecStart=/srv/app/.venv/bin/gunicorn app:app
    /// TimeoutStopSec=40
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [systemd.service: TimeoutStopSec=](https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#TimeoutStopSec=)
    /// - [systemd.time: time spans](https://www.freedesktop.org/software/systemd/man/latest/systemd.time.html)
    pub struct SystemdStopTimeoutShort {
        code: "PM032",
        name: "systemd-stop-timeout-short",
        severity: Warning,
        fix: None,
        summary: "systemd kills the server before its graceful timeout ends",
    }
}

impl Rule for SystemdStopTimeoutShort {
    impl_meta!();

    fn systemd(&self, cx: &SystemdContext<'_>, out: &mut Findings) {
        let Some((graceful, what)) = longest_graceful(&cx.launches) else {
            return;
        };
        let Some(e) = cx
            .service
            .get("TimeoutStopSec")
            .or_else(|| cx.service.get("TimeoutSec"))
        else {
            return;
        };
        let Some(wait) = crate::parse::duration::systemd(&e.value) else {
            return;
        };
        if wait < graceful as f64 {
            out.report(
                &Self::META,
                e.value_span,
                format!(
                    "`{}={}` is shorter than {what} ({graceful} s): requests in flight are killed",
                    e.key, e.value
                ),
            )
            .help(format!("set `TimeoutStopSec` above {graceful}s"));
        }
    }
}
