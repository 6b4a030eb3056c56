use super::*;

declare_rule! {
    /// ## What it checks
    /// A worker count computed from the host's CPUs: `cpu_count()` of
    /// `multiprocessing`, `os` or `psutil`, or `os.sched_getaffinity`, in a
    /// gunicorn configuration file (also as the fallback of an environment
    /// variable: `os.getenv("WEB_CONCURRENCY", cpu_count())`, or an `if`
    /// on the variable whose one branch reads it, with no fallback of its
    /// own, and whose other counts the CPUs), and `$(nproc)` in a
    /// `--workers` flag.
    ///
    /// ## Why it matters in production
    /// In a container these count the node's cores, not the container's
    /// CPU limit. On a 64-core node `2 * cpu_count() + 1` starts 129
    /// workers in a pod limited to one CPU: memory runs out (OOM kills) and
    /// the workers fight for the CPU they share.
    ///
    /// ## Example
    /// ```python
    /// import multiprocessing
    /// workers = multiprocessing.cpu_count() * 2 + 1
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    /// workers = int(os.environ.get("WEB_CONCURRENCY", 2))
    /// ```
    /// and set `WEB_CONCURRENCY` from the CPU limit where the service is
    /// deployed.
    ///
    /// ## Fix
    /// None: the right number depends on the CPU limit.
    ///
    /// ## References
    /// - [gunicorn: how many workers?](https://docs.gunicorn.org/en/stable/design.html#how-many-workers)
    /// - [gunicorn: workers](https://docs.gunicorn.org/en/stable/settings.html#workers)
    pub struct WorkersFromHostCpus {
        code: "PM005",
        name: "workers-from-host-cpus",
        severity: Warning,
        fix: None,
        summary: "the worker count comes from the host's CPU count, not the container's limit",
    }
}

const HELP: &str =
    "read the count from `WEB_CONCURRENCY` (set from the CPU limit) or write a number";

impl Rule for WorkersFromHostCpus {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                let Some(a) = cx.module.get("workers") else {
                    return;
                };
                if a.value.counts_host_cpus() {
                    let when = match &a.value {
                        Value::Env { var, .. } => format!(" when `{var}` is unset"),
                        _ => String::new(),
                    };
                    out.report(
                                &Self::META,
                                a.value_span,
                                format!("`workers` counts the host's CPUs{when}: in a container that is every core of the node, not the CPU limit"),
                            )
                            .help(HELP);
                }
            }
            Here::Launcher => {
                let c = &cx.launch.command;
                let opts = c.options.iter().chain(&cx.launch.env_args);
                for o in opts.filter(|o| o.setting == "workers") {
                    let Some(v) = &o.value else { continue };
                    if v.text.contains("nproc") || v.text.contains("cpu_count") {
                        out.report(
                                    &Self::META,
                                    v.span,
                                    "the worker count counts the host's CPUs: in a container that is every core of the node, not the CPU limit",
                                )
                                .help(HELP);
                    }
                }
            }
        }
    }
}
