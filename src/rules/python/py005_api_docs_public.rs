use super::*;

declare_rule! {
    /// ## What it checks
    /// A FastAPI app whose interactive docs and schema stay at their
    /// defaults (`/docs`, `/redoc`, `/openapi.json`: no `docs_url`,
    /// `redoc_url` or `openapi_url` passed) in a module that sets up
    /// authentication (`OAuth2PasswordBearer`, `HTTPBearer`,
    /// `HTTPBasic`, `APIKeyHeader`, `APIKeyCookie`, `APIKeyQuery`,
    /// `OpenIdConnect`). Off by default: many APIs publish their schema on
    /// purpose.
    ///
    /// ## Why it matters in production
    /// The schema lists every route, parameter and model, the internal
    /// and admin ones included, to anyone who asks, and the docs page
    /// offers a form to call each of them. For an API that needs a login,
    /// that map is usually meant for its own developers.
    ///
    /// ## Example
    /// ```python
    /// oauth2 = OAuth2PasswordBearer(tokenUrl="token")
    /// app = FastAPI()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app = FastAPI(
    ///     docs_url="/docs" if settings.debug else None,
    ///     redoc_url=None,
    ///     openapi_url="/openapi.json" if settings.debug else None,
    /// )
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [FastAPI: metadata and docs URLs](https://fastapi.tiangolo.com/tutorial/metadata/#docs-urls)
    pub struct ApiDocsPublic {
        code: "PY005",
        name: "api-docs-public",
        severity: Info,
        enabled: false,
        fix: None,
        summary: "an authenticated API serves its docs and schema to anyone",
    }
}

/// The security schemes of `fastapi.security`.
const AUTH: &[&str] = &[
    "OAuth2PasswordBearer",
    "OAuth2AuthorizationCodeBearer",
    "HTTPBearer",
    "HTTPBasic",
    "HTTPDigest",
    "APIKeyHeader",
    "APIKeyCookie",
    "APIKeyQuery",
    "OpenIdConnect",
];

impl Rule for ApiDocsPublic {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["fastapi.security"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        let auth = cx
            .calls
            .iter()
            .any(|c| in_module(c.module(), "fastapi.security") && AUTH.contains(&c.name()));
        if !auth {
            return;
        }
        for app in cx
            .calls
            .iter()
            .filter(|c| c.name() == "FastAPI" && is_app(c))
        {
            if app.splat {
                continue;
            }
            let set = ["docs_url", "redoc_url", "openapi_url"]
                .iter()
                .any(|k| app.keyword(k).is_some());
            if !set {
                out.report(
                    &Self::META,
                    app.callee_span,
                    "this authenticated API serves `/docs`, `/redoc` and `/openapi.json` to anyone: the map of every route, internal ones included",
                )
                .help("set `openapi_url=None` (and the docs URLs) outside development");
            }
        }
    }
}
