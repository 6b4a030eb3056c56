//! What is known of widely used stock images, from their published
//! Dockerfiles and start scripts: which step down from root, which define
//! their own `HEALTHCHECK`, which are databases and brokers. Compose and
//! Kubernetes rules read the same lists.

/// An image reference without its tag and digest
/// (`registry:5000/org/name:tag@sha256:…` -> `registry:5000/org/name`:
/// the tag is after the last `/`).
fn repository(image: &str) -> &str {
    let repo = image.split('@').next().unwrap_or(image);
    // The tag is what follows a `:` after the last `/` (a `:` before it
    // is a registry's port).
    let last = repo.rfind('/').map_or(0, |slash| slash + 1);
    match repo.get(last..).and_then(|name| name.find(':')) {
        Some(colon) => repo.get(..last + colon).unwrap_or(repo),
        None => repo,
    }
}

/// Whether the repository `repo` is `name` or ends with `/name`
/// (`docker.io/gitea/gitea` names `gitea/gitea`), without making the
/// `/name` text: these lists are asked about every image of every file.
fn names(repo: &str, name: &str) -> bool {
    repo == name
        || repo
            .strip_suffix(name)
            .is_some_and(|head| head.ends_with('/'))
}

/// Whether `piece` occurs in `repo` right after a `/`.
fn after_slash(repo: &str, piece: &str) -> bool {
    repo.match_indices(piece)
        .any(|(at, _)| at > 0 && repo.as_bytes().get(at - 1) == Some(&b'/'))
}

/// Daemons that step down from root by themselves, by default, once they
/// have opened what needs root (their own `user` setting): Mosquitto to
/// `mosquitto`, sniproxy to `daemon`, ntopng and dnsmasq to `nobody`,
/// Netdata to `netdata`, Unbound to `unbound`, chronyd to `chrony`.
pub fn program_drops_root(program: &str) -> bool {
    [
        "mosquitto",
        "sniproxy",
        "ntopng",
        "netdata",
        "dnsmasq",
        "unbound",
        "chronyd",
    ]
    .contains(&program)
}

/// Daemons that log users in as themselves (SSH, SMB, FTP and IMAP
/// servers): they must start as root to switch to each user who logs
/// in, so a `USER` stops them working.
pub fn program_logs_users_in(program: &str) -> bool {
    ["sshd", "smbd", "vsftpd", "proftpd", "pure-ftpd", "dovecot"].contains(&program)
}

/// Command-line tools whose job needs root's powers: tracing other
/// processes and the kernel (ptrace, eBPF), raw sockets for probes and
/// captures (traceroute's ICMP and TCP modes, the reason to run it in a
/// container rather than the host's), configuring the host's network, building a root file
/// system. A `USER` would stop them working.
pub fn program_needs_root(program: &str) -> bool {
    [
        "strace",
        "ltrace",
        "bpftrace",
        "perf",
        "tcpdump",
        "tshark",
        "traceroute",
        "arping",
        "nmap",
        "masscan",
        "wg",
        "ip",
        "iptables",
        "nft",
        "ethtool",
        "debootstrap",
    ]
    .contains(&program)
}

/// Programs whose job is compiling while they run: bpftrace turns its
/// probe scripts into BPF with LLVM against the kernel's headers, distcc's
/// daemon compiles for its clients. The image's compilers are their
/// workload, not leftovers of its build.
pub fn program_compiles_at_run_time(program: &str) -> bool {
    ["bpftrace", "distccd"].contains(&program)
}

/// Images that do not run their service as root: their Dockerfile sets a
/// non-root `USER`, or their entrypoint steps down to the service's own
/// user before it starts it (as the official database images do).
pub fn image_drops_root(image: &str) -> bool {
    if is_database(image) {
        return true;
    }
    let repo = repository(image);
    // Publishers whose images all run unprivileged (LinuxServer.io's
    // start as root only for s6 to run the service as `abc`, the
    // `PUID`/`PGID` the user passes).
    if [
        "bitnami/",
        "bitnamilegacy/",
        "selenium/",
        "confluentinc/",
        "linuxserver/",
    ]
    .iter()
    .any(|p| repo.starts_with(p) || after_slash(repo, p))
    {
        return true;
    }
    let name = repo.rsplit('/').next().unwrap_or(repo);
    // An image named for a daemon that steps down itself and runs
    // nothing else (`vimagick/sniproxy`, `eclipse-mosquitto`); not the
    // resolvers and time daemons, whose images often put a web UI
    // running as root in front (`jpillora/dnsmasq`).
    if [
        "eclipse-mosquitto",
        "mosquitto",
        "sniproxy",
        "ntopng",
        "netdata",
    ]
    .contains(&name)
    {
        return true;
    }
    [
        // Elastic and OpenSearch: uid 1000.
        "elasticsearch",
        "kibana",
        "logstash",
        "opensearch",
        "opensearch-dashboards",
        // Monitoring: `USER nobody` or their own uid.
        "grafana",
        "prometheus",
        "alertmanager",
        "node-exporter",
        "pushgateway",
        // Step down (gosu/su-exec) or set their own user.
        "memcached",
        "zookeeper",
        "cassandra",
        "couchdb",
        "influxdb",
        "neo4j",
        "clickhouse-server",
        "jenkins",
        "sonarqube",
        "keycloak",
        "adminer",
        "pgadmin4",
        "mongo-express",
        // Ghost's entrypoint starts the server with `su-exec node`.
        "ghost",
    ]
    .contains(&name)
        // Step down with gosu/su-exec in their start scripts: Synapse to
        // uid 991, Gitea to `git`.
        // Gogs starts its web server with gosu as `$USER_GOGS`;
        // Metasploit's entrypoint runs the console with su-exec as `msf`;
        // PostgREST's image sets user 1000.
        || [
            "matrixdotorg/synapse",
            "gitea/gitea",
            "gogs/gogs",
            "metasploitframework/metasploit-framework",
            "postgrest/postgrest",
            // Their Dockerfiles end with a non-root `USER`: cowrie,
            // NodeBB (`node`), MiNiFi C++ (`minificpp`), browserless'
            // Chrome (`blessuser`).
            "cowrie/cowrie",
            "browserless/chrome",
            // Jupyter's Docker Stacks end with `USER ${NB_UID}` (`jovyan`),
            // and Dask's notebook image is built on them.
            "jupyter/base-notebook",
            "jupyter/minimal-notebook",
            "jupyter/scipy-notebook",
            "jupyter/datascience-notebook",
            "jupyter/pyspark-notebook",
            "jupyter/tensorflow-notebook",
            "jupyter/r-notebook",
            "jupyter/all-spark-notebook",
            "daskdev/dask-notebook",
            // Memgraph's images end with `USER memgraph`.
            "memgraph/memgraph",
            "memgraph/memgraph-mage",
            // Its start script runs the server as `minecraft` (uid 1000).
            "itzg/minecraft-server",
            "nodebb/nodebb",
            "apache/nifi-minifi-cpp",
            // DNSCrypt's server image chowns its keys as root, then its
            // encrypted-dns runs as `_encrypted-dns` (its configuration's
            // `user`).
            "jedisct1/dnscrypt-server",
            // This cloudflared image's Dockerfile ends with `USER cloudflared`.
            "visibilityspots/cloudflared",
            // Azure SQL Edge runs as the non-root `mssql` user by default.
            "mcr.microsoft.com/azure-sql-edge",
            // SFTPGo's Dockerfiles end with `USER 1000:1000`.
            "drakkan/sftpgo",
            // Pi-hole's start script runs its DNS server (pihole-FTL)
            // through `capsh --user=$DNSMASQ_USER`, `pihole` by default:
            // it keeps only the capabilities it names.
            "pihole/pihole",
            // This DNS-over-HTTPS server's Dockerfile ends with `USER nobody`.
            "satishweb/doh-server",
            // Outline's Dockerfile ends with `USER nodejs`; mitmproxy's
            // entrypoint runs its programs with `gosu mitmproxy`.
            "outlinewiki/outline",
            "mitmproxy/mitmproxy",
            // ArchiveBox's entrypoint refuses to run as uid 0 and starts
            // the archiver with `gosu` as `archivebox` (`$PUID`, 911).
            "archivebox/archivebox",
            // UI for Apache Kafka: its Dockerfile adds `kafkaui` and ends
            // with `USER kafkaui` (Provectus' image and kafbat's fork).
            "provectuslabs/kafka-ui",
            "kafbat/kafka-ui",
        ]
            .iter()
            .any(|r| names(repo, r))
        || official_haproxy_drops_root(image)
}

/// The official HAProxy image has ended with `USER haproxy` since 2.4:
/// untagged or a named tag (`alpine`, `lts`, `bookworm`) is a current
/// release; a version tag counts from 2.4; a tag a variable chooses is
/// unknown.
fn official_haproxy_drops_root(image: &str) -> bool {
    let r = crate::parse::image::ImageRef::parse(image, crate::source::Span::default(), false);
    if r.short_name() != "haproxy" || r.unresolved || image.contains('$') {
        return false;
    }
    let tag = r.tag_or_latest();
    let mut parts = tag.split(|c: char| !c.is_ascii_digit());
    let number = |p: Option<&str>| p.and_then(|p| p.parse::<u32>().ok());
    match (number(parts.next()), number(parts.next())) {
        (Some(major), minor) => (major, minor.unwrap_or(u32::MAX)) >= (2, 4),
        // `alpine`, `lts`, `bookworm`, `alpine3.22`: a current release.
        (None, _) => true,
    }
}

/// Images of host agents and device hubs, with the host access their
/// documented installation gives them: Falco's kernel probe
/// (`SYS_ADMIN`, and the runtime's socket for container names), Drone's
/// and GitLab's Docker runners and Portainer's agent (the socket, to start
/// and inspect containers), cAdvisor's per-container metrics (privileges
/// and the socket), Home Assistant's device integrations (privileges, the
/// host's network for discovery), Gladys Assistant's (privileges, the
/// host's network, the socket to manage its companion containers).
pub fn host_agent_access(image: &str) -> Option<HostAccess> {
    const P: HostAccess = HostAccess {
        privileges: true,
        socket: false,
        network: false,
    };
    const S: HostAccess = HostAccess {
        privileges: false,
        socket: true,
        network: false,
    };
    let repo = repository(image);
    [
        ("falcosecurity/falco", HostAccess { socket: true, ..P }),
        (
            "falcosecurity/falco-no-driver",
            HostAccess { socket: true, ..P },
        ),
        ("drone/agent", S),
        ("drone/drone-runner-docker", S),
        ("gitlab/gitlab-runner", S),
        ("portainer/agent", S),
        ("cadvisor/cadvisor", HostAccess { socket: true, ..P }),
        ("google/cadvisor", HostAccess { socket: true, ..P }),
        (
            "homeassistant/home-assistant",
            HostAccess { network: true, ..P },
        ),
        (
            "home-assistant/home-assistant",
            HostAccess { network: true, ..P },
        ),
        (
            "gladysassistant/gladys",
            HostAccess {
                privileges: true,
                socket: true,
                network: true,
            },
        ),
    ]
    .into_iter()
    .find(|(r, _)| names(repo, r))
    .map(|(_, a)| a)
}

/// The host access an image's installation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostAccess {
    /// `privileged`, or capabilities such as `SYS_ADMIN`.
    pub privileges: bool,
    /// The container runtime's socket.
    pub socket: bool,
    /// The host's network namespace.
    pub network: bool,
}

/// Images whose own Dockerfile defines a `HEALTHCHECK` (Docker checks them
/// without a compose `healthcheck:`).
pub fn image_has_healthcheck(image: &str) -> bool {
    let repo = repository(image);
    [
        "pihole/pihole",
        "adguard/adguardhome",
        "vaultwarden/server",
        "jellyfin/jellyfin",
        "louislam/uptime-kuma",
        "visibilityspots/cloudflared",
        "open-webui/open-webui",
        "itzg/minecraft-server",
        "trinodb/trino",
        // Their Dockerfiles end with a `HEALTHCHECK`: Superset's on
        // `/health`, RustDesk's s6 image's script, Selenoid UI's probe
        // binary, Outline's `/_health`.
        "amancevice/superset",
        "rustdesk/rustdesk-server-s6",
        "aerokube/selenoid-ui",
        "outlinewiki/outline",
    ]
    .iter()
    .any(|r| names(repo, r))
}

/// Reverse proxies, by the name of their program and of their image
/// (`nginx`, `traefik`); `apache2` and `apachectl` are programs only.
const PROXIES: &[&str] = &[
    "nginx",
    "haproxy",
    "caddy",
    "httpd",
    "traefik",
    "envoy",
    "openresty",
];

/// A program that runs a reverse proxy (`nginx`, `apachectl`).
pub fn is_proxy_program(program: &str) -> bool {
    PROXIES.contains(&program) || matches!(program, "apache2" | "apachectl")
}

/// Images of reverse proxies and load balancers (`nginx:1.27`,
/// `traefik:v3.1`, `nginxinc/nginx-unprivileged`,
/// `envoyproxy/envoy-distroless`, `lucaslorentz/caddy-docker-proxy`);
/// not the exporters and tools named after one
/// (`nginx-prometheus-exporter`, `traefik-certs-dumper`).
pub fn is_proxy_image(image: &str) -> bool {
    let repo = repository(image);
    let name = repo.rsplit('/').next().unwrap_or(repo);
    PROXIES.iter().any(|p| {
        name == *p
            || name
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('-'))
    }) && !name.ends_with("-exporter")
        && !name.contains("certs-dumper")
}

/// Images of databases and brokers.
pub fn is_database(image: &str) -> bool {
    let name = image.rsplit('/').next().unwrap_or(image);
    let name = name.split([':', '@']).next().unwrap_or(name);
    // `postgresql`, `mongodb`, `redismod`, `mysql-server`, `postgres-arm`;
    // not a tool named after one (`postgrest`, `redis_exporter`,
    // `mongo-express`, `postgres-backup`).
    [
        "postgres", "postgis", "mysql", "mariadb", "redis", "mongo", "rabbitmq", "valkey",
    ]
    .iter()
    .any(|d| {
        name.strip_prefix(d).is_some_and(|rest| {
            matches!(rest, "" | "ql" | "db" | "mod")
                || (rest.starts_with('-')
                    && ![
                        "export",
                        "express",
                        "backup",
                        "admin",
                        "ui",
                        "commander",
                        "insight",
                        "operator",
                        "proxy",
                        "client",
                        "cli",
                    ]
                    .iter()
                    .any(|tool| rest.contains(tool)))
        })
    })
}

/// PostgreSQL, MySQL or MariaDB (`postgres:16`, `bitnami/postgresql`).
pub fn is_sql_database(image: &str) -> bool {
    is_database(image) && {
        let name = image.rsplit('/').next().unwrap_or(image);
        ["postgres", "postgis", "mysql", "mariadb"]
            .iter()
            .any(|d| name.starts_with(d))
    }
}

/// Images whose entrypoint polls their SQL database's port before it
/// starts the app (read in their upstream start scripts): Semaphore's
/// `server-wrapper`, AWX's launch scripts, the official `postfixadmin`,
/// Artifactory OSS's `waitForDB`, `martialblog/limesurvey`.
pub fn image_waits_for_database(image: &str) -> bool {
    let repo = repository(image).to_ascii_lowercase();
    [
        "semaphoreui/semaphore",
        "ansible/awx",
        "postfixadmin",
        "jfrog/artifactory-oss",
        "martialblog/limesurvey",
    ]
    .iter()
    .any(|r| names(&repo, r))
}

/// PHP web applications, whose PHP opens its database and cache
/// connections per request and whose entrypoints install nothing before
/// the database answers (or wait for it: Nextcloud's and PrestaShop's
/// retry, Friendica's `wait-for-connection`): started before the
/// database is ready, they serve an error page for a few seconds rather
/// than crash.
pub fn image_connects_per_request(image: &str) -> bool {
    // `wordpress:cli` is wp-cli, a one-shot command.
    let parsed = crate::parse::image::ImageRef::parse(image, crate::source::Span::default(), false);
    if parsed.tag.as_deref().is_some_and(|t| t.starts_with("cli")) {
        return false;
    }
    let repo = repository(image).to_ascii_lowercase();
    let name = repo.rsplit('/').next().unwrap_or(&repo);
    [
        "wordpress",
        "nextcloud",
        "friendica",
        "mantisbt",
        "opencart",
        "phplist",
        "piwigo",
        "prestashop",
        "yourls",
        "joomla",
        "drupal",
        "mediawiki",
        "matomo",
        "phpbb",
    ]
    .contains(&name)
}

/// A database or broker server itself, named exactly (`redis:7.2`,
/// `postgres`, `mysql`): not a tool named after one (`redis_exporter`,
/// `postgres-backup`).
pub fn is_database_server(image: &str) -> bool {
    let name = image.rsplit('/').next().unwrap_or(image);
    let name = name.split([':', '@']).next().unwrap_or(name);
    [
        "postgres", "postgis", "mysql", "mariadb", "redis", "mongo", "rabbitmq", "valkey",
    ]
    .contains(&name)
}

/// The port a database or broker listens on by default (PostgreSQL,
/// MySQL and MariaDB, Redis and Valkey, MongoDB, RabbitMQ's AMQP): a
/// container that opens only such ports runs one, whatever its image is
/// called (`gb-redisslave`, a rebuild of `redis`).
pub fn is_database_port(port: i64) -> bool {
    [5432, 3306, 6379, 27017, 5672].contains(&port)
}

/// The ports an image serves, where its documentation says which of
/// the ports it is often published with nothing listens on: Redis
/// Stack's server-only image has no RedisInsight (the UI on 8001 is in
/// `redis/redis-stack`). `None`: any port may be served.
pub fn served_ports(image: &str) -> Option<&'static [i64]> {
    match repository(image) {
        "redis/redis-stack-server" => Some(&[6379]),
        _ => None,
    }
}

/// A port a health check has no request to make on: UDP (a VPN, DNS or
/// syslog daemon), DNS's own TCP ports (53 for large answers and zone
/// transfers, 853 for DNS over TLS), which a DNS daemon serves too, or
/// syslog's TCP ports (514 as rsyslog and syslog-ng take it, 601, and
/// 6514 over TLS), which only receive logs, as its UDP port does.
/// `port` as written (`53`), `protocol` when one is given (`udp`).
pub fn serves_no_request(port: &str, protocol: Option<&str>) -> bool {
    protocol.is_some_and(|p| p.trim().eq_ignore_ascii_case("udp"))
        || matches!(port.trim(), "53" | "853" | "514" | "601" | "6514")
}

/// An image of Docker Hub (`redis`, `library/redis`, `docker.io/grafana/grafana`):
/// the lists above describe those, not rebuilds in other registries
/// (`registry.k8s.io/redis:e2e`).
pub fn on_docker_hub(image: &str) -> bool {
    let image = image
        .strip_prefix("docker.io/")
        .or_else(|| image.strip_prefix("index.docker.io/"))
        .unwrap_or(image);
    match image.split_once('/') {
        Some((first, _)) => !first.contains(['.', ':']) && first != "localhost",
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_that_step_down_from_root() {
        assert!(image_drops_root("pihole/pihole"));
        assert!(image_drops_root("mcr.microsoft.com/azure-sql-edge:1.0.7"));
        assert!(image_drops_root("jedisct1/dnscrypt-server"));
        assert!(image_drops_root("drakkan/sftpgo:v2-alpine"));
        assert!(image_drops_root("ghcr.io/drakkan/sftpgo:v2"));
        assert!(image_drops_root("postgres:17"));
        assert!(!image_drops_root("pihole/ftl-build"));
        assert!(image_drops_root("provectuslabs/kafka-ui:v0.7.2"));
        assert!(image_drops_root("ghcr.io/kafbat/kafka-ui:v1.0.0"));
        assert!(!image_drops_root("someone/kafka-ui"));
        assert!(!image_drops_root("provectuslabs/kafka-ui-x"));
        assert!(image_drops_root("archivebox/archivebox:0.7"));
        assert!(image_drops_root("haproxy:3"));
        assert!(image_drops_root("haproxy:2.4-alpine"));
        assert!(image_drops_root("haproxy:lts"));
        assert!(image_drops_root("haproxy"));
        assert!(!image_drops_root("haproxy:2.3"));
        assert!(!image_drops_root("haproxy:1.8-alpine"));
        assert!(!image_drops_root("example/haproxy:3"));
        assert!(image_drops_root("docker.io/library/haproxy:3.0"));
        assert!(!image_drops_root("haproxy:${HAPROXY_TAG:-2.2}"));
        assert!(!image_drops_root("haproxy:${TAG}"));
        assert!(image_drops_root("haproxy:bookworm"));
        assert!(image_drops_root("haproxy:alpine3.22"));
        assert!(image_drops_root("outlinewiki/outline:0.80.2"));
        assert!(image_drops_root("mitmproxy/mitmproxy"));
    }

    #[test]
    fn images_of_reverse_proxies() {
        assert!(is_proxy_image("nginx:1.27-alpine"));
        assert!(is_proxy_image("nginxinc/nginx-unprivileged:1.27"));
        assert!(is_proxy_image("traefik:v3.1"));
        assert!(is_proxy_image("jwilder/nginx-proxy"));
        assert!(!is_proxy_image("nginx/nginx-prometheus-exporter:1.3"));
        assert!(!is_proxy_image("acme/nginxlog"));
        assert!(!is_proxy_image("ldez/traefik-certs-dumper"));
        assert!(is_proxy_image("envoyproxy/envoy-distroless:v1.31"));
        assert!(is_proxy_image("haproxytech/haproxy-alpine:3.0"));
        assert!(is_proxy_image("lucaslorentz/caddy-docker-proxy:2.9"));
    }

    #[test]
    fn images_that_check_their_own_health() {
        assert!(image_has_healthcheck("amancevice/superset:4.0.2"));
        assert!(image_has_healthcheck("outlinewiki/outline"));
        assert!(image_has_healthcheck("aerokube/selenoid-ui:1.10.11"));
        assert!(image_has_healthcheck("rustdesk/rustdesk-server-s6:latest"));
        assert!(!image_has_healthcheck("rustdesk/rustdesk-server"));
        assert!(!image_drops_root("nginx:1.27"));
    }

    #[test]
    fn images_that_wait_for_their_sql_database() {
        assert!(image_waits_for_database("semaphoreui/semaphore:v2.16.31"));
        assert!(image_waits_for_database(
            "docker.bintray.io/jfrog/artifactory-oss:6.13.1"
        ));
        assert!(!image_waits_for_database(
            "ghcr.io/acme/semaphore-proxy:1.0"
        ));
        assert!(is_sql_database("postgres:17-alpine"));
        assert!(is_sql_database("bitnami/postgresql:16"));
        assert!(!is_sql_database("redis:7"));
        assert!(!is_sql_database("postgrest/postgrest"));
    }
}
