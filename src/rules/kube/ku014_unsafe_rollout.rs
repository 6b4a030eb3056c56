use super::*;

declare_rule! {
    /// ## What it checks
    /// A Deployment with `strategy.type: Recreate`, or a rolling update
    /// whose `maxUnavailable` can take every replica down: `100%`, or a
    /// number at least `replicas`. `Recreate` on a single-replica
    /// Deployment that mounts a ReadWriteOnce claim is right (a new pod
    /// could not mount the volume while the old one holds it): info, with
    /// that reason.
    ///
    /// ## Why it matters in production
    /// `Recreate` stops every old pod before starting new ones: every
    /// deploy is an outage, and a new version that fails to start leaves
    /// nothing running. A `maxUnavailable` as large as the Deployment does
    /// the same with a rolling update.
    ///
    /// ## Example
    /// ```yaml
    /// strategy:
    ///   type: Recreate
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// strategy:
    ///   type: RollingUpdate
    ///   rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
    /// ```
    ///
    /// ## Fix
    /// None: `Recreate` is sometimes needed (a volume that only one pod can
    /// mount).
    ///
    /// ## References
    /// - [Kubernetes: Deployment strategy](https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy)
    pub struct UnsafeRollout {
        code: "KU014",
        name: "unsafe-rollout",
        severity: Warning,
        fix: None,
        summary: "a Deployment's rollout can take every pod down",
    }
}

impl Rule for UnsafeRollout {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for w in cx.workloads.iter().filter(|w| w.kind() == "Deployment") {
            let Some(strategy) = w.object.spec().and_then(|s| s.get("strategy")) else {
                continue;
            };
            let name = w.object.name_text();
            if let Some(t) = strategy.get("type")
                && t.as_str() == Some("Recreate")
            {
                let single =
                    w.replicas().and_then(kube::int).unwrap_or(1) <= 1 && !cx.has_autoscaler_for(w);
                match cx.exclusive_claim_of(w).filter(|_| single) {
                    // A rolling update would start the new pod while the old
                    // one holds the volume: it could not mount it.
                    Some(claim) => {
                        out.report(&Self::META, t.span, format!("Deployment `{name}` uses `Recreate`, which is right here: its one pod mounts the ReadWriteOnce claim `{claim}`, which a new pod could not mount while the old one runs"))
                            .severity(crate::diagnostic::Severity::Info)
                            .help("keep `Recreate`; expect a short outage at each deploy");
                    }
                    None => {
                        out.report(&Self::META, t.span, format!("Deployment `{name}` uses `Recreate`: every deploy stops all pods before starting new ones"))
                            .help("use `RollingUpdate` with `maxUnavailable: 0`");
                    }
                }
                continue;
            }
            let Some(mu) = strategy
                .get("rollingUpdate")
                .and_then(|r| r.get("maxUnavailable"))
            else {
                continue;
            };
            let Some(text) = mu.as_str() else { continue };
            let replicas = w.replicas().and_then(kube::int).unwrap_or(1);
            let all = match text.strip_suffix('%') {
                Some(p) => p.trim().parse::<f64>().is_ok_and(|p| p >= 100.0),
                None => text.trim().parse::<i64>().is_ok_and(|n| n >= replicas),
            };
            if all {
                out.report(&Self::META, mu.span, format!("Deployment `{name}` allows `maxUnavailable: {text}`: a rollout can take every pod down"))
                    .help("keep `maxUnavailable` below the replica count (0 with a surge is safest)");
            }
        }
    }
}
