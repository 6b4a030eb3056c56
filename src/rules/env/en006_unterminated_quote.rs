use super::*;

declare_rule! {
    /// ## What it checks
    /// A quoted value whose closing quote never comes.
    ///
    /// ## Why it matters in production
    /// The loader swallows every following line into this value (or fails):
    /// the variables below it silently disappear.
    ///
    /// ## Example
    /// ```shell
    /// GREETING="hello
    /// DEBUG=false
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// GREETING="hello"
    /// DEBUG=false
    /// ```
    ///
    /// ## Fix
    /// None: only you know where the value ends.
    ///
    /// ## References
    /// - [python-dotenv: multiline values](https://saurabh-kumar.com/python-dotenv/#multiline-values)
    pub struct UnterminatedQuote {
        code: "EN006",
        name: "unterminated-quote",
        severity: Error,
        fix: None,
        summary: "a quoted value is never closed",
    }
}

impl Rule for UnterminatedQuote {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        for e in cx.env.entries.iter().filter(|e| e.unterminated) {
            let open = crate::source::Span::new(e.value_span.start, e.value_span.start + 1);
            out.report(
                &Self::META,
                open,
                format!("the quote opened here for `{}` is never closed", e.key),
            )
            .help("close the quote; every line after it is read as part of this value");
        }
    }
}
