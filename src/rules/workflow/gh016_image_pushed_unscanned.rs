use super::*;

declare_rule! {
    /// ## What it checks
    /// A job pushes an image (`docker/build-push-action` with `push: true`,
    /// `docker push`) and no vulnerability scan (Trivy, Grype/Anchore,
    /// Snyk, Docker Scout) runs before the push in that job or in a job it
    /// needs.
    ///
    /// ## Why it matters in production
    /// Known-vulnerable base images and packages reach the registry, and
    /// from there production, without anyone having looked.
    ///
    /// ## Example
    /// ```yaml
    /// - run: docker build -t ghcr.io/org/app:${{ github.sha }} . && docker push ghcr.io/org/app:${{ github.sha }}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - uses: aquasecurity/trivy-action@<sha>
    ///   with:
    ///     image-ref: ghcr.io/org/app:${{ github.sha }}
    ///     exit-code: 1
    /// ```
    /// before the push.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Trivy action](https://github.com/aquasecurity/trivy-action)
    pub struct ImagePushedUnscanned {
        code: "GH016",
        name: "image-pushed-unscanned",
        severity: Info,
        fix: None,
        summary: "an image is pushed with no vulnerability scan before",
    }
}

const SCAN_ACTIONS: &[&str] = &[
    "aquasecurity/trivy-action",
    "anchore/scan-action",
    "snyk/actions",
    "docker/scout-action",
    "crazy-max/ghaction-container-scan",
];
const SCAN_PROGRAMS: &[&str] = &["trivy", "grype", "snyk", "docker-scout"];

fn scans(step: &Step<'_>) -> bool {
    let by_action = step.uses.as_ref().is_some_and(|u| {
        let path = u.text.split('@').next().unwrap_or("").to_ascii_lowercase();
        SCAN_ACTIONS.iter().any(|a| path.starts_with(a))
    });
    by_action
        || run_script(step).is_some_and(|s| {
            s.commands.iter().any(|c| {
                c.program().is_some_and(|p| SCAN_PROGRAMS.contains(&p))
                    || (c.program() == Some("docker")
                        && c.argv.get(1).is_some_and(|a| a.text == "scout"))
            })
        })
}

fn pushes(step: &Step<'_>) -> bool {
    (step_uses(step, "docker/build-push-action")
        && step.with.and_then(|w| w.get("push")).is_some_and(truthy))
        || run_script(step).is_some_and(|s| {
            s.commands.iter().any(|c| {
                c.program() == Some("docker")
                    && (c.argv.get(1).is_some_and(|a| a.text == "push")
                        || (c.has_arg("buildx") && c.has_arg("--push")))
            })
        })
}

impl Rule for ImagePushedUnscanned {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        // One pass over the `needs` graph answers every job.
        let scanned_before = w
            .needs_graph()
            .any_ancestor(&w.jobs, |a| a.steps.iter().any(scans));
        for (job, scanned_before) in w.jobs.iter().zip(scanned_before) {
            let mut scanned = scanned_before;
            for step in &job.steps {
                if scans(step) {
                    scanned = true;
                }
                if pushes(step) && !scanned {
                    let span = step
                        .uses
                        .as_ref()
                        .map(|u| u.span)
                        .or(step.run.map(|r| r.span))
                        .unwrap_or(job.id.span);
                    out.report(
                        &Self::META,
                        span,
                        "this pushes an image that no vulnerability scan has looked at",
                    )
                    .help("scan the image (Trivy, Grype, Docker Scout) before pushing it");
                    break;
                }
            }
        }
    }
}
