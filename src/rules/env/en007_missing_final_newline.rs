use super::*;

declare_rule! {
    /// ## What it checks
    /// The file does not end with a line break.
    ///
    /// ## Why it matters in production
    /// Appending to the file (`echo KEY=v >> .env` in a deploy script)
    /// glues the new line onto the last one: `LAST=1KEY=v`.
    ///
    /// ## Example
    /// A file whose last line is `DEBUG=false` with no line break after it.
    ///
    /// ## Use instead
    /// End the file with a line break.
    ///
    /// ## Fix
    /// Safe: adds the line break.
    ///
    /// ## References
    /// - [POSIX: definition of a line](https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/V1_chap03.html#tag_03_185)
    pub struct MissingFinalNewline {
        code: "EN007",
        name: "missing-final-newline",
        severity: Info,
        fix: Safe,
        summary: "the file does not end with a line break",
    }
}

impl Rule for MissingFinalNewline {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        if cx.env.missing_final_newline {
            let end = cx.file.text.len();
            out.report(
                &Self::META,
                crate::source::Span::empty(end),
                "the file does not end with a line break",
            )
            .fix(
                Applicability::Safe,
                "add a line break",
                vec![Edit::insert(end, "\n")],
            );
        }
    }
}
