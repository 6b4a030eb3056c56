use super::*;

declare_rule! {
    /// ## What it checks
    /// A Deployment with `replicas: 1`, or no `replicas` (the default is
    /// 1), that no HorizontalPodAutoscaler among the checked manifests
    /// targets, when it serves traffic (a container declares a port that is
    /// not only scraped for metrics, or a Service selects its only
    /// container: see KU001). Metrics exporters, queue workers and load
    /// generators are not checked, nor are kustomize patches. A Deployment
    /// that mounts a ReadWriteOnce claim cannot run a second copy, nor can
    /// one whose only container runs a stock database or broker image
    /// (`redis`, `postgres`: a second copy is a second database, not a
    /// replica): info, with that reason.
    ///
    /// ## Why it matters in production
    /// With one pod every rollout, node drain, eviction or crash is an
    /// outage: there is no other pod to serve while it is replaced.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 2
    /// ```
    /// or a HorizontalPodAutoscaler with `minReplicas: 2`.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: Deployments, replicas](https://kubernetes.io/docs/concepts/workloads/controllers/deployment/)
    pub struct SingleReplica {
        code: "KU013",
        name: "single-replica",
        severity: Warning,
        fix: None,
        summary: "a Deployment runs a single pod",
    }
}

impl Rule for SingleReplica {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for w in cx.workloads {
            if w.kind() != "Deployment"
                || w.is_partial()
                || cx.has_autoscaler_for(w)
                || cx.serving_in(w).is_empty()
            {
                continue;
            }
            let replicas = w.replicas();
            let n = replicas.and_then(kube::int);
            let (span, what) = match (replicas, n) {
                (None, _) => (
                    workload_head(w),
                    "sets no `replicas` (the default is 1)".to_string(),
                ),
                (Some(r), Some(1)) => (r.span, "runs `replicas: 1`".to_string()),
                _ => continue,
            };
            // One node at a time can mount the claim: a second copy cannot run.
            if let Some(claim) = cx.exclusive_claim_of(w) {
                out.report(
                    &Self::META,
                    span,
                    format!(
                        "Deployment `{}` {what}: it mounts the ReadWriteOnce claim `{claim}`, so a second copy could not run beside it; rollouts and node drains are outages by design",
                        w.object.name_text()
                    ),
                )
                .severity(crate::diagnostic::Severity::Info)
                .help("keep one replica, or move the state to storage several pods can share");
                continue;
            }
            // A stock database or broker (`redis`, `postgres`): a second
            // copy would be a second, separate database, not a replica.
            let containers = w.containers();
            let database = containers.iter().find_map(|c| {
                c.get("image")
                    .and_then(Node::as_str)
                    .filter(|i| crate::rules::known_images::is_database_server(i))
            });
            if let Some(image) = database
                && containers.len() == 1
            {
                out.report(
                    &Self::META,
                    span,
                    format!(
                        "Deployment `{}` {what}: it runs `{image}`, a single-instance database, where a second copy would be a separate database rather than a replica; rollouts and node drains are outages by design",
                        w.object.name_text()
                    ),
                )
                .severity(crate::diagnostic::Severity::Info)
                .help("keep one replica, or run the database's own replication (an operator, a managed service)");
                continue;
            }
            out.report(
                &Self::META,
                span,
                format!(
                    "Deployment `{}` {what}: every rollout or node drain is an outage",
                    w.object.name_text()
                ),
            )
            .help(
                "run at least 2 replicas, or add a HorizontalPodAutoscaler with `minReplicas: 2`",
            );
        }
    }
}
