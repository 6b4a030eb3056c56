use super::*;

declare_rule! {
    /// ## What it checks
    /// A served app (see PY015) with no compression: no `GZipMiddleware`
    /// (or a Brotli middleware) in the app's package, and no `gzip on` in
    /// a proxy configuration of the repository. Off by default: the load
    /// balancer or CDN in front often compresses. Reported once per app,
    /// at its construction, for production files.
    ///
    /// ## Why it matters in production
    /// JSON compresses five to ten times. Uncompressed responses cost
    /// bandwidth and, on slow clients, time.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app = FastAPI()
    /// app.add_middleware(GZipMiddleware, minimum_size=1000)
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Starlette: GZipMiddleware](https://www.starlette.io/middleware/#gzipmiddleware)
    pub struct CompressionMissing {
        code: "PY022",
        name: "compression-missing",
        severity: Info,
        enabled: false,
        fix: None,
        summary: "responses are not compressed",
    }
}

impl Rule for CompressionMissing {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        APP_CONSTRUCTORS
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        report_missing(
            cx,
            &Self::META,
            Signal::Compression,
            "this app's responses are not compressed (no GZip middleware, no compressing proxy configuration in the repository)",
            "add `GZipMiddleware`, or compress at the proxy",
            out,
        );
    }
}
