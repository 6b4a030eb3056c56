use super::*;
use crate::parse::expr;

declare_rule! {
    /// ## What it checks
    /// A workflow triggered by `pull_request_target` or `workflow_run` that
    /// checks out the pull request's code: `actions/checkout` with a `ref:`
    /// reading `github.event.pull_request.head.sha|ref`, `github.head_ref`,
    /// `github.event.workflow_run.head_sha|head_branch`, or a
    /// `refs/pull/…/merge` ref; or a `git checkout`/`gh pr checkout` of
    /// those in a script.
    ///
    /// ## Why it matters in production
    /// These triggers run with the base repository's secrets and a
    /// write token, even for pull requests from forks. Checking out the
    /// fork's code and then building or testing it runs the attacker's code
    /// with those secrets ("pwn request").
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// jobs:
    ///   test:
    ///     steps:
    ///       - uses: actions/checkout@<sha>
    ///         with:
    ///           ref: ${{ github.event.pull_request.head.sha }}
    ///       - run: npm install && npm test
    /// ```
    ///
    /// ## Use instead
    /// Run untrusted code on `pull_request` (no secrets), and do the
    /// privileged part in a separate `workflow_run` workflow that never
    /// executes the pull request's code.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub Security Lab: preventing pwn requests](https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/)
    pub struct UntrustedCheckout {
        code: "GH006",
        name: "untrusted-checkout",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        fix: None,
        summary: "a privileged trigger checks out the pull request's code",
    }
}

const HEAD_CONTEXTS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
];

fn reads_head(text: &str, span: crate::source::Span, source: &str) -> bool {
    expr::find(source, span).iter().any(|e| {
        e.contexts
            .iter()
            .any(|c| HEAD_CONTEXTS.contains(&c.as_str()))
    }) || (text.contains("refs/pull/") && text.contains("merge"))
}

impl Rule for UntrustedCheckout {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        let Some(trigger) = w
            .triggers
            .iter()
            .find(|t| t.event.text == "pull_request_target" || t.event.text == "workflow_run")
        else {
            return;
        };
        for step in w.jobs.iter().flat_map(|j| &j.steps) {
            let target = if step_uses(step, "actions/checkout") {
                step.with.and_then(|w| w.get("ref"))
            } else {
                let fetches = step.script.as_ref().is_some_and(|s| {
                    s.commands.iter().any(|c| {
                        let sub = c.subcommand().map(|w| w.text.as_str());
                        match c.program() {
                            Some("git") => {
                                matches!(sub, Some("checkout" | "fetch" | "switch" | "pull"))
                            }
                            Some("gh") => sub == Some("pr") && c.has_arg("checkout"),
                            _ => false,
                        }
                    })
                });
                step.run.filter(|_| fetches)
            };
            let Some(node) = target else { continue };
            if reads_head(cx.file.slice(node.span), node.span, &cx.file.text) {
                out.report(
                    &Self::META,
                    node.span,
                    format!(
                        "`{}` runs with secrets and checks out the pull request's code here",
                        trigger.event.text
                    ),
                )
                .related(trigger.event.span, "privileged trigger")
                .help("never build or run the pull request's code under this trigger");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::workflow::check_text;

    #[test]
    fn scripts_that_fetch_the_head_are_reported() {
        let text = "on: pull_request_target\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: |\n          git fetch origin ${{ github.event.pull_request.head.ref }}\n          make test\n      - run: echo ${{ github.head_ref }}\n";
        let found = check_text(&UntrustedCheckout, text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            &text[found[0].span.start..found[0].span.start + 8],
            "git fetc"
        );
    }
}
