//! DC: docker-compose rules, one per file. Each sees the whole file's
//! services, the image each one builds (its Dockerfile, when the build
//! context is in the project) and the servers each one starts.

mod dc001_healthcheck_missing;
mod dc002_runs_as_root;
mod dc003_restart_policy_missing;
mod dc004_image_unpinned;
pub use dc004_image_unpinned::unpinned_tag;
// What is known of stock images, shared with the other families.
pub use crate::rules::known_images::{image_drops_root, image_has_healthcheck, is_database};
mod dc005_privileged;
mod dc006_docker_socket_mounted;
mod dc007_host_namespace;
mod dc008_database_port_published;
mod dc009_resource_limits_missing;
mod dc010_stop_grace_too_short;
mod dc011_dev_server_command;
mod dc012_source_bind_mounted;
mod dc013_depends_on_unhealthy;
mod dc014_secret_in_environment;
mod dc015_shell_as_pid1;
mod dc016_unknown_top_level_key;
mod host_access;
mod source_mounts;

use crate::config::Config;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Findings, Severity};
use crate::impl_meta;
use crate::parse::compose::{Compose, Service};
use crate::parse::dockerfile::{Dockerfile, Keyword};
use crate::project::{Built, Project};
use crate::rules::Rule;
use crate::rules::process::launch::{self, Launch};
use crate::source::SourceFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a compose rule can see.
pub struct ComposeContext<'a> {
    pub file: &'a SourceFile,
    pub compose: &'a Compose<'a>,
    /// The file is for development (`*.override.yml`, `*dev*`, `*local*`).
    pub dev: bool,
    /// Per service, in order: the Dockerfile its `build:` names.
    pub built: Vec<Option<Arc<Built>>>,
    /// Per service, in order: the servers its `command`/`entrypoint` start.
    pub launches: Vec<Vec<Launch>>,
    /// Per service, in order: the servers the `CMD` of the image it builds
    /// starts (what runs when the service sets no command).
    pub image_launches: Vec<Vec<Launch>>,
    /// Per service, in order: it runs once and exits ([`is_one_off`], or
    /// a command-line tool's image run with its arguments).
    pub one_off: Vec<bool>,
    pub config: &'a Config,
    /// What other files say (the entrypoint script an image starts, …).
    pub project: &'a Project,
}

impl<'a> ComposeContext<'a> {
    /// The Dockerfile the `i`th service builds, with its text.
    pub fn built(&self, i: usize) -> Option<&Built> {
        self.built.get(i).and_then(Option::as_deref)
    }

    /// The `i`th service runs once and exits: [`is_one_off`], or the image
    /// it runs (built here: by `build:`, or under its name) is a
    /// command-line tool run per invocation (`vimagick/tesseract` with
    /// `command: tesseract input.png output`).
    pub fn one_off(&self, i: usize) -> bool {
        self.one_off.get(i).copied().unwrap_or(false)
    }

    /// Services with what is known of them.
    pub fn services(&self) -> impl Iterator<Item = (&Service<'a>, Option<&Dockerfile>, &[Launch])> {
        self.compose.services.iter().enumerate().map(|(i, s)| {
            (
                s,
                self.built
                    .get(i)
                    .and_then(Option::as_ref)
                    .map(|b| &b.dockerfile),
                self.launches.get(i).map_or(&[][..], Vec::as_slice),
            )
        })
    }
}

pub static RULES: &[&dyn Rule] = &[
    &dc001_healthcheck_missing::HealthcheckMissing,
    &dc002_runs_as_root::RunsAsRoot,
    &dc003_restart_policy_missing::RestartPolicyMissing,
    &dc004_image_unpinned::ImageUnpinned,
    &dc005_privileged::Privileged,
    &dc006_docker_socket_mounted::DockerSocketMounted,
    &dc007_host_namespace::HostNamespace,
    &dc008_database_port_published::DatabasePortPublished,
    &dc009_resource_limits_missing::ResourceLimitsMissing,
    &dc010_stop_grace_too_short::StopGraceTooShort,
    &dc011_dev_server_command::DevServerCommand,
    &dc012_source_bind_mounted::SourceBindMounted,
    &dc013_depends_on_unhealthy::DependsOnUnhealthy,
    &dc014_secret_in_environment::SecretInEnvironment,
    &dc015_shell_as_pid1::ShellAsPid1,
    &dc016_unknown_top_level_key::UnknownTopLevelKey,
];

/// The Dockerfile a service builds, when its context is a local folder.
pub fn dockerfile_path(service: &Service<'_>, dir: &Path) -> Option<PathBuf> {
    build_paths(service, dir).map(|(_, df)| df)
}

/// The build context and the Dockerfile of a service, when its context
/// is a local folder.
pub fn build_paths(service: &Service<'_>, dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let context = service.build_context()?;
    let file = service
        .get("build")
        .and_then(|b| b.get("dockerfile"))
        .and_then(|n| n.as_str());
    if context.contains("://") || context.starts_with("git@") || context.contains('$') {
        return None;
    }
    let ctx = dir.join(context);
    let df = ctx.join(file.unwrap_or("Dockerfile"));
    Some((ctx, df))
}

/// The Dockerfile a service builds, parsed, and the servers its image
/// starts: read once for every rule.
fn built_dockerfile(
    service: &Service<'_>,
    dir: &Path,
    project: &Project,
) -> Option<(Arc<Built>, Vec<Launch>)> {
    let path = dockerfile_path(service, dir)?;
    let built = project.dockerfile(&path)?;
    let launches = launch::in_dockerfile(&built.dockerfile, &built.file, project);
    Some((built, launches))
}

/// Builds the context and runs the DC rules and the server (PM) rules
/// over a compose file.
pub fn check(
    file: &SourceFile,
    compose: &Compose<'_>,
    config: &Config,
    project: &Project,
    selection: &crate::select::Selection,
    out: &mut Findings,
) {
    let dir = crate::project::dir_of(&file.path);
    let dev = is_dev_compose(&file.path);
    let (built, image_launches): (Vec<Option<Arc<Built>>>, Vec<Vec<Launch>>) = compose
        .services
        .iter()
        .map(|s| match built_dockerfile(s, &dir, project) {
            Some((df, l)) => (Some(df), l),
            None => (None, Vec::new()),
        })
        .unzip();
    // Services that build a development stage (`target: development`),
    // tag what they build as one (`image: app:dev`), run the checkout
    // mounted over their image's code (live editing: DC012 says so,
    // once) or start a development server (DC011 or the image's DF013
    // says so, once) are development setups inside a production
    // file: they get what a development file gets. When every service
    // that builds is one, the whole stack is a development setup (its
    // database is the dev database). (`purpose = "all"` judges every part
    // as production.)
    let set_up: Vec<bool> = compose
        .services
        .iter()
        .zip(&built)
        .map(|(s, b)| {
            !config.purpose_all
                && (s.builds_development_stage()
                    || s.builds_development_image()
                    || source_mounts::live_edited(s, b.as_deref().map(|b| &b.dockerfile)))
        })
        .collect();
    // Known only by its server: DC011 is then the finding that says so.
    let told_by_server: Vec<crate::source::Span> = compose
        .services
        .iter()
        .zip(&built)
        .zip(&set_up)
        .filter(|((s, b), set)| {
            !config.purpose_all && !**set && starts_dev_server(s, b.as_deref(), file)
        })
        .map(|((s, _), _)| s.span())
        .collect();
    let dev_flags: Vec<bool> = compose
        .services
        .iter()
        .zip(&set_up)
        .map(|(s, set)| *set || told_by_server.contains(&s.span()))
        .collect();
    let building: Vec<bool> = compose
        .services
        .iter()
        .map(|s| s.get("build").is_some())
        .collect();
    let dev_stack =
        building.iter().any(|b| *b) && building.iter().zip(&dev_flags).all(|(b, d)| !*b || *d);
    let dev_flags: Vec<bool> = dev_flags.iter().map(|d| *d || dev_stack).collect();
    let dev_services: Vec<crate::source::Span> = compose
        .services
        .iter()
        .zip(&dev_flags)
        .filter(|(_, d)| **d)
        .map(|(s, _)| s.span())
        .collect();
    let launches: Vec<Vec<Launch>> = compose
        .services
        .iter()
        .zip(&dev_flags)
        .map(|(s, d)| launch::in_compose_service(s, file, dev || *d, project))
        .collect();
    let one_off: Vec<bool> = compose
        .services
        .iter()
        .zip(&built)
        .zip(&launches)
        .map(|((s, b), l)| {
            is_one_off(s) || runs_tool(s, b.as_deref(), l, &file.path, config, project)
        })
        .collect();
    let all: Vec<Launch> = launches.iter().flatten().cloned().collect();
    crate::rules::process::run_launches(file, &file.path, &all, config, project, selection, out);
    let cx = ComposeContext {
        file,
        compose,
        dev,
        built,
        launches,
        image_launches,
        one_off,
        config,
        project,
    };
    for rule in RULES {
        if selection.is_enabled(rule.meta().code) {
            let from = out.len();
            rule.compose(&cx, out);
            // DC012 is what tells the user such a service was judged as
            // development.
            if rule.meta().code == "DC011" {
                // Said where the server alone makes the service one.
                out.retain_since(from, |f| {
                    f.any_purpose
                        || told_by_server
                            .iter()
                            .any(|s| s.start <= f.span.start && f.span.end <= s.end)
                        || !dev_services
                            .iter()
                            .any(|s| s.start <= f.span.start && f.span.end <= s.end)
                });
            } else if !dev_services.is_empty()
                && rule.meta().code != "DC012"
                && !rule
                    .meta()
                    .purposes
                    .contains(&crate::purpose::Purpose::Development)
            {
                out.retain_since(from, |f| {
                    f.any_purpose
                        || !dev_services
                            .iter()
                            .any(|s| s.start <= f.span.start && f.span.end <= s.end)
                });
            }
        }
    }
}

/// The service sets its own `command:` or `entrypoint:` (a null one
/// keeps the image's).
pub fn sets_command(service: &Service<'_>) -> bool {
    ["command", "entrypoint"]
        .iter()
        .any(|k| service.get(k).is_some_and(|n| !n.is_null()))
}

/// The service starts a development server (`flask run`, `manage.py
/// runserver`, a `--reload` flag): its own `command:` or `entrypoint:`
/// does, or else the stage of the image it builds does.
fn starts_dev_server(service: &Service<'_>, built: Option<&Built>, file: &SourceFile) -> bool {
    if sets_command(service) {
        return launch::compose_commands(service, file)
            .iter()
            .any(|c| c.dev_marker().is_some());
    }
    built.is_some_and(|b| b.dev_server(service.build_target()).is_some())
}

/// The service runs a command-line tool's image (as the Dockerfile rules
/// judge its role) with no entrypoint of its own, no restart policy and
/// nothing served: each
/// `docker compose run` or `up` is one invocation that exits. The image
/// is the one its `build:` names (the final stage) or, without a build,
/// the one the project builds under its name ([`Project::built_here`]:
/// a folder's own image, `vimagick/tesseract` in `tesseract/`).
fn runs_tool(
    service: &Service<'_>,
    built: Option<&Built>,
    launches: &[Launch],
    compose: &Path,
    config: &Config,
    project: &Project,
) -> bool {
    // A restart policy says the author keeps it running: a daemon whose
    // image looks like a tool (`ENTRYPOINT ["dnsmonster"]`).
    if service.get("entrypoint").is_some()
        || service.get("restart").is_some()
        || service.deploy(&["restart_policy"]).is_some()
        || service.build_target().is_some()
        || is_serving(service, launches)
    {
        return false;
    }
    let here;
    let built = match built {
        Some(b) => b,
        None if service.get("build").is_none() => {
            let Some(image) = service.image() else {
                return false;
            };
            let image = crate::parse::image::ImageRef::parse(&image.text, image.span, false);
            let Some((_, b)) = project.built_here(&image, compose) else {
                return false;
            };
            here = b;
            &here
        }
        None => return false,
    };
    let cx = crate::rules::DockerContext {
        file: &built.file,
        dockerfile: &built.dockerfile,
        dockerignore: None,
        config,
        project,
        role: Default::default(),
        scripts: Default::default(),
    };
    crate::rules::dockerfile::image_role::role(&cx)
        == crate::rules::dockerfile::image_role::Role::Tool
}

/// `docker-compose.override.yml`, `compose.dev.yaml`, `docker-compose-local.yml`.
pub fn is_dev_compose(path: &Path) -> bool {
    crate::rules::process::dev_files::is_dev_file(path)
}

/// A service that serves requests: ports, `expose`, or a server command.
pub fn is_serving(service: &Service<'_>, launches: &[Launch]) -> bool {
    service.get("ports").is_some() || service.get("expose").is_some() || !launches.is_empty()
}

/// A service that runs once and exits (a migration, a test run, a
/// seed), or a toolbox kept idle for `docker compose exec` (`sleep
/// infinity`, a shell with `tty: true`). A service behind `profiles:` is a service like any other
/// (`docker compose --profile prod up` starts it for good): only its name
/// or `restart: "no"` says it runs once.
pub fn is_one_off(service: &Service<'_>) -> bool {
    let words = [
        "migrate",
        "migration",
        "test",
        "pytest",
        "init",
        "seed",
        "setup",
    ];
    let name = service.name.text.to_ascii_lowercase();
    if words.iter().any(|w| name.contains(w)) {
        return true;
    }
    if is_idle_toolbox(service) {
        return true;
    }
    service
        .get("restart")
        .and_then(|n| n.as_str())
        .is_some_and(|r| r == "no")
}

/// A toolbox kept alive for `docker compose exec`: `sleep infinity`, or
/// a shell with a terminal and no script (`bash` with `tty: true`).
pub fn is_idle_toolbox(service: &Service<'_>) -> bool {
    let runs = |k: &str| {
        let words: Vec<String> = service
            .strings(k)
            .iter()
            .map(|s| s.text.to_ascii_lowercase())
            .collect();
        (!words.is_empty()).then(|| words.join(" "))
    };
    let program = runs("entrypoint")
        .or_else(|| runs("command"))
        .unwrap_or_default();
    let first = program.split_whitespace().next().unwrap_or("");
    first == "sleep"
        || (matches!(
            first.rsplit('/').next().unwrap_or(""),
            "sh" | "bash" | "ash"
        ) && !program.contains(" -c")
            && service.is_true("tty"))
}

/// The final stage of a Dockerfile sets a user other than root.
pub fn image_user_is_non_root(df: &Dockerfile) -> bool {
    target_user_is_non_root(df, None)
}

/// The image a build of `df` produces runs as a user other than root: the
/// last `USER` of the stage the build targets (`build.target: runtime`),
/// or of the final stage without a target or with one that names no
/// stage (`${TARGET}`).
pub fn target_user_is_non_root(df: &Dockerfile, target: Option<&str>) -> bool {
    let target = target.filter(|t| df.stage_by_name(t).is_some());
    df.target_last(target, Keyword::User)
        .and_then(|u| u.words().first())
        .is_some_and(|w| {
            let n = w.text.split(':').next().unwrap_or("");
            n != "root" && n != "0"
        })
}
