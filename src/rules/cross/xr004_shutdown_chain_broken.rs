use super::*;
use crate::project::facts::Located;
use crate::project::facts::units::Manager;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it checks
    /// The shutdown chain of a server whose links sit in more than one
    /// file: the server's graceful timeout (gunicorn's `graceful_timeout`,
    /// 30 s by default; uvicorn's `--timeout-graceful-shutdown`, hypercorn's
    /// and granian's equivalents) plus any Kubernetes `preStop` sleep,
    /// against what the platform waits after the stop signal before it
    /// kills: `terminationGracePeriodSeconds` (30 s by default, counted
    /// from the start of the `preStop` hook), compose `stop_grace_period`
    /// (10 s by default), supervisord `stopwaitsecs` (10 s) or systemd
    /// `TimeoutStopSec` (90 s).
    ///
    /// One chain, one finding, at the platform's wait (where the fix
    /// usually goes), with the graceful timeout, the `preStop` sleep and
    /// the server's command as related locations. When every link sits in
    /// one file the family rule reports it (DC010, PM022, PM032; KU016 for
    /// a `preStop` sleep that alone outlasts the grace period); a
    /// Kubernetes chain that counts the server's graceful timeout is this
    /// rule's wherever its links are. A chain of two defaults nobody
    /// wrote (compose's 10 s against gunicorn's 30 s) is information, as
    /// DC010 reports it in one file.
    ///
    /// ## Why it matters in production
    /// Every deploy and every scale-in stops servers. The server was told
    /// it may take the graceful timeout to finish the requests in flight,
    /// but the platform kills it earlier: those requests fail with
    /// connection resets on every rollout.
    ///
    /// ## Example
    /// `gunicorn.conf.py`: `graceful_timeout = 30`; the Deployment:
    /// `terminationGracePeriodSeconds: 30` and a `preStop` `sleep 10`.
    ///
    /// ## Use instead
    /// `terminationGracePeriodSeconds: 45` (sleep + graceful timeout +
    /// a margin), or a shorter graceful timeout.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Kubernetes: termination of pods](https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination)
    /// - [gunicorn: graceful_timeout](https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout)
    /// - [Compose: stop_grace_period](https://docs.docker.com/reference/compose-file/services/#stop_grace_period)
    pub struct ShutdownChainBroken {
        code: "XR004",
        name: "shutdown-chain-broken",
        severity: Warning,
        fix: None,
        summary: "the server's graceful timeout (plus any preStop sleep) outlasts what the platform waits before it kills",
    }
}

/// The server with the longest known graceful timeout.
fn longest(servers: &[Server]) -> Option<(&Server, &Located<f64>)> {
    servers
        .iter()
        .filter_map(|s| Some((s, s.graceful_timeout.as_ref()?)))
        .max_by(|a, b| a.1.value.total_cmp(&b.1.value))
}

fn seconds(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0} s")
    } else {
        format!("{n} s")
    }
}

fn origin_text(l: &Located<f64>) -> &'static str {
    if l.origin == Origin::Default {
        " by default"
    } else {
        ""
    }
}

impl Rule for ShutdownChainBroken {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let mut seen = BTreeSet::new();
        for unit in cx.project.units() {
            for run in &unit.runs {
                let Some(servers) = servers_of(unit, run) else {
                    continue;
                };
                let Some((server, graceful)) = longest(servers) else {
                    continue;
                };
                let Some((wait, wait_at)) = &run.stop_wait else {
                    continue;
                };
                let run_file = crate::project::key(&run.at.file);
                let elsewhere = |at: &Option<Loc>| {
                    at.as_ref()
                        .is_some_and(|l| crate::project::key(&l.file) != run_file)
                };
                let sleep = run.pre_stop_sleep.as_ref();
                let kube = matches!(run.runner, Runner::Kubernetes { .. });
                let spans = run.servers.is_empty()
                    || elsewhere(&graceful.at)
                    || elsewhere(&Some(server.site.clone()));
                if kube {
                    // A sleep that alone outlasts the grace period is KU016's.
                    if sleep.is_some_and(|(s, _)| s >= wait) {
                        continue;
                    }
                } else if !spans {
                    continue;
                }
                let total = graceful.value + sleep.map_or(0.0, |(s, _)| *s);
                if total <= *wait {
                    continue;
                }
                let head = wait_at.clone().unwrap_or_else(|| run.at.clone());
                if !seen.insert(head.clone()) {
                    continue;
                }
                let what = if kube {
                    "the grace period"
                } else {
                    "`stop_grace_period`"
                };
                let given = if wait_at.is_some() {
                    ""
                } else {
                    " (the default)"
                };
                let needs = match sleep {
                    Some((s, _)) => format!(
                        "the preStop sleep ({}) plus {}'s graceful timeout ({}{}) need {}",
                        seconds(*s),
                        server.program.name(),
                        seconds(graceful.value),
                        origin_text(graceful),
                        seconds(total)
                    ),
                    None => format!(
                        "{}'s graceful timeout is {}{}",
                        server.program.name(),
                        seconds(graceful.value),
                        origin_text(graceful)
                    ),
                };
                // Nobody wrote either number: both defaults, as DC010 and
                // KU016 judge them, information.
                let severity =
                    if wait_at.is_none() && graceful.origin == Origin::Default && sleep.is_none() {
                        crate::diagnostic::Severity::Info
                    } else {
                        crate::diagnostic::Severity::Warning
                    };
                let mut b = out
                    .report(
                        &Self::META,
                        &head,
                        format!(
                            "{what} of {} is {}{given}, but {needs}: requests in flight are killed at every deploy",
                            run_name(run),
                            seconds(*wait)
                        ),
                    )
                    .severity(severity)
                    .help(format!("wait at least {} (or shorten the graceful timeout)", seconds(total.ceil() + 5.0)));
                if let Some(at) = &graceful.at {
                    b = cx.related(b, at, "the graceful timeout");
                }
                if let Some((_, at)) = sleep {
                    b = cx.related(b, at, "the preStop sleep");
                }
                cx.related(b, &server.site, "the server");
            }
        }
        // Process managers: a stop wait in their file, the graceful
        // timeout in the server's configuration file.
        for h in cx.project.all_hosted() {
            let Some(graceful) = &h.server.graceful_timeout else {
                continue;
            };
            if graceful.origin != Origin::ConfigFile || graceful.value <= h.stop_wait.value {
                continue;
            }
            let Some(head) = h.stop_wait.at.clone() else {
                continue;
            };
            if !seen.insert(head.clone()) {
                continue;
            }
            let (what, key) = match &h.manager {
                Manager::Supervisor { program } => (format!("program `{program}`"), "stopwaitsecs"),
                Manager::Systemd => ("the service".to_string(), "TimeoutStopSec"),
            };
            let given = if h.stop_wait.origin == Origin::Default {
                " (the default)"
            } else {
                ""
            };
            let mut b = out
                .report(
                    &Self::META,
                    &head,
                    format!(
                        "`{key}` of {what} is {}{given}, but {}'s graceful timeout is {}: requests in flight are killed at every restart",
                        seconds(h.stop_wait.value),
                        h.server.program.name(),
                        seconds(graceful.value)
                    ),
                )
                .help(format!("set `{key}` above {}", seconds(graceful.value)));
            if let Some(at) = &graceful.at {
                b = cx.related(b, at, "the graceful timeout");
            }
            cx.related(b, &h.server.site, "the server");
        }
    }
}
