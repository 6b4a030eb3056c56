use super::*;

declare_rule! {
    /// ## What it checks
    /// A job that pushes an image only as `:latest` (or with no tag):
    /// `docker/build-push-action` with `push: true` whose `tags` are all
    /// `latest`, or a script that runs `docker push` of `latest`-only
    /// images.
    ///
    /// ## Why it matters in production
    /// With only `latest` there is no way to say which build runs, to roll
    /// back to the previous one, or to deploy the exact commit that passed
    /// the tests; Kubernetes may not even pull the new image.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: docker/build-push-action@<sha>
    ///   with:
    ///     push: true
    ///     tags: ghcr.io/org/app:latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     tags: |
    ///       ghcr.io/org/app:${{ github.sha }}
    ///       ghcr.io/org/app:latest
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [docker/build-push-action](https://github.com/docker/build-push-action#inputs)
    pub struct ImageTaggedLatestOnly {
        code: "GH015",
        name: "image-tagged-latest-only",
        severity: Warning,
        fix: None,
        summary: "an image is pushed only as `latest`",
    }
}

fn latest_only(tags: &[&str]) -> bool {
    !tags.is_empty()
        && tags.iter().all(|t| {
            let last = t.rsplit('/').next().unwrap_or(t);
            !t.contains("${{") && (last.ends_with(":latest") || !last.contains(':'))
        })
}

impl Rule for ImageTaggedLatestOnly {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        for step in w.jobs.iter().flat_map(|j| &j.steps) {
            if step_uses(step, "docker/build-push-action")
                && step.with.and_then(|x| x.get("push")).is_some_and(truthy)
            {
                let Some(tags) = step.with.and_then(|x| x.get("tags")) else {
                    continue;
                };
                let text = tags.as_str().unwrap_or("");
                let list: Vec<&str> = text
                    .split(['\n', ','])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .collect();
                if latest_only(&list) {
                    out.report(&Self::META, tags.span, "the image is pushed only as `latest`: no build can be told apart or rolled back to")
                        .help("also tag it with `${{ github.sha }}` or the release version");
                }
            }
            let Some(script) = run_script(step) else {
                continue;
            };
            let pushed: Vec<&str> = script
                .commands
                .iter()
                .filter(|c| {
                    c.program() == Some("docker") && c.argv.get(1).is_some_and(|a| a.text == "push")
                })
                .filter_map(|c| c.argv.get(2).map(|w| w.text.as_str()))
                .collect();
            if latest_only(&pushed)
                && let Some(run) = step.run
            {
                out.report(
                    &Self::META,
                    run.span,
                    format!("`docker push {}` publishes only `latest`", pushed[0]),
                )
                .help("push a tag per commit or release as well");
            }
        }
    }
}
