use super::*;

declare_rule! {
    /// ## What it checks
    /// A settings class (a pydantic `BaseSettings` subclass of the
    /// project) constructed inside a dependency (a function named in
    /// `Depends(…)` anywhere in the app's package) that is not cached with
    /// `functools.lru_cache` / `functools.cache`. A route that builds
    /// settings itself is left alone: it usually wants a fresh instance on
    /// purpose (an admin route reading the defaults).
    ///
    /// ## Why it matters in production
    /// Building settings reads the environment and, with `env_file`,
    /// opens and parses the file: on every request that reaches the
    /// function. FastAPI's own documentation builds them once behind
    /// `@lru_cache`.
    ///
    /// ## Example
    /// ```python
    /// def get_settings():
    ///     return Settings()
    ///
    /// @app.get("/info")
    /// def info(settings: Settings = Depends(get_settings)): ...
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @lru_cache
    /// def get_settings():
    ///     return Settings()
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [FastAPI: settings created once with lru_cache](https://fastapi.tiangolo.com/advanced/settings/#creating-the-settings-only-once-with-lru_cache)
    pub struct SettingsRebuiltPerRequest {
        code: "PY026",
        name: "settings-rebuilt-per-request",
        severity: Info,
        fix: None,
        summary: "settings are built again on every request",
    }
}

const CACHES: &[&str] = &[
    "lru_cache",
    "cache",
    "cached",
    "alru_cache",
    "cached_property",
];

impl Rule for SettingsRebuiltPerRequest {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["Settings(", "Config("]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        let near = cx.project.app_model().near(&cx.project.key(&cx.file.path));
        let own = module_facts(cx);
        let is_class = |n: &str| {
            near.settings_classes.contains(n) || own.settings_classes.iter().any(|c| c == n)
        };
        let is_dependency =
            |n: &str| near.dependencies.contains(n) || own.dependencies.iter().any(|d| d == n);
        let last = crate::project::facts::app::last;
        for c in cx.calls {
            if !is_class(c.name()) {
                continue;
            }
            let Some(f) = c.function.and_then(|i| cx.py.functions.get(i)) else {
                continue;
            };
            let cached = f.decorators.iter().any(|d| CACHES.contains(&last(d)));
            if cached || !is_dependency(&f.name) {
                continue;
            }
            out.report(
                &Self::META,
                c.callee_span,
                format!("`{}()` is built on every request in the dependency `{}`: the environment (and any env file) is read again each time", c.name(), f.name),
            )
            .related(f.name_span, "the dependency")
            .help("build the settings once: a function decorated with `@lru_cache` that returns them");
        }
    }
}
