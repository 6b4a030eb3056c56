use super::*;
use crate::rules::project_pass::{ProjectContext, ProjectFindings};

declare_rule! {
    /// ## What it checks
    /// A workflow with no top-level `permissions:` and a job without its
    /// own: that job's `GITHUB_TOKEN` gets the repository's default
    /// permissions, which are read-write on many repositories.
    ///
    /// A reusable workflow that nothing but a caller can start (its only
    /// trigger is `workflow_call`) runs with the calling job's token,
    /// never more: its jobs are reported only when a caller in the
    /// repository sets no permissions (on the calling job or its
    /// workflow; the caller's line is a related location), or when no
    /// caller is in the repository. When every caller sets them, the
    /// called jobs get what the callers chose, and nothing is reported.
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

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let calls = cx.project.local_calls();
        for job in cx.project.called_jobs() {
            let key = cx.project.key(&job.at.file);
            let mut callers = calls.iter().filter(|c| c.callee.contains(&key)).peekable();
            let open = if callers.peek().is_none() {
                None
            } else {
                match callers.find(|c| !c.grants) {
                    Some(c) => Some(c),
                    // Every caller chose the token's permissions.
                    None => continue,
                }
            };
            let b = out
                .report(&Self::META, &job.at, format!("job `{}` runs with the repository's default token permissions", job.id))
                .help("add `permissions: {contents: read}` at the top of the workflow (or on the calling job) and widen it per job");
            if let Some(c) = open {
                cx.related(b, &c.at, "called here by a job with no permissions");
            }
        }
    }

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        if w.permissions.is_some() {
            return;
        }
        // A called workflow runs with its caller's token: judged with the
        // callers, in the project hook.
        if crate::project::facts::calls::only_called(w) {
            return;
        }
        for job in w.jobs.iter().filter(|j| j.permissions.is_none()) {
            out.report(&Self::META, job.id.span, format!("job `{}` runs with the repository's default token permissions", job.id.text))
                .help("add `permissions: {contents: read}` at the top of the workflow and widen it per job");
        }
    }
}
