use super::*;

declare_rule! {
    /// ## What it checks
    /// A serving container — its command starts a web server, it declares
    /// a port that is not only scraped for metrics, or a Service among the
    /// checked manifests selects its pods and it is the pod's only
    /// container — of a Deployment,
    /// StatefulSet or DaemonSet without a `readinessProbe`. Metrics
    /// exporters (an `*exporter*` image, or every port named for metrics),
    /// sidecars without ports, queue workers without ports and kustomize
    /// patches (containers without an image) are not checked.
    ///
    /// ## Why it matters in production
    /// Without a readiness probe a pod receives traffic as soon as its
    /// process starts, before the app has loaded, migrated or connected;
    /// and a pod that loses its database keeps receiving traffic it can
    /// only fail. Every rollout sends requests to pods that are not ready.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports: [{containerPort: 8000}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports: [{containerPort: 8000}]
    ///     readinessProbe:
    ///       httpGet: {path: /health/ready, port: 8000}
    /// ```
    ///
    /// ## Fix
    /// None: the endpoint is the app's.
    ///
    /// ## Differences from kube-linter and Polaris
    /// kube-linter's `no-readiness-probe` and Polaris' `readinessProbeMissing`
    /// ask every container of the workloads they check; prodlint asks only
    /// containers that serve traffic (not exporters, port-less sidecars or
    /// queue workers), so that the finding is one a reviewer acts on.
    ///
    /// ## References
    /// - [Kubernetes: configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub struct ReadinessProbeMissing {
        code: "KU001",
        name: "readiness-probe-missing",
        severity: Error,
        fix: None,
        summary: "a serving container has no readiness probe",
    }
}

impl Rule for ReadinessProbeMissing {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.serving() {
            if c.get("readinessProbe").is_none() {
                out.report(
                    &Self::META,
                    c.head(),
                    format!(
                        "{} has no readinessProbe: it gets traffic before it is ready",
                        describe(w, &c)
                    ),
                )
                .help("add a `readinessProbe` on an endpoint that checks the app can serve");
            }
        }
    }
}
