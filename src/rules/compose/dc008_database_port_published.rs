use super::*;

declare_rule! {
    /// ## What it checks
    /// A database or broker service (PostgreSQL, MySQL, MariaDB, Redis,
    /// Valkey, MongoDB, RabbitMQ, by image name) that publishes a port on
    /// every interface: no host address, or `0.0.0.0`/`::`. A port the
    /// image is documented to serve nothing on is left out (`8001` of
    /// `redis/redis-stack-server`, which has no RedisInsight), unless the
    /// service sets its own `command:` or passes a `--port` in its
    /// environment (`REDIS_ARGS`).
    ///
    /// ## Why it matters in production
    /// Docker writes its own firewall rules: a published port is reachable
    /// from the network even when the host's firewall says otherwise.
    /// Databases published this way are found by scanners within hours;
    /// Redis and MongoDB often have no password at all.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports: ["5432:5432"]
    /// ```
    ///
    /// ## Use instead
    /// No `ports:` (other services reach it by name on the compose
    /// network), or `"127.0.0.1:5432:5432"` for local tools.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: packet filtering and firewalls](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
    pub struct DatabasePortPublished {
        code: "DC008",
        name: "database-port-published",
        severity: Warning,
        tags: ["security"],
        security_severity: "7.5",
        purposes: PRODUCTION_AND_DEVELOPMENT,
        fix: None,
        summary: "a database port is published on every network interface",
    }
}

impl Rule for DatabasePortPublished {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        for (s, _, _) in cx.services() {
            let Some(image) = s.image() else { continue };
            if !is_database(&image.text) {
                continue;
            }
            // A port the image is known to serve nothing on (and the
            // service chooses neither its own program nor its server's
            // arguments: Redis Stack reads `REDIS_ARGS`).
            let own_args = s.environment().iter().any(|e| {
                e.value
                    .and_then(|v| v.as_str())
                    .is_some_and(|v| v.contains("--port"))
            });
            let served = crate::rules::known_images::served_ports(&image.text)
                .filter(|_| s.get("command").is_none() && !own_args);
            for p in s.ports() {
                if served
                    .is_some_and(|ports| p.target.parse::<i64>().is_ok_and(|t| !ports.contains(&t)))
                {
                    continue;
                }
                let everywhere = p
                    .host_ip
                    .as_deref()
                    .is_none_or(|h| h == "0.0.0.0" || h == "::" || h.is_empty());
                if everywhere && p.published.is_some() {
                    out.report(
                        &Self::META,
                        p.span,
                        format!("`{}` publishes port {} on every interface: the database is reachable from the network", image.text, p.target),
                    )
                    .help("drop `ports:` or bind it to `127.0.0.1`");
                }
            }
        }
    }
}
