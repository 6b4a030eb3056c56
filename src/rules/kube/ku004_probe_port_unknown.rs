use super::*;
use crate::parse::kube::PortRef;

declare_rule! {
    /// ## What it checks
    /// A probe (liveness, readiness, startup) whose port is a name the
    /// container does not declare in `ports` (an error: the kubelet cannot
    /// resolve it), or a number that is not among the ports the container
    /// declares, when it declares any (a warning: a number is probed
    /// whether declared or not). A number another container of the pod
    /// declares (they share its network), or that the container's
    /// `command`/`args` open (`--port 8000`,
    /// `--health-probe-bind-address=:8081`), is fine.
    ///
    /// ## Why it matters in production
    /// A named port that does not exist fails the probe on every attempt;
    /// a probe on another number than the app listens on fails too. The
    /// pod never becomes ready, or is restarted in a loop, and the cause is
    /// a typo in the manifest.
    ///
    /// ## Example
    /// ```yaml
    /// ports: [{name: http, containerPort: 8000}]
    /// readinessProbe:
    ///   httpGet: {path: /health/ready, port: web}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// readinessProbe:
    ///   httpGet: {path: /health/ready, port: http}
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: use a named port](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port)
    pub struct ProbePortUnknown {
        code: "KU004",
        name: "probe-port-unknown",
        severity: Error,
        fix: None,
        summary: "a probe targets a port the container does not declare",
    }
}

impl Rule for ProbePortUnknown {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        // Containers of a pod share its network: a number a sibling
        // declares, or one the container's arguments open (`--port 8000`,
        // `--health-probe-bind-address=:8081`), is served. The numbers
        // each workload's containers declare, gathered once per workload.
        for w in cx.workloads {
            let siblings: crate::hashing::FastSet<i64> = w
                .containers()
                .iter()
                .flat_map(|s| s.ports())
                .filter_map(|p| p.number)
                .collect();
            for c in w.init_containers().into_iter().chain(w.containers()) {
                self.check(w, &c, &siblings, out);
            }
        }
    }
}

impl ProbePortUnknown {
    fn check(
        &self,
        w: &Workload<'_>,
        c: &Container<'_>,
        siblings: &crate::hashing::FastSet<i64>,
        out: &mut Findings,
    ) {
        {
            let ports = c.ports();
            let opened = |n: i64| {
                let n = n.to_string();
                ["command", "args"].iter().any(|k| {
                    c.get(k)
                        .and_then(Node::as_seq)
                        .into_iter()
                        .flatten()
                        .filter_map(Node::as_str)
                        .any(|a| {
                            a.split(|ch: char| !ch.is_ascii_digit())
                                .any(|part| part == n)
                        })
                })
            };
            for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(probe) = c.get(key).and_then(Probe::of) else {
                    continue;
                };
                let Some((port, node)) = &probe.port else {
                    continue;
                };
                let unknown = match port {
                    PortRef::Name(n) => !ports.iter().any(|p| p.name.as_deref() == Some(n)),
                    PortRef::Number(n) => {
                        !ports.is_empty()
                            && !ports.iter().any(|p| p.number == Some(*n))
                            && !siblings.contains(n)
                            && !opened(*n)
                    }
                };
                if unknown {
                    let declared: Vec<String> = ports
                        .iter()
                        .map(|p| match (&p.name, p.number) {
                            (Some(n), Some(x)) => format!("{n} ({x})"),
                            (None, Some(x)) => x.to_string(),
                            (Some(n), None) => n.clone(),
                            (None, None) => String::new(),
                        })
                        .collect();
                    let shown = node.as_str().unwrap_or("");
                    let has = if declared.is_empty() {
                        "none".to_string()
                    } else {
                        declared.join(", ")
                    };
                    let b = out
                        .report(
                            &Self::META,
                            node.span,
                            format!("the {key} of {} targets port `{shown}`, which the container does not declare (it declares: {has})", describe(w, c)),
                        )
                        .help("point the probe at a declared port name or number");
                    // A name the container does not declare cannot be
                    // resolved: the probe fails. A number is probed all the
                    // same, and works if something listens there.
                    if matches!(port, PortRef::Number(_)) {
                        b.severity(crate::diagnostic::Severity::Warning);
                    }
                }
            }
        }
    }
}
