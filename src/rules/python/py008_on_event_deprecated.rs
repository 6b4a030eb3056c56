use super::*;

declare_rule! {
    /// ## What it checks
    /// Start-up and shutdown handlers registered with
    /// `@app.on_event("startup")` / `@app.on_event("shutdown")` (or on a
    /// router).
    ///
    /// ## Why it matters in production
    /// FastAPI deprecates these events in favour of a `lifespan` handler,
    /// and once an app has a lifespan its `on_event` handlers no longer
    /// run: a shutdown handler that closes pools silently stops running.
    /// One lifespan function keeps start-up and the matching clean-up side
    /// by side.
    ///
    /// ## Example
    /// ```python
    /// @app.on_event("shutdown")
    /// async def close_pool(): ...
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @asynccontextmanager
    /// async def lifespan(app):
    ///     yield
    ///     await pool.close()
    ///
    /// app = FastAPI(lifespan=lifespan)
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [FastAPI: lifespan events](https://fastapi.tiangolo.com/advanced/events/)
    pub struct OnEventDeprecated {
        code: "PY008",
        name: "on-event-deprecated",
        severity: Info,
        fix: None,
        summary: "start-up or shutdown code uses the deprecated on_event",
    }
}

impl Rule for OnEventDeprecated {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["on_event"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for c in cx
            .calls
            .iter()
            .filter(|c| c.decorator && c.name() == "on_event")
        {
            let Some(Lit::Str(event)) = c.args.first().map(|a| &a.value) else {
                continue;
            };
            if event == "startup" || event == "shutdown" {
                out.report(
                    &Self::META,
                    c.callee_span,
                    format!("`on_event(\"{event}\")` is deprecated: its handlers stop running once the app has a lifespan"),
                )
                .help("move the code into a `lifespan` handler");
            }
        }
    }
}
