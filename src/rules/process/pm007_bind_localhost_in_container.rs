use super::*;

declare_rule! {
    /// ## What it checks
    /// A server in a container (started by a Dockerfile, a Procfile, or a
    /// process manager of a project that builds an image) that listens on
    /// the loopback interface: `127.0.0.1`, `localhost` or `::1` given to
    /// `--bind`/`--host` or `bind =`, or no address at all where the
    /// server's default is loopback. gunicorn's default is
    /// `127.0.0.1:8000` unless `PORT` is set (then `0.0.0.0:$PORT`);
    /// uvicorn's, granian's and hypercorn's is `127.0.0.1` (uvicorn also reads
    /// `UVICORN_HOST`); `fastapi run` binds `0.0.0.0`. A server behind a
    /// reverse proxy started in the same container (nginx, HAProxy, Caddy,
    /// Apache, Traefik, Envoy, in the same command or supervisord file) may
    /// listen on loopback and is not reported, nor is a bind read from an
    /// environment variable in a configuration file.
    ///
    /// ## Why it matters in production
    /// Loopback inside a container is the container's own: the published
    /// port, the Service and the load balancer connect to the container's
    /// network interface and find nothing listening. The container is
    /// healthy to itself and unreachable to everyone else.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["uvicorn", "app.main:app", "--port", "8000"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [gunicorn: bind](https://docs.gunicorn.org/en/stable/settings.html#bind)
    /// - [Uvicorn: settings](https://www.uvicorn.org/settings/)
    pub struct BindLocalhostInContainer {
        code: "PM007",
        name: "bind-localhost-in-container",
        severity: Error,
        fix: None,
        summary: "a server in a container listens on loopback only",
    }
}

const HELP: &str = "listen on `0.0.0.0` (all interfaces) inside the container";

fn loopback_of(binds: &[&str]) -> Option<String> {
    binds
        .iter()
        .filter_map(|b| bind_host(b))
        .find(|h| is_loopback(h))
        .map(str::to_string)
}

impl Rule for BindLocalhostInContainer {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                if !cx.containerized || cx.dev {
                    return;
                }
                // A bind read from the environment is meant to be set per
                // deployment: only a literal one is judged.
                if let Some(a) = assigned(cx, "bind")
                    && let Some(host) = loopback_of(&strings(&a.value))
                {
                    out.report(
                                &Self::META,
                                a.value_span,
                                format!("gunicorn binds `{host}` in a project that runs in a container: only the container itself can connect"),
                            )
                            .help(HELP);
                }
            }
            Here::Launcher => {
                let l = cx.launch;
                if !l.in_container || l.dev || l.behind_local_proxy {
                    return;
                }
                let c = &l.command;
                let name = c.server.name();
                let found: Option<(Span, String)> = match c.server {
                    Server::Gunicorn => match l.setting("bind") {
                        s @ (Setting::Flag(_) | Setting::EnvArgs(_)) => {
                            let refs: Vec<&str> = l
                                .written_binds()
                                .into_iter()
                                .filter(|w| !w.dynamic)
                                .map(|w| w.text.as_str())
                                .collect();
                            loopback_of(&refs).map(|h| (at(cx, &s), format!("{name} binds `{h}`")))
                        }
                        Setting::Default if !l.has_env("PORT") => Some((
                            c.program.span,
                            format!(
                                "{name} binds its default `127.0.0.1:8000`: no `--bind`, and `PORT` is not set"
                            ),
                        )),
                        _ => None,
                    },
                    Server::Uvicorn | Server::FastApiRun | Server::Granian => {
                        if c.has("uds") || c.has("fd") {
                            None
                        } else if let Some(o) = c.get("host") {
                            o.value
                                .as_ref()
                                .filter(|w| !w.dynamic && is_loopback(&w.text))
                                .map(|w| (w.span, format!("{name} listens on `{}`", w.text)))
                        } else if (c.server == Server::Uvicorn && !l.has_env("UVICORN_HOST"))
                            || (c.server == Server::Granian && !l.has_env("GRANIAN_HOST"))
                        {
                            Some((
                                c.program.span,
                                format!("{name} listens on its default `127.0.0.1`: no `--host`"),
                            ))
                        } else {
                            None
                        }
                    }
                    Server::Hypercorn => {
                        let binds: Vec<&Opt> =
                            c.options.iter().filter(|o| o.setting == "bind").collect();
                        if binds.is_empty() {
                            (!c.has("config")).then(|| {
                                (
                                    c.program.span,
                                    format!(
                                        "{name} binds its default `127.0.0.1:8000`: no `--bind`"
                                    ),
                                )
                            })
                        } else {
                            binds.iter().find_map(|o| {
                                let w = o.value.as_ref().filter(|w| !w.dynamic)?;
                                let h = bind_host(&w.text).filter(|h| is_loopback(h))?;
                                Some((w.span, format!("{name} binds `{h}`")))
                            })
                        }
                    }
                    _ => None,
                };
                if let Some((span, what)) = found {
                    out.report(
                        &Self::META,
                        span,
                        format!(
                            "{what}; inside a container only the container itself can connect to it"
                        ),
                    )
                    .help(HELP);
                }
            }
        }
    }
}
