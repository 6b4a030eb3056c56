use super::*;

declare_rule! {
    /// ## What it checks
    /// `permissions: write-all` on a workflow or a job, and write scopes
    /// granted at workflow level in a workflow with several jobs, where
    /// every job gets them though typically one needs them.
    ///
    /// ## Why it matters in production
    /// Every step of every job can use the token: a test job with
    /// `contents: write` can push to your default branch if one of its
    /// dependencies is compromised. Write access belongs on the one job
    /// that publishes or deploys.
    ///
    /// ## Example
    /// ```yaml
    /// permissions: write-all
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   release:
    ///     permissions:
    ///       contents: write
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: `permissions`](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions)
    pub struct PermissionsTooBroad {
        code: "GH005",
        name: "permissions-too-broad",
        severity: Error,
        tags: ["security"],
        security_severity: "7.0",
        fix: None,
        summary: "`write-all`, or write scopes granted to every job",
    }
}

impl Rule for PermissionsTooBroad {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        let all = w
            .permissions
            .iter()
            .chain(w.jobs.iter().filter_map(|j| j.permissions.as_ref()));
        for p in all {
            if let Permissions::All(s) = p
                && s.text == "write-all"
            {
                out.report(
                    &Self::META,
                    s.span,
                    "`write-all` gives every step write access to everything the token can touch",
                )
                .help("list the scopes the job needs, each `read` unless it must write");
            }
        }
        // Jobs that set their own permissions do not inherit the workflow's.
        let inheriting = w.jobs.iter().filter(|j| j.permissions.is_none()).count();
        if inheriting < 2 {
            return;
        }
        for scope in w.permissions.iter().flat_map(|p| p.write_scopes()) {
            out.report(
                &Self::META,
                scope.span,
                format!(
                    "`{}: write` at workflow level applies to {inheriting} jobs",
                    scope.text
                ),
            )
            .help("grant write scopes on the job that needs them");
        }
    }
}
