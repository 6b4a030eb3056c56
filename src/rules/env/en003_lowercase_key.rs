use super::*;

declare_rule! {
    /// ## What it checks
    /// A key with lower-case letters.
    ///
    /// ## Why it matters in production
    /// Environment variables are upper case by convention, and on Linux
    /// they are case-sensitive: `database_url` and `DATABASE_URL` are two
    /// variables, and the settings class may read the other one.
    ///
    /// ## Example
    /// ```shell
    /// database_url=postgres://db/app
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DATABASE_URL=postgres://db/app
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [pydantic-settings: case sensitivity](https://docs.pydantic.dev/latest/concepts/pydantic_settings/#case-sensitivity)
    pub struct LowercaseKey {
        code: "EN003",
        name: "lowercase-key",
        severity: Info,
        fix: None,
        summary: "a key has lower-case letters",
    }
}

impl Rule for LowercaseKey {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        for e in &cx.env.entries {
            if e.key.chars().any(|c| c.is_ascii_lowercase()) {
                out.report(
                    &Self::META,
                    e.key_span,
                    format!("`{}` is not upper case", e.key),
                )
                .help(format!("use `{}`", e.key.to_ascii_uppercase()));
            }
        }
    }
}
