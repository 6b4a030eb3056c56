use super::*;

declare_rule! {
    /// ## What it checks
    /// A field of a pydantic `BaseSettings` class whose name says it holds
    /// a secret (`secret_key`, `db_password`, `stripe_api_key`) and whose
    /// default is a non-empty literal string, placeholders included:
    /// `secret_key: str = "change-this-in-production"`.
    ///
    /// ## Why it matters in production
    /// pydantic reads the field from the environment and falls back to
    /// the default. A deployment that forgets the variable starts without
    /// an error, signing sessions and tokens with a key that is in the
    /// repository for anyone to read. Without a default, pydantic refuses
    /// to start instead.
    ///
    /// ## Example
    /// ```python
    /// class Settings(BaseSettings):
    ///     secret_key: str = "change-this-in-production"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// class Settings(BaseSettings):
    ///     secret_key: SecretStr  # required: set SECRET_KEY
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [pydantic-settings: usage](https://docs.pydantic.dev/latest/concepts/pydantic_settings/)
    /// - [The Twelve-Factor App: config](https://12factor.net/config)
    pub struct SecretDefaultInSettings {
        code: "PY012",
        name: "secret-default-in-settings",
        severity: Error,
        tags: ["security"],
        security_severity: "7.0",
        fix: None,
        summary: "a secret setting has a default written in the code",
    }
}

impl Rule for SecretDefaultInSettings {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["BaseSettings"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for f in cx.settings.iter().flat_map(|s| &s.fields) {
            if !is_secret_setting(&f.name) {
                continue;
            }
            if let Some((Lit::Str(v), at)) = &f.default
                && !v.is_empty()
            {
                out.report(
                    &Self::META,
                    *at,
                    format!(
                        "`{}` has a default: a deployment that does not set `{}` runs with this value from the repository",
                        f.name,
                        f.name.to_ascii_uppercase()
                    ),
                )
                .help("remove the default so that pydantic refuses to start without it")
                .secret(*at);
            }
        }
    }
}
