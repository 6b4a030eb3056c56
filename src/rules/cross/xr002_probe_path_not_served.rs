use super::*;
use crate::project::facts::images::Probe;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it checks
    /// The path an HTTP health check requests — a Kubernetes `httpGet`
    /// probe, the URL of a compose `healthcheck:` or of a Dockerfile
    /// `HEALTHCHECK` (`curl -f http://localhost:8000/health`) — against the
    /// routes of the app the same deployable serves: the app its server's
    /// command names (`gunicorn app.main:app`), with every router's prefix
    /// (`include_router(…, prefix="/api")`, or a settings field's string
    /// default, `prefix=settings.API_V1_STR` with `API_V1_STR: str =
    /// "/api/v1"`, where no deploy or env file sets that variable), mounted
    /// sub-apps, path
    /// parameters (`/items/{id}`) and the paths FastAPI answers itself
    /// (`/docs`, `/redoc`, `/openapi.json`, unless turned off). A trailing
    /// slash is not a difference: the redirect counts as success.
    ///
    /// Silent unless every route is known: a router from another package,
    /// a prefix or path that is not a literal, routes given to the
    /// constructor as a list, a server whose app is not found, or two
    /// apps behind one deployable.
    ///
    /// ## Why it matters in production
    /// A probe on a path no route serves gets 404. A readiness probe then
    /// never passes (the rollout stalls, no traffic), a liveness probe
    /// restarts the container over and over, and a compose or Docker
    /// health check marks it unhealthy forever.
    ///
    /// ## Example
    /// The app serves `@app.get("/health")`; the Deployment probes:
    /// ```yaml
    /// readinessProbe:
    ///   httpGet: {path: /healthz, port: 8000}
    /// ```
    ///
    /// ## Use instead
    /// Probe a path the app serves: `path: /health`.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: HTTP probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-liveness-http-request)
    /// - [FastAPI: bigger applications (router prefixes)](https://fastapi.tiangolo.com/tutorial/bigger-applications/)
    pub struct ProbePathNotServed {
        code: "XR002",
        name: "probe-path-not-served",
        severity: Error,
        fix: None,
        summary: "a probe or health check requests a path that no route of the app serves",
    }
}

/// The route paths nearest to `path`: the same last segment, or a
/// health-sounding one, for the help.
fn nearest(served: &Served, path: &str) -> Option<String> {
    let last = crate::project::apps::tail(path);
    let candidates = served.app.routes.iter().filter_map(|r| r.path.as_deref());
    let mut best: Option<&str> = None;
    for c in candidates {
        let t = crate::project::apps::tail(c);
        let health = [
            "health",
            "healthz",
            "health-check",
            "healthcheck",
            "livez",
            "readyz",
            "ready",
            "live",
            "ping",
            "status",
        ]
        .contains(&t);
        if t == last || (health && best.is_none()) {
            best = Some(c);
            if t == last {
                break;
            }
        }
    }
    best.map(str::to_string)
}

impl Rule for ProbePathNotServed {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let mut seen = BTreeSet::new();
        for unit in cx.project.units() {
            let mut checks: Vec<(&Probe, &[Server], Option<&Run>)> = Vec::new();
            if let Some(h) = &unit.healthcheck {
                checks.push((h, &unit.servers, None));
            }
            for run in &unit.runs {
                let Some(servers) = servers_of(unit, run) else {
                    continue;
                };
                checks.extend(run.probes.iter().map(|p| (p, servers, Some(&**run))));
            }
            for (probe, servers, run) in checks {
                let Some(path) = probe.path.as_deref() else {
                    continue;
                };
                // A probe on another port is XR001's (or a sidecar's).
                if let (Some(port), Some(b)) = (probe.port, binds(servers))
                    && !b.iter().any(|b| b.port == port)
                {
                    continue;
                }
                let served = served_app(cx.project, servers);
                let Some(served) = served else {
                    continue;
                };
                if served.serves(path) || !seen.insert(probe.at.clone()) {
                    continue;
                }
                let whose = run.map_or_else(
                    || "of the image".to_string(),
                    |r| format!("of {}", run_name(r)),
                );
                let mut b = out
                    .report(
                        &Self::META,
                        &probe.at,
                        format!(
                            "the {} {whose} requests `{path}`, but no route of the app `{}` serves it: it gets 404 and fails",
                            probe.kind.describe(),
                            served.name
                        ),
                    )
                    .help(match nearest(&served, path) {
                        Some(p) => format!("probe a path the app serves, such as `{p}`"),
                        None => "add a health route to the app, or probe one it serves".to_string(),
                    });
                b = cx.related(b, &served.at, "the app the server serves");
                if let Some(s) = servers.first() {
                    cx.related(b, &s.site, "the server that serves it");
                }
            }
        }
    }
}
