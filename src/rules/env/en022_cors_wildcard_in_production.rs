use super::*;

declare_rule! {
    /// ## What it checks
    /// A production env file whose allowed CORS origins (`ALLOWED_ORIGINS`,
    /// `CORS_ORIGINS`, `BACKEND_CORS_ORIGINS`, `CORS_ALLOWED_ORIGINS`,
    /// `CORS_ALLOW_ORIGINS`, with any prefix) contain `*`.
    ///
    /// ## Why it matters in production
    /// Any website can then call the API from its visitors' browsers; with
    /// credentials allowed, it can act as the logged-in user.
    ///
    /// ## Example
    /// ```shell
    /// BACKEND_CORS_ORIGINS=*
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// BACKEND_CORS_ORIGINS=https://app.example.com,https://admin.example.com
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [FastAPI: CORS](https://fastapi.tiangolo.com/tutorial/cors/)
    pub struct CorsWildcardInProduction {
        code: "EN022",
        name: "cors-wildcard-in-production",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.5",
        fix: None,
        summary: "a production env file allows every CORS origin",
    }
}

const ORIGIN_KEYS: &[&str] = &[
    "ALLOWED_ORIGINS",
    "CORS_ORIGINS",
    "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOW_ORIGINS",
];

impl Rule for CorsWildcardInProduction {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        if cx.environment != Environment::Production {
            return;
        }
        for e in ORIGIN_KEYS.iter().flat_map(|k| cx.env.by_suffix(k)) {
            if e.value
                .split([',', ' ', '[', ']', '"', '\''])
                .any(|o| o == "*")
            {
                out.report(
                    &Self::META,
                    e.value_span,
                    format!("`{}` allows every origin in production", e.key),
                )
                .help("list the front-end origins that may call the API");
            }
        }
    }
}
