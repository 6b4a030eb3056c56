use super::*;

declare_rule! {
    /// ## What it checks
    /// A service whose `command:` or `entrypoint:` starts a development
    /// server, read by the same command-line reader as every server rule:
    /// `--reload` on uvicorn, gunicorn or hypercorn, `fastapi dev`,
    /// `flask run`, `manage.py runserver`; or, with neither, that builds
    /// a `target:` stage of a Dockerfile in the project whose start is
    /// one (reported at `target:`, the stage's command as a related
    /// location; the final stage's is DF013's, in the Dockerfile). Files
    /// for development (`docker-compose.override.yml`, `compose.dev.yaml`,
    /// `*-local.yml`) are not checked.
    ///
    /// Such a service is a development setup wherever it is: this is the
    /// one finding it gets, as the README's "File purposes" says.
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
        for (i, (s, _, launches)) in cx.services().enumerate() {
            if s.get("command").is_none() && s.get("entrypoint").is_none() {
                built_stage(cx, i, s, out);
            }
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

/// A service that starts its image as built: the `target:` stage it
/// builds, when that is not the stage that ships (DF013 reports that
/// one where it is written).
fn built_stage(cx: &ComposeContext<'_>, i: usize, s: &Service<'_>, out: &mut Findings) {
    let (Some(built), Some(target)) = (cx.built(i), s.get("build").and_then(|b| b.get("target")))
    else {
        return;
    };
    let Some(name) = target.as_str() else {
        return;
    };
    let df = &built.dockerfile;
    let ships = df
        .final_stage()
        .and_then(|st| st.name.as_deref())
        .is_some_and(|n| n.eq_ignore_ascii_case(name));
    if ships || df.stage_by_name(name).is_none() {
        return;
    }
    if let Some((at, why)) = built.dev_server(Some(name)) {
        out.report(
            &DevServerCommand::META,
            target.span,
            format!(
                "service `{}` builds stage `{name}`, which starts a development server: {why}",
                s.name.text
            ),
        )
        .help("build the stage that ships, or move this service to `docker-compose.override.yml`")
        .related_in(&built.file, at, "the development server the stage starts");
    }
}
