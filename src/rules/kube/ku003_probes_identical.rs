use super::*;

declare_rule! {
    /// ## What it checks
    /// A container whose liveness and readiness probes check the same
    /// thing: the same handler, port, and path or command. Two
    /// `tcpSocket` probes are left alone: an open port says only that the
    /// process listens, it checks no dependency, so both probes answering
    /// alike restarts nothing on a database outage.
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
            if live.handler != "tcpSocket" && live.target() == ready.target() {
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
