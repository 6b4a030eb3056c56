use super::*;

declare_rule! {
    /// ## What it checks
    /// A line that is neither blank, a `#` comment, nor `KEY=value`.
    ///
    /// ## Why it matters in production
    /// Loaders skip it, fail on it, or — with `source` — run it as a
    /// command. A setting someone meant to add is not there.
    ///
    /// ## Example
    /// ```shell
    /// DEBUG false
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DEBUG=false
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [python-dotenv: file format](https://saurabh-kumar.com/python-dotenv/#file-format)
    pub struct LineWithoutAssignment {
        code: "EN009",
        name: "line-without-assignment",
        severity: Error,
        fix: None,
        summary: "a line is not `KEY=value`, a comment or blank",
    }
}

impl Rule for LineWithoutAssignment {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        for line in &cx.env.lines {
            if let Line::Invalid(span) = line {
                out.report(&Self::META, *span, "this line sets nothing: it has no `=`")
                    .help("write `KEY=value`, or comment the line out with `#`");
            }
        }
    }
}
