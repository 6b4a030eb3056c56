use super::*;

declare_rule! {
    /// ## What it checks
    /// A supervisord `[program:x]` with `autorestart=false`.
    ///
    /// ## Why it matters in production
    /// When the program exits (a crash, an out-of-memory kill, an unhandled
    /// error at start-up) supervisord leaves it stopped: the service is
    /// down until someone notices and starts it by hand. The default,
    /// `unexpected`, restarts it when it exits with an unexpected code.
    ///
    /// ## Example
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// autorestart=false
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// autorestart=true
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [supervisord: autorestart](https://supervisord.org/configuration.html#program-x-section-values)
    pub struct SupervisorNoAutorestart {
        code: "PM024",
        name: "supervisor-no-autorestart",
        severity: Warning,
        fix: None,
        summary: "supervisord does not restart the program when it exits",
    }
}

impl Rule for SupervisorNoAutorestart {
    impl_meta!();

    fn supervisor(&self, cx: &SupervisorContext<'_>, out: &mut Findings) {
        for p in &cx.programs {
            if let Some(e) = p.section.get("autorestart")
                && p.section.flag("autorestart") == Some(false)
            {
                out.report(
                    &Self::META,
                    e.value_span,
                    "`autorestart=false`: the program stays down after it exits",
                )
                .help("use `autorestart=true` (or `unexpected`, the default)");
            }
        }
    }
}
