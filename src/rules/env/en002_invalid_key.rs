use super::*;

declare_rule! {
    /// ## What it checks
    /// A key with characters outside `[A-Za-z0-9_]`, or starting with a digit.
    ///
    /// ## Why it matters in production
    /// Such names are not valid environment variable names for shells and
    /// for many loaders: the line is dropped, or the whole file fails to
    /// load, and the service starts with a default.
    ///
    /// ## Example
    /// ```shell
    /// DATABASE-URL=postgres://db/app
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DATABASE_URL=postgres://db/app
    /// ```
    ///
    /// ## Fix
    /// None: renaming a key changes what the application reads.
    ///
    /// ## References
    /// - [POSIX: environment variable names](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/V1_chap08.html)
    pub struct InvalidKey {
        code: "EN002",
        name: "invalid-key",
        severity: Error,
        fix: None,
        summary: "a key has characters that are not letters, digits or `_`",
    }
}

pub(super) fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Rule for InvalidKey {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        for e in cx.env.entries.iter().filter(|e| !valid_key(&e.key)) {
            let why = if e.key.is_empty() {
                "the key is empty".to_string()
            } else if e.key.starts_with(|c: char| c.is_ascii_digit()) {
                format!("`{}` starts with a digit", e.key)
            } else {
                format!(
                    "`{}` has characters other than letters, digits and `_`",
                    e.key
                )
            };
            out.report(
                &Self::META,
                if e.key.is_empty() {
                    e.eq_span
                } else {
                    e.key_span
                },
                why,
            )
            .help("use upper-case letters, digits and `_`");
        }
    }
}
