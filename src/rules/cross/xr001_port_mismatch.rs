use super::*;
use crate::project::facts::ports::{PortClaim, Role};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it checks
    /// The port the server binds (gunicorn's `bind`, uvicorn's, hypercorn's
    /// or granian's `--port`/`--bind`, from the command line,
    /// `GUNICORN_CMD_ARGS` or the configuration file, with `$PORT`
    /// expanded when the launch sets `PORT` beside it) against every other
    /// place that names the port of the same deployable: the Dockerfile's
    /// `EXPOSE` and `HEALTHCHECK` URL, the compose service's `ports:`
    /// target, `expose:` and `healthcheck:` URL, the Kubernetes container's
    /// `containerPort`, its probes' ports, and the `targetPort` of a
    /// Service that selects its pods.
    ///
    /// A group of claims (the `EXPOSE` list, a service's `ports:`, a
    /// container's `containerPort`s, a Service's ports) is reported when
    /// none of its ports is one the server binds: extra ports beside the
    /// server's (metrics, debugging) are fine. A probe or health-check URL
    /// is reported on its own: it must reach the server (a Kubernetes probe
    /// on a port its container does not declare is left to KU004). Where a command
    /// of its own replaces the image's (`command:`, `args:`), that
    /// command's server counts. Silent when a bind is unknown (a program's
    /// default, a variable with no value in the project, a Unix socket),
    /// and for a Service whose pods hold several containers (it may route
    /// to another).
    ///
    /// ## Why it matters in production
    /// Traffic, probes and health checks sent to a port nothing listens on
    /// fail: the load balancer has no backend, the readiness probe never
    /// passes and the rollout stalls, or the liveness probe restarts a
    /// healthy server in a loop.
    ///
    /// ## Example
    /// `gunicorn.conf.py`: `bind = "0.0.0.0:8000"`; the Deployment:
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    /// ```
    ///
    /// ## Use instead
    /// One port everywhere: `containerPort: 8000`, `targetPort: 8000`,
    /// `EXPOSE 8000`.
    ///
    /// ## Fix
    /// None: which side is right is the author's call.
    ///
    /// ## References
    /// - [gunicorn: bind](https://docs.gunicorn.org/en/stable/settings.html#bind)
    /// - [Kubernetes: Service targetPort](https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service)
    pub struct PortMismatch {
        code: "XR001",
        name: "port-mismatch",
        severity: Error,
        fix: None,
        summary: "the port the server binds differs from the port the image, compose or Kubernetes sends traffic to",
    }
}

/// What a claim is, for the message.
fn claim_text(c: &PortClaim, run: Option<&Run>) -> String {
    let who = run.map(run_name).unwrap_or_default();
    match (c.role, run) {
        (Role::Expose, None) => format!("`EXPOSE {}`", c.port),
        (Role::Expose, Some(_)) => format!("{who} exposes port {}", c.port),
        (Role::Publish, _) => format!("{who} publishes container port {}", c.port),
        (Role::ContainerPort, _) => format!("{who} declares `containerPort: {}`", c.port),
        (Role::Probe, _) => format!("a probe of {who} requests port {}", c.port),
        (Role::ServiceTarget, _) => format!("a Service routes to port {}", c.port),
        (Role::Bind, _) => format!("port {}", c.port),
    }
}

struct Report<'a> {
    seen: BTreeSet<Loc>,
    cx: &'a ProjectContext<'a>,
}

impl Report<'_> {
    fn mismatch(
        &mut self,
        out: &mut ProjectFindings,
        at: &Loc,
        what: String,
        binds: &[Bound<'_>],
        probe: bool,
    ) {
        if !self.seen.insert(at.clone()) {
            return;
        }
        let Some(first) = binds.first() else { return };
        let ports: Vec<String> = binds.iter().map(|b| b.port.to_string()).collect();
        let ports: Vec<String> = ports
            .iter()
            .enumerate()
            .filter(|(i, p)| !ports[..*i].contains(p))
            .map(|(_, p)| p.clone())
            .collect();
        let consequence = if probe {
            "the check finds nothing listening and fails"
        } else {
            "traffic sent there finds nothing listening"
        };
        let b = out
            .report(
                &PortMismatch::META,
                at,
                format!(
                    "{what}, but {} binds {}: {consequence}",
                    first.server.program.name(),
                    ports.join(" and ")
                ),
            )
            .help("use the port the server binds in every file, or bind this one");
        let mut b = b;
        for bound in binds {
            b = self.cx.related(
                b,
                &bound.at,
                &format!("{} binds {} here", bound.server.program.name(), bound.port),
            );
        }
    }
}

/// Claims of one role, reported when none is bound.
fn group_unbound<'c>(claims: &[&'c PortClaim], binds: &[Bound<'_>]) -> Vec<&'c PortClaim> {
    if claims
        .iter()
        .any(|c| binds.iter().any(|b| b.port == c.port))
    {
        return Vec::new();
    }
    claims.to_vec()
}

impl Rule for PortMismatch {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let mut report = Report {
            seen: BTreeSet::new(),
            cx,
        };
        for unit in cx.project.units() {
            let dockerfile = &unit.dockerfile;
            // The image against its own servers.
            if let Some(binds) = binds(&unit.servers) {
                let exposed: Vec<&PortClaim> = unit
                    .ports
                    .iter()
                    .filter(|c| {
                        c.role == Role::Expose && crate::project::key(&c.at.file) == *dockerfile
                    })
                    .collect();
                for c in group_unbound(&exposed, &binds) {
                    report.mismatch(out, &c.at, claim_text(c, None), &binds, false);
                }
                if let Some(h) = &unit.healthcheck
                    && let Some(port) = h.port
                    && !binds.iter().any(|b| b.port == port)
                {
                    let what = format!("the `HEALTHCHECK` requests port {port}");
                    report.mismatch(out, &h.at, what, &binds, true);
                }
            }
            // Each place that runs it against the servers it starts.
            let mut pod_binds: Vec<Option<BTreeSet<u16>>> = Vec::new();
            for run in &unit.runs {
                let binds = servers_of(unit, run).and_then(binds);
                if matches!(run.runner, Runner::Kubernetes { .. }) {
                    pod_binds.push(
                        binds
                            .as_ref()
                            .filter(|_| run.pod_containers == 1)
                            .map(|b| b.iter().map(|b| b.port).collect()),
                    );
                }
                let Some(binds) = binds else { continue };
                for role in [Role::Publish, Role::Expose, Role::ContainerPort] {
                    let claims: Vec<&PortClaim> =
                        run.ports.iter().filter(|c| c.role == role).collect();
                    for c in group_unbound(&claims, &binds) {
                        report.mismatch(out, &c.at, claim_text(c, Some(run)), &binds, false);
                    }
                }
                // A probe on a port the container does not declare is
                // KU004's already.
                let declared: Vec<u16> = run
                    .ports
                    .iter()
                    .filter(|c| c.role == Role::ContainerPort)
                    .map(|c| c.port)
                    .collect();
                for c in run.ports.iter().filter(|c| c.role == Role::Probe) {
                    let undeclared = !declared.is_empty() && !declared.contains(&c.port);
                    if !undeclared && !binds.iter().any(|b| b.port == c.port) {
                        report.mismatch(out, &c.at, claim_text(c, Some(run)), &binds, true);
                    }
                }
                for p in &run.probes {
                    if let Some(port) = p.port
                        && matches!(run.runner, Runner::Compose { .. })
                        && !binds.iter().any(|b| b.port == port)
                    {
                        let what =
                            format!("the health check of {} requests port {port}", run_name(run));
                        report.mismatch(out, &p.at, what, &binds, true);
                    }
                }
            }
            // Services route to the pods of every Kubernetes run of the
            // image: judged when they all bind the same known ports.
            let targets: Vec<&PortClaim> = unit
                .ports
                .iter()
                .filter(|c| c.role == Role::ServiceTarget)
                .collect();
            let Some(Some(first)) = pod_binds.first() else {
                continue;
            };
            if targets.is_empty() || pod_binds.iter().any(|b| b.as_ref() != Some(first)) {
                continue;
            }
            let Some(run) = unit
                .runs
                .iter()
                .find(|r| matches!(r.runner, Runner::Kubernetes { .. }))
            else {
                continue;
            };
            let Some(binds) = servers_of(unit, run).and_then(binds) else {
                continue;
            };
            for c in group_unbound(&targets, &binds) {
                report.mismatch(out, &c.at, claim_text(c, None), &binds, false);
            }
        }
    }
}
