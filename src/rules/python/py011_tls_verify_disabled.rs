use super::*;

declare_rule! {
    /// ## What it checks
    /// TLS certificate verification turned off: `verify=False` passed to
    /// a `requests` or `httpx` call, client or session method
    /// (`session.get(…, verify=False)`), and
    /// `ssl._create_unverified_context()`. Code that turns verification
    /// off only when an option says so (`… if self.verify else
    /// ssl._create_unverified_context()`, inside `if not verify_ssl:`) is
    /// honouring the user's choice and is not reported.
    ///
    /// ## Why it matters in production
    /// Without verification anyone on the network path can present their
    /// own certificate and read or change the traffic, credentials and
    /// tokens included. The connection still looks encrypted, so nothing
    /// warns.
    ///
    /// ## Example
    /// ```python
    /// httpx.get(BILLING_URL, verify=False)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// httpx.get(BILLING_URL, verify="/etc/ssl/internal-ca.pem")
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Requests: SSL certificate verification](https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification)
    /// - [HTTPX: SSL](https://www.python-httpx.org/advanced/ssl/)
    pub struct TlsVerifyDisabled {
        code: "PY011",
        name: "tls-verify-disabled",
        severity: Error,
        tags: ["security"],
        security_severity: "7.5",
        fix: None,
        summary: "TLS certificate verification is turned off",
    }
}

impl Rule for TlsVerifyDisabled {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &[
            "verify=False",
            "verify = False",
            "_create_unverified_context",
        ]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        let opted = |c: &Call| {
            c.guards.iter().any(|g| {
                let g = g.to_ascii_lowercase();
                ["verify", "insecure", "ssl", "tls", "cert"]
                    .iter()
                    .any(|w| g.contains(w))
            })
        };
        for c in cx.calls.iter().filter(|c| !opted(c)) {
            if c.callee == "ssl._create_unverified_context" {
                out.report(
                    &Self::META,
                    c.callee_span,
                    "`ssl._create_unverified_context()` accepts any certificate",
                )
                .help("use `ssl.create_default_context()` (with `cafile=` for a private CA)");
                continue;
            }
            if !(sends_request(c.name())
                || matches!(c.name(), "stream" | "Client" | "AsyncClient" | "Session"))
            {
                continue;
            }
            if let Some(v) = c.keyword("verify")
                && v.value == Lit::Bool(false)
            {
                out.report(
                    &Self::META,
                    v.span,
                    "`verify=False` accepts any certificate: the traffic can be read and changed on the way",
                )
                .help("verify against the system store, or pass the private CA's bundle to `verify=`");
            }
        }
    }
}
