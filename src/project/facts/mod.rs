//! Facts one file states about deployables, read when the file is parsed
//! (in parallel with the others) and linked into units by the project.
//! Every fact carries the place it comes from, so that a finding resting
//! on it can point there.

pub mod app;
pub mod calls;
pub mod credentials;
pub mod entrypoint;
pub mod images;
pub mod launched;
pub mod ports;
pub mod scripts;
pub mod units;

use crate::source::Span;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A place in a file of the project (the path as the user gave it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    /// Shared by the places of one file: a file states many (every port,
    /// variable, setting and unit holds one), and the project holds them
    /// all until the run ends.
    pub file: Arc<Path>,
    pub span: Span,
}

impl Loc {
    pub fn new(file: &Path, span: Span) -> Loc {
        Loc {
            file: shared_path(file),
            span,
        }
    }
}

thread_local! {
    /// The path [`shared_path`] gave last on this thread.
    static LAST_PATH: std::cell::RefCell<Option<Arc<Path>>> = const { std::cell::RefCell::new(None) };
}

/// Makes `path` the one [`shared_path`] gives for its file on this
/// thread: the places a file's facts state share the walk's path.
pub fn share_path(path: &Arc<Path>) {
    LAST_PATH.with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some(Arc::clone(path));
        }
    });
}

/// `path` as a shared path: the one made last on this thread when it is
/// the same path (the places of one file are made together, on one
/// thread), else a new one.
pub fn shared_path(path: &Path) -> Arc<Path> {
    LAST_PATH.with(|last| {
        let Ok(mut last) = last.try_borrow_mut() else {
            return Arc::from(path);
        };
        match &*last {
            Some(p) if p.as_os_str() == path.as_os_str() => Arc::clone(p),
            _ => {
                let made: Arc<Path> = Arc::from(path);
                *last = Some(Arc::clone(&made));
                made
            }
        }
    })
}

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written in the file at `at` (a flag, a key).
    Written,
    /// From `GUNICORN_CMD_ARGS` at the launch.
    EnvArgs,
    /// From the configuration file the server reads.
    ConfigFile,
    /// Not written anywhere: the program's default.
    Default,
}

/// A value with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub at: Option<Loc>,
    pub origin: Origin,
}

/// What one file says about images, ports and shutdown.
#[derive(Debug, Clone, Default)]
pub struct Stated {
    pub builds: Vec<images::Build>,
    /// Shared with the units that run them (a run is linked, not copied).
    pub runs: Vec<std::sync::Arc<images::Run>>,
    /// Services that route to pods: namespace, selector, target ports.
    pub services: Vec<ports::ServicePorts>,
    /// Dockerfiles a Docker action builds (`runs.using: docker` with a
    /// local `runs.image`), as project keys, with where the action says so.
    pub action_builds: Vec<(PathBuf, Loc)>,
    /// `uses: ./…` of local actions and reusable workflows, with what
    /// they pass.
    pub calls: Vec<calls::Call>,
    /// Jobs of workflows only callers start, with no `permissions:` of
    /// their own or their workflow's.
    pub called_jobs: Vec<calls::CalledJob>,
    /// Inputs pasted into scripts of composite actions and reusable
    /// workflows.
    pub expansions: Vec<calls::Expansion>,
    /// The secrets a workflow started by `workflow_call` needs passed
    /// (GH013 tells a caller passing every secret which ones); `None`
    /// when not known (another kind of file, a workflow not parsed).
    pub secrets_read: Option<Vec<calls::SecretRead>>,
    /// ConfigMaps and Secrets: (kind, name, the keys they hold).
    pub env_objects: Vec<(&'static str, String, Vec<String>)>,
    /// Ingresses: where each is, and its `tls:` when it has one.
    pub ingresses: Vec<(Loc, Option<Loc>)>,
    /// Deployments: where each is, and its `maxUnavailable` when it is
    /// `0` (old pods stay until new ones are ready).
    pub deployments: Vec<(Loc, Option<Loc>)>,
    /// Compose files a workflow layers into one project (`docker compose
    /// -f compose.yml -f compose.deploy.yml up`), in order, as keys.
    pub compose_stacks: Vec<Vec<PathBuf>>,
    /// A compose file's services, each with the settings it states (its
    /// keys, and `deploy.<key>` for those under `deploy:`).
    pub compose_settings: Vec<(String, Vec<String>)>,
    /// Images a shell script builds, paths as written: the project roots
    /// them (`Project::link`) and puts them in `builds`.
    pub script_builds: Vec<images::ScriptBuild>,
    /// Images a compose file runs under its folder's name, presumed built
    /// by that folder's Dockerfile: the project keeps those whose
    /// Dockerfile exists (`Project::link`) and puts them in `builds`.
    pub presumed_builds: Vec<images::Build>,
}

/// No statement at all: what [`Statements`] reads as when a file states
/// nothing.
static NOTHING_STATED: Stated = Stated {
    builds: Vec::new(),
    runs: Vec::new(),
    services: Vec::new(),
    action_builds: Vec::new(),
    calls: Vec::new(),
    called_jobs: Vec::new(),
    expansions: Vec::new(),
    secrets_read: None,
    env_objects: Vec::new(),
    ingresses: Vec::new(),
    deployments: Vec::new(),
    compose_stacks: Vec::new(),
    compose_settings: Vec::new(),
    script_builds: Vec::new(),
    presumed_builds: Vec::new(),
};

/// One of [`Stated`]'s lists, whatever it holds.
trait List {
    fn is_empty(&self) -> bool;
    fn shrink_to_fit(&mut self);
}

impl<T> List for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
    fn shrink_to_fit(&mut self) {
        Vec::shrink_to_fit(self)
    }
}

/// A list that may be unknown: known and empty is something stated.
impl<T> List for Option<Vec<T>> {
    fn is_empty(&self) -> bool {
        self.is_none()
    }
    fn shrink_to_fit(&mut self) {
        if let Some(v) = self {
            v.shrink_to_fit();
        }
    }
}

impl Stated {
    /// Every list, named once here so that a list added to `Stated` is
    /// counted by [`Stated::is_empty`] and cut by [`Stated::shrink`].
    fn lists(&mut self) -> [&mut dyn List; 15] {
        // The pattern names every field (a new one that is missed does
        // not compile); the array hands out the same names.
        macro_rules! every {
            ($($list:ident),*) => {{
                let Stated { $($list),* } = self;
                [$($list as &mut dyn List),*]
            }};
        }
        every!(
            builds,
            runs,
            services,
            action_builds,
            calls,
            called_jobs,
            expansions,
            secrets_read,
            env_objects,
            ingresses,
            deployments,
            compose_stacks,
            compose_settings,
            script_builds,
            presumed_builds
        )
    }

    /// Every list to its length, and the lists inside them.
    fn shrink(&mut self) {
        for list in self.lists() {
            list.shrink_to_fit();
        }
        // Not shared yet: the units link them after every file is read.
        for run in self.runs.iter_mut().filter_map(Arc::get_mut) {
            run.shrink();
        }
        for (_, keys) in &mut self.compose_settings {
            keys.shrink_to_fit();
        }
    }

    fn is_empty(&mut self) -> bool {
        self.lists().iter().all(|list| list.is_empty())
    }
}

/// A file's [`Stated`], boxed only when it states something: every file's
/// facts are held until the run ends, most files state none of these, and
/// fourteen empty lists inline weigh a third of a kilobyte per file.
/// Reads as an empty `Stated` until written; [`Statements::settle`] gives
/// the box back when what was written left it empty.
#[derive(Debug, Default)]
pub struct Statements(Option<Box<Stated>>);

impl Statements {
    /// Drops the box if it holds nothing, and otherwise gives back what
    /// its lists reserved while they grew (a list pushed to once holds
    /// room for four: a 300-byte build then weighs 1.2 KB, held to the
    /// end of the run with every other file's).
    pub fn settle(&mut self) {
        if let Some(s) = self.0.as_deref_mut() {
            if s.is_empty() {
                self.0 = None;
            } else {
                s.shrink();
            }
        }
    }
}

impl std::ops::Deref for Statements {
    type Target = Stated;
    fn deref(&self) -> &Stated {
        self.0.as_deref().unwrap_or(&NOTHING_STATED)
    }
}

impl std::ops::DerefMut for Statements {
    fn deref_mut(&mut self) -> &mut Stated {
        self.0.get_or_insert_with(Box::default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The places a file states after `share_path` hold the walk's path.
    #[test]
    fn places_share_the_path_they_are_given() {
        let walked: Arc<Path> = Arc::from(Path::new("/r/compose.yaml"));
        share_path(&walked);
        let at = Loc::new(Path::new("/r/compose.yaml"), Span::new(0, 1));
        assert!(Arc::ptr_eq(&at.file, &walked));
        let other = Loc::new(Path::new("/r/k8s.yaml"), Span::new(0, 1));
        assert!(!Arc::ptr_eq(&other.file, &walked));
    }

    #[test]
    fn places_of_one_file_share_its_path() {
        let (a, b) = (Path::new("/r/compose.yaml"), Path::new("/r/k8s.yaml"));
        let first = Loc::new(a, Span::new(0, 1));
        let second = Loc::new(a, Span::new(2, 3));
        assert!(Arc::ptr_eq(&first.file, &second.file));
        let other = Loc::new(b, Span::new(0, 1));
        assert_eq!(&*other.file, b);
        assert_eq!(&*Loc::new(a, Span::new(0, 1)).file, a);
    }

    #[test]
    fn settled_statements_hold_no_spare_room() {
        let mut s = Statements::default();
        s.compose_settings
            .push(("api".to_string(), vec!["image".to_string()]));
        s.compose_settings[0].1.push("ports".to_string());
        s.ingresses
            .push((Loc::new(Path::new("/r/k8s.yaml"), Span::new(0, 1)), None));
        s.settle();
        assert_eq!(s.compose_settings.capacity(), 1);
        assert_eq!(s.compose_settings[0].1.capacity(), 2);
        assert_eq!(s.ingresses.capacity(), 1);
        assert_eq!(s.builds.capacity(), 0);
    }

    #[test]
    fn statements_read_as_empty_until_written_and_settle_back() {
        let mut s = Statements::default();
        assert!(s.builds.is_empty() && s.0.is_none());
        s.compose_settings.push(("api".to_string(), Vec::new()));
        assert_eq!(s.compose_settings.len(), 1);
        s.settle();
        assert!(s.0.is_some());
        s.compose_settings.clear();
        s.settle();
        assert!(s.0.is_none() && s.compose_settings.is_empty());
    }
}
