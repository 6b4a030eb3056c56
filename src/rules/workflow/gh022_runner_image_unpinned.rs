use super::*;

declare_rule! {
    /// ## What it checks
    /// `runs-on:` a `-latest` label (`ubuntu-latest`, `windows-latest`,
    /// `macos-latest`). Off by default: enable it with `extend-select =
    /// ["GH022"]` if you want reproducible runners.
    ///
    /// ## Why it matters in production
    /// GitHub moves `-latest` to a new OS release on its own schedule; the
    /// toolchain changes under an unchanged commit and builds break (or,
    /// worse, produce different artefacts) on the day of the migration.
    ///
    /// ## Example
    /// ```yaml
    /// runs-on: ubuntu-latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// runs-on: ubuntu-24.04
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub-hosted runner images](https://github.com/actions/runner-images#available-images)
    pub struct RunnerImageUnpinned {
        code: "GH022",
        name: "runner-image-unpinned",
        severity: Info,
        enabled: false,
        fix: None,
        summary: "a job runs on a moving `-latest` runner image",
    }
}

impl Rule for RunnerImageUnpinned {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        for job in &w.jobs {
            let Some(runs_on) = job.runs_on else { continue };
            let labels: Vec<&Node> = match runs_on.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![runs_on],
            };
            for l in labels {
                if let Some(t) = l.as_str().filter(|t| t.ends_with("-latest")) {
                    out.report(
                        &Self::META,
                        l.span,
                        format!(
                            "`{t}` moves to a new OS release without a change in this repository"
                        ),
                    )
                    .help("name the version, such as `ubuntu-24.04`");
                }
            }
        }
    }
}
