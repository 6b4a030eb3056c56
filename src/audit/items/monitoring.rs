//! Monitoring: JSON logs, metrics, tracing, error tracking, alerting.

use super::{Cx, Decision, by_signal};
use crate::audit::{ItemDef, Level, Section};
use crate::paths::FastPath;
use crate::project::facts::app::Signal;

pub static JSON_LOGS: ItemDef = ItemDef {
    id: "MON-JSON-LOGS",
    title: "Structured (JSON) logs",
    section: Section::Monitoring,
    level: Some(Level::Silver),
    weight: 2,
    rules: &["PY017"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Log platforms index JSON fields; plain lines must be parsed with patterns that break, and a multi-line traceback becomes many events.",
    how: "Fails where PY017 finds logs that are not structured, and at structlog's console renderer in production code. Passes at a JSON renderer or formatter (`structlog.processors.JSONRenderer()`, `python-json-logger`, loguru's `serialize=True`).",
    facts: json_logs,
};

fn json_logs(cx: &Cx) -> Decision {
    if let Some(loc) = cx.signal(Signal::JsonLogs) {
        return Decision::Pass(vec![cx.at_loc(&loc, "logs are rendered as JSON")]);
    }
    if let Some(loc) = cx.signal(Signal::ConsoleLogs) {
        return Decision::Fail(
            vec![cx.at_loc(&loc, "logs are rendered for a console")],
            "production code renders logs for a console, not as JSON".to_string(),
        );
    }
    if let Some(loc) = cx.signal(Signal::LogConfig) {
        return Decision::Unknown(format!(
            "logging is configured from a file or object prodlint does not read ({}:{})",
            crate::report::report_path(&loc.file),
            cx.at_loc(&loc, "").line
        ));
    }
    by_signal(
        cx,
        Signal::JsonLogs,
        "",
        "no JSON log renderer or formatter was found",
    )
}

pub static METRICS: ItemDef = ItemDef {
    id: "MON-METRICS",
    title: "Prometheus metrics exported",
    section: Section::Monitoring,
    level: Some(Level::Silver),
    weight: 2,
    rules: &["PY018"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Request rates, latencies and error ratios are what alerts and autoscalers act on; without an exporter nobody sees a slow degradation.",
    how: "Fails where PY018 finds an app without metrics. Passes at a metrics library used in the code (prometheus-client, the instrumentator, starlette-exporter, OpenTelemetry metrics).",
    facts: metrics,
};

fn metrics(cx: &Cx) -> Decision {
    by_signal(
        cx,
        Signal::Metrics,
        "metrics are exported",
        "no metrics library is used by the app",
    )
}

pub static TRACING: ItemDef = ItemDef {
    id: "MON-TRACING",
    title: "Distributed tracing",
    section: Section::Monitoring,
    level: Some(Level::Gold),
    weight: 1,
    rules: &["PY020"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "A trace follows one request through every service and query: where the time goes, and which dependency failed.",
    how: "Fails where PY020 finds an app without tracing. Passes at OpenTelemetry instrumentation or a tracer set up in the code (ddtrace, logfire), or `opentelemetry-instrument` in a launch.",
    facts: tracing,
};

fn tracing(cx: &Cx) -> Decision {
    if let Some(loc) = cx.project.traced_launches().first() {
        return Decision::Pass(vec![
            cx.at_loc(loc, "the server is launched under OpenTelemetry"),
        ]);
    }
    by_signal(
        cx,
        Signal::Tracing,
        "requests are traced",
        "no tracing is set up in the app",
    )
}

pub static ERROR_TRACKING: ItemDef = ItemDef {
    id: "MON-ERROR-TRACKING",
    title: "Error tracking",
    section: Section::Monitoring,
    level: Some(Level::Gold),
    weight: 1,
    rules: &["PY019"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "An error tracker groups exceptions with their stack and request, and says when a deploy made a new one appear.",
    how: "Fails where PY019 finds an app without error tracking. Passes at `sentry_sdk.init` (or Rollbar, Bugsnag, Honeybadger, New Relic, Elastic APM) in the code.",
    facts: error_tracking,
};

fn error_tracking(cx: &Cx) -> Decision {
    by_signal(
        cx,
        Signal::ErrorTracking,
        "errors are reported to a tracker",
        "no error tracker is set up in the app",
    )
}

pub static ALERTING: ItemDef = ItemDef {
    id: "MON-ALERTING",
    title: "Alerting",
    section: Section::Monitoring,
    level: Some(Level::Gold),
    weight: 1,
    rules: &[],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Metrics nobody watches page nobody: alert rules turn an error ratio or a latency into a message to whoever is on call.",
    how: "Passes at a Prometheus rule file (`groups:` with `alert:`), a `PrometheusRule` manifest, an Alertmanager configuration (`receivers:`), a Grafana alert rule or a Sentry alert configuration (a `sentry*.yml` with alerts) in the repository. Unknown otherwise: alerting often lives outside the service's repository (waive the item saying where).",
    facts: alerting,
};

fn alerting(cx: &Cx) -> Decision {
    let texts = cx
        .documents
        .iter()
        .map(|(p, t)| (p.as_path(), t.as_ref()))
        .chain(
            cx.project
                .texts_of(&[
                    crate::discover::FileKind::Kubernetes,
                    crate::discover::FileKind::Text,
                ])
                .map(|(p, t)| (p, t.as_ref())),
        );
    for (path, text) in texts {
        let yaml = path
            .fast_extension()
            .is_some_and(|e| e == "yml" || e == "yaml");
        if !yaml {
            continue;
        }
        let found = if text.contains("kind: PrometheusRule") {
            Cx::at_text(path, text, "kind: PrometheusRule", "Prometheus alert rules")
        } else if text.contains("groups:") && text.contains("alert:") && text.contains("expr:") {
            Cx::at_text(path, text, "alert:", "a Prometheus alert rule")
        } else if text.contains("receivers:") && text.contains("route:") {
            Cx::at_text(
                path,
                text,
                "receivers:",
                "Alertmanager routes alerts to receivers",
            )
        } else if path
            .fast_file_name()
            .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().contains("sentry"))
            && text.contains("alert")
        {
            Cx::at_text(path, text, "alert", "a Sentry alert configuration")
        } else if text.contains("apiVersion: 1")
            && text.contains("groups:")
            && text.contains("rules:")
            && text.contains("condition:")
        {
            Cx::at_text(path, text, "condition:", "a Grafana alert rule")
        } else {
            None
        };
        if let Some(e) = found {
            return Decision::Pass(vec![e]);
        }
    }
    Decision::Unknown(
        "no alert rules were found in the repository: alerting may be configured elsewhere (waive the item saying where)".to_string(),
    )
}
