use super::*;
use crate::parse::dockerfile::ImageRef;

declare_rule! {
    /// ## What it checks
    /// Container images a workflow runs without a digest: `docker://`
    /// actions, job `container:` and `services:` images. An image with no
    /// tag or with `latest` is a warning. A version tag without a digest is
    /// a warning on a `docker://` step (its code runs with the job's
    /// token) and info on a job container or service (what DF003, off by
    /// default, says of a `FROM`: the database a test runs against on a
    /// version tag is a reasonable choice). Images computed by an
    /// expression are skipped.
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
        // (image, where, whether a step runs it as an action: its code
        // runs with the job's token, where a service only serves the test).
        let mut images: Vec<(String, crate::source::Span, bool)> = Vec::new();
        for uses in all_uses(cx) {
            if let Uses::Docker(image) = parse_uses(&uses.text) {
                images.push((image.to_string(), uses.span, true));
            }
        }
        if let Some(w) = cx.workflow {
            for job in &w.jobs {
                let containers = job
                    .container
                    .iter()
                    .chain(job.services.iter().map(|(_, c)| c));
                images.extend(
                    containers
                        .filter_map(|c| c.image.as_ref())
                        .map(|i| (i.text.clone(), i.span, false)),
                );
            }
        }
        for (text, span, runs_as_step) in images {
            if text.contains("${{") || text.is_empty() {
                continue;
            }
            let image = ImageRef::parse(&text, span, false);
            if image.digest.is_some() {
                continue;
            }
            match image.tag.as_deref() {
                None | Some("latest") => {
                    out.report(
                        &Self::META,
                        span,
                        format!("`{text}` follows `latest`: each run may use a different image"),
                    )
                    .help("pin a version tag and a digest");
                }
                Some(tag) => {
                    let b = out
                        .report(
                            &Self::META,
                            span,
                            format!(
                                "`{text}` is pinned to the tag `{tag}`, which can be republished"
                            ),
                        )
                        .help("append `@sha256:…`");
                    // A service or job container on a version tag is what
                    // DF003 (off by default) says of a FROM: a note.
                    if !runs_as_step {
                        b.severity(Severity::Info);
                    }
                }
            }
        }
    }
}
