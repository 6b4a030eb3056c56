use super::*;

declare_rule! {
    /// ## What it checks
    /// A FastAPI or Starlette app without a liveness route and a readiness
    /// route, in any common spelling: liveness `/health`, `/healthz`,
    /// `/livez`, `/live`, `/liveness`, `/ping`, `/heartbeat`,
    /// `/health/live`, `/healthcheck`, `/health-check`; readiness `/ready`,
    /// `/readyz`, `/readiness`, `/health/ready` (the path's last segment
    /// decides, under any prefix). Reported once per app, at its
    /// construction, and only for an app that is served. Served: a launch
    /// of the project names it (`gunicorn app.main:app` in a Dockerfile, a
    /// compose `command`, a Procfile, the factory of `app:create_app()`,
    /// …) or the module runs it itself (`uvicorn.run(app)`); sub-apps that
    /// another app mounts are not served on their own. Routes count
    /// wherever they are declared: routers are followed through
    /// `include_router` and sub-apps through `mount`, across modules and
    /// their imports. An app with a router or sub-app prodlint cannot
    /// follow (from another package, or a `routes=[…]` list) is not
    /// judged.
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

/// The last segment of a liveness route's path (`/health`, `/api/livez`,
/// `/health/live`, `/utils/health-check/`).
pub const LIVENESS: &[&str] = &[
    "health",
    "healthz",
    "livez",
    "live",
    "liveness",
    "ping",
    "heartbeat",
    "healthcheck",
    "health-check",
    "health_check",
    "_health",
    "alive",
];
/// The last segment of a readiness route's path (`/ready`, `/readyz`,
/// `/health/ready`).
pub const READINESS: &[&str] = &["ready", "readyz", "readiness"];

impl Rule for HealthRoutesMissing {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        APP_CONSTRUCTORS
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for app in served_apps(cx) {
            let served = app_tails(cx, &app.name);
            // Routes prodlint cannot follow may hold the health routes.
            if !served.complete {
                continue;
            }
            let live = served.tails.iter().any(|t| LIVENESS.contains(&t.as_str()));
            let ready = served.tails.iter().any(|t| READINESS.contains(&t.as_str()));
            let missing = match (live, ready) {
                (true, true) => continue,
                (true, false) => "readiness route (`/ready`, `/health/ready`, …)",
                (false, true) => "liveness route (`/health`, `/livez`, …)",
                (false, false) => "liveness route and no readiness route",
            };
            out.report(
                &Self::META,
                app.at,
                format!("this app has no {missing}: the platform cannot tell a dead instance from one that cannot serve yet"),
            )
            .help("add a liveness route that only answers, and a readiness route that checks the app's dependencies");
        }
    }
}
