use super::*;

declare_rule! {
    /// ## What it checks
    /// A container (init containers included) without a CPU request, a
    /// memory request or a memory limit. A limit without a request counts
    /// as both (Kubernetes then sets the request to the limit). Kustomize
    /// patches are not checked.
    ///
    /// ## Why it matters in production
    /// Without requests the scheduler packs pods onto nodes that cannot
    /// hold them, and the pod is first in line for eviction (BestEffort).
    /// Without a memory limit one leaking pod takes the node's memory and
    /// the kernel kills whatever it picks.
    ///
    /// ## Example
    /// ```yaml
    /// - name: api
    ///   image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - name: api
    ///   image: ghcr.io/acme/api:1.4.2
    ///   resources:
    ///     requests: {cpu: 250m, memory: 256Mi}
    ///     limits: {memory: 512Mi}
    /// ```
    ///
    /// ## Fix
    /// None: the numbers come from measuring the app.
    ///
    /// ## References
    /// - [Kubernetes: resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    pub struct ResourcesMissing {
        code: "KU011",
        name: "resources-missing",
        severity: Warning,
        fix: None,
        summary: "a container has no CPU/memory requests or no memory limit",
    }
}

impl Rule for ResourcesMissing {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.all_containers() {
            let r = c.get("resources");
            let has = |a: &str, b: &str| r.and_then(|r| r.get(a)).and_then(|x| x.get(b)).is_some();
            let mut missing = Vec::new();
            // A limit without a request also sets the request to the limit.
            if !has("requests", "cpu") && !has("limits", "cpu") {
                missing.push("CPU request");
            }
            if !has("requests", "memory") && !has("limits", "memory") {
                missing.push("memory request");
            }
            if !has("limits", "memory") {
                missing.push("memory limit");
            }
            if missing.is_empty() {
                continue;
            }
            out.report(
                &Self::META,
                r.map_or(c.head(), |r| r.span),
                format!("{} has no {}", describe(w, &c), missing.join(", no ")),
            )
            .help("set `resources.requests` (cpu, memory) and `resources.limits.memory`");
        }
    }
}
