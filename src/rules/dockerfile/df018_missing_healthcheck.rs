use super::*;

declare_rule! {
    /// ## What it checks
    /// A server image (it `EXPOSE`s a port or starts a web server such as
    /// gunicorn, uvicorn or nginx) has no `HEALTHCHECK`. `HEALTHCHECK NONE`
    /// counts as a deliberate choice. Not reported where every deployment
    /// of the image in the repository checks health itself (a compose
    /// `healthcheck:`, Kubernetes liveness or readiness probes; a compose
    /// entry layered over another file's — `compose.override.yaml` over
    /// the `compose.yaml` beside it, a deploy file a workflow adds with
    /// `-f` — runs merged with it, so a health check either states counts;
    /// images are matched to this Dockerfile through the workflows, compose files
    /// and skaffold configs that build them), nor where every deployment
    /// is a Kubernetes container (Kubernetes ignores `HEALTHCHECK`: KU001
    /// and KU002 ask for its probes there), nor for images that run no
    /// server (command-line tools), toolbox images whose default command
    /// prints usage (`ENTRYPOINT ["airflow"]` with `CMD ["--help"]`: each
    /// deployment picks what runs, so no one check fits; still reported
    /// when a deployment in the repository publishes its ports with no
    /// health check of its own), or that only expose UDP ports and start
    /// no server the rule recognises (VPN, DNS or syslog daemons, DNS's
    /// own 53/tcp and 853 and syslog's 514/tcp, 601 and 6514 counted with
    /// them: no
    /// request to answer, and Docker already watches the process).
    ///
    /// ## Why it matters in production
    /// Without a health check Docker knows only whether the process is
    /// alive: a server that hangs, loses its database or never finishes
    /// starting shows as "up". With one, Docker marks the container
    /// `unhealthy`: `docker ps` and monitoring show it, compose's
    /// `depends_on: condition: service_healthy` waits for `healthy`, and
    /// Docker Swarm replaces unhealthy tasks. (A plain restart policy acts
    /// on exits only: it does not restart an unhealthy container.)
    /// Kubernetes ignores `HEALTHCHECK` (it uses probes), so this rule is
    /// informational.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 8000
    /// CMD ["gunicorn", "app.main:app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// HEALTHCHECK --interval=30s --timeout=3s \
    ///   CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Differences from checkov
    /// checkov's CKV_DOCKER_2 asks every image for a `HEALTHCHECK`; prodlint
    /// asks only server images, as information, and not where every
    /// deployment checks health itself.
    ///
    /// ## References
    /// - [Dockerfile `HEALTHCHECK`](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub struct MissingHealthcheck {
        code: "DF018",
        name: "missing-healthcheck",
        severity: Info,
        fix: None,
        summary: "a server image has no HEALTHCHECK",
    }
}

impl Rule for MissingHealthcheck {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        if df.final_last(Keyword::Healthcheck).is_some() {
            return;
        }
        let expose = df.final_last(Keyword::Expose);
        let process = process_instructions(df);
        let serves = image_role::starts_server(cx);
        if expose.is_none() && !serves {
            return;
        }
        // Only UDP ports (a VPN, DNS or syslog daemon) and no server the
        // rule knows: there is no request to answer, and Docker already
        // watches the process.
        let udp_only = df
            .final_instructions()
            .filter(|i| i.keyword == Keyword::Expose)
            .flat_map(|i| i.words())
            .all(|w| {
                let (port, protocol) = match w.text.split_once('/') {
                    Some((p, proto)) => (p, Some(proto)),
                    None => (w.text.as_str(), None),
                };
                crate::rules::known_images::serves_no_request(port, protocol)
            });
        if udp_only && !serves {
            return;
        }
        // A toolbox whose default prints usage runs whatever each
        // deployment asks (`webserver`, `worker`): no one check fits all,
        // unless a deployment serves a port with nothing checking it.
        if image_role::role(cx) == image_role::Role::Chosen
            && !image_role::serves_unchecked_somewhere(cx)
        {
            return;
        }
        // Kubernetes ignores HEALTHCHECK, and a compose healthcheck replaces
        // it: where every deployment checks health itself, nothing is missing.
        if image_role::health_checked_everywhere(cx) || image_role::kubernetes_only(cx) {
            return;
        }
        let at = process.first().or(expose.as_ref()).map(|i| i.keyword_span);
        let Some(span) = at.or_else(|| df.final_stage().map(|s| s.image.span)) else {
            return;
        };
        out.report(
            &Self::META,
            span,
            "this server image has no HEALTHCHECK: a hung server shows as up, and nothing can wait for it to be healthy or act on it being unhealthy",
        )
        .help("add a HEALTHCHECK that requests the app's health endpoint");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    fn count(text: &str) -> usize {
        check_text(&MissingHealthcheck, text).len()
    }

    #[test]
    fn toolboxes_whose_default_prints_usage_are_left_alone() {
        let text = "FROM alpine:3.20\nEXPOSE 8888\nENTRYPOINT [\"cfssl\"]\nCMD [\"--help\"]\n";
        assert_eq!(count(text), 0);
        assert_eq!(count(&text.replace("--help", "serve")), 1);
    }

    #[test]
    fn udp_only_daemons_have_no_request_to_check() {
        assert_eq!(
            count("FROM alpine:3.20\nEXPOSE 1123/udp\nCMD [\"vpnd\"]\n"),
            0
        );
        // Syslog receives over TCP as over UDP.
        assert_eq!(
            count("FROM alpine:3.20\nEXPOSE 514/tcp 514/udp\nCMD [\"rsyslogd\", \"-n\"]\n"),
            0
        );
        // DNS answers on 53/tcp too.
        assert_eq!(
            count("FROM alpine:3.20\nEXPOSE 53/udp 53/tcp\nCMD [\"dnsd\"]\n"),
            0
        );
        assert_eq!(
            count("FROM alpine:3.20\nEXPOSE 53/udp 8080/tcp\nCMD [\"dnsd\"]\n"),
            1
        );
        // A known server still needs one, whatever it exposes.
        assert_eq!(
            count("FROM python:3.12-slim\nEXPOSE 9000/udp\nCMD [\"gunicorn\", \"app:app\"]\n"),
            1
        );
    }
}
