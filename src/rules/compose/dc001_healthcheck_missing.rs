use super::*;

declare_rule! {
    /// ## What it checks
    /// A service that serves requests (it publishes or exposes ports, or
    /// its command starts a web server) with no `healthcheck:`, or with
    /// one switched off (`disable: true`, `test: ["NONE"]`), in a file that is not for
    /// development. A `HEALTHCHECK` in the Dockerfile the service builds
    /// counts, read in the stage the service builds: `build.target` when
    /// it names one (a `HEALTHCHECK` only in a later stage is not in that
    /// image), the last stage otherwise; `HEALTHCHECK NONE` does not count.
    /// Images known to define their own `HEALTHCHECK` (pihole/pihole,
    /// adguard/adguardhome, vaultwarden/server, jellyfin/jellyfin,
    /// louislam/uptime-kuma, visibilityspots/cloudflared) are checked by
    /// Docker already, as is an `image:` a Dockerfile of the repository
    /// builds with a `HEALTHCHECK` (a workflow or build script tags it
    /// with that name, or the image is named after the compose file's
    /// folder, whose `Dockerfile` builds it: see the project model).
    /// A service that runs a WebAssembly module (`platform: wasi/wasm`, a
    /// wasm `runtime:`) is not reported: nothing inside can run a check;
    /// nor one that publishes only UDP ports (or DNS's 53 and 853, syslog's
    /// 514, 601 and 6514),
    /// exposes nothing and starts no server prodlint knows (a VPN, DNS or
    /// syslog daemon: there is no request to answer, as in DF018), nor one
    /// that runs once (a migration, a seed, a command-line tool's image
    /// run per invocation: see DC003).
    /// Compose files a workflow layers into one project (`docker compose
    /// -f compose.yml -f compose.prod.yml up`) are judged together: a
    /// `healthcheck:` in another file of the stack counts (not one that
    /// disables it).
    ///
    /// ## Why it matters in production
    /// Without a health check Docker only knows whether the process is
    /// alive. A server that deadlocks, loses its database or never finishes
    /// starting stays "up". With one, Docker marks it `unhealthy`:
    /// `depends_on: condition: service_healthy` waits for `healthy`,
    /// monitoring sees the status, and Docker Swarm replaces unhealthy
    /// tasks. (A restart policy acts on exits only: it does not restart an
    /// unhealthy container.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports: ["8000:8000"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     ports: ["8000:8000"]
    ///     healthcheck:
    ///       test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]
    ///       interval: 10s
    ///       retries: 3
    /// ```
    ///
    /// ## Fix
    /// None: the check depends on the service.
    ///
    /// ## References
    /// - [Compose file reference: healthcheck](https://docs.docker.com/reference/compose-file/services/#healthcheck)
    pub struct HealthcheckMissing {
        code: "DC001",
        name: "healthcheck-missing",
        severity: Warning,
        fix: None,
        summary: "a serving service has no healthcheck",
    }
}

impl Rule for HealthcheckMissing {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        if cx.dev {
            return;
        }
        for (i, (s, built, launches)) in cx.services().enumerate() {
            // A WebAssembly module has nothing inside to run a check.
            if !is_serving(s, launches) || cx.one_off(i) || s.runs_wasm() {
                continue;
            }
            // Only UDP published (a VPN, DNS or syslog daemon), nothing
            // exposed and no server the rule knows: there is no request to
            // answer, and Docker already watches the process (as DF018).
            let ports = s.ports();
            if launches.is_empty()
                && s.get("expose").is_none()
                && !ports.is_empty()
                && ports.iter().all(|p| {
                    crate::rules::known_images::serves_no_request(&p.target, p.protocol.as_deref())
                })
            {
                continue;
            }
            let disabled = s.healthcheck_disabled();
            if s.get("healthcheck").is_some() && !disabled {
                continue;
            }
            // The image checks itself (its Dockerfile's `HEALTHCHECK`).
            if !disabled
                && built.is_none()
                && s.image().is_some_and(|i| image_has_healthcheck(&i.text))
            {
                continue;
            }
            // An `image:` a Dockerfile of the repository builds (a
            // workflow or script tags it, or it is named after this
            // folder, whose Dockerfile builds it) with a `HEALTHCHECK`.
            if !disabled
                && built.is_none()
                && s.image().is_some_and(|i| {
                    let image = crate::parse::image::ImageRef::parse(&i.text, i.span, false);
                    cx.project
                        .built_here(&image, &cx.file.path)
                        .is_some_and(|(_, b)| {
                            b.dockerfile
                                .final_last(Keyword::Healthcheck)
                                .is_some_and(|h| h.command().is_some())
                        })
                })
            {
                continue;
            }
            // A file a workflow layers with this one sets it. (An
            // overlay's entry is still judged on its own: the ports that
            // make the merged service serve may be the overlay's.)
            if !disabled
                && cx
                    .project
                    .layered_states(&cx.file.path, &s.name.text, &["healthcheck"])
            {
                continue;
            }
            // The stage the service builds (`build.target`), not always
            // the last one; `HEALTHCHECK NONE` checks nothing.
            let target = s.build_target();
            if !disabled
                && built.is_some_and(|df| {
                    df.target_last(target, Keyword::Healthcheck)
                        .is_some_and(|h| h.command().is_some())
                })
            {
                continue;
            }
            let what = if disabled {
                "has its healthcheck disabled"
            } else {
                "has no healthcheck"
            };
            out.report(
                &Self::META,
                s.name.span,
                format!(
                    "service `{}` serves requests but {what}: a hung server shows as up, and nothing can wait for it to be healthy or act on it being unhealthy",
                    s.name.text
                ),
            )
            .help("add a `healthcheck:` that requests the service's health endpoint");
        }
    }
}
