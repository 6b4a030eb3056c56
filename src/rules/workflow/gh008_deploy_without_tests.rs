use super::*;
use crate::hashing::FastSet;

declare_rule! {
    /// ## What it checks
    /// A deploy job — it pushes an image, runs `kubectl apply`/`set
    /// image`, `helm upgrade`, a cloud deploy CLI or a deploy action, or
    /// targets an environment named like production — that does not need,
    /// directly or through other jobs, a job that runs the tests (pytest,
    /// tox, nox, `make test`, …) while the workflow has one. A deploying
    /// workflow with no test job at all is reported too, unless it runs on
    /// `workflow_run` of another workflow with a success condition, or it
    /// only publishes an image and runs only on a published release, a tag
    /// push, a manual dispatch or a call from another workflow (the release was tested before
    /// its tag; the caller orders the call after its own tests). A job in
    /// an environment named like production that publishes a package
    /// (`pypa/gh-action-pypi-publish`, `twine upload`, `uv publish`, `npm
    /// publish`, `cargo publish`, `gem push`; PyPI's trusted publishing
    /// asks for an environment) and runs nothing that deploys (a deploy
    /// CLI, `curl` to a deploy hook, a script of the repository such as
    /// `./deploy.sh`) publishes, it does not deploy: a released version is
    /// immutable and runs nowhere until someone installs it. A job that
    /// only reports status over SSH (`docker ps`, `systemctl status`)
    /// deploys nothing.
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

/// A success condition (`if: github.event.workflow_run.conclusion == 'success'`).
fn success_condition(n: Option<&Node>, text: &str) -> bool {
    n.is_some_and(|n| {
        text.get(n.span.start..n.span.end)
            .is_some_and(|t| t.contains("success"))
    })
}

impl Rule for DeployWithoutTests {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        let test_jobs: Vec<&str> = w
            .jobs
            .iter()
            .filter(|j| runs_tests(j))
            .map(|j| j.id.text.as_str())
            .collect();
        // What each job's ancestors do, found in one pass over the `needs`
        // graph rather than one walk per job.
        let graph = w.needs_graph();
        let tests_before = {
            let test_ids: FastSet<&str> = test_jobs.iter().copied().collect();
            graph.any_ancestor(&w.jobs, |a| test_ids.contains(a.id.text.as_str()))
        };
        // `on: workflow_run` with a success condition: the tests ran elsewhere.
        let workflow_run = w.has_trigger("workflow_run");
        let gated_before = if workflow_run {
            graph.any_ancestor(&w.jobs, |a| success_condition(a.if_, &cx.file.text))
        } else {
            Vec::new()
        };
        let release = release_triggered(w);
        for (i, job) in w.jobs.iter().enumerate() {
            let Some(Deploy {
                span,
                why,
                publishes_only,
            }) = deploy_evidence(job)
            else {
                continue;
            };
            let gated_by_workflow_run = workflow_run
                && (success_condition(job.if_, &cx.file.text)
                    || gated_before.get(i).copied().unwrap_or(false));
            if runs_tests(job) || gated_by_workflow_run {
                continue;
            }
            // A release published on a tag (or by a caller) was tested before
            // the tag; the workflow only ships the artefact.
            if publishes_only && release && test_jobs.is_empty() {
                continue;
            }
            if test_jobs.is_empty() {
                out.report(&Self::META, job.id.span, format!("job `{}` deploys ({why}) and this workflow runs no tests", job.id.text))
                    .related(span, "deploys here")
                    .help("add a test job and `needs:` it, or trigger the deploy on `workflow_run` of the CI workflow when it succeeds");
                continue;
            }
            if !tests_before.get(i).copied().unwrap_or(false) {
                out.report(
                    &Self::META,
                    job.id.span,
                    format!(
                        "job `{}` deploys ({why}) without waiting for `{}`",
                        job.id.text, test_jobs[0]
                    ),
                )
                .related(span, "deploys here")
                .help(format!("add `needs: {}`", test_jobs[0]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(usize, String)> {
        let file = crate::source::SourceFile::new(std::path::Path::new("t.yml"), text.to_string());
        check_text(&DeployWithoutTests, text)
            .iter()
            .map(|f| (file.lines.line_of(f.span.start) + 1, f.code().to_string()))
            .collect()
    }

    const PUSH_IMAGE: &str = "jobs:\n  publish:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: docker push ghcr.io/o/app:${{ github.ref_name }}\n";

    #[test]
    fn publishing_on_a_release_or_tag_needs_no_tests_here() {
        for on in [
            "on:\n  release:\n    types: [published]\n",
            "on:\n  push:\n    tags: ['v*']\n",
            "on:\n  workflow_call:\n  workflow_dispatch:\n",
        ] {
            assert!(codes(&format!("{on}{PUSH_IMAGE}")).is_empty(), "{on}");
        }
    }

    #[test]
    fn publishing_on_a_branch_push_still_needs_tests() {
        let text = format!("on:\n  push:\n    branches: [main]\n{PUSH_IMAGE}");
        assert_eq!(codes(&text), vec![(5, "GH008".to_string())]);
        // A tag filter beside a branch filter still runs for the branch.
        let text = format!("on:\n  push:\n    branches: [main]\n    tags: ['v*']\n{PUSH_IMAGE}");
        assert_eq!(codes(&text), vec![(6, "GH008".to_string())]);
    }

    #[test]
    fn a_real_deploy_on_a_tag_still_needs_tests() {
        let text = "on:\n  push:\n    tags: ['v*']\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: kubectl apply -f k8s/\n";
        assert_eq!(codes(text), vec![(5, "GH008".to_string())]);
    }

    #[test]
    fn an_ssh_step_that_only_reports_status_deploys_nothing() {
        let status = "on: push\njobs:\n  status:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: appleboy/ssh-action@v1\n        with:\n          script: |\n            docker ps\n            systemctl status app\n            df -h\n";
        assert!(codes(status).is_empty());
        let deploy = status.replace("df -h", "docker compose up -d");
        assert_eq!(codes(&deploy), vec![(3, "GH008".to_string())]);
    }

    #[test]
    fn a_package_published_from_a_production_environment_is_a_release() {
        let job = "jobs:\n  pypi:\n    runs-on: ubuntu-24.04\n    environment: prod\n    permissions:\n      id-token: write\n    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n";
        let release = format!("on:\n  release:\n    types: [published]\n{job}");
        assert!(codes(&release).is_empty());
        let twine = release.replace(
            "uses: pypa/gh-action-pypi-publish@release/v1",
            "run: twine upload dist/*",
        );
        assert!(codes(&twine).is_empty());
        // The same environment around a real deploy is a deploy.
        let deploy = release.replace(
            "uses: pypa/gh-action-pypi-publish@release/v1",
            "run: kubectl apply -f k8s/",
        );
        assert_eq!(codes(&deploy), vec![(5, "GH008".to_string())]);
        // A deploy script beside the upload keeps the environment a deploy.
        let both = format!("{twine}      - run: ./deploy.sh\n");
        assert_eq!(codes(&both), vec![(5, "GH008".to_string())]);
    }
}
