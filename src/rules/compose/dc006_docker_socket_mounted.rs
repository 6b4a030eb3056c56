use super::*;

declare_rule! {
    /// ## What it checks
    /// A volume that mounts the Docker (or containerd, Podman) socket:
    /// `/var/run/docker.sock`, `/run/docker.sock`, `…/containerd.sock`,
    /// `…/podman.sock`. Not reported on a `privileged: true` service: it
    /// is root on the host already, which DC005 reports.
    ///
    /// ## Why it matters in production
    /// Whoever can talk to the Docker socket can start a privileged
    /// container that mounts `/`: the socket is root on the host, read-only
    /// or not. A vulnerability in the service becomes a host takeover.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: ghcr.io/acme/agent:2.1.0
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// ## Use instead
    /// A socket proxy that allows only the API calls needed, or no access.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: protect the Docker daemon socket](https://docs.docker.com/engine/security/protect-access/)
    pub struct DockerSocketMounted {
        code: "DC006",
        name: "docker-socket-mounted",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        purposes: PRODUCTION_AND_DEVELOPMENT,
        fix: None,
        summary: "the container runtime's socket is mounted into a service",
    }
}

impl Rule for DockerSocketMounted {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        for (s, _, _) in cx.services() {
            // A privileged container is root on the host already: DC005
            // reports that, and the socket adds nothing to it.
            if s.is_true("privileged") {
                continue;
            }
            for v in s.volumes() {
                if v.source
                    .as_deref()
                    .is_some_and(crate::parse::compose::is_runtime_socket)
                {
                    out.report(&Self::META, v.span, format!("service `{}` mounts the container runtime's socket: that is root on the host", s.name.text))
                        .help("use a socket proxy limited to the calls needed, or remove the mount");
                }
            }
        }
    }
}
