use super::*;

declare_rule! {
    /// ## What it checks
    /// A served app whose code sets up no metrics: nothing from
    /// `prometheus_client`, `prometheus_fastapi_instrumentator`,
    /// `starlette_exporter`, `starlette_prometheus`, `aioprometheus` or
    /// OpenTelemetry metrics, anywhere in the app's package. Reported once
    /// per served app (see PY015), at its construction, for production
    /// files.
    ///
    /// ## Why it matters in production
    /// Without request rates, latencies and error counts there is nothing
    /// to alert on and nothing to scale on: an outage is noticed by
    /// users first.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from prometheus_fastapi_instrumentator import Instrumentator
    ///
    /// app = FastAPI()
    /// Instrumentator().instrument(app).expose(app)
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Prometheus Python client](https://prometheus.github.io/client_python/)
    /// - [prometheus-fastapi-instrumentator](https://github.com/trallnag/prometheus-fastapi-instrumentator)
    pub struct MetricsMissing {
        code: "PY018",
        name: "metrics-missing",
        severity: Info,
        fix: None,
        summary: "the app exposes no metrics",
    }
}

impl Rule for MetricsMissing {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        APP_CONSTRUCTORS
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        report_missing(
            cx,
            &Self::META,
            Signal::Metrics,
            "this app exposes no metrics (Prometheus or OpenTelemetry): there is nothing to alert or scale on",
            "instrument the app (prometheus-fastapi-instrumentator, starlette_exporter or OpenTelemetry metrics) and expose `/metrics`",
            out,
        );
    }
}
