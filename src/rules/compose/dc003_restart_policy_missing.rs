use super::*;

declare_rule! {
    /// ## What it checks
    /// A long-running service with neither `restart:` nor
    /// `deploy.restart_policy`, in a file that is not for development.
    /// Services that run once (a name or `restart: "no"` that says
    /// migration, test, init, seed; or a command-line tool's image, as
    /// DF001 judges it, run with no entrypoint, port or restart policy of
    /// its own: `vimagick/tesseract` with `command: tesseract in.png out`,
    /// built by `build:` or in its folder) are skipped; a service behind
    /// `profiles:` is a service like any other (a profile chooses which
    /// services start, not how long they run). Compose files a workflow
    /// layers together (`docker compose -f compose.yml -f
    /// compose.deploy.yml up`) are judged as the merged service: not
    /// reported where another file of the stack gives the service a
    /// restart policy, nor on an overlay's partial entry for a service the
    /// base defines (the base's entry is judged).
    ///
    /// ## Why it matters in production
    /// Compose's default is `no`: after a crash, an out-of-memory kill or a
    /// host reboot the service stays down until someone runs `docker
    /// compose up` again.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     restart: unless-stopped
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Compose file reference: restart](https://docs.docker.com/reference/compose-file/services/#restart)
    pub struct RestartPolicyMissing {
        code: "DC003",
        name: "restart-policy-missing",
        severity: Warning,
        fix: None,
        summary: "a long-running service is not restarted when it stops",
    }
}

impl Rule for RestartPolicyMissing {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        if cx.dev {
            return;
        }
        for (i, (s, _, _)) in cx.services().enumerate() {
            if s.get("restart").is_some()
                || s.deploy(&["restart_policy"]).is_some()
                || cx.one_off(i)
            {
                continue;
            }
            // A file a workflow layers with this one sets it, or this
            // entry completes a base's (which is judged instead).
            if cx.project.layered_states(
                &cx.file.path,
                &s.name.text,
                &["restart", "deploy.restart_policy"],
            ) || cx.project.layered_over_base(&cx.file.path, &s.name.text)
            {
                continue;
            }
            out.report(
                &Self::META,
                s.name.span,
                format!(
                    "service `{}` has no restart policy: it stays down after a crash or a reboot",
                    s.name.text
                ),
            )
            .help("add `restart: unless-stopped` (or `deploy.restart_policy` for swarm)");
        }
    }
}
