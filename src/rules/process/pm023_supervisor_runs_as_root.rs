use super::*;

declare_rule! {
    /// ## What it checks
    /// A supervisord `[program:x]` without `user=`, or with `user=root`.
    /// A program without `user=` that starts nginx, haproxy, Apache
    /// httpd, php-fpm, sshd, squid, postfix or varnishd is not reported:
    /// their master process needs root (ports below 1024, keys) and runs
    /// the workers as the user of their own configuration.
    ///
    /// ## Why it matters in production
    /// supervisord usually runs as root, and its programs inherit that
    /// unless `user=` says otherwise. A vulnerability in the app then gives
    /// an attacker root on the host or in the container.
    ///
    /// ## Example
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [program:web]
    /// command=gunicorn app:app
    /// user=app
    /// ```
    ///
    /// ## Fix
    /// None: the user must exist.
    ///
    /// ## References
    /// - [supervisord: user](https://supervisord.org/configuration.html#program-x-section-values)
    pub struct SupervisorRunsAsRoot {
        code: "PM023",
        name: "supervisor-runs-as-root",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.5",
        fix: None,
        summary: "a supervisord program runs as root",
    }
}

/// Servers whose master process starts as root (to bind ports below
/// 1024, read keys) and runs its workers as the user its own
/// configuration names: `user=` is not how they drop root.
const DROPS_ROOT_ITSELF: &[&str] = &[
    "nginx", "haproxy", "apache2", "httpd", "php-fpm", "sshd", "squid", "postfix", "varnishd",
];

/// The program's command starts one of [`DROPS_ROOT_ITSELF`].
fn drops_root_itself(command: &str) -> bool {
    let first = command.split_whitespace().next().unwrap_or("");
    let name = first.rsplit('/').next().unwrap_or(first);
    DROPS_ROOT_ITSELF.contains(&name) || name.starts_with("php-fpm")
}

impl Rule for SupervisorRunsAsRoot {
    impl_meta!();

    fn supervisor(&self, cx: &SupervisorContext<'_>, out: &mut Findings) {
        for p in &cx.programs {
            match p.section.get("user") {
                None if p
                    .section
                    .get("command")
                    .is_some_and(|c| drops_root_itself(&c.value)) => {}
                None => {
                    out.report(
                        &Self::META,
                        p.section.header_span,
                        "the program has no `user=`: it runs as supervisord's user, usually root",
                    )
                    .help("add `user=` with an unprivileged account");
                }
                Some(e) if e.value.trim() == "root" || e.value.trim() == "0" => {
                    out.report(&Self::META, e.value_span, "the program runs as root")
                        .help("use an unprivileged account");
                }
                Some(_) => {}
            }
        }
    }
}
