use super::*;

declare_rule! {
    /// ## What it checks
    /// Starlette's (FastAPI's) `CORSMiddleware` added with `"*"` among
    /// `allow_origins`, or an `allow_origin_regex` that matches any
    /// origin (`.*`, `.+`), together with `allow_credentials=True`.
    ///
    /// ## Why it matters in production
    /// The browser forbids `*` with credentials, so Starlette answers with
    /// the caller's own origin instead: a preflight from any site gets its
    /// origin echoed with `Access-Control-Allow-Credentials: true`, and so
    /// does every request that carries a cookie. Any web page a logged-in
    /// user visits can then call the API as that user and read the
    /// answers.
    ///
    /// ## Example
    /// ```python
    /// app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app.add_middleware(
    ///     CORSMiddleware,
    ///     allow_origins=["https://app.example.com"],
    ///     allow_credentials=True,
    /// )
    /// ```
    ///
    /// ## Fix
    /// None: the origins are the deployment's.
    ///
    /// ## References
    /// - [Starlette: CORSMiddleware](https://www.starlette.io/middleware/#corsmiddleware)
    /// - [MDN: CORS requests with credentials](https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials)
    pub struct CorsCredentialsAnyOrigin {
        code: "PY002",
        name: "cors-credentials-any-origin",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "CORS allows any origin with credentials",
    }
}

impl Rule for CorsCredentialsAnyOrigin {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["allow_origin"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for m in middleware(cx.calls, "CORSMiddleware") {
            let credentials = m.call.keyword("allow_credentials");
            if let (Some(origin), Some(cred)) = (any_origin(m.call), credentials)
                && cred.value.is_true()
            {
                out.report(
                    &Self::META,
                    origin.span,
                    "every origin is allowed with credentials: Starlette echoes the caller's origin, so any site can call the API as the signed-in user",
                )
                .related(cred.span, "credentials allowed here")
                .help("list the front-end origins that need credentials");
            }
        }
    }
}
