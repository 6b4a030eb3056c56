use super::*;

declare_rule! {
    /// ## What it checks
    /// `CORSMiddleware` added with `"*"` among `allow_origins` (or an
    /// `allow_origin_regex` matching any origin) without credentials. With
    /// `allow_credentials=True` PY002 reports it instead.
    ///
    /// ## Why it matters in production
    /// Any web page can read the API's answers from a visitor's browser.
    /// For a public, unauthenticated API that is the point; for an
    /// internal one, or one that authenticates by network position, it
    /// leaks data to any site its users open. The checklist asks for the
    /// origins the front end needs, no more.
    ///
    /// ## Example
    /// ```python
    /// app.add_middleware(CORSMiddleware, allow_origins=["*"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins)
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Starlette: CORSMiddleware](https://www.starlette.io/middleware/#corsmiddleware)
    pub struct CorsAnyOrigin {
        code: "PY003",
        name: "cors-any-origin",
        severity: Warning,
        fix: None,
        summary: "CORS allows every origin",
    }
}

impl Rule for CorsAnyOrigin {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["allow_origin"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for m in middleware(cx.calls, "CORSMiddleware") {
            let credentials = m.call.keyword("allow_credentials").map(|a| &a.value);
            if credentials.is_some_and(Lit::is_true) {
                continue;
            }
            if let Some(origin) = any_origin(m.call) {
                out.report(
                    &Self::META,
                    origin.span,
                    "every origin is allowed: any web page can read the API's answers from a visitor's browser",
                )
                .help("list the origins of the front ends that call the API");
            }
        }
    }
}
