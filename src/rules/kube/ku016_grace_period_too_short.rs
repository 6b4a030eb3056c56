use super::*;

declare_rule! {
    /// ## What it checks
    /// A pod whose `terminationGracePeriodSeconds` (30 by default) is not
    /// above the longest `preStop` sleep of its containers (`sleep:
    /// {seconds: N}`, or an `exec` of `sleep N`, directly or through
    /// `sh -c`).
    ///
    /// ## Why it matters in production
    /// The grace period counts from the start of `preStop`, not from
    /// SIGTERM. When the sleep takes all of it, the server gets SIGKILL the
    /// moment it would have started its graceful shutdown: every request in
    /// flight is cut off.
    ///
    /// ## Example
    /// ```yaml
    /// terminationGracePeriodSeconds: 30
    /// containers:
    ///   - lifecycle:
    ///       preStop:
    ///         exec: {command: ["sleep", "30"]}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// terminationGracePeriodSeconds: 45
    /// containers:
    ///   - lifecycle:
    ///       preStop:
    ///         exec: {command: ["sleep", "5"]}
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: hook handler execution](https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution)
    pub struct GracePeriodTooShort {
        code: "KU016",
        name: "grace-period-too-short",
        severity: Warning,
        fix: None,
        summary: "the grace period ends during the preStop sleep",
    }
}

impl Rule for GracePeriodTooShort {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for w in cx.workloads {
            let longest = w
                .containers()
                .iter()
                .filter_map(|c| c.pre_stop_sleep())
                .max_by_key(|(n, _)| *n);
            let Some((sleep, sleep_node)) = longest else {
                continue;
            };
            let grace_node = w.pod_spec.get("terminationGracePeriodSeconds");
            let grace = grace_node.and_then(kube::int).unwrap_or(30);
            if grace > sleep {
                continue;
            }
            let (span, given) = match grace_node {
                Some(g) => (g.span, String::new()),
                None => (sleep_node.span, " (the default)".to_string()),
            };
            out.report(
                &Self::META,
                span,
                format!("the grace period is {grace} s{given}, and the preStop hook sleeps {sleep} s of it: the server is killed before it can shut down gracefully"),
            )
            .help("set `terminationGracePeriodSeconds` to the sleep plus the server's graceful timeout");
        }
    }
}
