use super::*;

declare_rule! {
    /// ## What it checks
    /// A malformed `${…}` in an unquoted or double-quoted value: no closing
    /// brace, an empty or invalid name, an unknown operator. (Single-quoted
    /// values are literal and not checked.)
    ///
    /// ## Why it matters in production
    /// compose refuses to start (`invalid interpolation format`), other
    /// loaders keep the text as is: the app connects to
    /// `postgres://${DB_HOST/app` instead of the database.
    ///
    /// ## Example
    /// ```shell
    /// DATABASE_URL=postgres://${DB_HOST/app
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DATABASE_URL=postgres://${DB_HOST}/app
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker compose: interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    pub struct InvalidSubstitution {
        code: "EN011",
        name: "invalid-substitution",
        severity: Error,
        fix: None,
        summary: "a `${…}` substitution is malformed",
    }
}

impl Rule for InvalidSubstitution {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        for e in &cx.env.entries {
            for s in e.substitutions.iter().filter(|s| !s.valid) {
                out.report(
                    &Self::META,
                    s.span,
                    format!("`{}` is not a valid substitution", cx.file.slice(s.span)),
                )
                .help("write `${NAME}` or `${NAME:-default}`");
            }
        }
    }
}
