use super::*;

declare_rule! {
    /// ## What it checks
    /// A container whose `securityContext` does not set
    /// `readOnlyRootFilesystem: true`. Kustomize patches are not checked.
    ///
    /// ## Why it matters in production
    /// A writable root file system lets an attacker who gets code execution
    /// drop tools and modify the app in place, and lets the app itself
    /// write state that vanishes with the pod. Paths that must be writable
    /// (`/tmp`) get an `emptyDir` volume instead.
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
    ///   securityContext:
    ///     readOnlyRootFilesystem: true
    ///   volumeMounts: [{name: tmp, mountPath: /tmp}]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: adds `readOnlyRootFilesystem: true` to the container's
    /// `securityContext`; the app may need a writable path mounted first.
    ///
    /// ## References
    /// - [Kubernetes: security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub struct WritableRootFilesystem {
        code: "KU007",
        name: "writable-root-filesystem",
        severity: Info,
        tags: ["security"],
        security_severity: "3.5",
        fix: Unsafe,
        summary: "a container's root file system is writable",
    }
}

impl Rule for WritableRootFilesystem {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.all_containers() {
            let setting = c
                .security_context()
                .and_then(|s| s.get("readOnlyRootFilesystem"));
            if setting.and_then(Node::as_bool) == Some(true) {
                continue;
            }
            let span = setting.map_or(c.head(), |s| s.span);
            let b = out
                .report(&Self::META, span, format!("{} has a writable root file system", describe(w, &c)))
                .help("set `securityContext.readOnlyRootFilesystem: true` and mount `emptyDir` where it writes");
            if setting.is_none()
                && let Some(e) =
                    add_to_security_context(cx.file, &c, "readOnlyRootFilesystem: true")
            {
                b.fix(
                    Applicability::Unsafe,
                    "add `readOnlyRootFilesystem: true`",
                    vec![e],
                );
            }
        }
    }
}
