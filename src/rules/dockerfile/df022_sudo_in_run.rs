use super::*;

declare_rule! {
    /// ## What it checks
    /// `sudo` in a RUN: one finding per RUN, at its first `sudo`, with the
    /// others as related locations.
    ///
    /// ## Why it matters in production
    /// Build steps already run as the current `USER`; switch with `USER`
    /// when root is needed. `sudo` in an image means the sudo package (and
    /// usually a sudoers entry) is installed, which lets anyone who gets a
    /// shell in the container become root, and it behaves unpredictably
    /// without a TTY.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && ...
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: USER best practices](https://docs.docker.com/build/building/best-practices/#user)
    pub struct SudoInRun {
        code: "DF022",
        name: "sudo-in-run",
        severity: Warning,
        fix: None,
        summary: "`sudo` in RUN",
    }
}

impl Rule for SudoInRun {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for run in all_runs(cx.dockerfile) {
            // One finding per RUN, at its first `sudo`; the others related.
            let sudos: Vec<&Word> = commands(run)
                .iter()
                .filter(|cmd| cmd.program() == Some("sudo"))
                .filter_map(|cmd| cmd.argv.first())
                .collect();
            let Some((first, rest)) = sudos.split_first() else {
                continue;
            };
            let mut b = out
                .report(&Self::META, first.span, "`sudo` in a build step: switch users with USER instead")
                .help("run the step before `USER app`, or add a `USER root` … `USER app` pair around it");
            for w in rest {
                b = b.related(w.span, "`sudo` again");
            }
        }
    }
}
