use super::*;

declare_rule! {
    /// ## What it checks
    /// The final image sets a development switch with ENV: `DEBUG=1/true`,
    /// `FLASK_DEBUG=1`, `DJANGO_DEBUG=true`, `FLASK_ENV=development`,
    /// `ENVIRONMENT`/`APP_ENV`/`ENV=development|dev|local`,
    /// `PYTHONDEVMODE=1`.
    ///
    /// ## Why it matters in production
    /// Debug mode serves tracebacks with settings and source code to anyone
    /// who triggers an error, Werkzeug's debugger allows code execution, and
    /// dev mode slows every request. Values baked into the image apply
    /// wherever it runs unless every deploy overrides them.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DEBUG=1
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV DEBUG=0
    /// ```
    /// and turn debugging on in the development compose file only.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Django: DEBUG](https://docs.djangoproject.com/en/stable/ref/settings/#debug)
    /// - [Python development mode](https://docs.python.org/3/library/devmode.html)
    pub struct DebugEnvInImage {
        code: "DF027",
        name: "debug-env-in-image",
        severity: Warning,
        fix: None,
        summary: "the image turns on debug or development mode",
    }
}

fn truthy(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
}

fn development_switch(key: &str, value: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    let v = value.to_ascii_lowercase();
    match upper.as_str() {
        "DEBUG" | "FLASK_DEBUG" | "DJANGO_DEBUG" | "APP_DEBUG" | "PYTHONDEVMODE" => truthy(&v),
        "FLASK_ENV" | "ENVIRONMENT" | "APP_ENV" | "ENV" | "APP_ENVIRONMENT" | "DJANGO_ENV" => {
            matches!(v.as_str(), "development" | "dev" | "local")
        }
        _ => false,
    }
}

impl DockerfileRule for DebugEnvInImage {
    impl_meta!();

    fn check(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        for instr in df
            .final_instructions()
            .filter(|i| i.keyword == Keyword::Env)
        {
            for p in instr.pairs() {
                let Some(v) = p.value.as_deref() else {
                    continue;
                };
                // Only the value that takes effect counts.
                let last = df
                    .final_env(&p.key)
                    .is_some_and(|(lp, _)| std::ptr::eq(lp, p));
                if last && development_switch(&p.key, v) {
                    out.report(
                        &Self::META,
                        p.span,
                        format!("`{}={v}` turns on development mode in the image", p.key),
                    )
                    .help(
                        "leave it off in the image; turn it on in development configuration only",
                    );
                }
            }
        }
    }
}
