use super::*;

declare_rule! {
    /// ## What it checks
    /// A RUN of the final image runs `apt-get update` but does not remove
    /// `/var/lib/apt/lists` in the same RUN (`rm -rf /var/lib/apt/lists/*`,
    /// or `apt-get dist-clean` of apt 2.7 and later). Quiet when a BuildKit
    /// cache mount covers `/var/lib/apt`.
    ///
    /// ## Why it matters in production
    /// The package lists are 20–50 MB that stay in the layer forever; a
    /// later `RUN rm` cannot shrink an earlier layer. Stale lists in the
    /// image also tempt a later `apt-get install` without `update`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: apt-get best practices](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub struct AptListsKept {
        code: "DF008",
        name: "apt-lists-kept",
        severity: Info,
        fix: None,
        summary: "apt package lists are left in the layer",
    }
}

impl Rule for AptListsKept {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for run in final_runs(cx.dockerfile) {
            if has_cache_mount(run, &["/var/lib/apt"]) {
                continue;
            }
            let cmds = commands(run);
            let Some(update) = cmds
                .iter()
                .find(|c| apt_subcommand(c, &["update"]).is_some())
            else {
                continue;
            };
            // `rm -rf /var/lib/apt/lists/*`, or `apt-get dist-clean` (apt
            // 2.7+), which removes the lists as well as the cache.
            let cleaned = cmds.iter().any(|c| {
                (c.program() == Some("rm")
                    && c.args().iter().any(|w| {
                        w.text.starts_with("/var/lib/apt/lists") || w.text == "/var/lib/apt"
                    }))
                    || apt_subcommand(c, &["dist-clean"]).is_some()
            });
            if !cleaned {
                out.report(
                    &Self::META,
                    update.span,
                    "`apt-get update` leaves its package lists in this layer",
                )
                .help("end the same RUN with `&& rm -rf /var/lib/apt/lists/*`");
            }
        }
    }
}
