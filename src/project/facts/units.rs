//! Units: one deployable each. A Dockerfile of the project, the names its
//! image is built as (workflows, compose), the compose services and
//! Kubernetes containers that run one of those images, the servers its
//! command starts and every port and shutdown fact along the way. This is
//! what cross-file rules compare; a fact nobody states stays unknown.

use super::images::{Build, Run, Runner};
use super::ports::{PortClaim, Role, ServicePorts, port_of_bind};
use super::{Loc, Located, Origin};
use crate::hashing::FastMap;
use crate::parse::command::Server as Program;
use crate::rules::process::launch::{Launch, Setting};
use rayon::prelude::*;
use std::path::PathBuf;

/// A server a unit's image starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The command that starts it.
    pub site: Loc,
    pub program: Program,
    /// The address it binds (`None`: unknown).
    pub bind: Option<Located<String>>,
    pub workers: Option<Located<String>>,
    pub worker_class: Option<Located<String>>,
    /// Seconds it waits for requests in flight after SIGTERM.
    pub graceful_timeout: Option<Located<f64>>,
    /// The configuration file it reads (a project key).
    pub config: Option<PathBuf>,
    /// The app it serves as its command names it (`app.main:app`), with
    /// the launcher's folder (a project key) it is looked for from.
    pub app: Option<(String, PathBuf)>,
}

/// What starts and stops a server outside a container platform's own
/// lifecycle: a supervisord `[program:x]` or a systemd service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manager {
    Supervisor { program: String },
    Systemd,
}

/// A server a process manager starts, with how long the manager waits
/// after the stop signal before it kills it (supervisord `stopwaitsecs`,
/// 10 s by default; systemd `TimeoutStopSec=` or `TimeoutSec=`, 90 s by
/// default): the last link of its shutdown chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Hosted {
    pub manager: Manager,
    pub server: Server,
    /// Seconds; `at` is the entry, or the section header for a default.
    pub stop_wait: Located<f64>,
}

/// supervisord's `stopwaitsecs` when none is set.
pub const SUPERVISOR_STOP_WAIT: f64 = 10.0;
/// systemd's `DefaultTimeoutStopSec` when a unit sets no stop timeout.
pub const SYSTEMD_STOP_WAIT: f64 = 90.0;

impl Hosted {
    /// The servers a supervisord `[program:x]` starts, each with the
    /// program's stop wait (`None`: a stop wait prodlint cannot read).
    pub fn of_program(
        section: &crate::parse::ini::Section,
        launches: &[Launch],
        file: &std::path::Path,
    ) -> Option<Vec<Hosted>> {
        let stop_wait = match section.get("stopwaitsecs") {
            Some(e) => Located {
                value: e.value.trim().parse::<f64>().ok()?,
                at: Some(Loc::new(file, e.value_span)),
                origin: Origin::Written,
            },
            None => Located {
                value: SUPERVISOR_STOP_WAIT,
                at: Some(Loc::new(file, section.header_span)),
                origin: Origin::Default,
            },
        };
        let program = section
            .name
            .strip_prefix("program:")
            .unwrap_or(&section.name)
            .to_string();
        Some(
            launches
                .iter()
                .map(|l| Hosted {
                    manager: Manager::Supervisor {
                        program: program.clone(),
                    },
                    server: Server::of(l, file),
                    stop_wait: stop_wait.clone(),
                })
                .collect(),
        )
    }

    /// The servers a systemd `[Service]` starts, with its stop timeout.
    pub fn of_service(
        section: &crate::parse::ini::Section,
        launches: &[Launch],
        file: &std::path::Path,
    ) -> Option<Vec<Hosted>> {
        let entry = section
            .get("TimeoutStopSec")
            .or_else(|| section.get("TimeoutSec"));
        let stop_wait = match entry {
            Some(e) => Located {
                value: crate::parse::duration::systemd(&e.value)?,
                at: Some(Loc::new(file, e.value_span)),
                origin: Origin::Written,
            },
            None => Located {
                value: SYSTEMD_STOP_WAIT,
                at: Some(Loc::new(file, section.header_span)),
                origin: Origin::Default,
            },
        };
        Some(
            launches
                .iter()
                .map(|l| Hosted {
                    manager: Manager::Systemd,
                    server: Server::of(l, file),
                    stop_wait: stop_wait.clone(),
                })
                .collect(),
        )
    }
}

/// One deployable.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The Dockerfile (a project key).
    pub dockerfile: PathBuf,
    /// Its final stage's `FROM`.
    pub final_stage: Option<Loc>,
    pub builds: Vec<Build>,
    pub runs: Vec<std::sync::Arc<Run>>,
    pub servers: Vec<Server>,
    /// Every port claim of the unit: binds, `EXPOSE`, compose ports,
    /// container ports, probes, and the Services that select its pods.
    pub ports: Vec<PortClaim>,
    /// The servers supervisord starts in its image (its `CMD` starts
    /// supervisord with a configuration of the build context), each with
    /// its stop wait.
    pub hosted: Vec<Hosted>,
    /// The image's `HEALTHCHECK`, when it requests a local URL.
    pub healthcheck: Option<super::images::Probe>,
    /// The image's own command (`CMD`, `ENTRYPOINT`, or the entrypoint
    /// script they start) runs database migrations: where.
    pub migrates: Option<Loc>,
}

impl Server {
    /// The facts of a launch (`file` is the path of the launcher as the
    /// user gave it).
    pub fn of(launch: &Launch, file: &std::path::Path) -> Server {
        let at = |span| Loc::new(file, span);
        let text = |name: &str, default: Option<&str>| -> Option<Located<String>> {
            match launch.setting(name) {
                Setting::Flag(o) => Some(Located {
                    value: o.value_text()?.to_string(),
                    at: Some(at(o.value_span())),
                    origin: Origin::Written,
                }),
                Setting::EnvArgs(o) => Some(Located {
                    value: o.value_text()?.to_string(),
                    at: Some(at(o.value_span())),
                    origin: Origin::EnvArgs,
                }),
                Setting::Config(path, a) if !a.conditional => Some(Located {
                    value: match &a.value {
                        crate::parse::python::Value::Str(s) => s.clone(),
                        crate::parse::python::Value::Int(n) => n.to_string(),
                        crate::parse::python::Value::HostCpus => "host CPUs".to_string(),
                        _ => return None,
                    },
                    at: Some(Loc::new(path, a.value_span)),
                    origin: Origin::ConfigFile,
                }),
                Setting::Default => default.map(|d| Located {
                    value: d.to_string(),
                    at: None,
                    origin: Origin::Default,
                }),
                _ => None,
            }
        };
        let gunicorn = launch.command.server == Program::Gunicorn;
        // `--bind 0.0.0.0:$PORT` with `PORT=8080` set beside it.
        let expand = |mut l: Located<String>| {
            if l.value.contains('$') {
                l.value = expand_vars(&l.value, &launch.env);
            }
            l
        };
        let bind = if gunicorn {
            text("bind", Some("127.0.0.1:8000")).map(expand)
        } else {
            // uvicorn and hypercorn: `--host`/`--port` (or `--bind`).
            let port = launch.command.get("port");
            let host = launch.command.get("host");
            match (port, launch.command.get("bind")) {
                (_, Some(b)) => b.value_text().map(|v| Located {
                    value: v.to_string(),
                    at: Some(at(b.value_span())),
                    origin: Origin::Written,
                }),
                (Some(p), None) => p
                    .value_text()
                    .map(|v| Located {
                        value: format!(
                            "{}:{v}",
                            host.and_then(|h| h.value_text()).unwrap_or("127.0.0.1")
                        ),
                        at: Some(at(p.value_span())),
                        origin: Origin::Written,
                    })
                    .map(expand),
                (None, None) => Some(Located {
                    value: "127.0.0.1:8000".to_string(),
                    at: None,
                    origin: Origin::Default,
                }),
            }
        };
        let graceful_timeout = crate::rules::process::graceful_seconds(launch).map(|(n, _)| {
            let (at_, origin) = match launch.setting(if gunicorn {
                "graceful_timeout"
            } else {
                "timeout_graceful_shutdown"
            }) {
                Setting::Flag(o) => (Some(at(o.value_span())), Origin::Written),
                Setting::EnvArgs(o) => (Some(at(o.value_span())), Origin::EnvArgs),
                Setting::Config(p, a) => (Some(Loc::new(p, a.value_span)), Origin::ConfigFile),
                _ => (None, Origin::Default),
            };
            Located {
                value: n as f64,
                at: at_,
                origin,
            }
        });
        Server {
            site: at(launch.command.span),
            program: launch.command.server,
            bind,
            workers: gunicorn.then(|| text("workers", Some("1"))).flatten(),
            worker_class: gunicorn
                .then(|| text("worker_class", Some("sync")))
                .flatten(),
            graceful_timeout,
            app: launch
                .command
                .args
                .iter()
                .find(|w| !w.dynamic && (w.text.contains(':') || w.text.ends_with(".py")))
                .map(|w| {
                    (
                        w.text.clone(),
                        crate::project::dir_of(&crate::project::key(file)),
                    )
                }),
            config: match &launch.config {
                crate::rules::process::launch::ConfigFile::Found(c) => {
                    Some(crate::project::key(&c.0))
                }
                _ => None,
            },
        }
    }
}

/// `$NAME` and `${NAME}` replaced by the literal values of variables set
/// at the launch; others stay as written.
fn expand_vars(
    text: &str,
    env: &std::collections::BTreeMap<String, crate::rules::process::launch::EnvVar>,
) -> String {
    crate::parse::vars::expand(text, |n| {
        env.get(n)
            .map(|v| v.value.as_str())
            .filter(|v| !v.contains('$'))
    })
}

/// What a Dockerfile says of its own image.
#[derive(Debug, Clone)]
pub struct Image {
    /// The Dockerfile (a project key).
    pub dockerfile: PathBuf,
    pub final_stage: Option<Loc>,
    pub servers: Vec<Server>,
    /// Its `EXPOSE` ports.
    pub exposed: Vec<PortClaim>,
    pub healthcheck: Option<super::images::Probe>,
    pub migrates: Option<Loc>,
    /// The names of its stages other than the one it ships: a build that
    /// targets one of them (`target: builder`) makes another image.
    pub other_stages: Vec<String>,
}

/// Links the builds and runs of every file to the Dockerfiles.
pub fn link<'a>(
    images: Vec<Image>,
    builds: impl IntoIterator<Item = &'a Build>,
    runs: &[std::sync::Arc<Run>],
    services: impl IntoIterator<Item = &'a ServicePorts>,
) -> Vec<Unit> {
    // Indexed once: builds by Dockerfile, runs by repository (a unit
    // looks only at the runs of the repositories it is built as).
    let mut builds_of: FastMap<&PathBuf, Vec<&Build>> = FastMap::default();
    for b in builds {
        builds_of.entry(&b.dockerfile).or_default().push(b);
    }
    // Each run's file as a key, for the nearness of its Dockerfile.
    let run_keys: Vec<PathBuf> = runs
        .iter()
        .map(|r| crate::project::key(&r.at.file))
        .collect();
    let mut runs_of: FastMap<String, RepositoryRuns<'_>> = FastMap::default();
    for (i, (r, k)) in runs.iter().zip(&run_keys).enumerate() {
        runs_of
            .entry(r.image.repository())
            .or_default()
            .add((k.as_path(), i, r));
    }
    for r in runs_of.values_mut() {
        r.sort();
    }
    // Services by their first selector label, each list sorted by the
    // Service's file.
    let mut services_by: FastMap<(&str, &str), Vec<(PathBuf, &ServicePorts)>> = FastMap::default();
    for s in services {
        if let Some((k, v)) = s.selector.iter().next() {
            services_by
                .entry((k.as_str(), v.as_str()))
                .or_default()
                .push((crate::project::key(&s.file), s));
        }
    }
    for list in services_by.values_mut() {
        list.sort_by(|a, b| crate::paths::path_bytes(&a.0).cmp(crate::paths::path_bytes(&b.0)));
    }
    // Each image's unit on its own (in parallel: a tree with many
    // Dockerfiles spends most of the link here), in the images' order.
    images
        .into_par_iter()
        .map(|image| unit_of(image, &builds_of, &runs_of, &services_by))
        .collect()
}

/// The unit of one image: its builds, the runs nearest it that run it,
/// and every port claim they make.
fn unit_of(
    image: Image,
    builds_of: &FastMap<&PathBuf, Vec<&Build>>,
    runs_of: &FastMap<String, RepositoryRuns<'_>>,
    services_by: &FastMap<(&str, &str), Vec<(PathBuf, &ServicePorts)>>,
) -> Unit {
    let Image {
        dockerfile,
        final_stage,
        servers,
        exposed: mut ports,
        healthcheck,
        migrates,
        other_stages,
    } = image;
    let unit_builds: Vec<Build> = builds_of
        .get(&dockerfile)
        .map(|v| v.iter().map(|b| (*b).clone()).collect())
        .unwrap_or_default();
    // The lists of runs that run the image, each sorted by file key.
    let mut lists: Vec<&[Keyed<'_>]> = Vec::new();
    for b in &unit_builds {
        let Some(name) = &b.image else { continue };
        // A service that builds and runs an earlier stage runs that
        // stage's command, not this image's.
        if b.stage
            .as_deref()
            .is_some_and(|t| other_stages.iter().any(|o| o.eq_ignore_ascii_case(t)))
        {
            continue;
        }
        let Some(of_repository) = runs_of.get(&name.repository()) else {
            continue;
        };
        lists.extend(of_repository.same_image(name));
        // A compose service that builds the image runs it.
        if let Some(service) = &b.service
            && let Some(l) = of_repository.compose.get(&(&*b.at.file, service.as_str()))
        {
            lists.push(l);
        }
    }
    // Of the runs that name the image, the nearest: a repository that
    // holds two projects (or two copies of one) has two `api` images,
    // each deployed by the files beside it. Nearest is the longest
    // folder prefix shared with the Dockerfile.
    let found: Vec<crate::paths::Nearest<'_, Keyed<'_>>> = lists
        .iter()
        .map(|l| crate::paths::nearest(l, |(k, ..)| k, &dockerfile, |_| true, usize::MAX))
        .collect();
    let best = found.iter().filter_map(|(level, _)| *level).max();
    let mut matched: Vec<(usize, &std::sync::Arc<Run>)> = found
        .iter()
        .filter(|(level, _)| level.is_some() && *level == best)
        .flat_map(|(_, items)| items.iter().map(|(_, i, r)| (*i, *r)))
        .collect();
    matched.sort_by_key(|(i, _)| *i);
    matched.dedup_by_key(|(i, _)| *i);
    // Collected anew, not in place: `matched`'s room (twice the size
    // per item, and grown by pushes) would stay with the unit.
    let unit_runs: Vec<std::sync::Arc<Run>> = matched
        .iter()
        .map(|(_, r)| std::sync::Arc::clone(r))
        .collect();
    for s in servers
        .iter()
        .chain(unit_runs.iter().flat_map(|r| &r.servers))
    {
        if let Some(b) = &s.bind
            && let Some(port) = port_of_bind(&b.value)
            && let Some(at) = b.at.clone().or_else(|| Some(s.site.clone()))
        {
            ports.push(PortClaim {
                port,
                role: Role::Bind,
                at,
            });
        }
    }
    for r in &unit_runs {
        ports.extend(r.ports.iter().cloned());
        if let Runner::Kubernetes {
            namespace, labels, ..
        } = &r.runner
        {
            // Only the Services whose first selector label the pod
            // carries can select it; of those that do, the nearest (as
            // for runs: two copies of one service in a tree each have
            // their own Service, not every copy's).
            let run_key = crate::project::key(&r.at.file);
            let found: Vec<crate::paths::Nearest<'_, (PathBuf, &ServicePorts)>> = labels
                .iter()
                .filter_map(|(k, v)| services_by.get(&(k.as_str(), v.as_str())))
                .map(|list| {
                    crate::paths::nearest(
                        list,
                        |(k, _)| k,
                        &run_key,
                        |(_, s)| s.selects(namespace, labels),
                        // Bounded: a pod no Service near it selects (a
                        // worker beside an API) must not try every
                        // Service of a tree of copies.
                        4096,
                    )
                })
                .collect();
            let best = found.iter().filter_map(|(level, _)| *level).max();
            let selecting = found
                .iter()
                .filter(|(level, _)| level.is_some() && *level == best)
                .flat_map(|(_, items)| items.iter().map(|(_, s)| *s));
            for s in selecting {
                ports.extend(s.targets.iter().cloned());
                // A named target is this container's port of that name.
                ports.extend(s.named_targets.iter().filter_map(|(name, at)| {
                    let (_, port) = r.port_names.iter().find(|(n, _)| n == name)?;
                    Some(PortClaim {
                        port: *port,
                        role: Role::ServiceTarget,
                        at: at.clone(),
                    })
                }));
            }
        }
    }
    ports.sort_by(|a, b| (a.role, &a.at, a.port).cmp(&(b.role, &b.at, b.port)));
    ports.dedup();
    ports.shrink_to_fit();
    Unit {
        dockerfile,
        final_stage,
        builds: unit_builds,
        runs: unit_runs,
        servers,
        ports,
        hosted: Vec::new(),
        healthcheck,
        migrates,
    }
}

/// A run as the nearness search sees it: its file's project key, its
/// place in the project's runs and the run.
type Keyed<'a> = (&'a std::path::Path, usize, &'a std::sync::Arc<Run>);

/// The runs of one image repository, indexed so that a unit finds the
/// runs of its image nearest its Dockerfile by binary searches, not by
/// trying every run of the repository (which made a tree of many
/// copies of one service quadratic in its copies).
#[derive(Default)]
struct RepositoryRuns<'a> {
    /// Every run whose image is known, sorted by file key.
    resolved: Vec<Keyed<'a>>,
    /// The resolved runs by their literal tag, each sorted by file key.
    by_tag: FastMap<&'a str, Vec<Keyed<'a>>>,
    /// The resolved runs whose tag matches any (none written, or only
    /// known at run time), sorted by file key.
    any_tag: Vec<Keyed<'a>>,
    /// Compose runs by file and service: a service that builds an image
    /// runs it whatever its `image:` says.
    compose: FastMap<(&'a std::path::Path, &'a str), Vec<Keyed<'a>>>,
}

impl<'a> RepositoryRuns<'a> {
    fn add(&mut self, run: Keyed<'a>) {
        let image = &run.2.image;
        if let Runner::Compose { service } = &run.2.runner {
            self.compose
                .entry((&*run.2.at.file, service.as_str()))
                .or_default()
                .push(run);
        }
        if image.unresolved {
            return;
        }
        self.resolved.push(run);
        match image.tag.as_deref() {
            Some(t) if !t.contains('$') => self.by_tag.entry(t).or_default().push(run),
            _ => self.any_tag.push(run),
        }
    }

    /// Sorted by the bytes of the file keys (as [`crate::paths::nearest`]
    /// reads them).
    fn sort(&mut self) {
        let lists = std::iter::once(&mut self.resolved)
            .chain(std::iter::once(&mut self.any_tag))
            .chain(self.by_tag.values_mut());
        for list in lists {
            list.sort_by(|a, b| crate::paths::path_bytes(a.0).cmp(crate::paths::path_bytes(b.0)));
        }
    }

    /// The sorted lists whose every run runs the image `build` builds
    /// (as [`crate::parse::image::ImageRef::same_image`] decides).
    fn same_image(&self, build: &crate::parse::image::ImageRef) -> Vec<&[Keyed<'a>]> {
        if build.unresolved || build.name.is_empty() {
            return Vec::new();
        }
        match build.tag.as_deref() {
            Some(t) if !t.contains('$') => {
                let exact = self.by_tag.get(t).map_or(&[][..], Vec::as_slice);
                vec![exact, &self.any_tag]
            }
            _ => vec![&self.resolved],
        }
    }
}
