use super::*;

declare_rule! {
    /// ## What it checks
    /// A served app with no tracing: no OpenTelemetry instrumentor or
    /// tracer provider, no `ddtrace`, no Logfire instrumentation anywhere
    /// in the app's package, and no launch of the project under
    /// `opentelemetry-instrument` or `ddtrace-run`. Off by default: a
    /// single service with few dependencies gets most of what it needs
    /// from logs and metrics. Reported once per served app (see PY015),
    /// at its construction, for production files.
    ///
    /// ## Why it matters in production
    /// A slow request that calls a database, a cache and two other
    /// services is slow somewhere; a trace shows where. Without one,
    /// latency problems across services are guessed at.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    ///
    /// app = FastAPI()
    /// FastAPIInstrumentor.instrument_app(app)
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [OpenTelemetry: Python zero-code instrumentation](https://opentelemetry.io/docs/zero-code/python/)
    pub struct TracingMissing {
        code: "PY020",
        name: "tracing-missing",
        severity: Info,
        enabled: false,
        fix: None,
        summary: "the app is not traced",
    }
}

impl Rule for TracingMissing {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        APP_CONSTRUCTORS
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        // A launch under a tracing agent traces whatever it starts.
        if !cx.project.traced_launches().is_empty() {
            return;
        }
        report_missing(
            cx,
            &Self::META,
            Signal::Tracing,
            "this app is not traced (no OpenTelemetry, ddtrace or Logfire instrumentation, no launch under `opentelemetry-instrument`)",
            "instrument the app (`FastAPIInstrumentor.instrument_app(app)`) or start the server under `opentelemetry-instrument`",
            out,
        );
    }
}
