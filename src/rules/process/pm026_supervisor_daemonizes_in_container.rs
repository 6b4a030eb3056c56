use super::*;

declare_rule! {
    /// ## What it checks
    /// A Dockerfile whose final command starts `supervisord` without `-n`
    /// (`--nodaemon`), when no supervisord configuration in the build
    /// context (the file `-c` names, or `supervisord*.conf` /
    /// `supervisor*.conf` beside the Dockerfile or in `supervisor/`,
    /// `docker/`, `conf/`, `config/`, `deploy/`, `etc/`) sets
    /// `nodaemon=true` in its `[supervisord]` section.
    ///
    /// ## Why it matters in production
    /// By default supervisord forks into the background and its first
    /// process exits. That process is the container's PID 1: the container
    /// stops as soon as it starts, and the orchestrator restarts it in a
    /// loop.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["supervisord", "-c", "/etc/supervisor/supervisord.conf"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["supervisord", "-n", "-c", "/etc/supervisor/supervisord.conf"]
    /// ```
    /// or `nodaemon=true` in the `[supervisord]` section.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [supervisord: nodaemon](https://supervisord.org/configuration.html#supervisord-section-values)
    pub struct SupervisorDaemonizesInContainer {
        code: "PM026",
        name: "supervisor-daemonizes-in-container",
        severity: Warning,
        fix: None,
        summary: "supervisord started by a Dockerfile forks into the background and the container exits",
    }
}

impl Rule for SupervisorDaemonizesInContainer {
    impl_meta!();

    fn dockerfile_servers(&self, cx: &DockerContext<'_>, launches: &[Launch], out: &mut Findings) {
        for l in launches {
            let c = &l.command;
            if c.server != Server::Supervisord || c.has("nodaemon") {
                continue;
            }
            let named = c.get("configuration").and_then(Opt::value_text);
            let dir = crate::project::dir_of(&cx.file.path);
            let found = cx.project.supervisord_for(&dir, named);
            if found.iter().any(|(_, nodaemon)| *nodaemon) {
                continue;
            }
            let why = match found.first().and_then(|(p, _)| p.file_name()) {
                Some(n) => format!("`{}` does not set `nodaemon=true`", n.to_string_lossy()),
                None => "no configuration in the build context sets `nodaemon=true`".to_string(),
            };
            out.report(
                &Self::META,
                c.program.span,
                format!("supervisord forks into the background and the container exits: no `-n`, and {why}"),
            )
            .help("start it with `supervisord -n`, or set `nodaemon=true` under `[supervisord]`");
        }
    }
}
