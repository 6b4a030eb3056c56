use super::ci_images::{Role, unpinned_images};
use super::*;

declare_rule! {
    /// ## What it checks
    /// A `services:` image, or the `container:` of a job that runs tests,
    /// in a job that ships nothing (no deploy, image push or package
    /// upload, in a workflow that does not run only for releases), on a
    /// tag without a digest (`postgres:16`, `redis:7.4-alpine`). Off by
    /// default, like DF003 for a `FROM`: enable it with `extend-select =
    /// ["GH026"]` when a bot keeps your digests current. Untagged and
    /// `latest` images, `docker://` steps, and the containers of jobs that
    /// run no tests or ship something are GH003's.
    ///
    /// Before GH026, GH003 reported these images as info: a `# prodlint:
    /// ignore[GH003]` written for one is now unused (PL002) and can go,
    /// and `select = ["GH003"]` no longer covers them (add `GH026`).
    ///
    /// ## Why it matters in production
    /// A tag can be republished: the tests of one day run against a
    /// different database build than those of the day before, and a
    /// failure that comes and goes with the image is hard to trace. A
    /// digest makes the test environment reproducible.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     image: postgres:16.4@sha256:<digest>
    /// ```
    ///
    /// ## Fix
    /// None: resolving a digest needs the registry.
    ///
    /// ## Differences from zizmor
    /// zizmor's `unpinned-images` reports version-tagged services and job
    /// containers only with `--persona pedantic`; prodlint keeps this rule
    /// off by default to the same end.
    ///
    /// ## References
    /// - [GitHub: `jobs.<job_id>.services`](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idservices)
    pub struct TestImageNotDigestPinned {
        code: "GH026",
        name: "test-image-not-digest-pinned",
        severity: Info,
        enabled: false,
        fix: None,
        summary: "a CI service or test container is pinned by a tag, not a digest",
    }
}

impl Rule for TestImageNotDigestPinned {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for image in unpinned_images(cx) {
            if image.role != Role::TestImage {
                continue;
            }
            let Some(tag) = &image.tag else {
                continue;
            };
            out.report(
                &Self::META,
                image.span,
                format!(
                    "`{}` is pinned to the tag `{tag}`, which can be republished",
                    image.text
                ),
            )
            .help("append `@sha256:…` to make the test environment reproducible");
        }
    }
}
