use super::*;

declare_rule! {
    /// ## What it checks
    /// A service with no memory limit (`deploy.resources.limits.memory` or
    /// `mem_limit`) or no CPU limit (`deploy.resources.limits.cpus` or
    /// `cpus`), in a file that is not for development. Compose files a
    /// workflow layers together are judged as the merged service (limits
    /// set by another file of the stack count; an overlay's partial entry
    /// is judged on the base's). Services that run once are skipped, as in
    /// DC003 (a migration, a seed, a command-line tool's image run per
    /// invocation).
    ///
    /// ## Why it matters in production
    /// Without limits one service with a leak or a traffic spike takes all
    /// of the host's memory and CPU: the kernel's OOM killer then picks a
    /// victim, often the database next to it.
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
    ///     deploy:
    ///       resources:
    ///         limits: {cpus: "1.0", memory: 512M}
    /// ```
    ///
    /// ## Fix
    /// None: the limits depend on the service.
    ///
    /// ## References
    /// - [Compose deploy specification: resources](https://docs.docker.com/reference/compose-file/deploy/#resources)
    pub struct ResourceLimitsMissing {
        code: "DC009",
        name: "resource-limits-missing",
        severity: Info,
        fix: None,
        summary: "a service has no memory or CPU limit",
    }
}

impl Rule for ResourceLimitsMissing {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        if cx.dev {
            return;
        }
        for (i, (s, _, _)) in cx.services().enumerate() {
            if cx.one_off(i) || cx.project.layered_over_base(&cx.file.path, &s.name.text) {
                continue;
            }
            // Another file of a stack a workflow layers sets the limits.
            if cx.project.layered_states(
                &cx.file.path,
                &s.name.text,
                &["deploy.resources", "mem_limit", "cpus"],
            ) {
                continue;
            }
            let memory = s.deploy(&["resources", "limits", "memory"]).is_some()
                || s.get("mem_limit").is_some();
            let cpu =
                s.deploy(&["resources", "limits", "cpus"]).is_some() || s.get("cpus").is_some();
            let missing = match (memory, cpu) {
                (true, true) => continue,
                (false, false) => "memory or CPU limit",
                (false, true) => "memory limit",
                (true, false) => "CPU limit",
            };
            out.report(
                &Self::META,
                s.name.span,
                format!(
                    "service `{}` has no {missing}: it can starve everything else on the host",
                    s.name.text
                ),
            )
            .help("set `deploy.resources.limits` (`memory`, `cpus`)");
        }
    }
}
