use super::*;

declare_rule! {
    /// ## What it checks
    /// A server started with its code reloader or as a development server,
    /// outside files meant for development: gunicorn `reload = True` or
    /// `--reload`, uvicorn, granian and hypercorn `--reload`, `fastapi dev`,
    /// `flask run`, `manage.py runserver`. Files named `*.dev.*`,
    /// `*-local.*`, `*.override.*` and Procfile processes named `dev` or
    /// `local` are for development and are not checked. In Dockerfiles,
    /// DF013 reports the same mistake, and DC011 in compose files.
    ///
    /// ## Why it matters in production
    /// The reloader watches the file system and restarts workers on any
    /// change, costs CPU and memory, and is incompatible with
    /// `preload_app`; uvicorn's reloader runs a single process whatever
    /// `--workers` says. `fastapi dev` also binds to localhost.
    ///
    /// ## Example
    /// ```ini
    /// [program:web]
    /// command=uvicorn app.main:app --host 0.0.0.0 --reload
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [program:web]
    /// command=uvicorn app.main:app --host 0.0.0.0 --workers 4
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [gunicorn: reload](https://docs.gunicorn.org/en/stable/settings.html#reload)
    /// - [Uvicorn: settings](https://www.uvicorn.org/settings/)
    pub struct ReloadInProduction {
        code: "PM003",
        name: "reload-in-production",
        severity: Error,
        fix: None,
        summary: "a server runs with its code reloader, or as a development server, in production",
    }
}

const HELP: &str = "drop the reloader; restart the service to deploy new code";

impl Rule for ReloadInProduction {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                if cx.dev {
                    return;
                }
                if let Some(a) = assigned(cx, "reload")
                    && a.value.or_default().and_then(Value::truthy) == Some(true)
                {
                    out.report(
                        &Self::META,
                        a.value_span,
                        "`reload` restarts gunicorn's workers on every file change",
                    )
                    .help(HELP);
                }
            }
            Here::Launcher => {
                let l = cx.launch;
                // DF013 owns Dockerfiles, DC011 compose files.
                if l.dev
                    || matches!(
                        l.site,
                        launch::Site::Dockerfile | launch::Site::Compose { .. }
                    )
                {
                    return;
                }
                let c = &l.command;
                let server = c.server.name();
                let reload = c.get("reload").or_else(|| c.get("use_reloader"));
                let env_reload = l.env_args.iter().find(|o| o.setting == "reload");
                if let Some(o) = reload.or(env_reload) {
                    out.report(
                        &Self::META,
                        o.flag.span,
                        format!("`--reload` runs {server} with its development reloader"),
                    )
                    .help(HELP);
                }
                if matches!(
                    c.server,
                    Server::FastApiDev | Server::FlaskRun | Server::DjangoRunserver
                ) {
                    let span = c.subcommand.as_ref().map_or(c.program.span, |w| w.span);
                    out.report(
                        &Self::META,
                        span,
                        format!("`{server}` is a development server"),
                    )
                    .help("run gunicorn with uvicorn workers, or `fastapi run`");
                }
            }
        }
    }
}
