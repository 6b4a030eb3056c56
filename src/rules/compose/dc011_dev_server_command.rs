use super::*;

declare_rule! {
    /// ## What it checks
    /// A service whose `command:` or `entrypoint:` starts a development
    /// server, read by the same command-line reader as every server rule:
    /// `--reload` on uvicorn, gunicorn or hypercorn, `fastapi dev`,
    /// `flask run`, `manage.py runserver`. Files for development
    /// (`docker-compose.override.yml`, `compose.dev.yaml`, `*-local.yml`)
    /// are not checked.
    ///
    /// ## Why it matters in production
    /// Reloaders watch the file system, restart on every change and run a
    /// single process; Flask's and Django's servers are not built for
    /// production traffic; `fastapi dev` binds to localhost.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     command: uvicorn app.main:app --host 0.0.0.0 --reload
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     command: uvicorn app.main:app --host 0.0.0.0 --workers 2
    /// ```
    /// and keep `--reload` in `docker-compose.override.yml`.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: use multiple compose files](https://docs.docker.com/compose/how-tos/multiple-compose-files/merge/)
    pub struct DevServerCommand {
        code: "DC011",
        name: "compose-dev-server-command",
        severity: Error,
        fix: None,
        summary: "a service starts a development server",
    }
}

impl Rule for DevServerCommand {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        if cx.dev {
            return;
        }
        for (s, _, launches) in cx.services() {
            for l in launches {
                if let Some((word, why)) = l.command.dev_marker() {
                    out.report(
                        &Self::META,
                        word.span,
                        format!(
                            "service `{}` starts a development server: {why}",
                            s.name.text
                        ),
                    )
                    .help("move development commands to `docker-compose.override.yml`");
                }
            }
        }
    }
}
