use super::*;

declare_rule! {
    /// ## What it checks
    /// `HTTPSRedirectMiddleware` added to a served app (see PY015) while
    /// nothing in the repository sets which proxies the server trusts:
    /// no `--forwarded-allow-ips` flag, no `FORWARDED_ALLOW_IPS` variable
    /// (in a Dockerfile, compose file, manifest or env file), no
    /// `forwarded_allow_ips` in a gunicorn configuration, no uvicorn
    /// `ProxyHeadersMiddleware` added by the app.
    ///
    /// ## Why it matters in production
    /// Behind a load balancer that terminates TLS, the app receives plain
    /// HTTP and learns the original scheme from `X-Forwarded-Proto`.
    /// uvicorn and gunicorn believe that header only from the addresses
    /// in `forwarded_allow_ips`, which defaults to `127.0.0.1` (gunicorn:
    /// `127.0.0.1,::1`). A load balancer elsewhere is not trusted, the
    /// request stays `http`, and the middleware redirects it to `https`
    /// again, forever.
    ///
    /// ## Example
    /// ```python
    /// app.add_middleware(HTTPSRedirectMiddleware)
    /// ```
    /// with `CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]`.
    ///
    /// ## Use instead
    /// Trust the load balancer's addresses
    /// (`--forwarded-allow-ips 10.0.0.0/8`, or `FORWARDED_ALLOW_IPS`), or
    /// let the load balancer do the redirect and drop the middleware.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Uvicorn: proxies and forwarded headers](https://www.uvicorn.org/deployment/#proxies-and-forwarded-headers)
    /// - [gunicorn: forwarded_allow_ips](https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips)
    /// - [Starlette: HTTPSRedirectMiddleware](https://www.starlette.io/middleware/#httpsredirectmiddleware)
    pub struct HttpsRedirectBehindProxy {
        code: "PY021",
        name: "https-redirect-behind-proxy",
        severity: Warning,
        fix: None,
        summary: "HTTPS redirect while the server trusts no proxy's forwarded headers",
    }
}

impl Rule for HttpsRedirectBehindProxy {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["HTTPSRedirectMiddleware"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        // Trusted proxies set in the deployment, or by the app itself
        // (uvicorn's `ProxyHeadersMiddleware(trusted_hosts=…)`).
        if cx.project.names_forwarded_ips()
            || cx.calls.iter().any(|c| {
                c.name() == "ProxyHeadersMiddleware"
                    || crate::project::facts::app::middleware_class(c)
                        == Some("ProxyHeadersMiddleware")
            })
        {
            return;
        }
        let apps = served_apps(cx);
        for m in middleware(cx.calls, "HTTPSRedirectMiddleware") {
            // `app.add_middleware(…)` on a served app, or
            // `Middleware(…)` in a module that serves one.
            let on_served = match m.call.name() {
                "add_middleware" => apps.iter().any(|a| a.name == m.call.module()),
                _ => !apps.is_empty(),
            };
            if !on_served {
                continue;
            }
            out.report(
                &Self::META,
                m.call.callee_span,
                "HTTPS redirect while the server trusts `X-Forwarded-Proto` only from 127.0.0.1: behind a TLS-terminating load balancer every request is redirected again",
            )
            .help("set the load balancer's addresses in `--forwarded-allow-ips` / `FORWARDED_ALLOW_IPS`, or redirect at the load balancer");
        }
    }
}
