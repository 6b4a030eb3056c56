use super::ci_images::{Role, unpinned_images};
use super::*;

declare_rule! {
    /// ## What it checks
    /// Container images a workflow runs without a digest: `docker://`
    /// actions, job `container:` and `services:` images. An image with no
    /// tag or with `latest` is a warning wherever it is. Any other tag
    /// without a digest is a warning on a `docker://` step (its code runs
    /// with the job's token), and info on the `container:` of a job that
    /// runs no tests (every step of the job runs inside it) and on the
    /// container and services of a job that ships something: it deploys,
    /// pushes an image or uploads a package, or its workflow runs only for
    /// releases (tags, published releases, callers), tests or not.
    ///
    /// A tagged service, or the container of a job that runs tests
    /// (`pytest`, `tox`, `make test`, …) and ships nothing, is left to
    /// GH026, off by default like DF003 for a `FROM`: the database a test
    /// runs against on a version tag is a reasonable choice. Images
    /// computed by an expression are skipped.
    ///
    /// ## Why it matters in production
    /// The job runs whatever the tag points at on the day: tests pass
    /// against one database version and production runs another, a
    /// release is built with a toolchain nobody chose, and a republished
    /// tag runs new code with the job's secrets.
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
    ///     image: postgres:16
    /// ```
    /// (a version tag is enough for a test's service; a step, or the
    /// container a release is built in, takes a digest too:
    /// `alpine:3.20@sha256:<digest>`).
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Differences from zizmor
    /// zizmor's `unpinned-images` reports untagged and `latest` images by
    /// default and other tags only with `--persona pedantic`. prodlint
    /// also reports, by default, a tag on a `docker://` step (warning) and
    /// on the containers of jobs that run no tests or ship something
    /// (info); tagged test images are GH026's.
    ///
    /// ## References
    /// - [GitHub: `jobs.<job_id>.container`](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idcontainer)
    pub struct UnpinnedContainerImage {
        code: "GH003",
        name: "unpinned-container-image",
        severity: Warning,
        fix: None,
        summary: "a container image follows `latest`, or one a step, build or release runs has no digest",
    }
}

impl Rule for UnpinnedContainerImage {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for image in unpinned_images(cx) {
            let text = &image.text;
            let Some(tag) = &image.tag else {
                let help = if image.role == Role::TestImage {
                    "pin a version tag (`postgres:16`)"
                } else {
                    "pin a version tag and a digest"
                };
                out.report(
                    &Self::META,
                    image.span,
                    format!("`{text}` follows `latest`: each run may use a different image"),
                )
                .help(help);
                continue;
            };
            // A test's database on a version tag is GH026's (off by
            // default, like DF003 for a FROM).
            let (severity, why) = match image.role {
                Role::Step => (Severity::Warning, "its code runs with the job's token"),
                Role::JobContainer => (Severity::Info, "every step of the job runs inside it"),
                Role::ShippingService => (
                    Severity::Info,
                    "the job that uses it ships what it builds or publishes",
                ),
                Role::TestImage => continue,
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
