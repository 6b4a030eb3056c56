use super::*;

declare_rule! {
    /// ## What it checks
    /// A FastAPI or Starlette application constructed with `debug=True`.
    ///
    /// ## Why it matters in production
    /// In debug mode Starlette's `ServerErrorMiddleware` answers every
    /// unhandled exception with an HTML page holding the traceback and
    /// the source lines around each frame: paths, queries, settings and
    /// sometimes secrets go to whoever triggered the error.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI(debug=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app = FastAPI(debug=settings.debug)  # false unless set for development
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Starlette: applications (debug)](https://www.starlette.io/applications/)
    /// - [FastAPI: debugging](https://fastapi.tiangolo.com/tutorial/debugging/)
    pub struct DebugEnabled {
        code: "PY001",
        name: "debug-enabled",
        severity: Error,
        tags: ["security"],
        security_severity: "5.0",
        fix: None,
        summary: "the app is built with debug mode on",
    }
}

impl Rule for DebugEnabled {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["debug=True", "debug = True"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for c in cx.calls {
            if !is_app(c) {
                continue;
            }
            if let Some(d) = c.keyword("debug")
                && d.value.is_true()
            {
                out.report(
                    &Self::META,
                    d.span,
                    format!(
                        "`{}(debug=True)` sends a traceback page with every server error",
                        c.name()
                    ),
                )
                .help(
                    "leave debug off in production (read it from a setting that defaults to false)",
                );
            }
        }
    }
}
