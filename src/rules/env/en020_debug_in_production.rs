use super::*;

declare_rule! {
    /// ## What it checks
    /// A production env file (`prod`/`production`/`prd` in its name, or
    /// `ENVIRONMENT`/`APP_ENV`/`ENV`=`production` inside) that sets `DEBUG`
    /// — or `<PREFIX>_DEBUG`, the pydantic-settings `env_prefix`
    /// convention — to `true`, `1`, `yes` or `on`.
    ///
    /// ## Why it matters in production
    /// Debug mode serves tracebacks with settings, SQL and source to anyone
    /// who triggers an error, turns on interactive debuggers in some
    /// frameworks, and slows every request.
    ///
    /// ## Example
    /// ```shell
    /// # .env.production
    /// DEBUG=true
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DEBUG=false
    /// ```
    ///
    /// ## Fix
    /// None: the production value should be reviewed, not rewritten.
    ///
    /// ## References
    /// - [FastAPI: `debug`](https://fastapi.tiangolo.com/reference/fastapi/#fastapi.FastAPI--debug)
    /// - [Django: DEBUG](https://docs.djangoproject.com/en/stable/ref/settings/#debug)
    pub struct DebugInProduction {
        code: "EN020",
        name: "debug-in-production",
        severity: Error,
        fix: None,
        summary: "a production env file turns debug mode on",
    }
}

impl Rule for DebugInProduction {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        if cx.environment != Environment::Production {
            return;
        }
        for e in cx.env.by_suffix("DEBUG") {
            if matches!(
                e.value.to_ascii_lowercase().as_str(),
                "true" | "1" | "yes" | "on"
            ) {
                out.report(
                    &Self::META,
                    e.value_span,
                    format!("`{}={}` in a production env file", e.key, e.value),
                )
                .help("set it to `false` for production");
            }
        }
    }
}
