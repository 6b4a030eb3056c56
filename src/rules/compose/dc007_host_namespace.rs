use super::*;

declare_rule! {
    /// ## What it checks
    /// `network_mode: host`, `pid: host` and `ipc: host`. Not reported on
    /// a `privileged: true` service: it can enter the host's namespaces by
    /// itself, which DC005 reports. In development files (where only what
    /// is dangerous anywhere is reported) `ipc: host` is left alone: it
    /// shares the host's shared memory only, as browser test runners
    /// (Playwright, Puppeteer) ask for Chromium.
    ///
    /// ## Why it matters in production
    /// The service then shares the host's network stack (every port it
    /// opens is open on the host, and it reaches services bound to the
    /// host's localhost), its process table (it can see and signal the
    /// host's processes) or its shared memory. Isolation is gone for that
    /// namespace.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     network_mode: host
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports: ["8000:8000"]
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Compose file reference: network_mode, pid, ipc](https://docs.docker.com/reference/compose-file/services/#network_mode)
    pub struct HostNamespace {
        code: "DC007",
        name: "compose-host-namespace",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.0",
        purposes: PRODUCTION_AND_DEVELOPMENT,
        fix: None,
        summary: "a service shares the host's network, process or IPC namespace",
    }
}

impl Rule for HostNamespace {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        for (s, _, _) in cx.services() {
            // A privileged container can enter every host namespace by
            // itself: DC005 reports that, and these add nothing to it.
            if s.is_true("privileged") {
                continue;
            }
            for key in ["network_mode", "pid", "ipc"] {
                // A development file's test browser (Playwright, Chromium)
                // shares the host's shared memory as its documentation
                // asks; only memory segments, not the host's processes or
                // network.
                if key == "ipc" && cx.dev {
                    continue;
                }
                if let Some(v) = s.str_of(key)
                    && v.text == "host"
                {
                    out.report(
                        &Self::META,
                        v.span,
                        format!(
                            "service `{}` uses the host's {} namespace (`{key}: host`)",
                            s.name.text,
                            match key {
                                "network_mode" => "network",
                                "pid" => "process",
                                _ => "IPC",
                            }
                        ),
                    )
                    .help("remove it and publish the ports the service needs");
                }
            }
        }
    }
}
