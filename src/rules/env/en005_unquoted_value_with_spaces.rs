use super::*;
use crate::paths::FastPath;

declare_rule! {
    /// ## What it checks
    /// An unquoted value that contains blanks: `NAME=My App`.
    ///
    /// A file a compose service of the project loads by `env_file:` is
    /// not checked unless it is named `.env` (the name shell scripts
    /// source by convention): compose keeps an unquoted value whole,
    /// blanks included, and Compose v1 kept quotes as part of the value,
    /// so quoting could change what the service gets.
    ///
    /// ## Why it matters in production
    /// `source .env` runs `App` as a command with `NAME=My` in its
    /// environment; other loaders keep the whole value. The same file
    /// means different things to the shell script and to the app.
    ///
    /// ## Example
    /// ```shell
    /// APP_NAME=My App
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// APP_NAME="My App"
    /// ```
    ///
    /// ## Fix
    /// Safe: puts the value in double quotes (single quotes when it holds
    /// `"`, `\` or `$`, which double quotes would interpret).
    ///
    /// ## References
    /// - [python-dotenv: file format](https://saurabh-kumar.com/python-dotenv/#file-format)
    pub struct UnquotedValueWithSpaces {
        code: "EN005",
        name: "unquoted-value-with-spaces",
        severity: Warning,
        fix: Safe,
        summary: "an unquoted value contains blanks",
    }
}

impl Rule for UnquotedValueWithSpaces {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        // Compose reads it (and keeps the value whole); no script is
        // known to source a file of another name.
        if cx.compose_loaded && cx.file.path.fast_file_name().is_none_or(|n| n != ".env") {
            return;
        }
        for e in &cx.env.entries {
            if e.quote != Quote::None || !e.value.contains([' ', '\t']) {
                continue;
            }
            let raw = cx.file.slice(e.value_span);
            let quoted = if raw.contains(['"', '\\', '$']) {
                if raw.contains('\'') {
                    None
                } else {
                    Some(format!("'{raw}'"))
                }
            } else {
                Some(format!("\"{raw}\""))
            };
            let b = out
                .report(
                    &Self::META,
                    e.value_span,
                    format!("the value of `{}` has blanks and no quotes", e.key),
                )
                .help("quote the value");
            if let Some(q) = quoted {
                b.fix(
                    Applicability::Safe,
                    "quote the value",
                    vec![Edit::replace(e.value_span, q)],
                );
            }
        }
    }
}
