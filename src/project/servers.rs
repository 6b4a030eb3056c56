//! Which Python files servers read as their gunicorn configuration: every
//! launch the project's launchers hold (Dockerfile `CMD`, compose
//! `command`, Procfile, supervisord program, systemd `ExecStart=`) is read
//! by the command analyser, and the file its `-c` names is looked up among
//! the run's files. Also collects the files launches and services name
//! that the run did not read (the loader may read them).

use super::{FileFacts, Key, Project, key};
use crate::discover::FileKind;
use crate::parse::compose::Compose;
use crate::project::facts::units::Hosted;
use crate::rules::compose::dockerfile_path;
use crate::rules::process::launch::{self, Launch};
use crate::source::{SourceFile, Span};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Where a server that reads a configuration file is started: the
/// launcher's text and the command's span in it.
#[derive(Debug, Clone)]
pub struct LaunchSite {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

/// What the launches say about configuration files.
#[derive(Debug, Default)]
pub struct Named {
    /// Python files servers read as configuration (keys).
    pub configs: BTreeSet<Key>,
    /// Files named that the run did not read, with the kind to read them as.
    pub wanted: BTreeMap<Key, FileKind>,
    /// Per configuration file (key), the launches that read it.
    pub sites: BTreeMap<Key, Vec<LaunchSite>>,
    /// Per Dockerfile (key), the servers its image starts.
    pub servers: BTreeMap<Key, Vec<crate::project::facts::units::Server>>,
    /// Servers that compose services and Kubernetes containers start with
    /// their own command: the file (key), where, and the server.
    pub run_servers: Vec<(PathBuf, launch::Site, crate::project::facts::units::Server)>,
    /// The applications servers are started with (`app.main:app`,
    /// `main.py`), as written, with the folder (key) of the launcher.
    pub apps: BTreeSet<(String, PathBuf)>,
    /// Per supervisord or systemd file (key), the servers it starts with
    /// their stop waits.
    pub hosted: BTreeMap<Key, Vec<Hosted>>,
    /// Per Dockerfile (key) whose image starts supervisord, the
    /// supervisord files (keys) of its build context it may read.
    pub supervised: BTreeMap<Key, Vec<PathBuf>>,
}

/// Where `fastapi run` looks for the app when it is given no path.
pub(crate) const FASTAPI_DEFAULT_PATHS: [&str; 6] = [
    "main.py",
    "app.py",
    "api.py",
    "app/main.py",
    "app/app.py",
    "app/api.py",
];

/// The named configurations (keys of files of the run), the paths wanted
/// and the launch sites. Launchers are read in parallel; the result is in
/// the order of their paths.
pub fn named_configs(project: &Project) -> Named {
    let parts: Vec<Named> = project
        .files
        .par_iter()
        .map(|(k, f)| named_in(project, k, f))
        .collect();
    let mut named = Named::default();
    for p in parts {
        named.configs.extend(p.configs);
        named.wanted.extend(p.wanted);
        for (k, v) in p.sites {
            named.sites.entry(k).or_default().extend(v);
        }
        named.servers.extend(p.servers);
        named.run_servers.extend(p.run_servers);
        named.apps.extend(p.apps);
        named.hosted.extend(p.hosted);
        named.supervised.extend(p.supervised);
    }
    named
}

/// What the launches of one file (`me`, its key) say.
fn named_in(project: &Project, me: &Key, f: &FileFacts) -> Named {
    let mut named = Named::default();
    let launcher = f.dockerfile.is_some()
        || launched_script(project, me, f)
        || f.procfile.is_some()
        || f.supervisord.is_some()
        || f.systemd.is_some()
        || f.compose.present()
        // A container starts a server of its own only with a command.
        || (f.kube.present()
            && (f.input.text.contains("command") || f.input.text.contains("args")));
    if !launcher {
        return named;
    }
    // The launcher's text, made once and only when a launch names a file
    // of the run (a related location points into it).
    // (A Dockerfile's launches read its parse's own file.)
    let file: Arc<SourceFile> = match &f.dockerfile {
        Some(b) => Arc::clone(&b.file),
        None => Arc::new(f.input.source()),
    };
    let mut hosted = Vec::new();
    let launches = launches_in(project, f, &file, &mut named.wanted, &mut hosted);
    if !hosted.is_empty() {
        named.hosted.insert(me.clone(), hosted);
    }
    if f.dockerfile.is_some() {
        let servers = launches
            .iter()
            .map(|l| crate::project::facts::units::Server::of(l, &f.input.path))
            .collect();
        named.servers.insert(me.clone(), servers);
        let dir = super::dir_of(&me.0);
        let supervised: Vec<PathBuf> = launches
            .iter()
            .filter(|l| l.command.server == crate::parse::command::Server::Supervisord)
            .flat_map(|l| {
                let named = l
                    .command
                    .get("configuration")
                    .and_then(crate::parse::command::Opt::value_text);
                project.supervisord_for(&dir, named)
            })
            .map(|(p, _)| p)
            .collect();
        if !supervised.is_empty() {
            named.supervised.insert(me.clone(), supervised);
        }
    } else {
        for l in &launches {
            if matches!(
                l.site,
                launch::Site::Compose { .. } | launch::Site::Kubernetes { .. }
            ) {
                named.run_servers.push((
                    me.0.to_path_buf(),
                    l.site.clone(),
                    crate::project::facts::units::Server::of(l, &f.input.path),
                ));
            }
        }
    }
    for l in &launches {
        // `fastapi run` without a path serves the first of these it finds
        // in its working folder (fastapi-cli's default paths).
        if l.command.server == crate::parse::command::Server::FastApiRun
            && !l
                .command
                .args
                .iter()
                .any(|w| w.text.ends_with(".py") || w.dynamic)
        {
            // The first that exists beside the launcher (its working
            // folder, as far as prodlint can tell), named exactly.
            let dir = super::dir_of(&me.0);
            let candidates: Vec<PathBuf> =
                FASTAPI_DEFAULT_PATHS.iter().map(|p| dir.join(p)).collect();
            if let Some(found) = project.first_known(&candidates) {
                named
                    .apps
                    .insert((key(found).to_string_lossy().to_string(), dir));
            }
        }
        named.apps.extend(
            l.command
                .args
                .iter()
                .filter(|w| !w.dynamic && (w.text.contains(':') || w.text.ends_with(".py")))
                .map(|w| (w.text.clone(), super::dir_of(&me.0))),
        );
    }
    for l in launches {
        if l.config_candidates.is_empty() {
            continue;
        }
        match project.first_known(&l.config_candidates) {
            Some(found) => {
                let k = Key::new(key(found));
                named.sites.entry(k.clone()).or_default().push(LaunchSite {
                    file: Arc::clone(&file),
                    span: l.command.span,
                });
                named.configs.insert(k);
            }
            None => named.wanted.extend(l.config_candidates.iter().map(|c| {
                let kind = FileKind::detect(c).unwrap_or(FileKind::Text);
                (Key::new(key(c)), kind)
            })),
        }
    }
    named
}

/// A shell script a launcher of the project starts (its servers' `-c`
/// and apps are named there).
fn launched_script(project: &Project, me: &Key, f: &FileFacts) -> bool {
    f.script.is_some() && !project.launchers_of_script(&me.0).is_empty()
}

fn launches_in(
    project: &Project,
    f: &FileFacts,
    file: &SourceFile,
    wanted: &mut BTreeMap<Key, FileKind>,
    hosted: &mut Vec<Hosted>,
) -> Vec<Launch> {
    if let Some(b) = &f.dockerfile {
        // Past the parse budget, a Dockerfile known to start no server
        // is not parsed again to find none.
        if !b.may_start_servers {
            return Vec::new();
        }
    }
    if let Some(b) = f.built() {
        return launch::in_dockerfile(&b.dockerfile, &b.file, project);
    }
    if launched_script(project, &Key::new(key(&f.input.path)), f) {
        return crate::rules::process::scripts::in_launched_script(file, project).0;
    }
    if let Some(p) = &f.procfile {
        return launch::in_procfile(p, file, project);
    }
    if let Some((ini, _)) = f.supervisord.as_deref() {
        let mut out = Vec::new();
        for s in ini
            .sections
            .iter()
            .filter(|s| s.name.starts_with("program:"))
        {
            let launches = launch::in_supervisor_program(s, file, project);
            hosted.extend(Hosted::of_program(s, &launches, &f.input.path).unwrap_or_default());
            out.extend(launches);
        }
        return out;
    }
    if let Some(ini) = &f.systemd {
        let Some(s) = ini.section("Service") else {
            return Vec::new();
        };
        let launches = launch::in_systemd_service(s, file, project);
        hosted.extend(Hosted::of_service(s, &launches, &f.input.path).unwrap_or_default());
        return launches;
    }
    if let Some(parsed) = f.kube.tree(&f.input.text) {
        let objects = crate::parse::kube::objects(&parsed.1);
        return crate::parse::kube::workloads(&objects)
            .iter()
            .flat_map(|w| w.containers())
            .flat_map(|c| launch::in_kube_container(&c, file, project))
            .collect();
    }
    // Past the parse budget, a compose file known to start no server is
    // not parsed again: only the Dockerfiles its services build are read.
    if let Some(builds) = f.compose.quiet_compose_builds() {
        for p in builds {
            if !project.has_dockerfile(&p) {
                wanted.insert(Key::new(key(&p)), FileKind::Dockerfile);
            }
        }
        return Vec::new();
    }
    if let Some(parsed) = f.compose.tree(&f.input.text) {
        let Some(compose) = parsed
            .1
            .documents
            .first()
            .and_then(Option::as_ref)
            .and_then(Compose::from_root)
        else {
            return Vec::new();
        };
        let dir = super::dir_of(&file.path);
        let mut out = Vec::new();
        for s in &compose.services {
            if let Some(p) = dockerfile_path(s, &dir)
                && !project.has_dockerfile(&p)
            {
                wanted.insert(Key::new(key(&p)), FileKind::Dockerfile);
            }
            out.extend(launch::in_compose_service(s, file, false, project));
        }
        return out;
    }
    Vec::new()
}
