use super::*;
use crate::parse::expr;

declare_rule! {
    /// ## What it checks
    /// An `if:` whose value has text around a `${{ … }}`: `if: ${{ a }} &&
    /// b`, or a block scalar (`if: |`) that ends in a newline. GitHub then
    /// evaluates a non-empty string, which is always true.
    ///
    /// ## Why it matters in production
    /// The guard never stops anything: the deploy that should run only on
    /// `main` runs on every branch, the step that should be skipped on
    /// forks runs with secrets.
    ///
    /// ## Example
    /// ```yaml
    /// if: ${{ github.ref == 'refs/heads/main' }} && success()
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// if: github.ref == 'refs/heads/main' && success()
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: expressions in `if` conditionals](https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/evaluate-expressions-in-workflows-and-actions#example-expression-in-an-if-conditional)
    pub struct UnsoundCondition {
        code: "GH021",
        name: "unsound-condition",
        severity: Error,
        fix: None,
        summary: "an `if:` is always true because text surrounds `${{ }}`",
    }
}

impl Rule for UnsoundCondition {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let mut conditions: Vec<&Node> = cx.steps().iter().filter_map(|s| s.if_).collect();
        if let Some(w) = cx.workflow {
            conditions.extend(w.jobs.iter().filter_map(|j| j.if_));
        }
        for cond in conditions {
            let Some(text) = cond.as_str() else { continue };
            let found = expr::find(text, crate::source::Span::new(0, text.len()));
            let Some(first) = found.first() else { continue };
            let whole = found.len() == 1 && first.span.start == 0 && first.span.end == text.len();
            if !whole {
                out.report(&Self::META, cond.span, "text around `${{ }}` makes this condition a non-empty string, which is always true")
                    .help("write the condition without `${{ }}`, or put all of it inside one `${{ }}`");
            }
        }
    }
}
