//! Reliability: health endpoints probed, graceful shutdown, resource
//! limits, retries, circuit breakers.

use super::{Cx, Decision, SHOWN, by_signal_or_dependency, first};
use crate::audit::{ItemDef, Level, Section};
use crate::discover::FileKind;
use crate::project::facts::app::Signal;
use crate::project::facts::images::{Probe, ProbeKind, Run, Runner};

/// The production runs of the repository (compose services, Kubernetes
/// containers).
fn runs<'a>(cx: &'a Cx) -> impl Iterator<Item = &'a Run> {
    cx.project.runs().filter(|r| cx.production(&r.at.file))
}

/// A probe as evidence: its kind and the path it requests, without the
/// query string (where a token could sit).
fn probe_evidence(cx: &Cx, p: &Probe) -> crate::audit::Evidence {
    let what = p.path.as_deref().map_or(String::new(), |path| {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        format!(" requests `{}`", super::clip(path))
    });
    cx.at_loc(&p.at, format!("the {}{what}", p.kind.describe()))
}

fn on_kubernetes(r: &Run) -> bool {
    matches!(r.runner, Runner::Kubernetes { .. })
}

pub static LIVENESS: ItemDef = ItemDef {
    id: "REL-LIVENESS",
    title: "A liveness endpoint the deploy probes",
    section: Section::Reliability,
    level: Some(Level::Bronze),
    weight: 3,
    rules: &["KU002", "DC001", "XR002"],
    critical: &[],
    applies: crate::audit::always,
    keep: not_about_readiness,
    why: "A process that hangs without exiting serves nothing until something notices: a liveness probe or health check restarts it.",
    how: "Fails on a container without a liveness probe (KU002), a compose service without a health check (DC001) or a liveness probe or health check on a path the app does not serve (XR002). Passes at a liveness probe or compose health check. Not applicable when no Kubernetes workload or compose service deploys the app.",
    facts: liveness,
};

/// XR002 reports every probe: a wrong path fails the item of the probe
/// it is on.
fn not_about_readiness(e: &crate::audit::Evidence) -> bool {
    !(e.rule == Some("XR002") && e.message.contains("readiness probe"))
}

fn not_about_liveness(e: &crate::audit::Evidence) -> bool {
    e.rule != Some("XR002") || e.message.contains("readiness probe")
}

fn liveness(cx: &Cx) -> Decision {
    let mut any = false;
    let mut ev = Vec::new();
    for r in runs(cx) {
        any = true;
        for p in &r.probes {
            if matches!(p.kind, ProbeKind::Liveness | ProbeKind::Healthcheck) && ev.len() < SHOWN {
                ev.push(probe_evidence(cx, p));
            }
        }
    }
    if !any {
        return Decision::NotApplicable(
            "no Kubernetes workload or compose service deploys the app".to_string(),
        );
    }
    if ev.is_empty() {
        return Decision::Unknown(
            "no liveness probe or health check was found on the deploys".to_string(),
        );
    }
    Decision::Pass(first(ev, 5))
}

pub static READINESS: ItemDef = ItemDef {
    id: "REL-READINESS",
    title: "A probed readiness endpoint checking dependencies",
    section: Section::Reliability,
    level: Some(Level::Silver),
    weight: 3,
    rules: &["KU001", "PY015", "PY016", "XR003", "XR002"],
    critical: &[],
    applies: readiness_applies,
    keep: not_about_liveness,
    why: "Without a readiness probe a pod gets traffic before it can answer and keeps it while its database is gone; a readiness route that checks nothing always says yes.",
    how: "Fails on a serving container without a readiness probe (KU001), an app without a readiness route (PY015), a readiness route that checks nothing and cannot answer 503 (PY016), a liveness probe on the dependency-checking route (XR003) or a probe on a path the app does not serve (XR002). Passes at a readiness probe. Not applicable without Kubernetes workloads (readiness is Kubernetes').",
    facts: readiness,
};

fn readiness_applies(cx: &Cx) -> Option<String> {
    (!runs(cx).any(on_kubernetes)).then(|| "no Kubernetes workload deploys the app".to_string())
}

fn readiness(cx: &Cx) -> Decision {
    let kube: Vec<&Run> = runs(cx).filter(|r| on_kubernetes(r)).collect();
    let ev: Vec<_> = kube
        .iter()
        .flat_map(|r| r.probes.iter())
        .filter(|p| p.kind == ProbeKind::Readiness)
        .take(SHOWN)
        .map(|p| probe_evidence(cx, p))
        .collect();
    if ev.is_empty() {
        return Decision::Unknown("no readiness probe was found".to_string());
    }
    Decision::Pass(first(ev, 5))
}

pub static GRACEFUL_SHUTDOWN: ItemDef = ItemDef {
    id: "REL-GRACEFUL-SHUTDOWN",
    title: "Graceful shutdown along the chain",
    section: Section::Reliability,
    level: Some(Level::Silver),
    weight: 2,
    rules: &[
        "XR004", "KU016", "DC010", "PM022", "PM032", "DF012", "DC015", "PM020", "PM021", "PM012",
        "PM026",
    ],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "At every deploy the platform sends SIGTERM and waits; if the signal never reaches the server, or the wait is shorter than the server's graceful timeout, requests in flight are cut.",
    how: "Fails on a broken link anywhere in the chain: a shell that swallows SIGTERM (DF012, DC015), a stop wait shorter than the graceful timeout (XR004, KU016, DC010, PM022, PM032), supervisord's signals and orphans (PM020, PM021, PM026), an unbounded graceful timeout (PM012). Passes at the server the image starts when no link is broken. Not applicable when nothing in the repository runs the app.",
    facts: graceful,
};

fn graceful(cx: &Cx) -> Decision {
    for unit in cx.project.units() {
        if !cx.production(&unit.dockerfile) {
            continue;
        }
        if let Some(s) = unit.servers.first() {
            return Decision::Pass(vec![cx.at_loc(
                &s.site,
                "the server gets SIGTERM, and every stop wait covers its graceful timeout",
            )]);
        }
    }
    if let Some(h) = cx
        .project
        .all_hosted()
        .find(|h| cx.production(&h.server.site.file))
    {
        return Decision::Pass(vec![cx.at_loc(
            &h.server.site,
            "the server gets SIGTERM, and the stop wait covers its graceful timeout",
        )]);
    }
    if cx.has(FileKind::Dockerfile) || runs(cx).next().is_some() {
        return Decision::Unknown(
            "no server command was found to follow the stop signal to".to_string(),
        );
    }
    Decision::NotApplicable("nothing in the repository runs the app".to_string())
}

pub static RESOURCE_LIMITS: ItemDef = ItemDef {
    id: "REL-RESOURCE-LIMITS",
    title: "Resource limits set",
    section: Section::Reliability,
    level: Some(Level::Silver),
    weight: 2,
    rules: &["KU011", "DC009", "KU021"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "A container without limits can take the node's memory and CPU from its neighbours; with requests and limits the scheduler places it and the kernel contains it.",
    how: "Fails on a container without requests and limits (KU011), a compose service without limits (DC009) or an unbounded memory volume (KU021). Passes at a CPU limit. Not applicable when no Kubernetes workload or compose service deploys the app.",
    facts: resource_limits,
};

fn resource_limits(cx: &Cx) -> Decision {
    let mut any = false;
    for r in runs(cx) {
        any = true;
        if let Some((cpus, at)) = &r.cpu_limit {
            return Decision::Pass(vec![cx.at_loc(at, format!("a CPU limit of {cpus}"))]);
        }
    }
    if any {
        Decision::Unknown("no CPU limit was found on the deploys".to_string())
    } else {
        Decision::NotApplicable(
            "no Kubernetes workload or compose service deploys the app".to_string(),
        )
    }
}

pub static RETRIES: ItemDef = ItemDef {
    id: "REL-RETRIES",
    title: "Retries with backoff around dependencies",
    section: Section::Reliability,
    level: Some(Level::Gold),
    weight: 1,
    rules: &[],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Networks drop requests; one retry with backoff and jitter turns a blip into a slower answer instead of an error, without a retry storm.",
    how: "Passes at tenacity, backoff or stamina used in the code, urllib3's `Retry`, an httpx transport with `retries=`, or such a library among the dependencies. Fails, at the dependency file, when none is.",
    facts: retries,
};

fn retries(cx: &Cx) -> Decision {
    by_signal_or_dependency(
        cx,
        Signal::Retries,
        "calls are retried with backoff",
        &["tenacity", "backoff", "stamina", "retrying"],
        "no retry library or retry policy is used",
    )
}

pub static CIRCUIT_BREAKER: ItemDef = ItemDef {
    id: "REL-CIRCUIT-BREAKER",
    title: "Circuit breakers around dependencies",
    section: Section::Reliability,
    level: Some(Level::Gold),
    weight: 1,
    rules: &[],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "When a dependency is down, a circuit breaker fails fast instead of tying every worker up in timeouts, and lets the dependency recover.",
    how: "Passes at pybreaker, aiobreaker, purgatory or circuitbreaker used in the code or declared, or an `outlierDetection` policy in the manifests. Fails, at the dependency file, when none is.",
    facts: circuit_breaker,
};

fn circuit_breaker(cx: &Cx) -> Decision {
    if let Some(e) = cx.mention(
        &[FileKind::Kubernetes],
        "outlierDetection",
        "an outlier-detection policy ejects failing endpoints",
    ) {
        return Decision::Pass(vec![e]);
    }
    by_signal_or_dependency(
        cx,
        Signal::CircuitBreaker,
        "a circuit breaker",
        &["pybreaker", "aiobreaker", "purgatory", "circuitbreaker"],
        "no circuit breaker library or policy is used",
    )
}
