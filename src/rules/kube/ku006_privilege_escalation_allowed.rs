use super::*;

declare_rule! {
    /// ## What it checks
    /// A container whose `securityContext` does not set
    /// `allowPrivilegeEscalation: false`. Kustomize patches are not checked.
    /// A `privileged: true` container is left to KU009: it escalates by
    /// definition, and the API server rejects `allowPrivilegeEscalation:
    /// false` beside `privileged: true`.
    ///
    /// ## Why it matters in production
    /// Escalation is allowed by default: a setuid binary in the image (or
    /// one an attacker drops there) can gain more privileges than the
    /// process started with. Setting it to false is free for a web server
    /// and required by the restricted Pod Security Standard.
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
    ///     allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## Fix
    /// Unsafe: adds `allowPrivilegeEscalation: false` to the container's
    /// `securityContext` (creating it); an app that relies on setuid
    /// binaries stops working.
    ///
    /// ## References
    /// - [Kubernetes: security context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub struct PrivilegeEscalationAllowed {
        code: "KU006",
        name: "privilege-escalation-allowed",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.5",
        fix: Unsafe,
        summary: "a container may gain more privileges than it started with",
    }
}

impl Rule for PrivilegeEscalationAllowed {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.all_containers() {
            let setting = c
                .security_context()
                .and_then(|s| s.get("allowPrivilegeEscalation"));
            if setting.and_then(Node::as_bool) == Some(false) {
                continue;
            }
            // A privileged container escalates by definition, and the API
            // server rejects `allowPrivilegeEscalation: false` beside
            // `privileged: true`: KU009 says what matters there.
            let privileged = c
                .security_context()
                .and_then(|s| s.get("privileged"))
                .and_then(Node::as_bool)
                == Some(true);
            if privileged {
                continue;
            }
            let span = setting.map_or(c.head(), |s| s.span);
            let b = out
                .report(
                    &Self::META,
                    span,
                    format!("{} allows privilege escalation", describe(w, &c)),
                )
                .help("set `securityContext.allowPrivilegeEscalation: false`");
            if setting.is_none()
                && let Some(e) =
                    add_to_security_context(cx.file, &c, "allowPrivilegeEscalation: false")
            {
                b.fix(
                    Applicability::Unsafe,
                    "add `allowPrivilegeEscalation: false`",
                    vec![e],
                );
            }
        }
    }
}
