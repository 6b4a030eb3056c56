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
        for f in cx.settings.iter().flat_map(|s| &s.fields) {
            if !f.name.eq_ignore_ascii_case("debug") {
                continue;
            }
            if let Some((Lit::Bool(true), at)) = &f.default {
                out.report(
                    &Self::META,
                    *at,
                    "`debug` defaults to `True`: a deployment that does not set `DEBUG` runs in debug mode",
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
