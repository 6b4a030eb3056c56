use super::*;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it checks
    /// A known gunicorn worker count (`workers`, `-w`, from the command
    /// line, `GUNICORN_CMD_ARGS` or the configuration file) above
    /// 2 × the container's CPU limit + 1 — the ceiling of gunicorn's own
    /// advice of (2 × cores) + 1 — where the container that runs the
    /// server has a CPU limit (`resources.limits.cpu`, compose `cpus` or
    /// `deploy.resources.limits.cpus`). A limit below one core counts as
    /// one. The finding gives both numbers.
    ///
    /// A count computed from the host's CPUs (`multiprocessing.cpu_count()`)
    /// is PM005's, with or without a limit: the container sees the node's
    /// CPUs either way.
    ///
    /// ## Why it matters in production
    /// The CPU limit is a time quota: more busy workers than the quota
    /// allows are throttled together, so every request gets slower at
    /// once, and each worker holds its own copy of the app in memory,
    /// which the memory limit then cuts short with OOM kills.
    ///
    /// ## Example
    /// `gunicorn.conf.py`: `workers = 16`; the Deployment:
    /// `resources: {limits: {cpu: "2"}}`.
    ///
    /// ## Use instead
    /// `workers = 5` for two cores (or set `WEB_CONCURRENCY` from the
    /// limit), and scale out with replicas.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [gunicorn: how many workers?](https://docs.gunicorn.org/en/stable/design.html#how-many-workers)
    /// - [Kubernetes: CPU limits](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#meaning-of-cpu)
    pub struct WorkersExceedCpuLimit {
        code: "XR005",
        name: "workers-exceed-cpu-limit",
        severity: Warning,
        fix: None,
        summary: "the server starts more workers than the container's CPU limit can run",
    }
}

impl Rule for WorkersExceedCpuLimit {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let mut seen = BTreeSet::new();
        for unit in cx.project.units() {
            for run in &unit.runs {
                let Some((limit, limit_at)) = &run.cpu_limit else {
                    continue;
                };
                let Some(servers) = servers_of(unit, run) else {
                    continue;
                };
                for s in servers {
                    let Some(w) = &s.workers else { continue };
                    let (Ok(count), Some(at)) = (w.value.trim().parse::<u32>(), &w.at) else {
                        continue;
                    };
                    let cores = limit.max(1.0);
                    let ceiling = (2.0 * cores + 1.0).floor() as u32;
                    if count <= ceiling || !seen.insert((at.clone(), limit_at.clone())) {
                        continue;
                    }
                    let b = out
                        .report(
                            &Self::META,
                            at,
                            format!(
                                "{} starts {count} workers, but {} may use {} of CPU: at most {ceiling} workers keep busy without being throttled",
                                s.program.name(),
                                run_name(run),
                                format_cores(*limit)
                            ),
                        )
                        .help(format!("set {ceiling} workers or fewer, and scale out with more copies"));
                    cx.related(b, limit_at, "the CPU limit");
                }
            }
        }
    }
}

fn format_cores(n: f64) -> String {
    if (n - 1.0).abs() < f64::EPSILON {
        "1 core".to_string()
    } else if n.fract() == 0.0 {
        format!("{n:.0} cores")
    } else {
        format!("{n} cores")
    }
}
