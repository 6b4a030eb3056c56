use super::*;

declare_rule! {
    /// ## What it checks
    /// A supervisord `[program:x]` without `user=`, or with `user=root`.
    ///
    /// ## Why it matters in production
    /// supervisord usually runs as root, and its programs inherit that
    /// unless `user=` says otherwise. A vulnerability in the app then gives
    /// an attacker root on the host or in the container.
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
    /// user=app
    /// ```
    ///
    /// ## Fix
    /// None: the user must exist.
    ///
    /// ## References
    /// - [supervisord: user](https://supervisord.org/configuration.html#program-x-section-values)
    pub struct SupervisorRunsAsRoot {
        code: "PM023",
        name: "supervisor-runs-as-root",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.5",
        fix: None,
        summary: "a supervisord program runs as root",
    }
}

impl Rule for SupervisorRunsAsRoot {
    impl_meta!();

    fn supervisor(&self, cx: &SupervisorContext<'_>, out: &mut Findings) {
        for p in &cx.programs {
            match p.section.get("user") {
                None => {
                    out.report(
                        &Self::META,
                        p.section.header_span,
                        "the program has no `user=`: it runs as supervisord's user, usually root",
                    )
                    .help("add `user=` with an unprivileged account");
                }
                Some(e) if e.value.trim() == "root" || e.value.trim() == "0" => {
                    out.report(&Self::META, e.value_span, "the program runs as root")
                        .help("use an unprivileged account");
                }
                Some(_) => {}
            }
        }
    }
}
