use super::*;

declare_rule! {
    /// ## What it checks
    /// A `uses:` that follows a branch: `@main`, `@master`, `@develop`,
    /// `@dev`, `@trunk`, `@HEAD`.
    ///
    /// ## Why it matters in production
    /// Every push to that branch of someone else's repository changes what
    /// your pipeline runs, with no review on your side: a broken commit
    /// breaks your deploys, a malicious one reads your secrets.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: some-org/deploy-action@main
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - uses: some-org/deploy-action@0123456789abcdef0123456789abcdef01234567 # v2.1.0
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: using third-party actions](https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions)
    pub struct ActionOnBranch {
        code: "GH002",
        name: "action-on-branch",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "an action or reusable workflow follows a branch",
    }
}

impl Rule for ActionOnBranch {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for uses in all_uses(cx) {
            if let Uses::Remote {
                git_ref: Some(r), ..
            } = parse_uses(&uses.text)
                && BRANCH_REFS.contains(&r)
            {
                out.report(
                    &Self::META,
                    uses.span,
                    format!("`{}` runs whatever is pushed to `{r}` next", uses.text),
                )
                .help("pin a commit SHA");
            }
        }
    }
}
