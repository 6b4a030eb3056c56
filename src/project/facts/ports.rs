//! Port claims: every place that says which port a unit's server listens
//! on or is reached at.

use super::Loc;
use std::collections::BTreeMap;

/// What a port claim is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The server binds it (`--bind`, `bind =`, `--port`).
    Bind,
    /// Dockerfile `EXPOSE`, compose `expose:`.
    Expose,
    /// The container side of a compose `ports:` entry.
    Publish,
    /// A Kubernetes `containerPort`.
    ContainerPort,
    /// A Service's `targetPort` (or `port` when there is none).
    ServiceTarget,
    /// The port a probe requests.
    Probe,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortClaim {
    pub port: u16,
    pub role: Role,
    pub at: Loc,
}

/// A Service: the pods it selects and the ports it routes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePorts {
    /// The manifest stating it (its nearness to a pod decides which
    /// Services of a tree select it).
    pub file: std::sync::Arc<std::path::Path>,
    pub namespace: Option<String>,
    pub selector: BTreeMap<String, String>,
    pub targets: Vec<PortClaim>,
    /// `targetPort: http`: a container port's name, and where it is
    /// written.
    pub named_targets: Vec<(String, Loc)>,
}

impl ServicePorts {
    /// Does the Service select pods with these labels in this namespace?
    pub fn selects(&self, namespace: &Option<String>, labels: &BTreeMap<String, String>) -> bool {
        let same_ns = match (&self.namespace, namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        same_ns && self.selector.iter().all(|(k, v)| labels.get(k) == Some(v))
    }
}

/// The port of a bind address: `0.0.0.0:8000`, `:8000`, `[::]:8000`,
/// `8000`; `None` for a Unix socket or what is not a number.
pub fn port_of_bind(bind: &str) -> Option<u16> {
    if bind.starts_with("unix:") || bind.starts_with("fd://") {
        return None;
    }
    let port = bind.rsplit(':').next().unwrap_or(bind);
    port.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn bind_ports() {
        assert_eq!(super::port_of_bind("0.0.0.0:8000"), Some(8000));
        assert_eq!(super::port_of_bind("[::]:8080"), Some(8080));
        assert_eq!(super::port_of_bind("8000"), Some(8000));
        assert_eq!(super::port_of_bind("unix:/tmp/app.sock"), None);
        assert_eq!(super::port_of_bind("0.0.0.0:$PORT"), None);
    }
}
