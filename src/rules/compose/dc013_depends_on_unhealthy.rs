use super::*;
use crate::paths::FastPath;

declare_rule! {
    /// ## What it checks
    /// `depends_on` a database or broker service (by its image) without
    /// `condition: service_healthy`, unless the service's `command` or
    /// `entrypoint` waits for its dependency itself (`wait-for-it`,
    /// `wait-for`, `dockerize -wait`, `pg_isready`, `nc -z`, an `until` or
    /// `while` retry loop), or its `environment:` tells the image's
    /// entrypoint what to wait for (`WAIT_HOSTS` of docker-compose-wait,
    /// `DOCKER_WAIT_HOST`, `WAIT_FOR_HOST`). Database admin UIs (adminer, pgAdmin,
    /// phpMyAdmin, …), which connect only when someone logs in, images
    /// whose own entrypoint polls their SQL database before starting
    /// (`semaphoreui/semaphore`'s `server-wrapper`, `ansible/awx`'s launch
    /// scripts, the official `postfixadmin`, `jfrog/artifactory-oss`'s
    /// `waitForDB`, `martialblog/limesurvey`: their PostgreSQL, MySQL or
    /// MariaDB dependency; a cache or broker they depend on still counts),
    /// PHP web applications (`wordpress`, `nextcloud`, `friendica`,
    /// `prestashop`, `piwigo`, `mantisbt`, `opencart`, `phplist`, `yourls`,
    /// `joomla`, `drupal`, `mediawiki`, `matomo`, `phpbb`: PHP opens its
    /// database and cache connections per request, and their entrypoints
    /// install nothing before the database answers or wait for it
    /// themselves, so an early start shows an error page for a few seconds
    /// rather than crash-looping; run with their own start, not a
    /// `command:` or `entrypoint:` of the service, and not their `cli`
    /// tags, such as `wordpress:cli`), and Swarm
    /// stack files (`docker-stack*.yml`: `docker stack deploy` ignores
    /// `depends_on`) are not reported.
    ///
    /// ## Why it matters in production
    /// Plain `depends_on` waits only until the database's container has
    /// started, not until it accepts connections. The app starts first,
    /// fails its first queries or migrations, and crash-loops (or worse,
    /// starts half-initialised) on every cold start and host reboot.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     depends_on: [db]
    ///   db:
    ///     image: postgres:16
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U postgres"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     depends_on:
    ///       db:
    ///         condition: service_healthy
    /// ```
    ///
    /// ## Fix
    /// Unsafe: rewrites `depends_on` with `condition: service_healthy` for
    /// the databases (other services keep `service_started`); offered only
    /// when the database has a `healthcheck:`, which the condition needs.
    /// Comments inside a rewritten list are not kept.
    ///
    /// ## References
    /// - [Compose: control startup order](https://docs.docker.com/compose/how-tos/startup-order/)
    pub struct DependsOnUnhealthy {
        code: "DC013",
        name: "depends-on-unhealthy",
        severity: Info,
        fix: Unsafe,
        summary: "a service starts as soon as its database's container starts, not when it is ready",
    }
}

/// Words of a command that waits for a dependency before it starts.
const WAITS: &[&str] = &[
    "wait-for-it",
    "wait-for ",
    "wait-for.sh",
    "dockerize",
    "pg_isready",
    "mysqladmin ping",
    "nc -z",
    "until ",
    "while ",
];

/// Variables an image's entrypoint reads to wait for a host before it
/// starts: `WAIT_HOSTS` of docker-compose-wait, `DOCKER_WAIT_HOST` of the
/// images that poll with dockerize, `WAIT_FOR_HOST`-style names.
fn wait_variable(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    name == "WAIT_HOSTS" || name.contains("WAIT_HOST") || name.starts_with("WAIT_FOR_")
}

/// The service's command or entrypoint waits for its dependencies, or
/// its environment tells the image's entrypoint what to wait for.
fn waits_itself(s: &crate::parse::compose::Service<'_>) -> bool {
    let set = |name: &str| {
        s.env_value(name).is_some_and(|t| {
            let t = t.trim();
            !t.is_empty() && !t.eq_ignore_ascii_case("false") && t != "0"
        })
    };
    if s.environment()
        .iter()
        .any(|v| wait_variable(&v.key.text) && set(&v.key.text))
    {
        return true;
    }
    ["command", "entrypoint"].iter().any(|k| {
        let text = match s.get(k) {
            Some(n) => match n.as_seq() {
                Some(items) => items
                    .iter()
                    .filter_map(crate::parse::yaml::Node::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
                None => n.as_str().unwrap_or_default().to_string(),
            },
            None => return false,
        };
        WAITS.iter().any(|w| text.contains(w))
    })
}

fn column(file: &SourceFile, offset: usize) -> usize {
    file.lines.position(&file.text, offset).column - 1
}

/// A Swarm stack file (`docker-stack.yml`, `stack.yml`): `docker stack
/// deploy` ignores `depends_on`; Swarm restarts tasks until they connect.
fn is_stack_file(cx: &ComposeContext<'_>) -> bool {
    cx.file
        .path
        .fast_file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|n| n.starts_with("docker-stack") || n.starts_with("stack."))
}

/// Database admin UIs connect when someone logs in, not at start-up.
const ADMIN_UIS: &[&str] = &[
    "adminer",
    "pgadmin4",
    "pgadmin",
    "phpmyadmin",
    "mongo-express",
    "redis-commander",
    "redisinsight",
];

fn is_admin_ui(s: &crate::parse::compose::Service<'_>) -> bool {
    s.image().is_some_and(|i| {
        let repo = i.text.split(['@', ':']).next().unwrap_or(&i.text);
        let base = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
        ADMIN_UIS.contains(&base.as_str())
    })
}

impl Rule for DependsOnUnhealthy {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        if is_stack_file(cx) {
            return;
        }
        for (s, _, _) in cx.services() {
            if waits_itself(s)
                || is_admin_ui(s)
                // The web application itself: the image's own start, not
                // a one-shot command (`wordpress:cli` running `wp core
                // install` fails at once on an unready database).
                || (s.get("command").is_none()
                    && s.get("entrypoint").is_none()
                    && s.image().is_some_and(|i| {
                        crate::rules::known_images::image_connects_per_request(&i.text)
                    }))
            {
                continue;
            }
            let deps = s.depends_on();
            // The image polls its SQL database itself; a cache or a
            // broker it still may not wait for.
            let waits_for_sql = s
                .image()
                .is_some_and(|i| crate::rules::known_images::image_waits_for_database(&i.text));
            let is_db = |name: &str| {
                cx.compose
                    .service(name)
                    .and_then(|d| d.image())
                    .is_some_and(|i| {
                        is_database(&i.text)
                            && !(waits_for_sql
                                && crate::rules::known_images::is_sql_database(&i.text))
                    })
            };
            let healthy = |name: &str| {
                cx.compose
                    .service(name)
                    .is_some_and(|d| d.get("healthcheck").is_some())
            };
            let Some(entry) = s.entry_of("depends_on") else {
                continue;
            };
            let list = entry.value.as_seq().is_some();
            for d in &deps {
                if !is_db(&d.service.text)
                    || d.condition
                        .as_ref()
                        .is_some_and(|c| c.text == "service_healthy")
                {
                    continue;
                }
                let b = out
                    .report(
                        &Self::META,
                        d.condition.as_ref().map_or(d.service.span, |c| c.span),
                        format!(
                            "service `{}` waits for `{}` to start, not to be ready",
                            s.name.text, d.service.text
                        ),
                    )
                    .help(format!(
                        "use `condition: service_healthy` (with a healthcheck on `{}`)",
                        d.service.text
                    ));
                if !healthy(&d.service.text) || d.condition.is_some() {
                    continue;
                }
                let ind = " ".repeat(column(cx.file, entry.key.span.start));
                let edit = if list {
                    let mut block = String::from(":");
                    for other in &deps {
                        let cond = if is_db(&other.service.text) && healthy(&other.service.text) {
                            "service_healthy"
                        } else {
                            "service_started"
                        };
                        block.push_str(&format!(
                            "\n{ind}  {}:\n{ind}    condition: {cond}",
                            other.service.text
                        ));
                    }
                    Some(Edit::replace(
                        crate::source::Span::new(entry.key.span.end, entry.value.span.end),
                        block,
                    ))
                } else {
                    // The map form: add the condition under this dependency.
                    let dep = entry.value.entry(&d.service.text);
                    dep.map(|dep| {
                        let dind = " ".repeat(column(cx.file, dep.key.span.start));
                        let line_end = cx.file.text[dep.key.span.end..]
                            .find('\n')
                            .map_or(cx.file.text.len(), |i| dep.key.span.end + i);
                        if dep.value.as_map().is_some_and(|m| !m.is_empty()) {
                            crate::parse::yaml_edit::insert_first_entry(
                                cx.file,
                                dep,
                                "condition: service_healthy",
                            )
                            .unwrap_or_else(|| {
                                Edit::insert(
                                    line_end,
                                    format!("\n{dind}  condition: service_healthy"),
                                )
                            })
                        } else {
                            Edit::replace(
                                crate::source::Span::new(dep.key.span.end, line_end),
                                format!(":\n{dind}  condition: service_healthy"),
                            )
                        }
                    })
                };
                if let Some(e) = edit {
                    b.fix(
                        Applicability::Unsafe,
                        "wait for the database to be healthy",
                        vec![e],
                    );
                }
                if list {
                    // One rewrite covers every dependency of the list.
                    break;
                }
            }
        }
    }
}
