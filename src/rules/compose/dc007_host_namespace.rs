use super::host_access::{self, Access};
use super::*;

declare_rule! {
    /// ## What it checks
    /// `network_mode: host`, `pid: host` and `ipc: host`. Not reported on
    /// a `privileged: true` service: it can enter the host's namespaces by
    /// itself, which DC005 reports. Production files only: on a
    /// developer's machine, whoever runs `docker compose` already commands
    /// the Docker daemon, which is root there.
    ///
    /// Information rather than a warning where host access is the
    /// service's job, and the message says why: a packet capturer (zeek,
    /// tcpdump, tshark, ntopng, Suricata, Snort, p0f, …: the command's
    /// program, or the image's name when the command passes only options)
    /// on a host interface (`zeek -i eth0`, `--interface=wlan0`) on the
    /// host's network — not `dnsmasq -i eth0`, a DHCP server; a swarm
    /// service in `deploy.mode: global` that publishes nothing (one task
    /// per node, a node agent, as KU010 treats a DaemonSet); a toolbox kept
    /// idle for `docker compose exec` (`sleep infinity`); a host agent's
    /// image whose installation asks for the host's network (Home
    /// Assistant, Gladys).
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
        purposes: PRODUCTION,
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
                if let Some(v) = s.str_of(key)
                    && v.text == "host"
                {
                    host_access::report(
                        out,
                        &Self::META,
                        s,
                        if key == "network_mode" {
                            Access::Network
                        } else {
                            Access::OtherNamespace
                        },
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
                        "remove it and publish the ports the service needs",
                    );
                }
            }
        }
    }
}
