use super::*;

declare_rule! {
    /// ## What it checks
    /// Starlette's `TrustedHostMiddleware` added with `"*"` among
    /// `allowed_hosts`.
    ///
    /// ## Why it matters in production
    /// The middleware exists to refuse requests whose `Host` header is not
    /// the service's own (host-header injection into password-reset links,
    /// cache poisoning). With `*` it accepts every host and protects
    /// nothing, while the code looks protected.
    ///
    /// ## Example
    /// ```python
    /// app.add_middleware(TrustedHostMiddleware, allowed_hosts=["*"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app.add_middleware(TrustedHostMiddleware, allowed_hosts=["api.example.com"])
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Starlette: TrustedHostMiddleware](https://www.starlette.io/middleware/#trustedhostmiddleware)
    pub struct TrustedHostsAny {
        code: "PY007",
        name: "trusted-hosts-any",
        severity: Info,
        fix: None,
        summary: "TrustedHostMiddleware trusts every host",
    }
}

impl Rule for TrustedHostsAny {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["allowed_hosts"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for m in middleware(cx.calls, "TrustedHostMiddleware") {
            if let Some(h) = m.call.keyword("allowed_hosts")
                && h.value.strings().contains(&"*")
            {
                out.report(
                    &Self::META,
                    h.span,
                    "`allowed_hosts` holds `*`: every Host header is accepted",
                )
                .help("list the host names the service answers to");
            }
        }
    }
}
