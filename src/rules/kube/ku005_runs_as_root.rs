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
    /// A container whose image is a Docker Hub image known to run its service
    /// as its own user (the official database images, which step down
    /// with gosu; images whose Dockerfile sets a non-root `USER`: the
    /// list DC002 uses), run with its own entrypoint (no `command:`), is
    /// information: the process is not root, only the guarantee is
    /// missing.
    ///
    /// ## Differences from kube-linter and Polaris
    /// The same scope as kube-linter's `run-as-non-root` and Polaris'
    /// `runAsRootAllowed`: every pod template (Deployments, StatefulSets,
    /// DaemonSets, Jobs, CronJobs, bare Pods), init containers included.
    /// Pods and Jobs named as debugging or client helpers follow the test
    /// purpose and are not checked. Unlike them, prodlint reports a stock
    /// image known to step down from root itself as information.
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

use crate::rules::known_images;

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
            // A stock image that runs its service as its own user (the
            // official databases step down with gosu; Grafana sets USER):
            // the process is not root, only the setting is missing.
            // (A `command:` replaces the image's entrypoint, and with it
            // the step down.)
            let image = c
                .get("image")
                .and_then(Node::as_str)
                .filter(|_| c.get("command").is_none());
            if !non_root
                && let Some(image) = image.filter(|i| {
                    known_images::on_docker_hub(i)
                        && known_images::image_drops_root(i)
                        && (!known_images::is_database(i) || known_images::is_database_server(i))
                })
            {
                out.report(
                    &Self::META,
                    c.head(),
                    format!("{} sets no `runAsNonRoot: true` or non-zero `runAsUser`; its image (`{image}`) runs its service as its own user, so only the guarantee is missing", describe(w, &c)),
                )
                .severity(crate::diagnostic::Severity::Info)
                .help("set `runAsUser` to the image's user and `runAsNonRoot: true`, so the kubelet enforces it");
                continue;
            }
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
