use super::*;

declare_rule! {
    /// ## What it checks
    /// A FastAPI or Starlette app without a liveness route and a readiness
    /// route, in any common spelling: liveness `/health`, `/healthz`,
    /// `/livez`, `/live`, `/liveness`, `/ping`, `/heartbeat`,
    /// `/health/live`; readiness `/ready`, `/readyz`, `/readiness`,
    /// `/health/ready`. Reported once per app, at its construction, and
    /// only for an app that is served and whose routes are all in its own
    /// module. Served: a launch of the project names it (`gunicorn
    /// app.main:app` in a Dockerfile, a compose `command`, a Procfile, …)
    /// or the module runs it itself (`uvicorn.run(app)`); sub-apps that
    /// another app mounts are not served on their own. An app that
    /// includes routers or mounts sub-apps gets routes prodlint does not
    /// follow yet, and is not judged.
    ///
    /// ## Why it matters in production
    /// The platform decides with these two questions: is the process
    /// alive (restart it if not), and can it serve (send it traffic if
    /// so). One `/health` answering both either restarts pods during a
    /// database outage or sends traffic to instances that cannot serve.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI()
    ///
    /// @app.get("/health")
    /// def health(): return {"status": "ok"}
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.get("/health/live")
    /// def live(): return {"status": "ok"}
    ///
    /// @app.get("/health/ready")
    /// async def ready(): ...  # checks the database, answers 503 when it cannot
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: liveness, readiness and startup probes](https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/)
    pub struct HealthRoutesMissing {
        code: "PY015",
        name: "health-routes-missing",
        severity: Warning,
        fix: None,
        summary: "the app has no liveness or no readiness route",
    }
}

const LIVENESS: &[&str] = &[
    "/health",
    "/healthz",
    "/livez",
    "/live",
    "/liveness",
    "/ping",
    "/heartbeat",
    "/health/live",
    "/health/liveness",
    "/healthcheck",
    "/_health",
];
const READINESS: &[&str] = &[
    "/ready",
    "/readyz",
    "/readiness",
    "/health/ready",
    "/health/readiness",
];

impl Rule for HealthRoutesMissing {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["FastAPI(", "Starlette("]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for app in cx.calls.iter().filter(|c| is_app(c)) {
            let Some(name) = &app.assigned_to else {
                continue;
            };
            // Served by a launch, or run by the module itself.
            let runs_itself = cx.calls.iter().any(|c| {
                c.callee == "uvicorn.run"
                    && match c.args.first().map(|a| &a.value) {
                        Some(Lit::Ref(r)) => r == name,
                        Some(Lit::Str(spec)) => spec.ends_with(&format!(":{name}")),
                        _ => false,
                    }
            });
            let launched = cx
                .served
                .as_ref()
                .is_some_and(|apps| apps.iter().any(|a| a == name || a == "*"));
            if !launched && !runs_itself {
                continue;
            }
            let on_app = |c: &&Call| c.module() == name;
            // Routes added elsewhere: not judged.
            let composed = cx
                .calls
                .iter()
                .filter(on_app)
                .any(|c| matches!(c.name(), "include_router" | "mount" | "host"))
                || app.keyword("routes").is_some();
            if composed {
                continue;
            }
            let paths: Vec<&str> = cx
                .calls
                .iter()
                .filter(on_app)
                .filter(|c| {
                    HTTP_METHODS.contains(&c.name())
                        || matches!(
                            c.name(),
                            "api_route" | "route" | "add_api_route" | "add_route"
                        )
                })
                .filter_map(|c| match c.args.first().map(|a| &a.value) {
                    Some(Lit::Str(p)) => Some(p.trim_end_matches('/')),
                    _ => None,
                })
                .collect();
            let live = paths.iter().any(|p| LIVENESS.contains(p));
            let ready = paths.iter().any(|p| READINESS.contains(p));
            let missing = match (live, ready) {
                (true, true) => continue,
                (true, false) => "readiness route (`/ready`, `/health/ready`, …)",
                (false, true) => "liveness route (`/health`, `/livez`, …)",
                (false, false) => "liveness route and no readiness route",
            };
            out.report(
                &Self::META,
                app.callee_span,
                format!("this app has no {missing}: the platform cannot tell a dead instance from one that cannot serve yet"),
            )
            .help("add a liveness route that only answers, and a readiness route that checks the app's dependencies");
        }
    }
}
