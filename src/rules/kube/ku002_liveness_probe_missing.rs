use super::*;

declare_rule! {
    /// ## What it checks
    /// A serving container (as in KU001) without a `livenessProbe`.
    ///
    /// ## Why it matters in production
    /// A server that deadlocks or exhausts its workers keeps its process
    /// alive: without a liveness probe the kubelet never restarts it, and
    /// the pod stays broken until someone deletes it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports: [{containerPort: 8000}]
    ///     readinessProbe:
    ///       httpGet: {path: /health/ready, port: 8000}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     livenessProbe:
    ///       httpGet: {path: /health/live, port: 8000}
    ///       periodSeconds: 10
    ///       failureThreshold: 3
    /// ```
    ///
    /// ## Fix
    /// None: the endpoint is the app's.
    ///
    /// ## Differences from kube-linter and Polaris
    /// As for KU001: kube-linter's `no-liveness-probe` and Polaris'
    /// `livenessProbeMissing` ask every container; prodlint asks serving
    /// containers only.
    ///
    /// ## References
    /// - [Kubernetes: liveness probes](https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/)
    pub struct LivenessProbeMissing {
        code: "KU002",
        name: "liveness-probe-missing",
        severity: Warning,
        fix: None,
        summary: "a serving container has no liveness probe",
    }
}

impl Rule for LivenessProbeMissing {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.serving() {
            if c.get("livenessProbe").is_none() {
                out.report(
                    &Self::META,
                    c.head(),
                    format!("{} has no livenessProbe: a hung server is never restarted", describe(w, &c)),
                )
                .help("add a `livenessProbe` on a cheap endpoint that only checks the process answers");
            }
        }
    }
}
