use super::*;

declare_rule! {
    /// ## What it checks
    /// The same key set twice in one env file. The later one is reported,
    /// pointing at the first.
    ///
    /// ## Why it matters in production
    /// Loaders disagree on which one wins (python-dotenv and compose take
    /// the last, some shells' `source` the last, others error), and a
    /// reviewer reading the first value believes it is in effect.
    ///
    /// ## Example
    /// ```shell
    /// DEBUG=false
    /// DEBUG=true
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DEBUG=false
    /// ```
    ///
    /// ## Fix
    /// Unsafe: deletes the earlier line, keeping the value that loaders use
    /// today. Unsafe because the earlier value may have been the intended one.
    ///
    /// ## References
    /// - [python-dotenv: file format](https://saurabh-kumar.com/python-dotenv/#file-format)
    pub struct DuplicateKey {
        code: "EN001",
        name: "duplicate-key",
        severity: Warning,
        fix: Unsafe,
        summary: "a key is set twice; the later value wins silently",
    }
}

impl Rule for DuplicateKey {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        let mut first: FastMap<&str, &Entry> = FastMap::default();
        for e in &cx.env.entries {
            let Some(earlier) = first.insert(e.key.as_str(), e) else {
                continue;
            };
            out.report(
                &Self::META,
                e.key_span,
                format!("`{}` is already set on line {}", e.key, earlier.line + 1),
            )
            .related(earlier.key_span, "first set here")
            .help("keep one of the two")
            .fix(
                Applicability::Unsafe,
                "delete the earlier line",
                vec![Edit::replace(whole_lines(cx, earlier.line_span), "")],
            );
        }
    }
}
