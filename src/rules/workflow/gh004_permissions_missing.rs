use super::*;

declare_rule! {
    /// ## What it checks
    /// A workflow with no top-level `permissions:` and a job without its
    /// own: that job's `GITHUB_TOKEN` gets the repository's default
    /// permissions, which are read-write on many repositories.
    ///
    /// ## Why it matters in production
    /// Any step of the job — a compromised action, an injected command —
    /// can then push commits, create releases or tamper with packages with
    /// the token. Declaring permissions keeps each job to what it needs and
    /// documents it.
    ///
    /// ## Example
    /// ```yaml
    /// on: push
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-24.04
    ///     steps: [{run: pytest}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs: ...
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: permissions for the GITHUB_TOKEN](https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token)
    pub struct PermissionsMissing {
        code: "GH004",
        name: "permissions-missing",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: None,
        summary: "a job runs with the default token permissions",
    }
}

impl Rule for PermissionsMissing {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        if w.permissions.is_some() {
            return;
        }
        for job in w.jobs.iter().filter(|j| j.permissions.is_none()) {
            out.report(&Self::META, job.id.span, format!("job `{}` runs with the repository's default token permissions", job.id.text))
                .help("add `permissions: {contents: read}` at the top of the workflow and widen it per job");
        }
    }
}
