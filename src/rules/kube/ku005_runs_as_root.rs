use super::*;

declare_rule! {
    /// ## What it checks
    /// A container that may run as root: neither it nor its pod sets
    /// `runAsNonRoot: true` or a non-zero `runAsUser` (the container's
    /// setting wins over the pod's), or `runAsUser: 0` is set. Kustomize
    /// patches are not checked.
    ///
    /// ## Why it matters in production
    /// Most images run as root unless told otherwise. Root in a container
    /// is root on the node's kernel: a container escape, a writable host
    /// path or a kernel bug gives away the node and every pod on it.
    /// `runAsNonRoot` makes the kubelet refuse to start a root container.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: api
    ///       image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///     - name: api
    ///       image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// ## Fix
    /// None: the image must work as that user.
    ///
    /// ## Differences from kube-linter and Polaris
    /// The same scope as kube-linter's `run-as-non-root` and Polaris'
    /// `runAsRootAllowed`: every pod template (Deployments, StatefulSets,
    /// DaemonSets, Jobs, CronJobs, bare Pods), init containers included.
    /// Pods and Jobs named as debugging or client helpers follow the test
    /// purpose and are not checked.
    ///
    /// ## References
    /// - [Kubernetes: configure a security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - [Pod Security Standards: restricted](https://kubernetes.io/docs/concepts/security/pod-security-standards/)
    pub struct RunsAsRoot {
        code: "KU005",
        name: "container-runs-as-root",
        severity: Error,
        tags: ["security"],
        security_severity: "7.0",
        fix: None,
        summary: "a container may run as root",
    }
}

impl Rule for RunsAsRoot {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.all_containers() {
            let user = effective(w, &c, "runAsUser");
            if let Some(u) = user
                && kube::int(u) == Some(0)
            {
                out.report(
                    &Self::META,
                    u.span,
                    format!("{} runs as root (`runAsUser: 0`)", describe(w, &c)),
                )
                .help("run as a non-zero user id");
                continue;
            }
            let non_root = is_true(effective(w, &c, "runAsNonRoot"))
                || user.and_then(kube::int).is_some_and(|u| u > 0);
            if !non_root {
                out.report(
                    &Self::META,
                    c.head(),
                    format!("{} may run as root: no `runAsNonRoot: true` or non-zero `runAsUser`", describe(w, &c)),
                )
                .help("set `securityContext.runAsNonRoot: true` (and `runAsUser`) on the pod or the container");
            }
        }
    }
}
