use super::*;

declare_rule! {
    /// ## What it checks
    /// `forwarded_allow_ips = "*"` in a gunicorn configuration file,
    /// `--forwarded-allow-ips '*'` on a gunicorn, uvicorn or `fastapi run`
    /// command line or in `GUNICORN_CMD_ARGS`, and `FORWARDED_ALLOW_IPS=*`
    /// set where the server starts.
    ///
    /// ## Why it matters in production
    /// The server then believes `X-Forwarded-For` and `X-Forwarded-Proto`
    /// from any client that reaches it. Anyone who can connect past the
    /// proxy (another pod, a misrouted port) chooses the client address the
    /// app logs and rate-limits on, and makes plain HTTP look like HTTPS.
    ///
    /// ## Example
    /// ```python
    /// forwarded_allow_ips = "*"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// forwarded_allow_ips = "10.0.0.0/8"
    /// ```
    /// the addresses of your proxies (networks need gunicorn 22 or later).
    ///
    /// ## Fix
    /// None: the proxies' addresses are specific to the deployment.
    ///
    /// ## References
    /// - [gunicorn: forwarded_allow_ips](https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips)
    /// - [Uvicorn: proxies and forwarded headers](https://www.uvicorn.org/deployment/#proxies-and-forwarded-headers)
    pub struct ForwardedAllowIpsWildcard {
        code: "PM009",
        name: "forwarded-allow-ips-wildcard",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.3",
        fix: None,
        summary: "forwarded headers are trusted from every address",
    }
}

const MESSAGE: &str = "`forwarded_allow_ips` `*` trusts `X-Forwarded-*` headers from any client";
const HELP: &str = "list the proxies' addresses instead of `*`";

fn wildcard(text: &str) -> bool {
    text.split(',').any(|p| p.trim() == "*")
}

impl Rule for ForwardedAllowIpsWildcard {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                if let Some(a) = assigned(cx, "forwarded_allow_ips")
                    && let Some(v) = a.value.or_default()
                    && strings(v).iter().any(|s| wildcard(s))
                {
                    out.report(&Self::META, a.value_span, MESSAGE).help(HELP);
                }
            }
            Here::Launcher => {
                let l = cx.launch;
                let opts = l.command.options.iter().chain(&l.env_args);
                let mut reported = false;
                for o in opts.filter(|o| o.setting == "forwarded_allow_ips") {
                    if let Some(v) = o.value.as_ref().filter(|v| wildcard(&v.text)) {
                        out.report(&Self::META, v.span, MESSAGE).help(HELP);
                        reported = true;
                    }
                }
                if !reported
                    && let Some(var) = l.env.get("FORWARDED_ALLOW_IPS")
                    && let Some(span) = var.span
                    && wildcard(&var.value)
                {
                    out.report(&Self::META, span, MESSAGE).help(HELP);
                }
            }
        }
    }
}
