use super::*;

declare_rule! {
    /// ## What it checks
    /// Keys out of alphabetical order within a group of lines (groups are
    /// separated by blank lines or comments). Off by default.
    ///
    /// ## Why it matters in production
    /// In long files, sorted keys make duplicates and missing settings
    /// visible at a glance, and make diffs between environments readable.
    ///
    /// ## Example
    /// ```shell
    /// REDIS_URL=redis://cache
    /// DATABASE_URL=postgres://db/app
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// DATABASE_URL=postgres://db/app
    /// REDIS_URL=redis://cache
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [dotenv-linter: UnorderedKey](https://dotenv-linter.github.io/#/checks/unordered_key)
    pub struct UnorderedKeys {
        code: "EN010",
        name: "unordered-keys",
        severity: Info,
        enabled: false,
        fix: None,
        summary: "keys are not in alphabetical order",
    }
}

impl Rule for UnorderedKeys {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        let mut previous: Option<&Entry> = None;
        for line in &cx.env.lines {
            match line {
                Line::Entry(i) => {
                    let Some(e) = cx.env.entries.get(*i) else {
                        continue;
                    };
                    if let Some(p) = previous
                        && e.key.to_ascii_uppercase() < p.key.to_ascii_uppercase()
                    {
                        out.report(
                            &Self::META,
                            e.key_span,
                            format!("`{}` should come before `{}`", e.key, p.key),
                        )
                        .related(p.key_span, "comes first here");
                    }
                    previous = Some(e);
                }
                _ => previous = None,
            }
        }
    }
}
