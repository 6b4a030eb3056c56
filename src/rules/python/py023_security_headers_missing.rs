use super::*;

declare_rule! {
    /// ## What it checks
    /// A served app (see PY015) that sets no security response header:
    /// no `Strict-Transport-Security`, `Content-Security-Policy` or
    /// `X-Content-Type-Options` named anywhere in the app's package (a
    /// middleware of its own) and no security-headers middleware
    /// (`secure`, `SecureHeaders`, …), nor in a proxy configuration of the
    /// repository. Reported once per app, at its construction, for
    /// production files.
    ///
    /// ## Why it matters in production
    /// HSTS keeps browsers on HTTPS after the first visit, `nosniff` stops
    /// them from executing a response as another type, and a CSP limits
    /// what an injected script can do. Starlette and FastAPI set none of
    /// them.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.middleware("http")
    /// async def security_headers(request, call_next):
    ///     response = await call_next(request)
    ///     response.headers["Strict-Transport-Security"] = "max-age=63072000"
    ///     response.headers["X-Content-Type-Options"] = "nosniff"
    ///     return response
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [OWASP Secure Headers Project](https://owasp.org/www-project-secure-headers/)
    pub struct SecurityHeadersMissing {
        code: "PY023",
        name: "security-headers-missing",
        severity: Info,
        fix: None,
        summary: "the app sets no security headers",
    }
}

impl Rule for SecurityHeadersMissing {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        APP_CONSTRUCTORS
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        report_missing(
            cx,
            &Self::META,
            Signal::SecurityHeaders,
            "this app sets no security headers (HSTS, CSP, X-Content-Type-Options), and no proxy configuration in the repository does",
            "set them in a middleware (or at the proxy): `Strict-Transport-Security`, `X-Content-Type-Options: nosniff`, a `Content-Security-Policy`",
            out,
        );
    }
}
