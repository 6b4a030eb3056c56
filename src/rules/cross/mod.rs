//! XR: cross-file rules. The files of one deployable must agree: the port
//! the server binds and the ports that route to it, the paths probes
//! request and the routes the app serves, the migrations a command runs
//! and how many copies run it. Each rule reads the units of the project
//! model (a Dockerfile's image, the compose services and Kubernetes
//! containers that run it, the servers they start, the app they serve)
//! and stays silent when a fact is unknown. Findings go where the fix
//! belongs, with every other fact they rest on as a related location.

mod xr001_port_mismatch;
mod xr002_probe_path_not_served;
mod xr003_liveness_checks_dependencies;
mod xr004_shutdown_chain_broken;
mod xr005_workers_exceed_cpu_limit;
mod xr006_deployed_image_not_built;
mod xr007_required_setting_unset;
mod xr008_setting_name_unknown;
mod xr009_migrations_in_every_replica;
mod xr010_healthcheck_tool_missing;
mod xr011_env_file_not_loaded;

use crate::declare_rule;
use crate::impl_meta;
use crate::project::facts::images::{Run, Runner};
use crate::project::facts::ports::port_of_bind;
use crate::project::facts::units::{Server, Unit};
use crate::project::facts::{Loc, Origin};
use crate::rules::Rule;
use crate::rules::project_pass::{ProjectContext, ProjectFindings};

pub static RULES: &[&dyn Rule] = &[
    &xr001_port_mismatch::PortMismatch,
    &xr002_probe_path_not_served::ProbePathNotServed,
    &xr003_liveness_checks_dependencies::LivenessChecksDependencies,
    &xr004_shutdown_chain_broken::ShutdownChainBroken,
    &xr005_workers_exceed_cpu_limit::WorkersExceedCpuLimit,
    &xr006_deployed_image_not_built::DeployedImageNotBuilt,
    &xr007_required_setting_unset::RequiredSettingUnset,
    &xr008_setting_name_unknown::SettingNameUnknown,
    &xr009_migrations_in_every_replica::MigrationsInEveryReplica,
    &xr010_healthcheck_tool_missing::HealthcheckToolMissing,
    &xr011_env_file_not_loaded::EnvFileNotLoaded,
];

/// The servers a run starts: its own command's, or (when it sets no
/// command) the image's. `None` when its command is not one prodlint
/// reads as a server (a worker, a script): what listens is unknown.
pub(crate) fn servers_of<'a>(unit: &'a Unit, run: &'a Run) -> Option<&'a [Server]> {
    if !run.servers.is_empty() {
        return Some(&run.servers);
    }
    if run.command_set || unit.servers.is_empty() {
        return None;
    }
    Some(&unit.servers)
}

/// A port a server binds, and where that is written.
pub(crate) struct Bound<'a> {
    pub port: u16,
    pub at: Loc,
    pub server: &'a Server,
}

/// The ports these servers bind, when every one of them is known from
/// what the project writes (a flag, `GUNICORN_CMD_ARGS`, the config file;
/// a program's default is not evidence enough: `PORT` in the environment
/// changes gunicorn's). `None` when any is unknown.
pub(crate) fn binds(servers: &[Server]) -> Option<Vec<Bound<'_>>> {
    if servers.is_empty() {
        return None;
    }
    servers
        .iter()
        .map(|s| {
            let b = s.bind.as_ref()?;
            if b.origin == Origin::Default {
                return None;
            }
            Some(Bound {
                port: port_of_bind(&b.value)?,
                at: b.at.clone().unwrap_or_else(|| s.site.clone()),
                server: s,
            })
        })
        .collect()
}

/// How a run is named in a message: ``service `api` `` or
/// ``container `web` of Deployment `api` ``.
pub(crate) fn run_name(run: &Run) -> String {
    match &run.runner {
        Runner::Compose { service } => format!("service `{service}`"),
        Runner::Kubernetes {
            kind,
            name,
            container,
            ..
        } => format!("container `{container}` of {kind} `{name}`"),
    }
}

/// The one app these servers serve, with its routes, when prodlint knows
/// them all (every include and mount followed, every path literal).
pub(crate) struct Served {
    pub name: String,
    pub app: crate::project::apps::App,
    /// Paths FastAPI answers itself (`/docs`, `/redoc`, `/openapi.json`)
    /// unless the constructor turns them off or moves them.
    pub builtin: Vec<String>,
    /// Where the app is made.
    pub at: Loc,
}

pub(crate) fn served_app(project: &crate::project::Project, servers: &[Server]) -> Option<Served> {
    let mut found: Option<(std::path::PathBuf, String)> = None;
    for s in servers {
        let a = project.app_of(s)?;
        match &found {
            Some(f) if *f != a => return None,
            _ => found = Some(a),
        }
    }
    let (module, name) = found?;
    let model = project.app_model();
    let def = model.apps_in(&module).find(|a| a.name == name)?;
    if def.opaque {
        return None;
    }
    let app = model.app(&module, &name);
    if !app.complete || app.routes.iter().any(|r| r.path.is_none()) {
        return None;
    }
    // A prefix read from a settings default moves when a deploy or an
    // env file sets its variable: the paths are then unknown.
    let used = &app.settings_used;
    if !used.is_empty()
        && (project.deploy_names(used)
            || project
                .env_keys()
                .any(|(_, k, _)| used.iter().any(|n| n.eq_ignore_ascii_case(k))))
    {
        return None;
    }
    let mut builtin = Vec::new();
    for (arg, default) in [
        ("docs_url", "/docs"),
        ("redoc_url", "/redoc"),
        ("openapi_url", "/openapi.json"),
    ] {
        match def.arguments.iter().find(|(k, _)| k == arg) {
            None => builtin.push(default.to_string()),
            Some((_, crate::parse::python::calls::Lit::Str(s))) => builtin.push(s.clone()),
            // `None`, or a value prodlint cannot read: not counted.
            Some(_) => {}
        }
    }
    Some(Served {
        at: Loc::new(&module, def.at),
        name,
        app,
        builtin,
    })
}

/// Does the route template `route` (`/items/{id}`, `/files/{p:path}`)
/// answer `path`? A trailing slash differs only by a redirect, which
/// probes count as success (any status from 200 to 399).
pub(crate) fn route_matches(route: &str, path: &str) -> bool {
    let r: Vec<&str> = route.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    for (i, seg) in r.iter().enumerate() {
        if seg.starts_with('{') && seg.ends_with(":path}") {
            return p.len() > i;
        }
        let Some(q) = p.get(i) else { return false };
        let param = seg.starts_with('{') && seg.ends_with('}');
        if !(param && !q.is_empty() || seg == q) {
            return false;
        }
    }
    r.len() == p.len()
}

impl Served {
    /// The route that answers `path`, if one does (`None` also for a
    /// path FastAPI answers itself).
    pub fn route_for(&self, path: &str) -> Option<&crate::project::apps::Route> {
        self.app
            .routes
            .iter()
            .find(|r| r.path.as_deref().is_some_and(|t| route_matches(t, path)))
    }

    pub fn serves(&self, path: &str) -> bool {
        self.route_for(path).is_some() || self.builtin.iter().any(|b| route_matches(b, path))
    }
}

#[cfg(test)]
mod tests {
    use super::route_matches;

    #[test]
    fn route_templates_match_paths() {
        assert!(route_matches("/health", "/health"));
        assert!(route_matches("/health/", "/health"));
        assert!(route_matches("/api/items/{id}", "/api/items/3"));
        assert!(route_matches("/static/{p:path}", "/static/a/b.css"));
        assert!(!route_matches("/health", "/healthz"));
        assert!(!route_matches("/api/items/{id}", "/api/items"));
        assert!(route_matches("", "/"));
    }
}
