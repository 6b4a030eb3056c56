use super::host_access::{self, Access};
use super::*;

declare_rule! {
    /// ## What it checks
    /// `privileged: true`, and `cap_add` with `ALL` or `SYS_ADMIN`, in
    /// production files (on a developer's machine, whoever runs `docker
    /// compose` already commands the Docker daemon, which is root there).
    ///
    /// Information rather than an error where the privileges are the
    /// service's job, and the message says why: the service publishes no
    /// port and mounts the host's `/dev`, `/dev/bus/usb` or `/run/udev`
    /// (devices as the host finds them, hot-plugged ones included, which
    /// `devices:` cannot list in advance; `device_cgroup_rules` narrows
    /// it); a swarm service in `deploy.mode: global` that publishes
    /// nothing (a node agent, as KU009 treats a DaemonSet); a toolbox kept idle for
    /// `docker compose exec` (`sleep infinity`: a Wi-Fi auditor's radio
    /// tools are run by hand); a host agent's image whose installation
    /// asks for it (Falco's probe, Home Assistant's and Gladys'
    /// device integrations). Devices listed one by one (`devices:
    /// [/dev/video0]`) beside `privileged` keep the error: the list is
    /// what the service needs.
    ///
    /// ## Why it matters in production
    /// A privileged container has every capability and every host device:
    /// it can mount the host's disks and load kernel modules, so a
    /// compromise of the app is a compromise of the host. `SYS_ADMIN` alone
    /// is most of that.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     privileged: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     cap_drop: [ALL]
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Compose file reference: privileged, cap_add](https://docs.docker.com/reference/compose-file/services/#privileged)
    pub struct Privileged {
        code: "DC005",
        name: "privileged",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        purposes: PRODUCTION,
        fix: None,
        summary: "a service runs privileged or with all capabilities",
    }
}

impl Rule for Privileged {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        for (s, _, _) in cx.services() {
            if s.is_true("privileged")
                && let Some(p) = s.get("privileged")
            {
                host_access::report(
                    out,
                    &Self::META,
                    s,
                    Access::Privileges,
                    p.span,
                    format!(
                        "service `{}` runs privileged: it has the host's devices and every capability",
                        s.name.text
                    ),
                    "remove `privileged`; add only the capabilities the service needs",
                );
            }
            for cap in s.strings("cap_add") {
                let c = cap.text.to_ascii_uppercase();
                let c = c.strip_prefix("CAP_").unwrap_or(&c);
                if c == "ALL" || c == "SYS_ADMIN" {
                    host_access::report(
                        out,
                        &Self::META,
                        s,
                        Access::Privileges,
                        cap.span,
                        format!(
                            "service `{}` adds `{}`: nearly the power of a privileged container",
                            s.name.text, cap.text
                        ),
                        "add only the narrow capability the service needs",
                    );
                }
            }
        }
    }
}
