use super::*;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// A service whose `command:` or `entrypoint:` starts a development
    /// server, read by the same command-line reader as every server rule:
    /// `--reload` on uvicorn, gunicorn or hypercorn, `fastapi dev`,
    /// `flask run`, `manage.py runserver`; or, with neither, that builds
    /// an image in the project whose start is one: the `target:` stage,
    /// else the stage that ships (reported at `target:`, else at `build`,
    /// the command as a related location; DF013 reports the same command
    /// in the Dockerfile, for the image). Services sharing a `build:`
    /// block through a YAML anchor get one finding. Files for development
    /// (`docker-compose.override.yml`, `compose.dev.yaml`, `*-local.yml`)
    /// are not checked.
    ///
    /// Such a service is a development setup wherever it is: the compose
    /// rules for production leave it alone and this finding says why
    /// (with DC012 when the checkout is mounted over its code), as the
    /// README's "File purposes" says.
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
        let mut seen = Vec::new();
        for (i, (s, _, launches)) in cx.services().enumerate() {
            if !sets_command(s) {
                built_stage(cx, i, s, &mut seen, out);
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

/// A service that starts its image as built: the stage it builds (its
/// `target:`, else the one that ships) starts a development server.
/// Reported at `target:` (else at `build`), once per place: services
/// that share a block through a YAML anchor share the finding.
fn built_stage(
    cx: &ComposeContext<'_>,
    i: usize,
    s: &Service<'_>,
    seen: &mut Vec<Span>,
    out: &mut Findings,
) {
    let Some(built) = cx.built(i) else {
        return;
    };
    let target = s.get("build").and_then(|b| b.get("target"));
    let name = target.and_then(|t| t.as_str());
    if target.is_some() && name.is_none() {
        return;
    }
    let Some((at, why)) = built.dev_server(name) else {
        return;
    };
    let Some(place) = target
        .map(|t| t.span)
        .or_else(|| s.entry_of("build").map(|e| e.key.span))
    else {
        return;
    };
    if seen.contains(&place) {
        return;
    }
    seen.push(place);
    let what = name.map_or("an image".to_string(), |n| format!("stage `{n}`"));
    out.report(
        &DevServerCommand::META,
        place,
        format!(
            "service `{}` builds {what} that starts a development server: {why}",
            s.name.text
        ),
    )
    .help("build the stage that ships a production server, or move this service to `docker-compose.override.yml`")
    .related_in(&built.file, at, "the development server the image starts");
}
