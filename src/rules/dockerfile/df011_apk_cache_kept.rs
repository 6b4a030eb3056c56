use super::*;

declare_rule! {
    /// ## What it checks
    /// `apk add` in the final image without `--no-cache`, unless the same
    /// RUN removes `/var/cache/apk` or a cache mount covers it.
    ///
    /// ## Why it matters in production
    /// apk keeps the package index in `/var/cache/apk`: a few megabytes in
    /// every layer that adds packages, in images chosen for being small.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Alpine: apk](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper)
    pub struct ApkCacheKept {
        code: "DF011",
        name: "apk-cache-kept",
        severity: Info,
        fix: None,
        summary: "`apk add` without `--no-cache`",
    }
}

impl Rule for ApkCacheKept {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        for run in final_runs(cx.dockerfile) {
            if has_cache_mount(run, &["/var/cache/apk", "/etc/apk/cache"]) {
                continue;
            }
            let cmds = commands(run);
            let cleaned = cmds.iter().any(|c| {
                c.program() == Some("rm")
                    && c.args()
                        .iter()
                        .any(|w| w.text.starts_with("/var/cache/apk"))
            });
            for cmd in cmds {
                if cmd.program() != Some("apk") {
                    continue;
                }
                let Some(sub) = cmd.subcommand().filter(|w| w.text == "add") else {
                    continue;
                };
                if cleaned || cmd.has_arg("--no-cache") {
                    continue;
                }
                out.report(
                    &Self::META,
                    cmd.span_through(sub),
                    "`apk add` keeps the package index in the image",
                )
                .help("add `--no-cache`");
            }
        }
    }
}
