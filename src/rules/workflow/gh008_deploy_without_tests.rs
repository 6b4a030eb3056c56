use super::*;

declare_rule! {
    /// ## What it checks
    /// A deploy job — it pushes an image, runs `kubectl apply`/`set
    /// image`, `helm upgrade`, a cloud deploy CLI or a deploy action, or
    /// targets an environment named like production — that does not need,
    /// directly or through other jobs, a job that runs the tests (pytest,
    /// tox, nox, `make test`, …) while the workflow has one. A deploying
    /// workflow with no test job at all is reported too, unless it runs on
    /// `workflow_run` of another workflow with a success condition.
    ///
    /// ## Why it matters in production
    /// Jobs run in parallel unless `needs:` orders them: the deploy ships
    /// whatever was pushed while the tests are still running, or after
    /// they failed.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   test: {runs-on: ubuntu-24.04, steps: [{run: pytest}]}
    ///   deploy:
    ///     runs-on: ubuntu-24.04
    ///     steps: [{run: kubectl apply -f k8s/}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///   deploy:
    ///     needs: test
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: `jobs.<job_id>.needs`](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idneeds)
    pub struct DeployWithoutTests {
        code: "GH008",
        name: "deploy-without-tests",
        severity: Error,
        fix: None,
        summary: "a deploy job does not wait for the tests",
    }
}

/// `on: workflow_run` with a success condition: the tests ran elsewhere.
fn gated_by_workflow_run(w: &Workflow<'_>, job: &Job<'_>, text: &str) -> bool {
    if !w.has_trigger("workflow_run") {
        return false;
    }
    let cond = |n: Option<&Node>| {
        n.is_some_and(|n| {
            text.get(n.span.start..n.span.end)
                .is_some_and(|t| t.contains("success"))
        })
    };
    cond(job.if_) || w.ancestors(&job.id.text).iter().any(|j| cond(j.if_))
}

impl WorkflowRule for DeployWithoutTests {
    impl_meta!();

    fn check(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        let test_jobs: Vec<&str> = w
            .jobs
            .iter()
            .filter(|j| runs_tests(j))
            .map(|j| j.id.text.as_str())
            .collect();
        for job in &w.jobs {
            let Some((_, why)) = deploy_evidence(job) else {
                continue;
            };
            if runs_tests(job) || gated_by_workflow_run(w, job, &cx.file.text) {
                continue;
            }
            if test_jobs.is_empty() {
                out.report(&Self::META, job.id.span, format!("job `{}` deploys ({why}) and this workflow runs no tests", job.id.text))
                    .help("add a test job and `needs:` it, or trigger the deploy on `workflow_run` of the CI workflow when it succeeds");
                continue;
            }
            let ancestors = w.ancestors(&job.id.text);
            if !ancestors
                .iter()
                .any(|a| test_jobs.contains(&a.id.text.as_str()))
            {
                out.report(
                    &Self::META,
                    job.id.span,
                    format!(
                        "job `{}` deploys ({why}) without waiting for `{}`",
                        job.id.text, test_jobs[0]
                    ),
                )
                .help(format!("add `needs: {}`", test_jobs[0]));
            }
        }
    }
}
