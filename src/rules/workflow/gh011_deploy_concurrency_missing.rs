use super::*;

declare_rule! {
    /// ## What it checks
    /// A deploy job (see GH008) with no `concurrency:` on the job or the
    /// workflow. A job that only pushes an image, in a workflow that runs
    /// only on a published release, a tag push, a manual dispatch or a
    /// call from another workflow, is not reported unless it moves a
    /// `latest` tag: each run publishes its own version, and only a tag
    /// that moves can be taken back by an older run finishing last.
    ///
    /// ## Why it matters in production
    /// Two pushes in quick succession start two deploys that race: the
    /// older commit can finish last and roll production back, or two
    /// database migrations run at once.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-24.04
    ///     steps: [{run: kubectl apply -f k8s/}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///   deploy:
    ///     concurrency:
    ///       group: deploy-production
    ///       cancel-in-progress: false
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: control the concurrency of workflows and jobs](https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs)
    pub struct DeployConcurrencyMissing {
        code: "GH011",
        name: "deploy-concurrency-missing",
        severity: Warning,
        fix: None,
        summary: "a deploy job has no `concurrency` group",
    }
}

/// Does the workflow push a tag that moves (`latest`, as a tag value or an
/// input's default)? Two release runs then race for it: an older build
/// finishing last takes `latest` back. Runner labels (`ubuntu-latest`),
/// `latest=false` and tags enabled only on the default branch (never on a
/// tag or release run) do not count.
fn moves_latest(cx: &WorkflowContext<'_>) -> bool {
    cx.file.text.lines().any(|line| {
        if line.contains("latest=false") || line.contains("is_default_branch") {
            return false;
        }
        line.match_indices("latest").any(|(i, _)| {
            !line[..i].ends_with(['-', '_', '.']) && !line[i + 6..].starts_with(['-', '_'])
        })
    })
}

impl Rule for DeployConcurrencyMissing {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        if w.concurrency.is_some() {
            return;
        }
        // Publishing on a tag or release pushes a version of its own: two runs
        // publish two versions, nothing to race for.
        let release = release_triggered(w);
        for job in w.jobs.iter().filter(|j| j.concurrency.is_none()) {
            if let Some(Deploy { why, .. }) =
                deploy_evidence(job).filter(|d| !(d.publishes_only && release && !moves_latest(cx)))
            {
                out.report(
                    &Self::META,
                    job.id.span,
                    format!(
                        "job `{}` deploys ({why}) with no `concurrency`: two runs can race",
                        job.id.text
                    ),
                )
                .help(
                    "add `concurrency: {group: deploy-<environment>, cancel-in-progress: false}`",
                );
            }
        }
    }
}
