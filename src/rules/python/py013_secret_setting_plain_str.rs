use super::*;

declare_rule! {
    /// ## What it checks
    /// A field of a pydantic `BaseSettings` class whose name says it holds
    /// a secret, annotated `str` (or `str | None`, `Optional[str]`)
    /// rather than `SecretStr`.
    ///
    /// ## Why it matters in production
    /// A plain string prints as itself: in `repr(settings)`, in a
    /// validation error, in a debug log of the settings, in an error
    /// tracker's local variables. `SecretStr` prints `**********` and
    /// hands the value out only through `get_secret_value()`.
    ///
    /// ## Example
    /// ```python
    /// class Settings(BaseSettings):
    ///     database_password: str
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// class Settings(BaseSettings):
    ///     database_password: SecretStr
    /// ```
    ///
    /// ## Fix
    /// None: the code that reads the value must call `get_secret_value()`.
    ///
    /// ## References
    /// - [pydantic: secret types](https://docs.pydantic.dev/latest/api/types/#pydantic.types.SecretStr)
    pub struct SecretSettingPlainStr {
        code: "PY013",
        name: "secret-setting-plain-str",
        severity: Info,
        fix: None,
        summary: "a secret setting is a plain string",
    }
}

impl Rule for SecretSettingPlainStr {
    impl_meta!();

    fn python_needs(&self) -> &'static [&'static str] {
        &["BaseSettings"]
    }

    fn python(&self, cx: &PythonContext<'_>, out: &mut Findings) {
        for f in cx.settings.iter().flat_map(|s| &s.fields) {
            let plain = matches!(
                f.annotation.replace(' ', "").as_str(),
                "str" | "str|None" | "None|str" | "Optional[str]" | "typing.Optional[str]"
            );
            if plain && is_secret_setting(&f.name) {
                out.report(
                    &Self::META,
                    f.annotation_span,
                    format!(
                        "`{}` is a plain `str`: it prints in reprs, logs and error reports",
                        f.name
                    ),
                )
                .help("annotate it `SecretStr` and read it with `get_secret_value()`");
            }
        }
    }
}
