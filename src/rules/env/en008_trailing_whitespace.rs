use super::*;

declare_rule! {
    /// ## What it checks
    /// Blanks at the end of a line.
    ///
    /// ## Why it matters in production
    /// Some loaders keep them in the value: a password or URL with a
    /// trailing space that nobody can see fails to authenticate.
    ///
    /// ## Example
    /// `API_URL=https://api.example.com  ` (two spaces at the end).
    ///
    /// ## Use instead
    /// `API_URL=https://api.example.com`
    ///
    /// ## Fix
    /// Safe: removes the blanks.
    ///
    /// ## References
    /// - [Docker: `--env-file` format](https://docs.docker.com/reference/cli/docker/container/run/#env)
    pub struct TrailingWhitespace {
        code: "EN008",
        name: "trailing-whitespace",
        severity: Info,
        fix: Safe,
        summary: "a line ends with blanks",
    }
}

impl Rule for TrailingWhitespace {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        for span in &cx.env.trailing_whitespace {
            out.report(&Self::META, *span, "this line ends with blanks")
                .fix(
                    Applicability::Safe,
                    "remove the blanks",
                    vec![Edit::replace(*span, "")],
                );
        }
    }
}
