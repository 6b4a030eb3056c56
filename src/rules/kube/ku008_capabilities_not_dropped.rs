use super::*;

declare_rule! {
    /// ## What it checks
    /// A container whose `securityContext.capabilities.drop` does not
    /// include `ALL`. Kustomize patches are not checked.
    ///
    /// ## Why it matters in production
    /// Containers start with a default set of Linux capabilities
    /// (`NET_RAW`, `CHOWN`, `SETUID`, …) that a web server never needs and
    /// an attacker can use (`NET_RAW` for spoofing on the node's network).
    /// Drop them all and add back only what is needed.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   allowPrivilegeEscalation: false
    ///   capabilities:
    ///     drop: ["ALL"]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: adds `capabilities: {drop: ["ALL"]}` to the container's
    /// `securityContext`; a process that needs a capability stops working.
    ///
    /// ## References
    /// - [Kubernetes: set capabilities for a container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container)
    pub struct CapabilitiesNotDropped {
        code: "KU008",
        name: "capabilities-not-dropped",
        severity: Info,
        tags: ["security"],
        security_severity: "3.5",
        fix: Unsafe,
        summary: "a container keeps the default Linux capabilities",
    }
}

impl Rule for CapabilitiesNotDropped {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.all_containers() {
            let caps = c.security_context().and_then(|s| s.get("capabilities"));
            let drop = caps.and_then(|c| c.get("drop"));
            let dropped_all = drop.and_then(Node::as_seq).is_some_and(|d| {
                d.iter()
                    .any(|x| x.as_str().is_some_and(|s| s.eq_ignore_ascii_case("ALL")))
            });
            if dropped_all {
                continue;
            }
            let b = out
                .report(
                    &Self::META,
                    drop.map_or(c.head(), |d| d.span),
                    format!(
                        "{} keeps the default capabilities: `drop` does not include `ALL`",
                        describe(w, &c)
                    ),
                )
                .help("set `securityContext.capabilities.drop: [\"ALL\"]`");
            let edit = match (caps, drop) {
                (None, _) => {
                    add_to_security_context(cx.file, &c, "capabilities: {drop: [\"ALL\"]}")
                }
                (Some(_), None) => c
                    .security_context()
                    .and_then(|s| s.entry("capabilities"))
                    .and_then(|e| {
                        crate::parse::yaml_edit::insert_first_entry(cx.file, e, "drop: [\"ALL\"]")
                    }),
                _ => None,
            };
            if let Some(e) = edit {
                b.fix(Applicability::Unsafe, "drop every capability", vec![e]);
            }
        }
    }
}
