use super::*;
use crate::registry::{OptionKind, RuleOption};

declare_rule! {
    /// ## What it checks
    /// A keep-alive timeout below `min-seconds` (5 by default): gunicorn's
    /// `keepalive`/`--keep-alive`, uvicorn's `--timeout-keep-alive` and
    /// hypercorn's `--keep-alive` as written; and gunicorn's default of
    /// 2 s for a worker that keeps connections (every class but `sync`,
    /// which closes each after its response; `sync` with `--threads` above
    /// 1 is `gthread`).
    ///
    /// The default is reported only where a proxy is in front of the
    /// server: one starts beside it (same command, same supervisord file);
    /// the production compose file that runs it (or its image) also runs a
    /// proxy's image (nginx, Traefik, Caddy, HAProxy, Envoy, OpenResty,
    /// httpd); its production manifest's folder holds an Ingress; the
    /// server trusts forwarded headers (`forwarded_allow_ips`,
    /// `FORWARDED_ALLOW_IPS`, `--proxy-headers`); it runs from a Procfile
    /// (the platform's router); or it runs under systemd or supervisord on
    /// a host bound to a Unix socket or the loopback address (gunicorn's
    /// default), where only a local proxy reaches it. For clients that
    /// connect directly gunicorn advises 1–5 s.
    ///
    /// ## Why it matters in production
    /// A load balancer or reverse proxy keeps idle connections to the
    /// server open for reuse (60 s on an AWS ALB, 75 s for nginx's client
    /// side, 90 s on Heroku's router). When the server closes an idle
    /// connection first, a request the proxy sends on it at that moment
    /// fails: intermittent 502s that no log explains. The server's timeout
    /// should exceed the proxy's.
    ///
    /// ## Example
    /// ```python
    /// keepalive = 2
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// keepalive = 75
    /// ```
    /// longer than the proxy's idle timeout.
    ///
    /// ## Options
    /// - `min-seconds`: the shortest keep-alive accepted (default 5).
    ///
    /// ## Fix
    /// None: the value depends on the proxy in front.
    ///
    /// ## References
    /// - [gunicorn: keepalive](https://docs.gunicorn.org/en/stable/settings.html#keepalive)
    /// - [AWS: Application Load Balancer idle timeout](https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout)
    pub struct KeepaliveBelowProxyIdle {
        code: "PM011",
        name: "keepalive-below-proxy-idle",
        severity: Info,
        fix: None,
        summary: "the server's keep-alive timeout is shorter than a proxy's idle timeout",
        options: [RuleOption {
            name: "min-seconds",
            kind: OptionKind::Integer,
            description: "the shortest keep-alive timeout accepted, in seconds (default 5)",
        }],
    }
}

const HELP: &str = "keep idle connections open longer than the load balancer does";

fn message(what: &str, n: i64, min: i64) -> String {
    format!(
        "{what} is {n} s, below {min} s: a proxy reusing a connection the server just closed gets a 502"
    )
}

impl Rule for KeepaliveBelowProxyIdle {
    impl_meta!();

    fn server(&self, cx: &LaunchContext<'_>, out: &mut Findings) {
        // The settings written in the configuration being linted, or
        // those on the command line of the file that starts the server.
        match cx.here {
            Here::Config(cx) => {
                let min = cx.config.option_u64(Self::META.code, "min-seconds", 5) as i64;
                if let Some(a) = assigned(cx, "keepalive")
                    && let Some(n) = a.value.or_default().and_then(Value::as_int)
                    && n < min
                {
                    out.report(&Self::META, a.value_span, message("`keepalive`", n, min))
                        .help(HELP);
                }
            }
            Here::Launcher => {
                let l = cx.launch;
                let min = cx.config.option_u64(Self::META.code, "min-seconds", 5) as i64;
                let c = &l.command;
                match c.server {
                    Server::Gunicorn => {
                        let s = l.setting("keepalive");
                        if let Some(span) = cx.span_of(&s) {
                            if let Some(n) = s.value().and_then(|v| v.as_int())
                                && n < min
                            {
                                out.report(
                                    &Self::META,
                                    span,
                                    message("gunicorn's keep-alive", n, min),
                                )
                                .help(HELP);
                            }
                            return;
                        }
                        // The default matters to workers that keep
                        // connections, behind a proxy that reuses them:
                        // 2 s is gunicorn's advice for clients that
                        // connect directly.
                        if s.is_default() && keeps_connections(l) && cx.proxied && 2 < min {
                            out.report(
                                &Self::META,
                                c.program.span,
                                message("gunicorn's default keep-alive", 2, min),
                            )
                            .help(HELP);
                        }
                    }
                    Server::Uvicorn | Server::Hypercorn => {
                        let name = if c.server == Server::Uvicorn {
                            "timeout_keep_alive"
                        } else {
                            "keep_alive_timeout"
                        };
                        if let Some(o) = c.get(name)
                            && let Some(n) = int_of(o)
                            && n < min
                        {
                            out.report(
                                &Self::META,
                                o.value_span(),
                                message(&format!("{}'s keep-alive", c.server.name()), n, min),
                            )
                            .help(HELP);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The worker keeps idle connections open, so gunicorn's keep-alive
/// applies: every class but `sync` (which closes each connection after
/// its response), and `sync` itself with `--threads` above 1, which
/// gunicorn turns into `gthread`.
fn keeps_connections(l: &Launch) -> bool {
    let threads = l
        .setting("threads")
        .value()
        .and_then(|v| v.as_int())
        .is_some_and(|n| n > 1);
    match l.setting("worker_class").value() {
        Some(Value::Str(k)) => !is_sync_worker(&k) || threads,
        Some(_) => false,
        None => threads,
    }
}
