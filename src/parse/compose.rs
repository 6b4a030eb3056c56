//! A typed view with spans over docker-compose files, built on the YAML
//! tree (anchors and merge keys already resolved there). Services keep
//! their node, so rules can read any key; the keys with several shapes
//! (ports, volumes, environment, depends_on, command) are normalised here.

use crate::parse::shell::Word;
use crate::parse::workflow::Spanned;
use crate::parse::yaml::{Entry, Node, NodeKind};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// The host address the port is published on (`127.0.0.1` in
    /// `127.0.0.1:5432:5432`); `None` means every interface.
    pub host_ip: Option<String>,
    /// The host port (`None`: only exposed to a random host port, or not
    /// published in the long syntax).
    pub published: Option<String>,
    pub target: String,
    /// `udp`, `tcp`, `sctp` as written (`53:53/udp`, `protocol: udp`);
    /// `None` means TCP.
    pub protocol: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// A host path or a named volume (`None` for an anonymous volume).
    pub source: Option<String>,
    pub target: String,
    pub span: Span,
    /// `./src`, `/var/run/docker.sock`: a path on the host.
    pub bind: bool,
}

/// A capability a container does not get by default (`NET_ADMIN`,
/// `SYS_ADMIN`, `SYS_PTRACE`, …): what only root can then use. Docker's
/// defaults (`CHOWN`, `NET_BIND_SERVICE`, …) added back after `cap_drop:
/// [ALL]` are hardening, not privileges. Nor is `IPC_LOCK`: the daemons
/// that ask for it (Vault locking its keys in memory) run unprivileged
/// and hold it as a file capability.
pub fn beyond_defaults(cap: &str) -> bool {
    const DEFAULTS: &[&str] = &[
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "SETGID",
        "SETUID",
        "SETPCAP",
        "NET_BIND_SERVICE",
        "NET_RAW",
        "SYS_CHROOT",
        "MKNOD",
        "AUDIT_WRITE",
        "SETFCAP",
    ];
    let cap = cap.trim().to_ascii_uppercase();
    let cap = cap.strip_prefix("CAP_").unwrap_or(&cap);
    !cap.is_empty() && !DEFAULTS.contains(&cap) && cap != "IPC_LOCK"
}

/// A top-level entry of a file with no `services:` that describes a
/// container (it names an `image` or a `build`): a service of the legacy
/// file format 1.
pub fn is_legacy_service(value: &Node) -> bool {
    value.get("image").is_some() || value.get("build").is_some()
}

/// A host path that is a container runtime's socket (Docker,
/// containerd, Podman, CRI-O): root on the host to whoever talks to it.
pub fn is_runtime_socket(path: &str) -> bool {
    ["docker.sock", "containerd.sock", "podman.sock", "crio.sock"]
        .iter()
        .any(|s| path.ends_with(s))
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar<'a> {
    pub key: Spanned,
    /// `None` for `- NAME` (taken from the shell) or `NAME:` with no value.
    pub value: Option<&'a Node>,
    /// The value's own span (after `=` in the list form).
    pub value_span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub service: Spanned,
    /// `service_started`, `service_healthy`, `service_completed_successfully`.
    pub condition: Option<Spanned>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service<'a> {
    pub name: Spanned,
    /// The service's entry in `services:`.
    pub entry: &'a Entry,
    pub node: &'a Node,
}

impl<'a> Service<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    pub fn entry_of(&self, key: &str) -> Option<&'a Entry> {
        self.node.entry(key)
    }

    pub fn str_of(&self, key: &str) -> Option<Spanned> {
        self.get(key).and_then(Spanned::of)
    }

    /// `deploy.<path…>`
    pub fn deploy(&self, path: &[&str]) -> Option<&'a Node> {
        let mut n = self.get("deploy")?;
        for p in path {
            n = n.get(p)?;
        }
        Some(n)
    }

    pub fn image(&self) -> Option<Spanned> {
        self.str_of("image")
    }

    pub fn ports(&self) -> Vec<Port> {
        items(self.get("ports")).filter_map(port).collect()
    }

    pub fn volumes(&self) -> Vec<Volume> {
        items(self.get("volumes")).filter_map(volume).collect()
    }

    /// `environment:` as a map or a list of `NAME=value`.
    pub fn environment(&self) -> Vec<EnvVar<'a>> {
        match self.get("environment").map(|n| &n.kind) {
            Some(NodeKind::Map(entries)) => entries
                .iter()
                .filter_map(|e| {
                    let value = (!e.value.is_null()).then_some(&e.value);
                    Some(EnvVar {
                        key: Spanned::of(&e.key)?,
                        value,
                        value_span: value.map(|v| v.span),
                    })
                })
                .collect(),
            Some(NodeKind::Seq(list)) => list
                .iter()
                .filter_map(|n| {
                    let text = n.as_str()?;
                    let key = text.split('=').next().unwrap_or(text);
                    // Spans inside the item when it is written as it reads.
                    let quote = usize::from(!matches!(
                        &n.kind,
                        NodeKind::Scalar {
                            style: crate::parse::yaml::Style::Plain,
                            ..
                        }
                    ));
                    let verbatim = n.span.len() == text.len() + 2 * quote;
                    let start = n.span.start + quote;
                    let key_span = if verbatim {
                        Span::new(start, start + key.len())
                    } else {
                        n.span
                    };
                    let value_span = text.contains('=').then(|| {
                        if verbatim {
                            Span::new(start + key.len() + 1, start + text.len())
                        } else {
                            n.span
                        }
                    });
                    Some(EnvVar {
                        key: Spanned {
                            text: key.to_string(),
                            span: key_span,
                        },
                        value: text.contains('=').then_some(n),
                        value_span,
                    })
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The value of an `environment:` variable, as text.
    pub fn env_value(&self, name: &str) -> Option<String> {
        self.environment()
            .into_iter()
            .rev()
            .find(|v| v.key.text == name)
            .and_then(|v| v.value)
            .and_then(Node::as_str)
            .map(|t| {
                t.split_once('=')
                    .map_or(t, |(k, v)| if k == name { v } else { t })
                    .to_string()
            })
    }

    /// `depends_on:` as a list or a map with conditions.
    pub fn depends_on(&self) -> Vec<Dependency> {
        match self.get("depends_on").map(|n| &n.kind) {
            Some(NodeKind::Seq(list)) => list
                .iter()
                .filter_map(Spanned::of)
                .map(|service| Dependency {
                    service,
                    condition: None,
                })
                .collect(),
            Some(NodeKind::Map(entries)) => entries
                .iter()
                .filter_map(|e| {
                    Some(Dependency {
                        service: Spanned::of(&e.key)?,
                        condition: e.value.get("condition").and_then(Spanned::of),
                    })
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `command:` or `entrypoint:` as argv words: a list as written, a
    /// string split as compose splits it (shell-like quoting, no shell).
    pub fn argv(&self, key: &str, raw: &dyn Fn(Span) -> String) -> Option<Vec<Word>> {
        argv_of(self.get(key)?, raw)
    }

    /// Strings of a key that holds one string or a list of them.
    pub fn strings(&self, key: &str) -> Vec<Spanned> {
        match self.get(key) {
            Some(n) if n.as_seq().is_some() => items(Some(n)).filter_map(Spanned::of).collect(),
            Some(n) => Spanned::of(n).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// The Dockerfile stage its build targets (`build: {target: runtime}`).
    pub fn build_target(&self) -> Option<&'a str> {
        self.get("build")?.get("target")?.as_str()
    }

    /// The folder it builds from, as written (`build: ./app`, `build:
    /// {context: app}`; `.` when the mapping names none).
    pub fn build_context(&self) -> Option<&'a str> {
        let build = self.get("build")?;
        match build.as_str() {
            Some(c) => Some(c),
            None => build.get("context").map_or(Some("."), Node::as_str),
        }
    }

    /// It builds a development stage (`build: {target: development}`,
    /// `dev`, `develop`): a live-reload setup, not what ships.
    pub fn builds_development_stage(&self) -> bool {
        self.build_target()
            .is_some_and(crate::purpose::is_development_stage)
    }

    /// It builds the image under a development tag (`image: mealie:dev`,
    /// `app:local`, `api:development` beside `build:`): a local build of
    /// whatever stage it targets, not the image that is deployed.
    pub fn builds_development_image(&self) -> bool {
        if self.get("build").is_none() {
            return false;
        }
        let Some(image) = self.image() else {
            return false;
        };
        let image = crate::parse::image::ImageRef::parse(&image.text, image.span, false);
        image.tag.as_deref().is_some_and(|t| {
            crate::purpose::is_development_stage(t) || t.eq_ignore_ascii_case("local")
        })
    }

    /// The service's whole entry: its name and its settings.
    pub fn span(&self) -> Span {
        self.name.span.cover(self.node.span)
    }

    /// It runs a WebAssembly module (`platform: wasi/wasm`, or a wasm
    /// `runtime:` such as `io.containerd.wasmedge.v1`): there is no
    /// shell, no program and no Linux user inside for a health check
    /// command or a `user:` to use.
    pub fn runs_wasm(&self) -> bool {
        let says = |key: &str, what: &str| {
            self.get(key)
                .and_then(Node::as_str)
                .is_some_and(|v| v.to_ascii_lowercase().contains(what))
        };
        says("platform", "wasi") || says("runtime", "wasm")
    }

    /// Its `healthcheck:` is switched off (`disable: true`, or `test:
    /// ["NONE"]`).
    pub fn healthcheck_disabled(&self) -> bool {
        self.get("healthcheck").is_some_and(|h| {
            h.get("disable").and_then(Node::as_bool) == Some(true)
                || h.get("test")
                    .and_then(Node::as_seq)
                    .and_then(|t| t.first())
                    .and_then(Node::as_str)
                    == Some("NONE")
        })
    }

    /// Where the service is given privileges only root can use:
    /// `privileged: true`, or a `cap_add:` beyond Docker's defaults.
    pub fn root_privileges(&self) -> Option<Span> {
        if self.is_true("privileged") {
            return self.get("privileged").map(|n| n.span);
        }
        self.get("cap_add")
            .and_then(Node::as_seq)
            .and_then(|caps| {
                caps.iter()
                    .find(|c| c.as_str().is_some_and(beyond_defaults))
            })
            .map(|c| c.span)
    }

    pub fn is_true(&self, key: &str) -> bool {
        self.get(key).is_some_and(|n| {
            n.as_bool() == Some(true)
                // Compose still reads YAML 1.1's booleans in boolean fields
                // (`privileged: yes`), with a warning.
                || n.as_str().is_some_and(|s| {
                    matches!(
                        s.to_ascii_lowercase().as_str(),
                        "true" | "yes" | "y" | "on"
                    )
                })
        })
    }
}

/// argv words from a command node: a sequence of scalars, or one string.
pub fn argv_of(node: &Node, raw: &dyn Fn(Span) -> String) -> Option<Vec<Word>> {
    match &node.kind {
        NodeKind::Seq(list) => Some(
            list.iter()
                .filter_map(|n| {
                    Some(Word {
                        text: n.as_str()?.to_string(),
                        span: n.span,
                        quoted: true,
                        dynamic: n.as_str()?.contains('$'),
                    })
                })
                .collect(),
        ),
        NodeKind::Scalar { text, .. } => {
            let word = Word {
                text: text.clone(),
                span: node.span,
                quoted: false,
                dynamic: false,
            };
            let script = crate::parse::command::parse_word(&word, raw);
            Some(
                script
                    .commands
                    .into_iter()
                    .flat_map(|c| c.assignments.into_iter().chain(c.argv))
                    .collect(),
            )
        }
        NodeKind::Map(_) => None,
    }
}

fn items(node: Option<&Node>) -> impl Iterator<Item = &Node> {
    node.and_then(Node::as_seq).unwrap_or(&[]).iter()
}

/// `"8000"`, `"8000:8000"`, `"127.0.0.1:5432:5432"`, `"[::1]:80:80"`,
/// `"8000-8010:8000-8010/tcp"`, or the long syntax.
fn port(node: &Node) -> Option<Port> {
    if node.as_map().is_some() {
        let s = |k: &str| node.get(k).and_then(Node::as_str).map(str::to_string);
        return Some(Port {
            host_ip: s("host_ip").filter(|h| !h.is_empty()),
            published: s("published"),
            target: s("target")?,
            protocol: s("protocol").map(|p| p.to_ascii_lowercase()),
            span: node.span,
        });
    }
    let text = node.as_str()?;
    // `/tcp` ends the text; a `:` or `/` inside `${VAR:-default}` is the
    // variable's, not the mapping's.
    let split = outside_braces(text, '/');
    let protocol = split.get(1).map(|p| p.trim().to_ascii_lowercase());
    let text = split.into_iter().next().unwrap_or(text);
    let (host_ip, rest) = match text.strip_prefix('[') {
        Some(r) => {
            let (ip, rest) = r.split_once("]:")?;
            (Some(ip.to_string()), rest)
        }
        None => {
            let parts = outside_braces(text, ':');
            match parts.as_slice() {
                [ip, _, _] => (
                    (!ip.is_empty()).then(|| ip.to_string()),
                    text.get(ip.len() + 1..).unwrap_or_default(),
                ),
                _ => (None, text),
            }
        }
    };
    let (published, target) = match outside_braces(rest, ':').as_slice() {
        [p, t] => ((!p.is_empty()).then(|| p.to_string()), t.to_string()),
        _ => (None, rest.to_string()),
    };
    Some(Port {
        host_ip,
        published,
        target,
        protocol,
        span: node.span,
    })
}

/// `text` split at each `sep` that is not inside `${…}`.
fn outside_braces(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0usize, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|(_, n)| *n == '{') {
            depth += 1;
            chars.next();
        } else if c == '}' && depth > 0 {
            depth -= 1;
        } else if c == sep && depth == 0 {
            parts.push(text.get(from..i).unwrap_or_default());
            from = i + c.len_utf8();
        }
    }
    parts.push(text.get(from..).unwrap_or_default());
    parts
}

/// `"./src:/app:ro"`, `"data:/var/lib/x"`, `"/var/run/docker.sock:/var/run/docker.sock"`,
/// `"/tmp"`, or the long syntax.
fn volume(node: &Node) -> Option<Volume> {
    if node.as_map().is_some() {
        let s = |k: &str| node.get(k).and_then(Node::as_str).map(str::to_string);
        let kind = s("type").unwrap_or_default();
        let source = s("source");
        return Some(Volume {
            bind: kind == "bind" || source.as_deref().is_some_and(is_host_path),
            source,
            target: s("target")?,
            span: node.span,
        });
    }
    let text = node.as_str()?;
    let mut parts = text.splitn(3, ':');
    let first = parts.next()?.to_string();
    match parts.next() {
        Some(target) => Some(Volume {
            bind: is_host_path(&first),
            source: Some(first),
            target: target.to_string(),
            span: node.span,
        }),
        None => Some(Volume {
            source: None,
            target: first,
            span: node.span,
            bind: false,
        }),
    }
}

fn is_host_path(s: &str) -> bool {
    s.starts_with('/') || s.starts_with('.') || s.starts_with('~') || s.starts_with('$')
}

/// A compose file: its services.
#[derive(Debug, Clone)]
pub struct Compose<'a> {
    pub root: &'a Node,
    pub services: Vec<Service<'a>>,
    /// Service name to its index in `services` (the last one wins).
    by_name: crate::hashing::FastMap<String, usize>,
}

impl<'a> Compose<'a> {
    pub fn from_root(root: &'a Node) -> Option<Compose<'a>> {
        Self::of_services(root, root.get("services").and_then(Node::as_map), |_| true)
    }

    /// What a file says of how its images run, for the project model: its
    /// `services:`, or, in a legacy (version 1) file, which has no
    /// `services:` and names each service at the top level, those entries
    /// that give an `image:` or a `build:`. Compose no longer reads such a
    /// file (DC016 says so), but it is still the author's statement of
    /// how the image is deployed (`privileged: yes`, its ports). The
    /// rules of the file itself read [`Compose::from_root`] only.
    pub fn deployed(root: &'a Node) -> Option<Compose<'a>> {
        if root.get("services").is_some() {
            return Self::from_root(root);
        }
        let entries = root.as_map()?;
        Self::of_services(root, Some(entries), is_legacy_service)
    }

    fn of_services(
        root: &'a Node,
        entries: Option<&'a [Entry]>,
        keep: fn(&Node) -> bool,
    ) -> Option<Compose<'a>> {
        let services = entries
            .unwrap_or(&[])
            .iter()
            .filter(|e| keep(&e.value))
            .filter_map(|e| {
                let name = Spanned::of(&e.key)?;
                if name.text.starts_with("x-") || e.value.as_map().is_none() {
                    return None;
                }
                Some(Service {
                    name,
                    entry: e,
                    node: &e.value,
                })
            })
            .collect::<Vec<Service<'a>>>();
        let by_name = services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.text.clone(), i))
            .collect();
        Some(Compose {
            root,
            services,
            by_name,
        })
    }

    pub fn service(&self, name: &str) -> Option<&Service<'a>> {
        self.by_name.get(name).and_then(|i| self.services.get(*i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn ports_in_every_short_form() {
        let y = yaml::parse(
            "ports:\n  - \"${DB_PORT:-5432}:5432\"\n  - \"127.0.0.1::6379\"\n  - \"${IP:-0.0.0.0}:${P:-80}:8080/tcp\"\n  - \"[::1]:9000:9000\"\n  - \"3000\"\n",
        );
        let root = y.documents.first().and_then(Option::as_ref);
        let ports: Vec<(Option<String>, Option<String>, String)> =
            items(root.and_then(|r| r.get("ports")))
                .filter_map(port)
                .map(|p| (p.host_ip, p.published, p.target))
                .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            ports,
            [
                (None, s("${DB_PORT:-5432}"), "5432".to_string()),
                (s("127.0.0.1"), None, "6379".to_string()),
                (s("${IP:-0.0.0.0}"), s("${P:-80}"), "8080".to_string()),
                (s("::1"), s("9000"), "9000".to_string()),
                (None, None, "3000".to_string()),
            ]
        );
    }

    #[test]
    fn services_ports_volumes_env() {
        let text = "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n      - \"127.0.0.1:6379:6379\"\n      - target: 80\n        published: \"8080\"\n    volumes:\n      - ./src:/app\n      - data:/var/lib/postgresql/data\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n    environment:\n      - POSTGRES_PASSWORD=x\n      - HOME\n    depends_on:\n      cache:\n        condition: service_healthy\nx-common: {}\n";
        let y = yaml::parse(text);
        let root = y.documents.first().and_then(Option::as_ref);
        let c = root.and_then(Compose::from_root);
        let Some(c) = c else { panic!("no compose") };
        let db = &c.services[0];
        let ports = db.ports();
        assert_eq!(ports[0].host_ip, None);
        assert_eq!(ports[0].published.as_deref(), Some("5432"));
        assert_eq!(ports[1].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(ports[2].target, "80");
        let v = db.volumes();
        assert!(v[0].bind && !v[1].bind && v[2].bind);
        assert_eq!(db.env_value("POSTGRES_PASSWORD").as_deref(), Some("x"));
        assert_eq!(db.environment()[1].value, None);
        let d = db.depends_on();
        assert_eq!(
            d[0].condition.as_ref().map(|c| c.text.as_str()),
            Some("service_healthy")
        );
    }
}
