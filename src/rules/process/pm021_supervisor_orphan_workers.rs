use super::*;

declare_rule! {
    /// ## What it checks
    /// A supervisord `[program:x]` that runs gunicorn, or uvicorn or
    /// hypercorn with `--workers`, without both `stopasgroup=true` and
    /// `killasgroup=true`.
    ///
    /// ## Why it matters in production
    /// supervisord signals only the process it started. When that process
    /// is a shell, a wrapper or a master that dies before its workers, the
    /// workers are orphaned: they keep the port bound, so the restarted
    /// server cannot bind it, and old code keeps serving requests.
    ///
    /// ## Example
    /// ```ini
    /// [program:web]
    /// command=gunicorn -w 4 app:app
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [program:web]
    /// command=gunicorn -w 4 app:app
    /// stopasgroup=true
    /// killasgroup=true
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [supervisord: stopasgroup and killasgroup](https://supervisord.org/configuration.html#program-x-section-values)
    pub struct SupervisorOrphanWorkers {
        code: "PM021",
        name: "supervisor-orphan-workers",
        severity: Warning,
        fix: None,
        summary: "supervisord stops a multi-process server without its process group",
    }
}

impl Rule for SupervisorOrphanWorkers {
    impl_meta!();

    fn supervisor(&self, cx: &SupervisorContext<'_>, out: &mut Findings) {
        for p in &cx.programs {
            let forks = p.launches.iter().any(|l| {
                l.command.server == Server::Gunicorn
                    || (matches!(
                        l.command.server,
                        Server::Uvicorn | Server::Hypercorn | Server::Granian
                    ) && l.command.has("workers"))
            });
            if !forks {
                continue;
            }
            let missing: Vec<&str> = ["stopasgroup", "killasgroup"]
                .into_iter()
                .filter(|k| p.section.flag(k) != Some(true))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let server = p
                .launches
                .first()
                .map_or("the server", |l| l.command.server.name());
            out.report(
                &Self::META,
                p.section.header_span,
                format!(
                    "{server} runs worker processes, but `{}` {} not true: stopping the program can leave its workers running",
                    missing.join("` and `"),
                    if missing.len() > 1 { "are" } else { "is" }
                ),
            )
            .help("set `stopasgroup=true` and `killasgroup=true`");
        }
    }
}
