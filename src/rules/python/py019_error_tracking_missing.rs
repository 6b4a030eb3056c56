use super::*;

declare_rule! {
    /// ## What it checks
    /// A served app whose code initialises no error tracking:
    /// `sentry_sdk.init` (or a Sentry integration), `rollbar.init`,
    /// `bugsnag.configure`, Honeybadger, Elastic APM or New Relic,
    /// anywhere in the app's package. Reported once per served app (see
    /// PY015), at its construction, for production files.
    ///
    /// ## Why it matters in production
    /// An unhandled exception becomes a 500 and a log line. Error tracking
    /// groups them, counts them, keeps the stack and the request, and
    /// tells someone: without it, a new error after a deploy is found by
    /// reading logs, if at all.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// sentry_sdk.init(dsn=settings.sentry_dsn, environment=settings.environment)
    /// app = FastAPI()
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Sentry: FastAPI](https://docs.sentry.io/platforms/python/integrations/fastapi/)
    pub struct ErrorTrackingMissing {
        code: "PY019",
        name: "error-tracking-missing",
        severity: Info,
        fix: None,
        summary: "the app initialises no error tracking",
    }
}

impl Rule for ErrorTrackingMissing {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        APP_CONSTRUCTORS
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        report_missing(
            cx,
            &Self::META,
            Signal::ErrorTracking,
            "this app initialises no error tracking: unhandled exceptions are only log lines",
            "initialise an error tracker (for example `sentry_sdk.init(dsn=…)`) before the app is made",
            out,
        );
    }
}
