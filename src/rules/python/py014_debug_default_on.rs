use super::*;

declare_rule! {
    /// ## What it checks
    /// A `debug` (or `DEBUG`) field of a pydantic `BaseSettings` class
    /// that defaults to `True`.
    ///
    /// ## Why it matters in production
    /// The default is what runs when the deployment does not set `DEBUG`:
    /// forgetting one variable turns on tracebacks in responses, verbose
    /// logs and whatever else the app ties to it. A default of `False`
    /// makes development the environment that has to opt in.
    ///
    /// ## Example
    /// ```python
    /// class Settings(BaseSettings):
    ///     debug: bool = True
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// class Settings(BaseSettings):
    ///     debug: bool = False
    /// ```
    ///
    /// ## Fix
    /// Unsafe: sets the default to `False` (development must then set
    /// `DEBUG=true`).
    ///
    /// ## References
    /// - [pydantic-settings: usage](https://docs.pydantic.dev/latest/concepts/pydantic_settings/)
    pub struct DebugDefaultOn {
        code: "PY014",
        name: "debug-default-on",
        severity: Warning,
        fix: Unsafe,
        summary: "the debug setting defaults to on",
    }
}

impl Rule for DebugDefaultOn {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["BaseSettings"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for class in cx.settings {
            for f in &class.fields {
                if !f.name.eq_ignore_ascii_case("debug") {
                    continue;
                }
                let Some((Lit::Bool(true), at)) = &f.default else {
                    continue;
                };
                // The variable pydantic reads (`APP_DEBUG` with
                // `env_prefix="APP_"`), spelt in capitals unless the class
                // is case-sensitive.
                let var = crate::parse::python::settings::env_var(
                    &f.env,
                    &f.name,
                    class.config.case_sensitive == Some(true),
                );
                out.report(
                    &Self::META,
                    *at,
                    format!("`{}` defaults to `True`: a deployment that does not set `{var}` runs in debug mode", f.name),
                )
                .help("default to `False` and turn it on in development")
                .fix(
                    crate::diagnostic::Applicability::Unsafe,
                    "default `debug` to `False`",
                    vec![crate::diagnostic::Edit::replace(*at, "False")],
                );
            }
        }
    }
}
