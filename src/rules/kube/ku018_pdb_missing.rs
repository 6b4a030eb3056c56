use super::*;

declare_rule! {
    /// ## What it checks
    /// A Deployment or StatefulSet with more than one replica (or an
    /// autoscaler) that no PodDisruptionBudget among the checked manifests
    /// selects.
    ///
    /// Only workloads that serve traffic are checked (the scope of KU001):
    /// a budget keeps capacity for requests, which exporters, workers and
    /// load generators do not answer.
    ///
    /// ## Why it matters in production
    /// Node drains (upgrades, autoscaler scale-downs) evict pods without
    /// looking at how many of a service are left: without a budget a drain
    /// can evict every replica at once. A PodDisruptionBudget makes
    /// voluntary evictions wait until enough pods are ready.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 3
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// spec:
    ///   maxUnavailable: 1
    ///   selector: {matchLabels: {app: api}}
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: specifying a disruption budget](https://kubernetes.io/docs/tasks/run-application/configure-pdb/)
    pub struct PdbMissing {
        code: "KU018",
        name: "pdb-missing",
        severity: Info,
        fix: None,
        summary: "a replicated workload has no PodDisruptionBudget",
    }
}

impl Rule for PdbMissing {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for w in cx.workloads {
            if !matches!(w.kind(), "Deployment" | "StatefulSet")
                || w.is_partial()
                || cx.serving_in(w).is_empty()
            {
                continue;
            }
            let replicas = w.replicas().and_then(kube::int).unwrap_or(1);
            if (replicas < 2 && !cx.has_autoscaler_for(w)) || cx.has_budget_for(w) {
                continue;
            }
            out.report(
                &Self::META,
                workload_head(w),
                format!("{} `{}` has no PodDisruptionBudget: a node drain can evict every replica at once", w.kind(), w.object.name_text()),
            )
            .help("add a PodDisruptionBudget selecting its pods (`maxUnavailable: 1`)");
        }
    }
}
