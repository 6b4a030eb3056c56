use super::*;

declare_rule! {
    /// ## What it checks
    /// `apt-get upgrade`, `dist-upgrade` or `full-upgrade` (or the `apt`
    /// equivalents) in the final image.
    ///
    /// ## Why it matters in production
    /// Upgrading inside the build makes the image depend on the day it was
    /// built, not on the Dockerfile: two builds of one commit differ, and an
    /// upgrade can pull in a package that breaks the app without any change
    /// in the repository. Rebuild on a fresher base image instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get upgrade -y
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12.7-slim-bookworm
    /// ```
    /// and bump the base tag (or let a bot bump it) for security updates.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: apt-get best practices](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub struct AptUpgrade {
        code: "DF009",
        name: "apt-upgrade",
        severity: Warning,
        fix: None,
        summary: "`apt-get upgrade` makes the image depend on the build date",
    }
}

impl Rule for AptUpgrade {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for run in final_runs(cx.dockerfile) {
            for cmd in commands(run) {
                if let Some(sub) = apt_subcommand(cmd, &["upgrade", "dist-upgrade", "full-upgrade"])
                {
                    out.report(
                        &Self::META,
                        cmd.span,
                        format!(
                            "`{} {}` makes the image depend on the day it is built",
                            cmd.name().unwrap_or("apt-get"),
                            sub.text
                        ),
                    )
                    .help("use a fresher, pinned base image instead of upgrading in the build");
                }
            }
        }
    }
}
