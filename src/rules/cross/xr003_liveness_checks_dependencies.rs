use super::*;
use crate::project::facts::images::ProbeKind;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it checks
    /// A Kubernetes liveness probe whose path is answered by a route
    /// handler that checks dependencies: it takes a dependency or awaits a
    /// call (a database session, a cache client) and can answer an error
    /// (it raises, or returns a status of 400 or more such as 503). The
    /// route is found as XR002 finds it, in the app the container's server
    /// serves.
    ///
    /// ## Why it matters in production
    /// Liveness answers "is this process stuck?": a failure restarts the
    /// container. When the route also checks the database, one database
    /// outage fails liveness in every pod at once and Kubernetes restarts
    /// them all, in a loop, turning a dependency's hiccup into a full
    /// outage that outlasts it. Dependencies belong in the readiness
    /// probe, which only takes the pod out of the Service.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /health/ready, port: 8000}
    /// ```
    /// where `/health/ready` runs `SELECT 1` and answers 503 on failure.
    ///
    /// ## Use instead
    /// A liveness route that checks only the process (`return {"status":
    /// "ok"}`), and the dependency check as the readiness probe.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: liveness, readiness and startup probes](https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/)
    pub struct LivenessChecksDependencies {
        code: "XR003",
        name: "liveness-checks-dependencies",
        severity: Warning,
        fix: None,
        summary: "the liveness probe requests the route that checks dependencies: one outage restarts every pod",
    }
}

impl Rule for LivenessChecksDependencies {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let mut seen = BTreeSet::new();
        for unit in cx.project.units() {
            for run in &unit.runs {
                let Some(servers) = servers_of(unit, run) else {
                    continue;
                };
                for probe in run.probes.iter().filter(|p| p.kind == ProbeKind::Liveness) {
                    let Some(path) = probe.path.as_deref() else {
                        continue;
                    };
                    let Some(served) = served_app(cx.project, servers) else {
                        continue;
                    };
                    let Some(route) = served.route_for(path) else {
                        continue;
                    };
                    let Some(h) = &route.handler else { continue };
                    if !(h.touches && h.can_fail && seen.insert(probe.at.clone())) {
                        continue;
                    }
                    let b = out
                        .report(
                            &Self::META,
                            &probe.at,
                            format!(
                                "the liveness probe of {} requests `{path}`, whose handler `{}` checks dependencies and can answer an error: one outage of a dependency restarts every pod",
                                run_name(run),
                                h.name
                            ),
                        )
                        .help("point liveness at a route that checks only the process, and probe dependencies for readiness");
                    cx.related(
                        b,
                        &Loc {
                            file: route.at.file.clone(),
                            span: h.at,
                        },
                        "checks dependencies here",
                    );
                }
            }
        }
    }
}
