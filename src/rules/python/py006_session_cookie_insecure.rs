use super::*;

declare_rule! {
    /// ## What it checks
    /// Starlette's `SessionMiddleware` added without `https_only=True`.
    ///
    /// ## Why it matters in production
    /// Without it the session cookie lacks the `Secure` attribute: the
    /// browser sends it over plain HTTP too, where anyone on the path can
    /// read it and take over the session (one `http://` link is enough).
    ///
    /// ## Example
    /// ```python
    /// app.add_middleware(SessionMiddleware, secret_key=settings.session_secret)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app.add_middleware(
    ///     SessionMiddleware, secret_key=settings.session_secret, https_only=True
    /// )
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Starlette: SessionMiddleware](https://www.starlette.io/middleware/#sessionmiddleware)
    /// - [MDN: Secure cookies](https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#block_access_to_your_cookies)
    pub struct SessionCookieInsecure {
        code: "PY006",
        name: "session-cookie-insecure",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: None,
        summary: "the session cookie is sent over plain HTTP too",
    }
}

impl Rule for SessionCookieInsecure {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["SessionMiddleware"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for m in middleware(cx.calls, "SessionMiddleware") {
            // `**options` may set it: unknown.
            if m.call.splat {
                continue;
            }
            match m.call.keyword("https_only") {
                None => {
                    out.report(
                        &Self::META,
                        m.call.span,
                        "`SessionMiddleware` without `https_only=True`: the session cookie is not `Secure`",
                    )
                    .help("add `https_only=True`");
                }
                Some(a) if a.value == Lit::Bool(false) => {
                    out.report(
                        &Self::META,
                        a.span,
                        "`https_only=False`: the session cookie is not `Secure`",
                    )
                    .help("set `https_only=True`");
                }
                Some(_) => {}
            }
        }
    }
}
