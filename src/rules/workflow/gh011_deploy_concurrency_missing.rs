use super::*;

declare_rule! {
    /// ## What it checks
    /// A deploy job (see GH008) with no `concurrency:` on the job or the
    /// workflow. A job that only pushes an image or publishes a package
    /// (see GH008), in a workflow that runs
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

/// Does a tag text name `latest` (not `ubuntu-latest`, not `latest=false`,
/// not a tag enabled only on the default branch, which a tag or release
/// run is not)?
fn names_latest(text: &str) -> bool {
    text.lines().any(|line| {
        if line.contains("latest=false") || line.contains("is_default_branch") {
            return false;
        }
        line.match_indices("latest").any(|(i, _)| {
            !line[..i].ends_with(['-', '_', '.']) && !line[i + 6..].starts_with(['-', '_'])
        })
    })
}

/// Does the job push a tag that moves (`latest`)? Two release runs then
/// race for it: an older build finishing last takes `latest` back. Read
/// from where tags are said: the steps' `with:` values (`tags:`, a
/// metadata action's rules), the words of its scripts (`docker push
/// app:latest`), and the defaults of the workflow's inputs.
fn moves_latest(w: &Workflow<'_>, job: &Job<'_>) -> bool {
    let in_steps = job.steps.iter().any(|step| {
        let with = step.with.and_then(Node::as_map).unwrap_or(&[]);
        with.iter()
            .any(|e| e.value.as_str().is_some_and(names_latest))
            || run_script(step).is_some_and(|s| {
                s.commands
                    .iter()
                    .flat_map(|c| c.argv.iter())
                    .any(|w| names_latest(&w.text))
            })
    });
    let defaults = w
        .triggers
        .iter()
        .filter_map(|t| {
            t.filters
                .and_then(|f| f.get("inputs"))
                .and_then(Node::as_map)
        })
        .flatten()
        .filter_map(|e| e.value.get("default").and_then(Node::as_str));
    in_steps || defaults.into_iter().any(names_latest)
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
            if let Some(Deploy { why, .. }) = deploy_evidence(job)
                .filter(|d| !(d.publishes_only && release && !moves_latest(w, job)))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn count(text: &str) -> usize {
        check_text(&DeployConcurrencyMissing, text).len()
    }

    #[test]
    fn release_runs_race_only_for_latest() {
        let on_tag = "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push ghcr.io/o/app:${{ github.ref_name }}\n";
        // `ubuntu-latest` is a runner label, not a tag.
        assert_eq!(count(on_tag), 0);
        let latest = on_tag.replace("${{ github.ref_name }}", "latest");
        assert_eq!(count(&latest), 1);
        let metadata = "on:\n  release:\n    types: [published]\njobs:\n  publish:\n    runs-on: x\n    steps:\n      - uses: docker/metadata-action@v5\n        with:\n          tags: |\n            type=semver,pattern={{version}}\n            type=raw,value=latest\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n";
        assert_eq!(count(metadata), 1);
        assert_eq!(
            count(&metadata.replace("value=latest", "value=latest,enable={{is_default_branch}}")),
            0
        );
    }

    #[test]
    fn a_package_release_from_a_production_environment_cannot_race() {
        let text = "on:\n  push:\n    tags: ['v*']\njobs:\n  pypi:\n    runs-on: x\n    environment: production\n    steps:\n      - run: uv publish\n";
        assert_eq!(count(text), 0);
        assert_eq!(
            count(&text.replace("uv publish", "helm upgrade app ./chart")),
            1
        );
    }
}
