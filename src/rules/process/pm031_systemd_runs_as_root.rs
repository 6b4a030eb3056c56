use super::*;

declare_rule! {
    /// ## What it checks
    /// A systemd service whose `ExecStart=` starts a server with neither
    /// `User=` (other than root) nor `DynamicUser=yes`. A server started
    /// by a shell script of the repository that `ExecStart=` runs
    /// (`ExecStart=/srv/tools/run-api.sh`, the script found by its name
    /// beside the unit) counts.
    ///
    /// ## Why it matters in production
    /// System services run as root by default. A vulnerability in the app
    /// or one of its dependencies then gives an attacker the whole host.
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
    /// User=app
    /// ExecStart=/srv/app/.venv/bin/gunicorn app:app
    /// ```
    ///
    /// ## Fix
    /// None: the account must exist.
    ///
    /// ## References
    /// - [systemd.exec: User=, DynamicUser=](https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#User=)
    pub struct SystemdRunsAsRoot {
        code: "PM031",
        name: "systemd-runs-as-root",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.5",
        fix: None,
        summary: "a systemd server unit runs as root",
    }
}

impl Rule for SystemdRunsAsRoot {
    impl_meta!();

    fn systemd(&self, cx: &SystemdContext<'_>, out: &mut Findings) {
        if cx.launches.is_empty() || cx.service.flag("DynamicUser") == Some(true) {
            return;
        }
        match cx.service.get("User") {
            None => {
                out.report(
                    &Self::META,
                    cx.service.header_span,
                    "the server unit has no `User=`: it runs as root",
                )
                .help("add `User=` with an unprivileged account, or `DynamicUser=yes`");
            }
            Some(e) if matches!(e.value.trim(), "root" | "0") => {
                out.report(&Self::META, e.value_span, "the server unit runs as root")
                    .help("use an unprivileged account, or `DynamicUser=yes`");
            }
            Some(_) => {}
        }
    }
}
