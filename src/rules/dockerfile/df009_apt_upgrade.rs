use super::*;

declare_rule! {
    /// ## What it checks
    /// `apt-get dist-upgrade` or `full-upgrade` (or the `apt` equivalents)
    /// in the final image. A plain `apt-get upgrade` is not reported: it
    /// applies the security updates released since the base image was
    /// built, which Docker's and OWASP's guidance now recommend.
    ///
    /// ## Why it matters in production
    /// `dist-upgrade` may install and remove packages to satisfy new
    /// dependencies, and moves the image between what amount to different
    /// distribution states depending on the day it was built: two builds of
    /// one commit differ in more than security fixes, and a package the
    /// app needs can go. A fresher base image brings the same fixes in a
    /// state someone tested.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get dist-upgrade -y
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12.7-slim-bookworm
    /// RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    /// and bump the base tag (or let a bot bump it).
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Differences from hadolint
    /// The same as hadolint's DL3005 since its pull request #596 (2021),
    /// which dropped `upgrade` after Docker and OWASP withdrew the advice
    /// against it.
    ///
    /// ## References
    /// - [Docker: apt-get best practices](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [Python Speed: security updates in Docker images](https://pythonspeed.com/articles/security-updates-in-docker/)
    pub struct AptUpgrade {
        code: "DF009",
        name: "apt-upgrade",
        severity: Warning,
        fix: None,
        summary: "`apt-get dist-upgrade` makes the image depend on the build date",
    }
}

impl Rule for AptUpgrade {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for run in final_runs(cx.dockerfile) {
            for cmd in commands(run) {
                if let Some(sub) = apt_subcommand(cmd, &["dist-upgrade", "full-upgrade"]) {
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
