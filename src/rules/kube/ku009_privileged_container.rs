use super::*;

declare_rule! {
    /// ## What it checks
    /// A container with `securityContext.privileged: true`, or whose
    /// `capabilities.add` includes `ALL`, `SYS_ADMIN`, `NET_ADMIN`,
    /// `SYS_PTRACE`, `SYS_MODULE`, `DAC_READ_SEARCH` or `BPF`.
    /// An error on Deployments, StatefulSets, Jobs and Pods; information on
    /// a DaemonSet, which runs one pod per node as a node agent (log and
    /// metrics collectors, CNI and storage drivers, driver installers)
    /// whose job is often that host access: the message asks to check
    /// that this one needs it.
    ///
    /// ## Why it matters in production
    /// A privileged container sees every device of the node and has every
    /// capability: it can mount the node's disks and load kernel modules.
    /// The listed capabilities each give a large part of that power. A
    /// compromise of the app becomes a compromise of the node.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   privileged: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   allowPrivilegeEscalation: false
    ///   capabilities: {drop: ["ALL"]}
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: baseline](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub struct PrivilegedContainer {
        code: "KU009",
        name: "privileged-container",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        purposes: PRODUCTION_AND_DEVELOPMENT,
        fix: None,
        summary: "a container runs privileged or adds dangerous capabilities",
    }
}

const DANGEROUS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "DAC_READ_SEARCH",
    "BPF",
];

impl Rule for PrivilegedContainer {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.every_container() {
            let sc = c.security_context();
            if let Some(p) = sc.and_then(|s| s.get("privileged"))
                && p.as_bool() == Some(true)
            {
                report_host_access(
                    out,
                    &Self::META,
                    w,
                    p.span,
                    format!(
                        "{} runs privileged: it has the node's devices and every capability",
                        describe(w, &c)
                    ),
                    "remove `privileged: true`",
                );
            }
            let added = sc
                .and_then(|s| s.get("capabilities"))
                .and_then(|c| c.get("add"))
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            for cap in added {
                let Some(text) = cap.as_str() else { continue };
                let upper = text.to_ascii_uppercase();
                let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
                if DANGEROUS.contains(&name) {
                    report_host_access(
                        out,
                        &Self::META,
                        w,
                        cap.span,
                        format!("{} adds the capability `{text}`", describe(w, &c)),
                        "add only narrow capabilities (`NET_BIND_SERVICE`), if any",
                    );
                }
            }
        }
    }
}
