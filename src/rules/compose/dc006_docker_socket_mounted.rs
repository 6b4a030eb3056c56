use super::host_access::{self, Access};
use super::*;

declare_rule! {
    /// ## What it checks
    /// A volume that mounts the Docker (or containerd, Podman) socket:
    /// `/var/run/docker.sock`, `/run/docker.sock`, `…/containerd.sock`,
    /// `…/podman.sock`. Not reported on a `privileged: true` service: it
    /// is root on the host already, which DC005 reports. Production files
    /// only: on a developer's machine, whoever runs `docker compose`
    /// already commands the Docker daemon (a local LocalStack starting
    /// Lambda containers gains nothing they do not have).
    ///
    /// Information rather than an error where the socket is the
    /// service's job, and the message says why: a swarm service in
    /// `deploy.mode: global` that publishes nothing (one task per node, a
    /// node agent: a cleaner, a log shipper); a toolbox kept idle for `docker compose exec`; a
    /// host agent's image whose installation mounts it (Falco and
    /// cAdvisor for container names, Drone's and GitLab's Docker runners
    /// and Portainer's agent to start and inspect containers, Gladys for
    /// its companion containers; not Home Assistant, whose installation
    /// does not). A service that
    /// serves users through the socket (Traefik's Docker provider,
    /// Portainer's UI) stays an error: a hole in it is a hole in the host.
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
        purposes: PRODUCTION,
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
                    host_access::report(
                        out,
                        &Self::META,
                        s,
                        Access::Socket,
                        v.span,
                        format!(
                            "service `{}` mounts the container runtime's socket: that is root on the host",
                            s.name.text
                        ),
                        "use a socket proxy limited to the calls needed, or remove the mount",
                    );
                }
            }
        }
    }
}
