use super::ci_images::{Role, unpinned_images};
use super::*;

declare_rule! {
    /// ## What it checks
    /// Container images a workflow runs without a digest: `docker://`
    /// actions, job `container:` and `services:` images. An image with no
    /// tag or with `latest` is a warning. A version tag without a digest is
    /// a warning on a `docker://` step (its code runs with the job's
    /// token) and info on the `container:` of a job that runs no tests
    /// (the build or release happens inside it). A version tag on a
    /// service, or on the container of a job that runs tests (`pytest`,
    /// `tox`, `make test`, …), is left to GH026, off by default like DF003
    /// for a `FROM`: the database a test runs against on a version tag is
    /// a reasonable choice. Images computed by an expression are skipped.
    ///
    /// ## Why it matters in production
    /// The job runs whatever the tag points at on the day: tests pass
    /// against one database version and production runs another, and a
    /// republished tag runs new code with the job's secrets.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     image: postgres:16.4@sha256:<digest>
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Differences from zizmor
    /// zizmor's `unpinned-images` reports untagged and `latest` images by
    /// default and version tags only with `--persona pedantic`. prodlint
    /// also reports, by default, a version tag on a `docker://` step
    /// (warning) and on the container a build or release job runs in
    /// (info); version-tagged test images are GH026's.
    ///
    /// ## References
    /// - [GitHub: `jobs.<job_id>.container`](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idcontainer)
    pub struct UnpinnedContainerImage {
        code: "GH003",
        name: "unpinned-container-image",
        severity: Warning,
        fix: None,
        summary: "a container or service image is not pinned by digest",
    }
}

impl Rule for UnpinnedContainerImage {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for image in unpinned_images(cx) {
            let text = &image.text;
            let Some(tag) = &image.tag else {
                out.report(
                    &Self::META,
                    image.span,
                    format!("`{text}` follows `latest`: each run may use a different image"),
                )
                .help("pin a version tag and a digest");
                continue;
            };
            // A test's database on a version tag is GH026's (off by
            // default, like DF003 for a FROM).
            let severity = match image.role {
                Role::Step => Severity::Warning,
                Role::BuildContainer => Severity::Info,
                Role::TestImage => continue,
            };
            let why = match image.role {
                Role::Step => "its code runs with the job's token",
                _ => "the job's build runs inside it",
            };
            out.report(
                &Self::META,
                image.span,
                format!("`{text}` is pinned to the tag `{tag}`, which can be republished: {why}"),
            )
            .help("append `@sha256:…`")
            .severity(severity);
        }
    }
}
