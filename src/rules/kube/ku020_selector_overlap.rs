use super::*;

declare_rule! {
    /// ## What it checks
    /// Two workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets)
    /// of one namespace whose selectors are identical, within a file or
    /// among the manifests of one kustomization (files applied together; a
    /// plain folder may hold alternatives, such as examples). Two variants
    /// of one object (same kind and name, as in a base and an overlay) are
    /// not reported, nor are workloads whose namespaces differ or are left
    /// to apply time on one side only.
    ///
    /// ## Why it matters in production
    /// A controller owns the pods its selector matches. With two controllers
    /// on one selector each counts the other's pods as its own: a Deployment
    /// scales down pods it did not create, rollouts of one restart the
    /// other, and a Service meant for one sends traffic to both.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata: {name: api}
    /// spec: {selector: {matchLabels: {app: web}}}
    /// ---
    /// kind: Deployment
    /// metadata: {name: worker}
    /// spec: {selector: {matchLabels: {app: web}}}
    /// ```
    ///
    /// ## Use instead
    /// Give each workload a label of its own (`app: api`, `app: worker`)
    /// in its selector and pod template.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: Deployments, label selector updates](https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#label-selector-updates)
    pub struct SelectorOverlap {
        code: "KU020",
        name: "selector-overlap",
        severity: Error,
        fix: None,
        summary: "two workloads select the same pods",
    }
}

impl Rule for SelectorOverlap {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for w in cx.workloads {
            let Some(selector) = w.selector() else {
                continue;
            };
            let Some(other) = cx.same_selector(w, &selector) else {
                continue;
            };
            let (kind, name, file) = other;
            let place = file.map_or(String::new(), |f| format!(" in `{f}`"));
            out.report(
                &Self::META,
                workload_head(w),
                format!(
                    "{} `{}` selects the same pods as {kind} `{name}`{place}: each controller takes the other's pods for its own",
                    w.kind(),
                    w.object.name_text()
                ),
            )
            .help("give each workload a label of its own in its selector and pod template");
        }
    }
}
