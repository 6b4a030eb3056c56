use super::*;
use crate::hashing::FastMap;
use crate::parse::dockerfile::Pair;

declare_rule! {
    /// ## What it checks
    /// The final image sets a development switch with ENV: `DEBUG=1/true`,
    /// `FLASK_DEBUG=1`, `DJANGO_DEBUG=true`, `FLASK_ENV=development`,
    /// `ENVIRONMENT`/`APP_ENV`/`ENV=development|dev|local`,
    /// `PYTHONDEVMODE=1`. Not in an image that serves nothing: a
    /// command-line tool or a desktop application (as DF001 judges them),
    /// where `DEBUG` is the program's own verbosity or a flag its build
    /// reads.
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

impl Rule for DebugEnvInImage {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        // Only the value that takes effect counts: the last one per key.
        let mut last: FastMap<&str, &Pair> = FastMap::default();
        let envs = cx
            .dockerfile
            .final_instructions()
            .filter(|i| i.keyword == Keyword::Env);
        for p in envs.flat_map(|i| i.pairs()) {
            last.insert(p.key.as_str(), p);
        }
        let mut effective: Vec<&Pair> = last.into_values().collect();
        effective.sort_by_key(|p| p.span.start);
        for p in effective {
            let Some(v) = p.value.as_deref() else {
                continue;
            };
            // A command-line tool or a desktop application serves nobody
            // its tracebacks: a `DEBUG` there is the program's own
            // verbosity (or a build flag `make` reads), not a server's
            // debug mode. (Its role is asked only of an image that sets a
            // switch.)
            if development_switch(&p.key, v)
                && !matches!(
                    image_role::role(cx),
                    image_role::Role::Tool | image_role::Role::Desktop
                )
            {
                out.report(
                    &Self::META,
                    p.span,
                    format!("`{}={v}` turns on development mode in the image", p.key),
                )
                .help("leave it off in the image; turn it on in development configuration only");
            }
        }
    }
}
