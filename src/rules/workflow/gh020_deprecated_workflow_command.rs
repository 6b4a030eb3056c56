use super::*;

declare_rule! {
    /// ## What it checks
    /// The deprecated workflow commands `::set-output`, `::save-state`,
    /// `::set-env` and `::add-path` in a `run:` script.
    ///
    /// ## Why it matters in production
    /// `set-env` and `add-path` are disabled and fail the step;
    /// `set-output` and `save-state` print warnings today and are scheduled
    /// for removal, at which point the outputs silently stop being set and
    /// the jobs that read them deploy the wrong thing.
    ///
    /// ## Example
    /// ```yaml
    /// - run: echo "::set-output name=tag::$TAG"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - run: echo "tag=$TAG" >> "$GITHUB_OUTPUT"
    /// ```
    ///
    /// ## Fix
    /// None yet: rewrite to `$GITHUB_OUTPUT`, `$GITHUB_STATE`, `$GITHUB_ENV`
    /// or `$GITHUB_PATH` by hand.
    ///
    /// ## References
    /// - [GitHub: deprecating save-state and set-output](https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/)
    pub struct DeprecatedWorkflowCommand {
        code: "GH020",
        name: "deprecated-workflow-command",
        severity: Warning,
        fix: None,
        summary: "a script uses a deprecated workflow command",
    }
}

const COMMANDS: &[(&str, &str)] = &[
    ("::set-output", "$GITHUB_OUTPUT"),
    ("::save-state", "$GITHUB_STATE"),
    ("::set-env", "$GITHUB_ENV"),
    ("::add-path", "$GITHUB_PATH"),
];

impl WorkflowRule for DeprecatedWorkflowCommand {
    impl_meta!();

    fn check(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for step in cx.steps() {
            let Some(run) = step.run else { continue };
            // The raw source keeps offsets exact inside block scalars.
            let raw = cx.file.slice(run.span);
            for (cmd, file) in COMMANDS {
                let mut from = 0;
                while let Some(i) = raw[from..].find(cmd) {
                    let start = run.span.start + from + i;
                    let span = crate::source::Span::new(start, start + cmd.len());
                    out.report(
                        &Self::META,
                        span,
                        format!("`{cmd}` is deprecated: write to `{file}` instead"),
                    )
                    .help(format!("echo \"name=value\" >> \"{file}\""));
                    from += i + cmd.len();
                }
            }
        }
    }
}
