//! When a service's host access (privileges, the container runtime's
//! socket, a host namespace) is what the service is for. DC005, DC006 and
//! DC007 still report it — the host is as exposed as ever — but as
//! information that says why, the way KU009/KU010 treat a DaemonSet:
//! a reviewer checks that the host is the right one, not that the key
//! can go.

use super::*;
use crate::diagnostic::Severity;
use crate::registry::RuleMeta;

/// The kind of host access a rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `privileged`, `cap_add: [SYS_ADMIN]` (DC005).
    Privileges,
    /// The container runtime's socket (DC006).
    Socket,
    /// The host's network namespace (DC007).
    Network,
    /// The host's process or IPC namespace (DC007).
    OtherNamespace,
}

/// Why `access` is the service's job, in words for the message, or
/// `None` when nothing says it is.
pub fn reason(service: &Service<'_>, access: Access) -> Option<String> {
    // Nothing published: what a hole in the service would expose.
    let serves = service.get("ports").is_some() || service.get("expose").is_some();
    // A swarm service in global mode runs one task on every node: a
    // node agent (a log shipper, a cleaner, a monitor), Compose's
    // DaemonSet. Not one that serves (a global Traefik on 80/443).
    if !serves
        && service
            .deploy(&["mode"])
            .and_then(|n| n.as_str())
            .is_some_and(|m| m == "global")
    {
        return Some("a global service, one task per node: host access is often a node agent's job; check that this one needs it".to_string());
    }
    // A toolbox kept idle for `docker compose exec`: what runs in it
    // (a Wi-Fi auditor, a packet crafter) is chosen by hand each time.
    if is_idle_toolbox(service) {
        return Some("a toolbox kept idle for `docker compose exec`: its tools are run by hand; keep it off shared hosts".to_string());
    }
    if let Some(image) = service.image()
        && crate::rules::known_images::host_agent_access(&image.text).is_some_and(
            |a| match access {
                Access::Privileges => a.privileges,
                Access::Socket => a.socket,
                Access::Network => a.network,
                Access::OtherNamespace => false,
            },
        )
    {
        return Some(format!(
            "`{}` is a host agent or device hub whose documented installation asks for this; run it only on a host it is meant to manage",
            image.text
        ));
    }
    match access {
        // The host's device tree or udev mounted: devices plugged in
        // later (USB radios, cameras) can only be granted by privileges
        // or device rules, not listed in `devices:` in advance.
        Access::Privileges if !serves => service
            .volumes()
            .iter()
            .filter_map(|v| v.source.as_deref())
            .find(|s| HOTPLUG_SOURCES.contains(&s.trim_end_matches('/')))
            .map(|s| format!("it mounts the host's `{s}` to reach devices as the host finds them; `device_cgroup_rules` would grant only those")),
        // A capture on a host interface (`zeek -i eth0`) sees the host's
        // traffic only from the host's network.
        Access::Network => captured_interface(service).map(|i| {
            format!("it captures the host's interface `{i}`, which only the host's network namespace sees")
        }),
        Access::Privileges | Access::Socket | Access::OtherNamespace => None,
    }
}

/// Reports `message` at `span`: an error (the rule's severity) unless
/// the service's host access is its job, then information that says so.
pub fn report(
    out: &mut Findings,
    meta: &'static RuleMeta,
    service: &Service<'_>,
    access: Access,
    span: crate::source::Span,
    message: String,
    help: &'static str,
) {
    match reason(service, access) {
        Some(why) => {
            out.report(meta, span, format!("{message} ({why})"))
                .severity(Severity::Info)
                .help(help);
        }
        None => {
            out.report(meta, span, message).help(help);
        }
    }
}

/// Host folders that hold devices as they are plugged in.
const HOTPLUG_SOURCES: &[&str] = &["/dev", "/dev/bus/usb", "/run/udev"];

/// Programs whose job is capturing or watching a network interface's
/// traffic.
const CAPTURERS: &[&str] = &[
    "zeek",
    "tcpdump",
    "tshark",
    "ntopng",
    "suricata",
    "snort",
    "p0f",
    "darkstat",
    "iftop",
    "nethogs",
    "arpwatch",
    "kismet",
    "bettercap",
    "dnsmonster",
    "passivedns",
];

/// The network interface the service's capture program listens on: the
/// value of `-i`/`--interface` when it names an interface (`eth0`,
/// `ens3`, `wlan0`, `any`), where the program — the command's first word,
/// or the image's name when the command passes only options (`image:
/// vimagick/ntopng`, `command: -i eth0`) — is a packet capturer, not a
/// DHCP server (`dnsmasq -i eth0`) or a file reader (`ffmpeg -i in.mp4`).
fn captured_interface(service: &Service<'_>) -> Option<String> {
    let words: Vec<String> = ["entrypoint", "command"]
        .iter()
        .flat_map(|k| service.strings(k))
        .flat_map(|s| {
            s.text
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let program = match words.first() {
        Some(w) if !w.starts_with('-') => w.rsplit('/').next().unwrap_or(w).to_string(),
        _ => {
            let image = service.image()?;
            let repo =
                crate::parse::image::ImageRef::parse(&image.text, image.span, false).repository();
            repo.rsplit('/').next().unwrap_or(&repo).to_string()
        }
    };
    if !CAPTURERS.contains(&program.as_str()) {
        return None;
    }
    words.iter().enumerate().find_map(|(i, w)| {
        let value = match w.split_once('=') {
            Some(("--interface", v)) => Some(v),
            _ if w == "-i" || w == "--interface" => words.get(i + 1).map(String::as_str),
            _ => None,
        }?;
        is_interface_name(value).then(|| value.to_string())
    })
}

/// Linux's usual interface names: `eth0`, `ens3`, `enp0s3`, `wlan0`,
/// `wlp2s0`, `br0`, `bond0`, and `any` (every interface).
fn is_interface_name(word: &str) -> bool {
    if word == "any" {
        return true;
    }
    ["eth", "ens", "enp", "eno", "wlan", "wlp", "br", "bond"]
        .iter()
        .any(|p| {
            word.strip_prefix(p).is_some_and(|rest| {
                rest.chars().next().is_some_and(|c| c.is_ascii_digit())
                    && rest.chars().all(|c| c.is_ascii_alphanumeric())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_names_are_not_files() {
        for w in ["eth0", "ens3", "enp0s3", "wlan0", "wlp2s0", "br0", "any"] {
            assert!(is_interface_name(w), "{w}");
        }
        for w in ["input.mp4", "eth", "rtsp://cam", "-", "brand", "enable"] {
            assert!(!is_interface_name(w), "{w}");
        }
    }
}
