use super::*;

declare_rule! {
    /// ## What it checks
    /// A container whose liveness and readiness probes check the same
    /// thing: the same handler, port, and path or command. Two
    /// `tcpSocket` probes are left alone: an open port says only that the
    /// process listens, it checks no dependency, so both probes answering
    /// alike restarts nothing on a database outage. So are probes whose
    /// endpoint says it checks only the process: a `grpc` probe without a
    /// `service` name (the server's overall status), or a path named for
    /// liveness (`/livez`, `/healthz`, `/ping`, `/alive`, `/heartbeat`). A
    /// path named for readiness (`/ready`, `/readyz`) used for liveness is
    /// the case the rule is for.
    ///
    /// ## Why it matters in production
    /// Readiness should fail when a dependency is down (stop sending
    /// traffic); liveness should fail only when the process itself is
    /// stuck (restart it). With one endpoint for both, a database outage
    /// fails liveness everywhere and the kubelet restarts every pod at
    /// once: a dependency blip becomes a full outage and a restart storm.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /health, port: 8000}
    /// readinessProbe:
    ///   httpGet: {path: /health, port: 8000}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /health/live, port: 8000}
    /// readinessProbe:
    ///   httpGet: {path: /health/ready, port: 8000}
    /// ```
    ///
    /// ## Fix
    /// None: the app needs the second endpoint.
    ///
    /// ## References
    /// - [Kubernetes: liveness, readiness and startup probes](https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/)
    pub struct ProbesIdentical {
        code: "KU003",
        name: "probes-identical",
        severity: Warning,
        fix: None,
        summary: "liveness and readiness probes check the same endpoint",
    }
}

/// Path words that name a check of the process alone.
const LIVENESS_WORDS: &[&str] = &[
    "live",
    "livez",
    "liveness",
    "alive",
    "healthz",
    "ping",
    "heartbeat",
];

/// Does the probe's endpoint say it checks only the process?
fn process_only(p: &Probe<'_>) -> bool {
    if p.handler == "grpc" {
        let service = p
            .node
            .get("grpc")
            .and_then(|g| g.get("service"))
            .and_then(Node::as_str);
        return service.is_none_or(str::is_empty);
    }
    p.path.as_deref().is_some_and(|path| {
        let lower = path.to_ascii_lowercase();
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| LIVENESS_WORDS.contains(&w))
    })
}

impl Rule for ProbesIdentical {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.every_container() {
            let (Some(live), Some(ready)) = (
                c.get("livenessProbe").and_then(Probe::of),
                c.get("readinessProbe").and_then(Probe::of),
            ) else {
                continue;
            };
            if live.handler != "tcpSocket"
                && !process_only(&live)
                && live.target() == ready.target()
            {
                let what = live
                    .path
                    .as_deref()
                    .map_or(String::new(), |p| format!(" (`{p}`)"));
                out.report(
                    &Self::META,
                    live.node.span,
                    format!("{} probes liveness and readiness the same way{what}: a dependency outage restarts every pod", describe(w, &c)),
                )
                .help("serve `/health/live` (the process answers) apart from `/health/ready` (it can serve)");
            }
        }
    }
}
