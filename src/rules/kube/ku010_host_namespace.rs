use super::*;

declare_rule! {
    /// ## What it checks
    /// A pod with `hostNetwork`, `hostPID` or `hostIPC` set to true, or a
    /// `hostPath` volume that mounts the container runtime's socket
    /// (`docker.sock`, `containerd.sock`, `crio.sock`).
    /// An error on Deployments, StatefulSets, Jobs and Pods; information on
    /// a DaemonSet, which runs one pod per node as a node agent (log and
    /// metrics collectors, CNI and storage drivers, driver installers)
    /// whose job is often that host access: the message asks to check
    /// that this one needs it.
    ///
    /// ## Why it matters in production
    /// The pod then shares the node's network stack, process table or
    /// shared memory: it can reach services bound to the node's localhost,
    /// see and signal every process, or read other pods' memory. The
    /// runtime's socket is root on the node.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    /// ```
    ///
    /// ## Use instead
    /// Pod networking with a Service; no host namespaces.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Pod Security Standards: host namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub struct HostNamespace {
        code: "KU010",
        name: "pod-host-namespace",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        purposes: PRODUCTION_AND_DEVELOPMENT,
        fix: None,
        summary: "a pod shares the node's namespaces or mounts the runtime socket",
    }
}

impl Rule for HostNamespace {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for w in cx.workloads {
            for key in ["hostNetwork", "hostPID", "hostIPC"] {
                if let Some(v) = w.pod_spec.get(key)
                    && v.as_bool() == Some(true)
                {
                    report_host_access(
                        out,
                        &Self::META,
                        w,
                        v.span,
                        format!(
                            "{} `{}` shares the node's namespace (`{key}: true`)",
                            w.kind(),
                            w.object.name_text()
                        ),
                        format!("remove `{key}`"),
                    );
                }
            }
            for vol in w
                .pod_spec
                .get("volumes")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                if let Some(p) = vol.get("hostPath").and_then(|h| h.get("path"))
                    && p.as_str().is_some_and(|s| {
                        ["docker.sock", "containerd.sock", "crio.sock"]
                            .iter()
                            .any(|x| s.ends_with(x))
                    })
                {
                    report_host_access(
                        out,
                        &Self::META,
                        w,
                        p.span,
                        format!(
                            "{} `{}` mounts the container runtime's socket: that is root on the node",
                            w.kind(),
                            w.object.name_text()
                        ),
                        "remove the hostPath volume",
                    );
                }
            }
        }
    }
}
