use super::*;

declare_rule! {
    /// ## What it checks
    /// A job without `timeout-minutes` (reusable-workflow calls, which
    /// cannot set one, are skipped).
    ///
    /// ## Why it matters in production
    /// The default is 360 minutes. A hung test or a deploy waiting on a
    /// rollout that never completes holds a runner — and the deploy
    /// concurrency group — for six hours, blocking the hotfix behind it.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-24.04
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-24.04
    ///     timeout-minutes: 15
    /// ```
    ///
    /// ## Fix
    /// None: the right limit depends on the job.
    ///
    /// ## References
    /// - [GitHub: `jobs.<job_id>.timeout-minutes`](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idtimeout-minutes)
    pub struct JobTimeoutMissing {
        code: "GH010",
        name: "job-timeout-missing",
        severity: Info,
        fix: None,
        summary: "a job has no `timeout-minutes` (the default is 6 hours)",
    }
}

impl Rule for JobTimeoutMissing {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        for job in w
            .jobs
            .iter()
            .filter(|j| j.timeout_minutes.is_none() && j.uses.is_none())
        {
            out.report(
                &Self::META,
                job.id.span,
                format!(
                    "job `{}` may run for 6 hours before GitHub stops it",
                    job.id.text
                ),
            )
            .help("set `timeout-minutes` a little above the job's usual duration");
        }
    }
}
