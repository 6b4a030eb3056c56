use super::*;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it checks
    /// Database migrations (`alembic upgrade`, `manage.py migrate`,
    /// `flask db upgrade`, `aerich upgrade`, …) in the command of a
    /// workload that runs more than one copy: a Kubernetes container whose
    /// workload has `replicas` above 1 or an autoscaler, or a compose
    /// service with `deploy.replicas` above 1. The command is the
    /// container's own (`command:`/`args:`), or, when it sets none, the
    /// image's: its `CMD`/`ENTRYPOINT` or the entrypoint script the
    /// Dockerfile copies and starts.
    ///
    /// ## Why it matters in production
    /// Every replica runs the migrations when it starts, and a rollout
    /// starts several at once: concurrent schema changes race (Alembic
    /// takes no lock on most databases), a long migration delays every
    /// pod's readiness, and a failed one leaves some replicas on the old
    /// schema and some crash-looping.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["sh", "-c", "alembic upgrade head && exec gunicorn app.main:app"]
    /// ```
    /// run by a Deployment with `replicas: 3`.
    ///
    /// ## Use instead
    /// Run migrations once per release: a Kubernetes Job (or a Helm
    /// pre-upgrade hook, an Argo CD PreSync hook) before the rollout, or a
    /// pre-deploy step of the pipeline; start only the server in the
    /// container.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: Jobs](https://kubernetes.io/docs/concepts/workloads/controllers/job/)
    /// - [Alembic: running migrations](https://alembic.sqlalchemy.org/en/latest/tutorial.html#running-our-first-migration)
    pub struct MigrationsInEveryReplica {
        code: "XR009",
        name: "migrations-in-every-replica",
        severity: Warning,
        fix: None,
        summary: "database migrations run in the command of every replica",
    }
}

impl Rule for MigrationsInEveryReplica {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let index = cx.project.kube_index();
        let mut seen = BTreeSet::new();
        for unit in cx.project.units() {
            for run in &unit.runs {
                let migrates = match (&run.migrates, run.command_set) {
                    (Some(m), _) => m,
                    (None, false) => match &unit.migrates {
                        Some(m) => m,
                        None => continue,
                    },
                    (None, true) => continue,
                };
                let scaled = match &run.runner {
                    Runner::Kubernetes {
                        namespace,
                        kind,
                        name,
                        ..
                    } => {
                        if matches!(kind.as_str(), "Job" | "CronJob" | "Pod") {
                            continue;
                        }
                        index.autoscalers.iter().any(|(ns, k, n, _)| {
                            k == kind
                                && n == name
                                && (ns.is_none() || namespace.is_none() || ns == namespace)
                        })
                    }
                    Runner::Compose { .. } => false,
                };
                let many = run.replicas.as_ref().filter(|(n, _)| *n > 1);
                if many.is_none() && !scaled {
                    continue;
                }
                if !seen.insert((migrates.clone(), run.at.clone())) {
                    continue;
                }
                let copies = match many {
                    Some((n, _)) => format!("each of its {n} replicas"),
                    None => "every replica its autoscaler starts".to_string(),
                };
                let mut b = out
                    .report(
                        &Self::META,
                        migrates,
                        format!(
                            "{} runs database migrations at start, in {copies}: a rollout runs them concurrently",
                            run_name(run)
                        ),
                    )
                    .help("run migrations once per release (a Job or a pre-deploy step) and start only the server");
                b = match many {
                    Some((n, at)) => cx.related(b, at, &format!("{n} replicas")),
                    None => b,
                };
                cx.related(b, &run.at, "the workload that runs it");
            }
        }
    }
}
