use super::*;

declare_rule! {
    /// ## What it checks
    /// A serving container (as in KU001) with no `lifecycle.preStop` hook.
    /// Containers of stock database and broker images (`redis`,
    /// `postgres`, `rabbitmq`), and containers whose only ports are a
    /// database's or broker's (6379, 5432, 3306, 27017, 5672: a rebuilt
    /// `redis` under another name), are left alone: their clients hold
    /// long-lived connections that reconnect, not requests routed one by
    /// one while the endpoints update.
    ///
    /// ## Why it matters in production
    /// When a pod terminates, the kubelet sends SIGTERM while Services,
    /// kube-proxy and ingress controllers are still removing the pod from
    /// their endpoints. For a few seconds requests keep arriving at a
    /// server that has stopped accepting them: errors on every rollout. A
    /// short `preStop` sleep lets the endpoints catch up first.
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
    ///   lifecycle:
    ///     preStop:
    ///       sleep: {seconds: 5}
    /// ```
    /// (`exec: {command: ["sleep", "5"]}` before Kubernetes 1.30).
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: termination of pods](https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination)
    /// - [Kubernetes: container hooks](https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/)
    pub struct PrestopMissing {
        code: "KU015",
        name: "prestop-missing",
        severity: Info,
        fix: None,
        summary: "a serving container stops before traffic stops reaching it",
    }
}

impl Rule for PrestopMissing {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.serving() {
            // A stock database or broker: its clients hold long-lived
            // connections they reconnect, not requests routed one by one.
            let database = c
                .get("image")
                .and_then(Node::as_str)
                .is_some_and(crate::rules::known_images::is_database_server)
                || database_ports_only(&c);
            if c.pre_stop().is_none() && !database {
                out.report(
                    &Self::META,
                    c.head(),
                    format!("{} has no preStop hook: requests still routed to it while it shuts down fail", describe(w, &c)),
                )
                .help("add `lifecycle.preStop` with a short sleep (5 s)");
            }
        }
    }
}

/// Whether every port the container declares is a database's or broker's
/// (and it declares one).
fn database_ports_only(c: &crate::parse::kube::Container<'_>) -> bool {
    let ports = c.ports();
    !ports.is_empty()
        && ports.iter().all(|p| {
            p.number
                .is_some_and(crate::rules::known_images::is_database_port)
        })
}
