use super::*;

declare_rule! {
    /// ## What it checks
    /// A service with `user: root` (or `0`, `0:0`), reported as an error,
    /// and, as information, a service with no `user:` (in none of the
    /// compose files a workflow layers together with this one, judged on
    /// the base's entry) whose image is not known to set one: an `image:` only, or a built Dockerfile whose
    /// stage the build targets (`build.target`; the final stage without
    /// one) has no non-root `USER` (the finding then names that
    /// stage's `FROM` in the Dockerfile as a related location). Files for
    /// development only get the error. Images known to run their service
    /// unprivileged are left alone: the official database and broker
    /// images (postgres, mysql, mariadb, mongo, redis, valkey, rabbitmq)
    /// and memcached, zookeeper, cassandra, couchdb, influxdb, neo4j,
    /// clickhouse, which step down from root to their own user at start;
    /// images whose Dockerfile sets a non-root `USER` (Elastic's and
    /// OpenSearch's, Grafana, Prometheus and its exporters, Jenkins,
    /// SonarQube, Keycloak, Adminer, pgAdmin, mongo-express, UI for
    /// Apache Kafka); and every
    /// image of Bitnami, Selenium, Confluent and LinuxServer.io (s6 runs
    /// the service as `abc`, with the `PUID`/`PGID` given), and Synapse,
    /// Gitea, Gogs, Ghost and Metasploit, whose start scripts step down
    /// with gosu/su-exec, and PostgREST (user 1000); images named for a
    /// daemon that steps down from root by itself once it has opened what
    /// needs root and runs nothing else (`eclipse-mosquitto`, `mosquitto`,
    /// `sniproxy`, `ntopng`, `netdata`; not `dnsmasq` images, some of
    /// which front the daemon with a web UI running as root; DF001 knows
    /// these daemons and `dnsmasq`, `unbound`, `chronyd` by the program an
    /// image starts). A built image whose
    /// entrypoint script (copied from the repository) starts the server as
    /// another user with `gosu`, `su-exec`, `setpriv` or `runuser` steps
    /// down the same way and is left alone too (as is one that puts `gosu`
    /// or `su-exec` in the image for an entrypoint script the repository
    /// does not hold), as is an `image:` that a
    /// Dockerfile of the repository builds (a workflow or a build script
    /// tags it with that name) when that Dockerfile sets a non-root `USER`.
    /// A service without `user:` that is given privileges only root can
    /// use (`privileged: true`, a `cap_add:` beyond Docker's default
    /// capabilities such as `NET_ADMIN`, not `IPC_LOCK`, which daemons
    /// such as Vault hold unprivileged) is not reported either: root
    /// is what they need (DC005 judges the privileges). A `user: root` on a one-shot job (a service
    /// others wait for with `condition: service_completed_successfully`,
    /// such as an init that fixes the ownership of volumes) is information.
    /// A service with no `user:` that runs once and exits (a migration, a
    /// seed, a command-line tool's image run with its arguments, a
    /// toolbox kept idle for `exec` with no restart policy) and that
    /// nothing keeps up or reaches (no port, `expose` or server command,
    /// no restart policy, no router `labels:`, not on another service's
    /// network) is not reported: root ends when it exits, and DF001
    /// judges the image where the repository builds it.
    /// A service that runs a WebAssembly module (`platform: wasi/wasm`, a
    /// wasm `runtime:`) has no Linux user to be: not reported.
    ///
    /// ## Why it matters in production
    /// A process running as root inside the container is root on the host's
    /// kernel: a container escape or a mounted host path gives away the
    /// machine.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .
    ///     user: root
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .
    ///     user: "10001:10001"
    /// ```
    ///
    /// ## Fix
    /// None: the user must exist in the image and own what it writes.
    ///
    /// ## References
    /// - [Compose file reference: user](https://docs.docker.com/reference/compose-file/services/#user)
    pub struct RunsAsRoot {
        code: "DC002",
        name: "compose-runs-as-root",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.5",
        fix: None,
        summary: "a service runs as root",
    }
}

impl Rule for RunsAsRoot {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        // One-shot jobs: services others wait for to complete (an init
        // that fixes the ownership of volumes and exits).
        let one_shot: Vec<String> = cx
            .compose
            .services
            .iter()
            .flat_map(|s| s.depends_on())
            .filter(|d| {
                d.condition
                    .as_ref()
                    .is_some_and(|c| c.text == "service_completed_successfully")
            })
            .map(|d| d.service.text)
            .collect();
        for (i, (s, built, launches)) in cx.services().enumerate() {
            // A WebAssembly module runs in its runtime's sandbox, with no
            // Linux user to be.
            if s.runs_wasm() {
                continue;
            }
            match s.str_of("user") {
                Some(u) => {
                    let name = u.text.split(':').next().unwrap_or("");
                    if name != "root" && name != "0" {
                        continue;
                    }
                    let (message, severity, help) = if one_shot.contains(&s.name.text) {
                        (
                            format!(
                                "service `{}` runs as root; it is a one-shot job (other services wait for it to complete), so root ends when it exits",
                                s.name.text
                            ),
                            Severity::Info,
                            "keep its command to what needs root (`chown` of the volumes), and start the long-running services as an unprivileged user",
                        )
                    } else {
                        (
                            format!("service `{}` runs as root", s.name.text),
                            Severity::Error,
                            "run as an unprivileged user (`user: \"10001:10001\"`)",
                        )
                    };
                    out.report(&Self::META, u.span, message)
                        .severity(severity)
                        .help(help);
                }
                None if !cx.dev => {
                    // It runs once and exits (a command-line tool's run, a
                    // migration): root ends with it, and DF001 judges the
                    // image it runs where the repository builds it. Not
                    // when anything keeps it up or reaches it: a restart
                    // policy, router labels, another service's network.
                    let kept_up = s
                        .get("restart")
                        .and_then(|n| n.as_str())
                        .is_some_and(|r| r != "no")
                        || s.deploy(&["restart_policy"]).is_some()
                        || s.get("labels").is_some()
                        || s.str_of("network_mode")
                            .is_some_and(|m| m.text.starts_with("service:"));
                    if cx.one_off(i) && !kept_up && !is_serving(s, launches) {
                        continue;
                    }
                    let target = s.build_target();
                    if built.is_some_and(|df| super::target_user_is_non_root(df, target)) {
                        continue;
                    }
                    // It is given privileges only root can use (`cap_add`,
                    // `privileged`): root is what they need, and DC005
                    // judges the privileges. (A socket can be reached
                    // through its group: that one still counts.)
                    if s.root_privileges().is_some() {
                        continue;
                    }
                    // The merged service of a stack a workflow layers: a
                    // partial entry over a base is judged on the base's,
                    // and another file of the stack may set the user.
                    if cx.project.layered_over_base(&cx.file.path, &s.name.text)
                        || cx
                            .project
                            .layered_states(&cx.file.path, &s.name.text, &["user"])
                    {
                        continue;
                    }
                    // Its entrypoint script starts the server as another
                    // user (`exec gosu app "$@"`).
                    if cx.built(i).is_some_and(|b| {
                        match cx.project.entry_script(&b.file.path) {
                            Some((_, f, _)) => f.drops_root.is_some(),
                            // A script the repository does not hold, in an
                            // image that gets `gosu`/`su-exec` for it.
                            None => {
                                b.entry.is_some()
                                    && crate::project::facts::entrypoint::step_down_tool(
                                        &b.dockerfile,
                                    )
                                    .is_some()
                            }
                        }
                    }) {
                        continue;
                    }
                    if s.image().is_some_and(|i| image_drops_root(&i.text)) {
                        // The image runs its service as its own user.
                        continue;
                    }
                    // An image a Dockerfile of the repository builds (a
                    // workflow or build script tags it with this name)
                    // whose final stage sets a non-root `USER`.
                    if s.image().is_some_and(|i| {
                        let image = crate::parse::image::ImageRef::parse(&i.text, i.span, false);
                        cx.project
                            .built_here(&image, &cx.file.path)
                            .is_some_and(|(_, b)| image_user_is_non_root(&b.dockerfile))
                    }) {
                        continue;
                    }
                    let b = out.report(
                        &Self::META,
                        s.name.span,
                        format!("service `{}` sets no `user:`: it runs as the image's user, root unless the image says otherwise", s.name.text),
                    )
                    .severity(Severity::Info)
                    .help("set `user:` or a non-root `USER` in the image");
                    // The image it builds is in the project: the stage it
                    // targets (else the final one) is where a `USER` would
                    // go.
                    if let Some(built) = cx.built(i)
                        && let Some(from) = target
                            .and_then(|t| built.dockerfile.stage_by_name(t))
                            .or_else(|| built.dockerfile.final_stage())
                            .and_then(|st| built.dockerfile.instructions.get(st.from))
                    {
                        b.related_in(
                            &built.file,
                            from.span,
                            "the image this service builds sets no non-root `USER` after this",
                        );
                    }
                }
                None => {}
            }
        }
    }
}
