//! The project: every fact that crosses files, built once from the files
//! the run read, with no file-system access of its own (the loader in
//! `load.rs` does the reading). Rules ask it instead of reading other
//! files: what the project depends on, whether code runs in a container,
//! which Python file a server reads as its gunicorn configuration (and
//! that configuration, parsed once), the Dockerfile a compose service
//! builds, the supervisord files beside an image, and the Kubernetes
//! objects that give workloads duties. The language server replaces one
//! file and the facts are rebuilt from the texts held here, so nothing is
//! ever stale.

pub mod apps;
pub mod companions;
pub mod deps;
pub mod facts;
pub mod load;
pub mod servers;

use crate::discover::FileKind;
use crate::parse::dockerfile::{self, Dockerfile};
use crate::parse::python::{self, Module};
use crate::parse::{ini, kube, procfile, yaml};
use crate::paths::FastPath;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A manifest's text and its YAML tree, parsed once for the index and
/// reused when the manifest is linted.
pub type ParsedYaml = Arc<(crate::source::SharedText, yaml::YamlFile)>;

/// A Dockerfile of the project: its text (findings elsewhere point into
/// it) and its parse.
#[derive(Debug)]
pub struct Built {
    pub file: Arc<crate::source::SourceFile>,
    pub dockerfile: Dockerfile,
    /// The Python scripts its `RUN`/`HEALTHCHECK` run, and the entrypoint
    /// script it starts: read once at parse (in parallel), not at every
    /// link.
    pub scripts: Vec<facts::scripts::NamedScript>,
    pub entry: Option<facts::entrypoint::NamedEntry>,
    /// The final ENTRYPOINT or CMD, when the image's own command runs
    /// database migrations (`alembic upgrade head && gunicorn …`).
    pub migrates: Option<crate::source::Span>,
    /// What the image it ships says about itself, for the units.
    pub shipped: Shipped,
    /// The sources its `COPY`/`ADD` instructions take from the build
    /// context that are named like credential files (`.npmrc`, `.netrc`).
    credential_copies: Vec<String>,
    /// The repository of each stage's base image that is not a stage of
    /// the file (`prefecthq/prefect-sqlite`), and whether that stage is
    /// one the image ships (its final chain) rather than one it only
    /// copies files from.
    bases: Vec<(String, bool)>,
    /// Past the run's parse budget the project keeps only the text and
    /// the facts above: `dockerfile` is then empty, and
    /// [`FileFacts::built`] parses the text again for each reader.
    dropped: bool,
    /// It may start a server the command analyser knows: `false` only
    /// when its tree was dropped and starts none (worked out then, so
    /// that the links do not parse it again to find no launch).
    may_start_servers: bool,
}

/// The repositories of the images a Dockerfile's stages start from
/// (not its own stages, nor `scratch` or unresolved references), each
/// with whether the image may ship from it: `false` only for a stage
/// outside the final chain that a `COPY --from` or a `RUN
/// --mount=…,from=` reads (a carrier of prebuilt files); a stage that
/// nothing reads may be another build's target, so it counts as shipped.
fn bases(df: &Dockerfile) -> Vec<(String, bool)> {
    let shipped: Vec<usize> = df.final_chain().iter().map(|s| s.index).collect();
    // The stages named (or numbered) by `--from`.
    let mut read: Vec<String> = Vec::new();
    for i in &df.instructions {
        if let Some(v) = i.flag("from").and_then(|f| f.value.as_deref()) {
            read.push(v.to_ascii_lowercase());
        }
        for m in i.flags.iter().filter(|f| f.name == "mount") {
            if let Some(v) = m
                .value
                .as_deref()
                .and_then(|v| v.split(',').find_map(|p| p.strip_prefix("from=")))
            {
                read.push(v.to_ascii_lowercase());
            }
        }
    }
    let is_read = |st: &dockerfile::Stage| {
        read.iter()
            .any(|r| st.name.as_deref() == Some(r.as_str()) || *r == st.index.to_string())
    };
    df.stages
        .iter()
        .filter(|st| st.parent.is_none() && !st.image.unresolved && !st.image.is_scratch())
        .map(|st| {
            (
                st.image.repository(),
                shipped.contains(&st.index) || !is_read(st),
            )
        })
        .collect()
}

/// Sources copied from the build context that are named like credential
/// files, as written (none with a variable in it).
fn credential_copies(df: &Dockerfile) -> Vec<String> {
    let mut out = Vec::new();
    for i in &df.instructions {
        if !matches!(
            i.keyword,
            dockerfile::Keyword::Copy | dockerfile::Keyword::Add
        ) || i.flag("from").is_some()
        {
            continue;
        }
        let Some((_, sources)) = i.words().split_last() else {
            continue;
        };
        for s in sources {
            let name = s.text.rsplit('/').next().unwrap_or(&s.text);
            if facts::credentials::is_credential_file(name) && !s.text.contains('$') {
                out.push(s.text.clone());
            }
        }
    }
    out
}

/// What a Dockerfile's final stage says, read at parse for the units.
#[derive(Debug, Clone, Default)]
pub struct Shipped {
    /// The final stage's `FROM`.
    pub final_stage: Option<facts::Loc>,
    pub exposed: Vec<facts::ports::PortClaim>,
    /// The HEALTHCHECK's local URL.
    pub healthcheck: Option<facts::images::Probe>,
    /// The final stage has a `HEALTHCHECK` with a command (whatever it
    /// runs).
    pub checks_health: bool,
    /// The names of the stages it does not ship.
    pub other_stages: Vec<String>,
}

impl Shipped {
    fn of(df: &Dockerfile, file: &crate::source::SourceFile) -> Self {
        let at = |span| facts::Loc::new(&file.path, span);
        let final_stage = df
            .final_stage()
            .and_then(|s| df.instructions.get(s.from))
            .map(|i| at(i.span));
        let exposed = df
            .final_instructions()
            .filter(|i| i.keyword == dockerfile::Keyword::Expose)
            .flat_map(|i| i.words().iter())
            .filter_map(|w| {
                let port = w.text.split('/').next()?.parse().ok()?;
                Some(facts::ports::PortClaim {
                    port,
                    role: facts::ports::Role::Expose,
                    at: at(w.span),
                })
            })
            .collect();
        let healthcheck = df
            .final_last(dockerfile::Keyword::Healthcheck)
            .and_then(|h| {
                h.command()?;
                let text = file.text.get(h.span.start..h.span.end)?;
                let (path, port, offset) = facts::images::url_probe(text)?;
                let start = h.span.start + offset;
                Some(facts::images::Probe {
                    kind: facts::images::ProbeKind::Healthcheck,
                    at: at(crate::source::Span::new(start, start + path.len())),
                    path: Some(path),
                    port,
                })
            });
        let shipped = df.final_stage().map(|s| s.index);
        let other_stages = df
            .stages
            .iter()
            .filter(|s| Some(s.index) != shipped)
            .filter_map(|s| s.name.clone())
            .collect();
        let checks_health = df
            .final_last(dockerfile::Keyword::Healthcheck)
            .is_some_and(|h| h.command().is_some());
        Shipped {
            final_stage,
            exposed,
            healthcheck,
            checks_health,
            other_stages,
        }
    }
}

impl Built {
    fn new(file: Arc<crate::source::SourceFile>, dockerfile: Dockerfile) -> Self {
        Built {
            scripts: facts::scripts::named_in(&dockerfile),
            entry: facts::entrypoint::named_in(&dockerfile),
            migrates: own_command_migrates(&dockerfile),
            shipped: Shipped::of(&dockerfile, &file),
            credential_copies: credential_copies(&dockerfile),
            bases: bases(&dockerfile),
            file,
            dockerfile,
            dropped: false,
            may_start_servers: true,
        }
    }

    /// The same facts without the tree (see `dropped`).
    fn husk(&self) -> Self {
        Built {
            file: Arc::clone(&self.file),
            dockerfile: Dockerfile::default(),
            scripts: self.scripts.clone(),
            entry: self.entry.clone(),
            migrates: self.migrates,
            shipped: self.shipped.clone(),
            credential_copies: self.credential_copies.clone(),
            bases: self.bases.clone(),
            dropped: true,
            may_start_servers: self.may_start_servers,
        }
    }

    /// Its facts without the tree, knowing whether the tree starts a
    /// server.
    fn dropped_husk(&self) -> Self {
        let raw = |s: crate::source::Span| self.file.slice(s).to_string();
        Built {
            may_start_servers: !crate::parse::command::in_dockerfile(&self.dockerfile, &raw)
                .is_empty(),
            ..self.husk()
        }
    }

    /// Where the image a build targets (`None`: the stage that ships)
    /// starts a development server (`flask run`, `manage.py runserver`,
    /// a `--reload` flag), and why it is one.
    pub fn dev_server(&self, target: Option<&str>) -> Option<(crate::source::Span, &'static str)> {
        let raw = |s: crate::source::Span| self.file.slice(s).to_string();
        crate::parse::command::in_target(&self.dockerfile, target, &raw)
            .iter()
            .find_map(|c| c.dev_marker().map(|(word, why)| (word.span, why)))
    }

    /// The facts with the tree, parsed again when it was dropped. The
    /// last few parsed again on this thread are kept: the rules of one
    /// compose file ask for the Dockerfile each of its services builds
    /// several times in a row.
    fn whole(self: &Arc<Self>) -> Arc<Self> {
        if !self.dropped {
            return Arc::clone(self);
        }
        let parse = || {
            Arc::new(Built {
                dockerfile: dockerfile::parse(&self.file.text),
                dropped: false,
                ..self.husk()
            })
        };
        RECENT_WHOLE.with(|recent| {
            let Ok(mut recent) = recent.try_borrow_mut() else {
                return parse();
            };
            // A husk is known by its address: the `Weak` kept beside its
            // tree keeps that allocation from being reused by another.
            if let Some(i) = recent
                .iter()
                .position(|(husk, _)| std::ptr::eq(husk.as_ptr(), Arc::as_ptr(self)))
            {
                let hit = recent.remove(i);
                let whole = Arc::clone(&hit.1);
                recent.push(hit);
                return whole;
            }
            let whole = parse();
            if recent.len() == RECENT_WHOLE_KEPT {
                recent.remove(0);
            }
            recent.push((Arc::downgrade(self), Arc::clone(&whole)));
            whole
        })
    }
}

/// How many Dockerfiles parsed again each thread keeps (see
/// `Built::whole`).
const RECENT_WHOLE_KEPT: usize = 4;

thread_local! {
    /// The Dockerfiles this thread parsed again last, oldest first: the
    /// husk each was parsed for, and the whole.
    static RECENT_WHOLE: std::cell::RefCell<Vec<(std::sync::Weak<Built>, Arc<Built>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The span of the final ENTRYPOINT or CMD whose command runs database
/// migrations (`alembic upgrade head && gunicorn …`).
fn own_command_migrates(df: &Dockerfile) -> Option<crate::source::Span> {
    [dockerfile::Keyword::Entrypoint, dockerfile::Keyword::Cmd]
        .iter()
        .filter_map(|kw| df.final_last(*kw))
        .find_map(|i| {
            // The command's words, as parsed (a `sh -c` body is one word,
            // split by the reader).
            let words: Vec<&str> = match i.command()? {
                dockerfile::Command::Exec { argv, .. } => {
                    argv.iter().map(|w| w.text.as_str()).collect()
                }
                dockerfile::Command::Shell { script, .. } => script
                    .commands
                    .iter()
                    .flat_map(|c| c.argv.iter().map(|w| w.text.as_str()))
                    .collect(),
            };
            crate::parse::command::runs_migrations(&words.join(" ")).then_some(i.span)
        })
}

/// A parse held for the file's own lint, which takes it: after that the
/// project no longer holds it. Past the run's parse budget a compose
/// file's or a manifest's tree is dropped once its facts are read: the
/// links between files parse it again when they need it, and so does its
/// lint.
#[derive(Debug, Default)]
pub struct Parked(std::sync::Mutex<Held>);

#[derive(Debug, Default)]
enum Held {
    #[default]
    Nothing,
    Tree(ParsedYaml),
    /// Dropped for the budget: parsed again on demand. A compose file
    /// that starts no server keeps the Dockerfiles its services build
    /// (see [`Parked::drop_quiet_compose`]).
    Dropped(Option<Box<[PathBuf]>>),
}

impl Parked {
    fn new(parsed: ParsedYaml) -> Self {
        Parked(std::sync::Mutex::new(Held::Tree(parsed)))
    }

    /// The parse, while it is held.
    fn peek(&self) -> Option<ParsedYaml> {
        match &*self.0.lock().ok()? {
            Held::Tree(p) => Some(Arc::clone(p)),
            _ => None,
        }
    }

    /// The file has a tree, held or dropped for the budget.
    fn present(&self) -> bool {
        self.0
            .lock()
            .is_ok_and(|held| !matches!(*held, Held::Nothing))
    }

    /// The tree for the links between files: the one held, or, when the
    /// budget dropped it, `text` parsed again (not kept).
    fn tree(&self, text: &crate::source::SharedText) -> Option<ParsedYaml> {
        match &*self.0.lock().ok()? {
            Held::Tree(p) => Some(Arc::clone(p)),
            Held::Dropped(_) => Some(Arc::new((text.clone(), yaml::parse(text)))),
            Held::Nothing => None,
        }
    }

    /// Gives the tree up (see [`Parked::tree`]).
    fn drop_tree(&self) {
        if let Ok(mut held) = self.0.lock()
            && matches!(*held, Held::Tree(_))
        {
            *held = Held::Dropped(None);
        }
    }

    /// Gives a compose file's tree up; when its services start no server
    /// the command analyser knows, keeps the Dockerfiles they build (the
    /// one thing the links read from such a file's services), so that
    /// the links do not parse it again to find no launch.
    fn drop_quiet_compose(&self, input: &Input) {
        let Ok(mut held) = self.0.lock() else {
            return;
        };
        let Held::Tree(parsed) = &*held else {
            return;
        };
        let file = input.source();
        let compose = parsed
            .1
            .documents
            .first()
            .and_then(Option::as_ref)
            .and_then(crate::parse::compose::Compose::from_root);
        let quiet = match &compose {
            None => Some(Box::default()),
            Some(c) => {
                let dir = dir_of(&input.path);
                c.services
                    .iter()
                    .all(|s| crate::rules::process::launch::compose_commands(s, &file).is_empty())
                    .then(|| {
                        c.services
                            .iter()
                            .filter_map(|s| crate::rules::compose::dockerfile_path(s, &dir))
                            .collect()
                    })
            }
        };
        *held = Held::Dropped(quiet);
    }

    /// The Dockerfiles the services of a compose file whose tree was
    /// dropped build, when they start no server (see
    /// [`Parked::drop_quiet_compose`]).
    fn quiet_compose_builds(&self) -> Option<Vec<PathBuf>> {
        match &*self.0.lock().ok()? {
            Held::Dropped(Some(paths)) => Some(paths.to_vec()),
            _ => None,
        }
    }

    /// Takes the parse if it is of `text` (shares it when `keep`).
    fn take_if(&self, text: &str, keep: bool) -> Option<ParsedYaml> {
        let mut held = self.0.lock().ok()?;
        let tree = match &*held {
            Held::Tree(p) if *p.0 == *text => Arc::clone(p),
            _ => return None,
        };
        if !keep {
            *held = Held::Nothing;
        }
        Some(tree)
    }
}

/// A file the project reads facts from.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: Arc<Path>,
    pub kind: FileKind,
    pub text: crate::source::SharedText,
    /// The folder named on the command line it was found in (the bound
    /// for application folders), shared with the walk's other files.
    pub root: Option<Arc<Path>>,
}

impl Input {
    /// The file as a source a finding can point into: its path and its
    /// text shared, not copied.
    pub fn source(&self) -> crate::source::SourceFile {
        crate::source::SourceFile::new(Arc::clone(&self.path), self.text.clone())
    }
}

/// What one file says, parsed once (in parallel with the other files,
/// while the walk goes on).
#[derive(Debug)]
pub struct FileFacts {
    input: Input,
    deps: Option<deps::FileDeps>,
    dockerfile: Option<Arc<Built>>,
    /// A supervisord file, and whether it sets `nodaemon=true`.
    /// (These three boxed: few files are any of them, and the facts of
    /// every file are held together.)
    supervisord: Option<Box<(ini::Ini, bool)>>,
    systemd: Option<Box<ini::Ini>>,
    procfile: Option<Box<procfile::Procfile>>,
    /// A compose file's parse, until its own lint takes it (so that the
    /// project does not hold every tree to the end of the run).
    compose: Parked,
    /// A gunicorn configuration by name (`gunicorn*.py`).
    gunicorn: Option<Arc<(PathBuf, Module)>>,
    /// A manifest's parse (its objects feed the index).
    kube: Parked,
    /// A workflow's or action's parse, until its own lint takes it.
    workflow: Parked,
    /// What the file says about images, ports and shutdown.
    stated: facts::Statements,
    /// What a Python module (or a logging or proxy configuration) says
    /// about the app.
    /// (Boxed, as `script`: most files have neither, and the facts of
    /// every file are held together.)
    app: Option<Box<facts::app::Module>>,
    /// A Python module's parse, until its own lint takes it.
    python: ParkedPy,
    /// The file names `FORWARDED_ALLOW_IPS` / `forwarded_allow_ips`: the
    /// servers' trusted proxies may be set from here.
    names_forwarded: bool,
    /// An env file meant for production (not a template, not a
    /// development or test file): its keys and values.
    env: Option<Vec<(String, String, crate::source::Span)>>,
    /// The file names a logging configuration for a server
    /// (`--log-config`, `logconfig`, `log_config`).
    names_log_config: bool,
    /// A launcher that starts its server under a tracing agent
    /// (`opentelemetry-instrument`, `ddtrace-run`): where it says so.
    traced: Option<crate::source::Span>,
    /// A `.dockerignore` or an env template, parsed for the files it
    /// accompanies.
    companion: Option<companions::Companion>,
    /// A shell script (read because an image starts it): what it does
    /// with the process it starts.
    script: Option<Box<facts::entrypoint::ScriptFacts>>,
    /// A credential file (`.npmrc`, `.pypirc`, `.netrc`): its first line
    /// holding a literal credential, if any.
    credentials: Option<Option<crate::source::Span>>,
}

impl FileFacts {
    /// The file's path, as read.
    pub fn path(&self) -> &Path {
        &self.input.path
    }

    /// Gives up the workflow's or action's parse held for its lint (the
    /// project reads no more of it once its facts are taken).
    pub fn take_workflow_parse(&mut self) -> Option<ParsedYaml> {
        match std::mem::take(&mut self.workflow).0.into_inner().ok()? {
            Held::Tree(p) => Some(p),
            _ => None,
        }
    }

    /// The Dockerfile's facts with its tree: the one held, or, past the
    /// parse budget, its text parsed again (not kept).
    fn built(&self) -> Option<Arc<Built>> {
        self.dockerfile.as_ref().map(Built::whole)
    }

    /// It holds a parse for its own lint (a workflow's, a compose file's
    /// or a manifest's tree, a Dockerfile's, a Python module's parse).
    fn holds_parse(&self) -> bool {
        self.dockerfile.as_ref().is_some_and(|b| !b.dropped)
            || self.workflow.peek().is_some()
            || self.compose.peek().is_some()
            || self.kube.peek().is_some()
            || self.python.0.lock().is_ok_and(|held| held.is_some())
    }

    /// What its held parse counts against the run's parse budget, in bytes
    /// of source: a tree (YAML, a Dockerfile's instructions and scripts)
    /// takes about seven times its text, a Python module's views (its
    /// calls, functions, literals and settings; the syntax tree is not
    /// kept) about three and a half (measured on `../shared/corpus` and
    /// `../shared/apps`, every parse kept against none), so a module
    /// counts for half its text and the budget bounds the memory either
    /// way.
    pub(crate) fn parse_weight(&self) -> usize {
        let len = self.input.text.len();
        if self.holds_python_parse() {
            len.div_ceil(2)
        } else {
            len
        }
    }

    /// The parse it holds is a Python module's (not a tree: see
    /// [`crate::project::load::TREE_SHARE_DIVISOR`]).
    pub(crate) fn holds_python_parse(&self) -> bool {
        self.python.0.lock().is_ok_and(|held| held.is_some())
    }

    /// Drops those parses: the file's lint parses it again, and so do the
    /// links between files where they read a compose file, a manifest or
    /// a Dockerfile.
    fn drop_parses(&mut self) {
        if let Some(b) = self.dockerfile.as_mut() {
            *b = Arc::new(b.dropped_husk());
        }
        self.workflow = Parked::default();
        self.python = ParkedPy::default();
        self.compose.drop_quiet_compose(&self.input);
        self.kube.drop_tree();
    }
}

/// One value a production env file sets: where, which key, what value.
#[derive(Debug, Clone)]
pub struct EnvValue {
    pub file: PathBuf,
    pub key: String,
    pub value: String,
    /// The entry's line in `file`.
    pub at: crate::source::Span,
}

/// A Python module's parse, held for its own lint.
#[derive(Debug, Default)]
pub struct ParkedPy(std::sync::Mutex<Option<Arc<python::PyFile>>>);

impl ParkedPy {
    fn take(&self, keep: bool) -> Option<Arc<python::PyFile>> {
        let mut held = self.0.lock().ok()?;
        if keep {
            held.as_ref().map(Arc::clone)
        } else {
            held.take()
        }
    }
}

/// The facts. Paths are keys made by [`key`]: absolute, `.` and `..`
/// resolved by name (no system call, links not followed).
#[derive(Debug, Default)]
pub struct Project {
    /// Boxed: a B-tree node holds eleven values, most of them empty
    /// slots, and a file's facts are a kilobyte wide.
    files: BTreeMap<Key, Box<FileFacts>>,
    /// Every file of the run, facts or not: a Python file that exists is a
    /// candidate for a server's `-c`.
    known: crate::hashing::FastSet<Key>,
    deps: deps::Dependencies,
    /// Folders holding a `Dockerfile` or `Containerfile`.
    container_dirs: BTreeSet<Key>,
    /// Folders holding a `kustomization.yaml`.
    kustomized: BTreeSet<Key>,
    /// Python files servers read as gunicorn configuration.
    named_configs: BTreeSet<Key>,
    /// Per configuration file, the launches that read it.
    launch_sites: BTreeMap<Key, Vec<servers::LaunchSite>>,
    /// Gunicorn configurations, parsed once.
    configs: BTreeMap<Key, Arc<(PathBuf, Module)>>,
    kube: Arc<kube::Index>,
    /// One per Dockerfile: what builds, runs and serves it.
    units: Vec<facts::units::Unit>,
    /// `units` by Dockerfile key, and by the repositories their builds
    /// tag (`ghcr.io/acme/base`), built on first use: rules ask once per
    /// Dockerfile, and a path comparison per unit would make that quadratic.
    units_by_dockerfile: std::sync::OnceLock<crate::hashing::FastMap<Key, Vec<usize>>>,
    /// `local_calls` by the file they call, made when first asked.
    calls_by_callee: std::sync::OnceLock<crate::hashing::FastMap<Key, Vec<usize>>>,
    units_by_image: std::sync::OnceLock<crate::hashing::FastMap<String, Vec<usize>>>,
    /// What the whole tree says, read from every file once when first
    /// asked (rules ask it for each module: a scan per ask was quadratic).
    tree_says: std::sync::OnceLock<TreeSays>,
    /// Per base image repository of the Dockerfiles, whether one may ship
    /// from it ([`Project::only_copied_from`]).
    bases_by_repository: std::sync::OnceLock<crate::hashing::FastMap<String, bool>>,
    /// The env files the runs load (`env_file:`), gathered on first use:
    /// each env file's lint asks, and a walk of every run per file would
    /// make a large tree's check quadratic.
    env_files_loaded: std::sync::OnceLock<crate::hashing::FastSet<PathBuf>>,
    /// The compose stacks the workflows layer, gathered on first use.
    compose_stacks: std::sync::OnceLock<ComposeStacks>,
    /// What puts a proxy in front ([`Project::fronted_by_proxy`]), read
    /// on first use: production files running a proxy's image, and the
    /// folders of production manifests with an Ingress.
    fronting: std::sync::OnceLock<(
        crate::hashing::FastSet<PathBuf>,
        crate::hashing::FastSet<PathBuf>,
    )>,
    /// Per supervisord or systemd file, the servers it starts.
    hosted: BTreeMap<Key, Vec<facts::units::Hosted>>,
    /// Per supervisord file, the Dockerfiles of the images that start it.
    hosted_by: BTreeMap<Key, Vec<PathBuf>>,
    /// The applications launches start (`app.main:app`, `main.py`), the
    /// folder of the launcher that names each, and whether a module under
    /// that folder answers to the name (then only those do: a
    /// `server:app` in `scripts/proxy-test/Dockerfile` is that folder's
    /// `server.py`, not every `server.py` of the repository).
    served: crate::hashing::FastMap<PathBuf, Vec<String>>,
    /// What each launch spec names: (spec, launcher folder) -> modules
    /// and app names.
    served_by_spec: crate::hashing::FastMap<(String, PathBuf), Vec<(PathBuf, String)>>,
    /// Some launch names an app at all.
    any_app_named: bool,
    /// The app model: apps, routes, set-up, across modules.
    app_model: apps::Apps,
    /// Files some launch or service names that the run did not read
    /// (outside the folders checked): the loader may read them.
    wanted: BTreeMap<Key, FileKind>,
    /// Lints share the parses instead of taking them (the editor keeps
    /// one project across changes).
    keep_parses: bool,
    /// Workflow and action parses handed to a project built for the
    /// files that stand alone (linted while the real project is built):
    /// each lint takes its own, with its text, instead of reading and
    /// parsing the file again.
    /// By the path as the walk gave it, as the texts below.
    handed: std::sync::Mutex<crate::hashing::FastMap<PathBuf, ParsedYaml>>,
    /// Texts handed the same way: files read for facts that hold none. By
    /// the path as the walk gave it, which the lint asks with: two paths
    /// with one key (`d/link/../x` and `d/x`) may be two files.
    handed_texts: std::sync::Mutex<crate::hashing::FastMap<PathBuf, crate::source::SharedText>>,
    /// What the rules' project hooks found, by file key (set by the
    /// engine once the project is built or changed).
    rule_findings: BTreeMap<PathBuf, Vec<crate::diagnostic::Finding>>,
    /// The file names of `rule_findings`' files: most files have none,
    /// and a name is cheaper to look up than a normalised path.
    rule_finding_names: crate::hashing::FastSet<std::ffi::OsString>,
    /// Python scripts Dockerfiles run while building or as their health
    /// check, with the first place one is named.
    docker_scripts: BTreeMap<Key, (facts::scripts::ScriptRun, facts::Loc)>,
    /// The entrypoint script each Dockerfile's image starts (Dockerfile
    /// key -> the script's key and the word that names it).
    entry_scripts: BTreeMap<Key, (Key, facts::Loc)>,
    /// The launchers that start each shell script of the repository
    /// (script key -> Dockerfiles whose image starts it, systemd units
    /// and supervisord files whose commands do), in path order.
    script_launchers: BTreeMap<Key, Vec<Key>>,
    /// The scripts each launcher starts, by the word that names each one
    /// (launcher key -> its span and the script's key).
    launcher_scripts: BTreeMap<Key, Vec<(crate::source::Span, Key)>>,
    /// What each launched script says about the servers it starts (read
    /// once, at the link that finds its launchers).
    script_servers: BTreeMap<Key, facts::launched::ScriptServers>,
    /// The build context each Dockerfile's builds name, where they agree.
    build_contexts: BTreeMap<Key, PathBuf>,
    /// Dockerfiles Docker actions build, with the action's `runs.image`.
    action_images: BTreeMap<Key, facts::Loc>,
    /// `uses: ./…` calls of the repository, with what they pass.
    local_calls: Vec<facts::calls::Call>,
    /// Jobs of called-only workflows with no permissions of their own.
    called_jobs: Vec<facts::calls::CalledJob>,
    /// Inputs pasted into scripts of local actions and reusable workflows.
    input_expansions: Vec<facts::calls::Expansion>,
}

/// Scripts Dockerfiles run that are looked up, and files of one name
/// among which one is looked for (more cannot be told apart by a tail).
const MAX_DOCKER_SCRIPTS: usize = 1000;
const MAX_NAMESAKES: usize = 256;

/// A project key as a map key: compared, ordered and hashed by its bytes
/// (a path compared component by component costs a walk of both paths on
/// every step of a tree lookup). Keys are normalised, so equal paths have
/// equal bytes.
#[derive(Debug, Clone)]
pub struct Key(Arc<Path>);

impl Key {
    /// A key of a path already made one (see [`key`]).
    fn new(path: impl Into<Arc<Path>>) -> Key {
        Key(path.into())
    }

    fn bytes(&self) -> &[u8] {
        b(&self.0)
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes().cmp(other.bytes())
    }
}
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
    }
}
impl std::borrow::Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}
impl AsRef<Path> for Key {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}
impl std::ops::Deref for Key {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

/// The compose files workflows layer together (`-f a -f b`), and the
/// stacks each file is in.
type ComposeStacks = (
    Vec<Vec<PathBuf>>,
    crate::hashing::FastMap<PathBuf, Vec<usize>>,
);

/// Files that deploy (Dockerfiles, compose files, manifests, launchers),
/// where a variable's value may be set.
fn is_deploy_kind(kind: FileKind) -> bool {
    !matches!(
        kind,
        FileKind::Text | FileKind::Dependencies | FileKind::Env | FileKind::Gunicorn
    )
}

/// What the whole tree says, for questions asked of every module.
#[derive(Debug, Default)]
struct TreeSays {
    /// Some file names the servers' trusted proxies.
    forwarded: bool,
    /// Some launcher or server configuration names a logging configuration.
    log_config: bool,
    /// The launches under a tracing agent, in path order.
    traced: Vec<facts::Loc>,
    /// The words (runs of letters, digits and `_`) of the deploy files
    /// that hold no small letter: the variable names they may set.
    deploy_words: crate::hashing::FastSet<Box<str>>,
    /// The keys of the ConfigMaps and Secrets by kind and name, each key
    /// once: every manifest defining one of that name counts (a tree of
    /// many copies of a service defines it once in each, and a run's
    /// `envFrom:` looked through every file was quadratic).
    env_objects:
        crate::hashing::FastMap<&'static str, crate::hashing::FastMap<String, Vec<String>>>,
}

/// The map key of a path.
fn key_of(path: &Path) -> Key {
    Key::new(key(path))
}

/// The modules (keys) launches serve, with the names of the apps each
/// serves. A spec is looked up by its module's file name (`main.py`, or
/// `main/__init__.py` for a package), not against every file; when
/// modules below the launcher's folder answer to it, only they do.
/// Modules by app name, and what each launch spec (with its launcher's
/// folder) names.
type Served = (
    crate::hashing::FastMap<PathBuf, Vec<String>>,
    crate::hashing::FastMap<(String, PathBuf), Vec<(PathBuf, String)>>,
);

/// Namesakes of a launched module looked at per launch once the specs'
/// own searches (all namesakes, once per spec) have used their bound.
const MAX_LAUNCHED_NAMESAKES: usize = 4096;

fn served_modules(
    apps: &BTreeSet<(String, PathBuf)>,
    known: &crate::hashing::FastSet<Key>,
) -> Served {
    let mut by_name: crate::hashing::FastMap<String, Vec<&Key>> = Default::default();
    for k in known
        .iter()
        .filter(|k| k.fast_extension().is_some_and(|e| e == "py"))
    {
        let name = k.fast_file_name().map(|n| n.to_string_lossy().to_string());
        let entry = match name.as_deref() {
            Some("__init__.py") => k
                .fast_parent()
                .and_then(|p| p.fast_file_name())
                .map(|d| format!("{}/__init__.py", d.to_string_lossy())),
            other => other.map(str::to_string),
        };
        if let Some(e) = entry {
            by_name.entry(e).or_default().push(k);
        }
    }
    // In path order: what the bound below keeps is the same every run.
    for ks in by_name.values_mut() {
        ks.sort();
    }
    let mut answering: crate::hashing::FastMap<&str, Vec<(&Key, String)>> = Default::default();
    let mut answering_budget: usize = 1 << 20;
    let mut served: crate::hashing::FastMap<PathBuf, Vec<String>> = Default::default();
    let mut by_spec: crate::hashing::FastMap<(String, PathBuf), Vec<(PathBuf, String)>> =
        Default::default();
    for (spec, dir) in apps {
        let target = spec.split_once(':').map_or(spec.as_str(), |(t, _)| t);
        let target = target.trim_start_matches("./");
        let last = match target.strip_suffix(".py") {
            Some(p) => p.rsplit(['/', '\\']).next().unwrap_or(p),
            None => target.rsplit('.').next().unwrap_or(target),
        };
        let namesakes = [format!("{last}.py"), format!("{last}/__init__.py")];
        let namesakes = namesakes.iter().filter_map(|n| by_name.get(n));
        let mut matches: Vec<(&Key, String)>;
        let count = namesakes.clone().map(Vec::len).sum::<usize>();
        // The namesakes that answer a spec, found once per spec: a tree
        // of many copies of a service launches each spec in every copy,
        // and a spec no module near its launch answers tried every copy's
        // namesakes for each launch. Bounded over all specs (a crafted
        // tree of many specs and many namesakes).
        if !answering.contains_key(spec.as_str())
            && let Some(left) = answering_budget.checked_sub(count)
        {
            answering_budget = left;
            let mut a: Vec<(&Key, String)> = namesakes
                .clone()
                .flat_map(|ks| ks.iter())
                .filter_map(|k| spec_names(spec, k).map(|name| (*k, name)))
                .collect();
            a.sort_by(|x, y| x.0.bytes().cmp(y.0.bytes()));
            answering.insert(spec.as_str(), a);
        }
        if let Some(answers) = answering.get(spec.as_str()) {
            // The modules below the launcher's folder answer first, else
            // the nearest (a launch in `deploy/` serving `app/main.py`
            // beside it), as units take the nearest runs.
            matches = crate::paths::within_folder(answers, dir, |(k, _)| k.bytes())
                .cloned()
                .collect();
            if matches.is_empty() {
                let (_, near) = crate::paths::nearest(
                    answers,
                    |(k, _)| k,
                    dir,
                    |_| true,
                    MAX_LAUNCHED_NAMESAKES,
                );
                matches = near.into_iter().cloned().collect();
            }
        } else {
            // Past that bound each launch looks at a bounded number of
            // them, those below its folder first.
            matches = namesakes
                .clone()
                .flat_map(|ks| {
                    crate::paths::within_folder(ks, dir, |k| k.bytes()).take(MAX_LAUNCHED_NAMESAKES)
                })
                .filter_map(|k| spec_names(spec, k).map(|name| (*k, name)))
                .collect();
            if matches.is_empty() {
                // Else the nearest that answer: bounded, so that thousands
                // of same-named modules and launches do not cost their
                // product.
                let found: Vec<crate::paths::Nearest<'_, &Key>> = namesakes
                    .map(|ks| {
                        crate::paths::nearest(
                            ks,
                            |k| k,
                            dir,
                            |k| spec_names(spec, k).is_some(),
                            MAX_LAUNCHED_NAMESAKES,
                        )
                    })
                    .collect();
                let best = found.iter().filter_map(|(level, _)| *level).max();
                matches = found
                    .iter()
                    .filter(|(level, _)| level.is_some() && *level == best)
                    .flat_map(|(_, ks)| ks.iter())
                    .filter_map(|k| spec_names(spec, k).map(|name| (**k, name)))
                    .collect();
            }
        }
        // In key order: the same served list whatever the set's order.
        matches.sort_by(|a, b| a.0.cmp(b.0));
        by_spec.insert(
            (spec.clone(), dir.clone()),
            matches
                .iter()
                .map(|(k, n)| (k.0.to_path_buf(), n.clone()))
                .collect(),
        );
        for (k, name) in matches {
            let names = served.entry(k.0.to_path_buf()).or_default();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    (served, by_spec)
}

/// The app a launch's `spec` names in the module at key `k`, if it names
/// that module (`app.main:app` names `app` of `…/app/main.py`; `fastapi
/// run main.py` names every app of `…/main.py`, as `*`; the factory of
/// `app:create_app()` as `create_app`).
fn spec_names(spec: &str, k: &Path) -> Option<String> {
    let file = k.to_string_lossy().replace('\\', "/");
    let module = file.strip_suffix(".py").unwrap_or(&file);
    let package = module.strip_suffix("/__init__").unwrap_or(module);
    let (target, attr) = spec.split_once(':').unwrap_or((spec, "*"));
    let target = target.trim_start_matches("./");
    let as_path = match target.strip_suffix(".py") {
        Some(p) => p.to_string(),
        None => target.replace('.', "/"),
    };
    let hit = !as_path.is_empty()
        && [module, package].iter().any(|m| {
            *m == as_path
                || m.strip_suffix(as_path.as_str())
                    .is_some_and(|rest| rest.ends_with('/'))
        });
    hit.then(|| attr.trim_end_matches("()").to_string())
}

/// A path's bytes, to look a key up without making one.
use crate::paths::path_bytes as b;

/// `compose.override.yaml` (or `.yml`, `docker-compose.override.*`):
/// the file `docker compose` reads over the compose file beside it.
fn is_override_name(path: &Path) -> bool {
    path.fast_file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|name| {
            let stem = name
                .strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".yml"));
            matches!(stem, Some("compose.override" | "docker-compose.override"))
        })
}

/// What a file's text says of a proxy's forwarded addresses, a logging
/// configuration and a tracing launcher, found in one pass over the text
/// (each file the project reads is asked all three).
struct ProxyLogTraceWords {
    forwarded: bool,
    log_config: bool,
    /// The first `opentelemetry-instrument`, else the first `ddtrace-run`:
    /// (offset, length).
    traced: Option<(usize, usize)>,
}

/// The words [`ProxyLogTraceWords`] looks for: three names of gunicorn's
/// forwarded-addresses setting, four of a logging configuration, then the
/// two tracing launchers in order of preference.
const PROXY_LOG_TRACE: &[&str] = &[
    "FORWARDED_ALLOW_IPS",
    "forwarded_allow_ips",
    "forwarded-allow-ips",
    "--log-config",
    "logconfig",
    "log_config",
    "LOG_CONFIG",
    "opentelemetry-instrument",
    "ddtrace-run",
];

impl ProxyLogTraceWords {
    fn in_text(text: &str) -> ProxyLogTraceWords {
        static WORDS: crate::words::Lazy = crate::words::Lazy::new();
        let mut said = ProxyLogTraceWords {
            forwarded: false,
            log_config: false,
            traced: None,
        };
        let Some(words) = WORDS.get(&[PROXY_LOG_TRACE]) else {
            return said;
        };
        let mut first_ddtrace = None;
        words.each(text, |w, at| {
            match w {
                0..=2 => said.forwarded = true,
                3..=6 => said.log_config = true,
                7 => {
                    said.traced
                        .get_or_insert((at, "opentelemetry-instrument".len()));
                }
                _ => {
                    first_ddtrace.get_or_insert((at, "ddtrace-run".len()));
                }
            }
            true
        });
        said.traced = said.traced.or(first_ddtrace);
        said
    }
}

/// A path as the project's key: absolute, with `.` and `..` resolved by
/// name.
pub fn key(path: &Path) -> PathBuf {
    // A lint asks the project about its own file many times over (its
    // units, its entry script, its companions, its parse): each thread
    // keeps the last path it keyed, and its key.
    thread_local! {
        static LAST: std::cell::RefCell<(std::ffi::OsString, PathBuf)> =
            const { std::cell::RefCell::new((std::ffi::OsString::new(), PathBuf::new())) };
    }
    LAST.with(|last| {
        let Ok(mut last) = last.try_borrow_mut() else {
            return key_of_path(path);
        };
        let (from, to) = &mut *last;
        if !from.is_empty() && from.as_os_str() == path.as_os_str() {
            return to.clone();
        }
        let made = key_of_path(path);
        from.clear();
        from.push(path.as_os_str());
        to.clone_from(&made);
        made
    })
}

/// Of two paths with one key, `a` names the file at the key rather than
/// `b`: a path that climbs out of a folder it named (`d/lnk/..`, maybe
/// through a link) comes after one that does not, then the order of
/// their bytes decides (`..` at the start climbs out of no named folder:
/// `../d/x` is the file at its key).
fn spelled_before(a: &Path, b: &Path) -> bool {
    let climbs = |p: &Path| {
        let mut named = false;
        p.components().any(|c| match c {
            std::path::Component::Normal(_) => {
                named = true;
                false
            }
            std::path::Component::ParentDir => named,
            _ => false,
        })
    };
    (climbs(a), a.as_os_str().as_encoded_bytes()) < (climbs(b), b.as_os_str().as_encoded_bytes())
}

/// [`key`], made.
fn key_of_path(path: &Path) -> PathBuf {
    // The working folder, asked once (`std::path::absolute` asks the
    // system for it on every call), kept as normalised text too.
    static CWD_TEXT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let cwd = crate::paths::working_dir();
    if cfg!(unix)
        && let Some(text) = path.to_str()
    {
        if path.is_absolute() {
            // Most keys are made of keys: nothing to resolve.
            if text.len() > 1 && clean(&text[1..]) {
                return PathBuf::from(text);
            }
            return PathBuf::from(normalize_text(text, ""));
        }
        let base =
            CWD_TEXT.get_or_init(|| cwd.and_then(Path::to_str).map(|b| normalize_text(b, "")));
        if let Some(base) = base {
            // `./x` and `../shared/x`, as paths are given on the command
            // line: the leading steps taken on the base, the rest joined
            // as it is when it has nothing to resolve.
            let (mut head, mut rest) = (base.trim_end_matches('/'), text);
            loop {
                if let Some(r) = rest.strip_prefix("./") {
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("../") {
                    rest = r;
                    head = head.rsplit_once('/').map_or("", |(h, _)| h);
                } else {
                    break;
                }
            }
            if clean(rest) {
                let mut out = String::with_capacity(head.len() + rest.len() + 1);
                out.push_str(head);
                out.push('/');
                out.push_str(rest);
                return PathBuf::from(out);
            }
            return PathBuf::from(normalize_text(base, text));
        }
    }
    let abs = match cwd {
        Some(cwd) if !path.is_absolute() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    crate::config::normalize(&abs)
}

/// A relative path text with nothing to resolve: no empty, `.` or `..`
/// segment (what most paths of a walk and every key below the root are).
fn clean(text: &str) -> bool {
    // Only the bytes around each `/` decide (a searcher built per call
    // costs more than the whole path): a segment is empty, `.` or `..`
    // when a `/` (or the start) is followed by `/`, `./`, `../`, or by `.`
    // or `..` at the end.
    let bytes = text.as_bytes();
    let bad_after = |at: usize| match bytes.get(at..) {
        None | Some([] | [b'/', ..] | [b'.'] | [b'.', b'/', ..] | [b'.', b'.']) => true,
        Some([b'.', b'.', b'/', ..]) => true,
        Some(_) => false,
    };
    !bad_after(0) && !memchr::memchr_iter(b'/', bytes).any(|at| bad_after(at + 1))
}

/// The absolute path `base` + `/` + `rest` with its `.`, `..` and empty
/// segments resolved by name, in one pass over the bytes (`Path::join`,
/// `Path::components` and `PathBuf::push` cost many times more, and
/// every file of a run checked as `../repo` is keyed).
fn normalize_text(base: &str, rest: &str) -> String {
    let mut out = String::with_capacity(base.len() + rest.len() + 1);
    for text in [base, rest] {
        let mut from = 0;
        let ends = memchr::memchr_iter(b'/', text.as_bytes()).chain([text.len()]);
        for end in ends {
            // Split at ASCII `/`: every slice is on character boundaries.
            match text.get(from..end).unwrap_or("") {
                "" | "." => {}
                ".." => {
                    let cut = out.rfind('/').unwrap_or(0);
                    out.truncate(cut);
                }
                part => {
                    out.push('/');
                    out.push_str(part);
                }
            }
            from = end + 1;
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// A shell script by its name or its `#!` line.
fn is_shell_script(k: &Path, text: &str) -> bool {
    k.fast_extension().is_some_and(|e| e == "sh" || e == "bash")
        || text
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("#!") && (l.contains("sh") && !l.contains("python")))
}

/// The folder of a file (`.` for a bare name).
pub fn dir_of(path: &Path) -> PathBuf {
    path.fast_parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

impl Project {
    /// Builds the facts from the files read (`inputs`) and the paths of
    /// every file of the run (`known`).
    pub fn build(inputs: Vec<Input>, known: impl IntoIterator<Item = PathBuf>) -> Self {
        let parsed: Vec<Box<FileFacts>> = inputs.into_par_iter().map(Project::parse).collect();
        Project::assemble(parsed, known)
    }

    /// Builds the project from files already parsed ([`Project::parse`])
    /// and the paths of every file of the run.
    #[allow(clippy::vec_box)]
    // Boxed facts: the list moves 1 KB values as pointers (see `Project::parse`).
    pub fn assemble(parsed: Vec<Box<FileFacts>>, known: impl IntoIterator<Item = PathBuf>) -> Self {
        // Keys are made on every core: normalising thousands of paths is
        // most of the serial part of building a project.
        let known: Vec<PathBuf> = known.into_iter().collect();
        let known_keys: Vec<Key> = known.par_iter().map(|p| key_of(p)).collect();
        Project::assemble_keyed(parsed, known_keys.into_iter().collect())
    }

    /// [`Project::assemble`] with the known files' keys made already.
    #[allow(clippy::vec_box)]
    // Boxed facts, as `assemble` takes them.
    pub(crate) fn assemble_keyed(
        parsed: Vec<Box<FileFacts>>,
        known: crate::hashing::FastSet<Key>,
    ) -> Self {
        let file_keys: Vec<Key> = parsed.par_iter().map(|f| key_of(&f.input.path)).collect();
        let mut p = Project {
            known,
            ..Project::default()
        };
        for (k, f) in file_keys.into_iter().zip(parsed) {
            // One path for both: the known key when the file was walked.
            let k = match p.known.get(&k) {
                Some(known) => known.clone(),
                None => {
                    p.known.insert(k.clone());
                    k
                }
            };
            match p.files.entry(k) {
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(f);
                }
                // Two paths of one key (`d/link/../x` and `d/x`, a link
                // between: two files): the key names the file at the
                // normalised path, so its facts are kept, whichever was
                // read first (the output does not depend on the threads).
                std::collections::btree_map::Entry::Occupied(mut slot) => {
                    if spelled_before(&f.input.path, &slot.get().input.path) {
                        slot.insert(f);
                    }
                }
            }
        }
        p.index_names();
        p.link();
        p
    }

    /// The Docker action that builds the Dockerfile `path`, if one does
    /// (where its `runs.image` names it).
    pub fn built_by_action(&self, path: &Path) -> Option<&facts::Loc> {
        if self.action_images.is_empty() {
            return None;
        }
        self.action_images.get(b(&key(path)))
    }

    /// Where a Dockerfile runs the Python file `path` outside the service
    /// (while building, or as its health check), if one does.
    pub fn run_by_docker(&self, path: &Path) -> Option<&(facts::scripts::ScriptRun, facts::Loc)> {
        if self.docker_scripts.is_empty() {
            return None;
        }
        self.docker_scripts.get(b(&key(path)))
    }

    /// A credential file the project read (`.npmrc`, `.pypirc`,
    /// `.netrc`): `Some(None)` when no line holds a literal credential,
    /// `Some(Some(at))` with the first that does, `None` when it was not
    /// read (not in the repository: made at build time, or ignored).
    pub fn credential_file(&self, path: &Path) -> Option<Option<facts::Loc>> {
        let f = self.files.get(b(&key(path)))?;
        let line = f.credentials?;
        Some(line.map(|span| facts::Loc::new(&f.input.path, span)))
    }

    /// Credential files the Dockerfiles copy from their build contexts.
    fn copied_credential_files(&self) -> Vec<Key> {
        let mut out = Vec::new();
        for (k, f) in &self.files {
            let Some(b) = f.dockerfile.as_ref() else {
                continue;
            };
            if b.credential_copies.is_empty() {
                continue;
            }
            let context = self.context_of_key(&k.0);
            for source in &b.credential_copies {
                out.push(Key::new(key(&context.join(source))));
                if out.len() > MAX_DOCKER_SCRIPTS {
                    return out;
                }
            }
        }
        out
    }

    /// The entrypoint script the image of Dockerfile `path` starts, when
    /// the project read it: its path and what it does, and the word of
    /// the Dockerfile that names it.
    pub fn entry_script(
        &self,
        path: &Path,
    ) -> Option<(&Path, &facts::entrypoint::ScriptFacts, &facts::Loc)> {
        let (script, named) = self.entry_scripts.get(b(&key(path)))?;
        let f = self.files.get(script)?;
        Some((&*f.input.path, f.script.as_ref()?, named))
    }

    /// The launchers (Dockerfiles, systemd units, supervisord files)
    /// that start the shell script `path`, in path order.
    pub fn launchers_of_script(&self, path: &Path) -> Vec<&Path> {
        self.script_launchers
            .get(b(&key(path)))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|k| k.0.as_ref())
            .collect()
    }

    /// The shell script the word at `span` of the launcher `path` names
    /// (a systemd unit's `ExecStart=`, a supervisord program's
    /// `command=`), with its text.
    pub fn script_named_at(&self, path: &Path, span: crate::source::Span) -> Option<&Input> {
        let (_, script) = self
            .launcher_scripts
            .get(b(&key(path)))?
            .iter()
            .find(|(at, _)| *at == span)?;
        self.files.get(script).map(|f| &f.input)
    }

    /// What the launched shell script `path` says about the servers it
    /// starts, with the file as read.
    pub fn script_servers(&self, path: &Path) -> Option<(&Input, &facts::launched::ScriptServers)> {
        let k = key(path);
        let servers = self.script_servers.get(b(&k))?;
        Some((&self.files.get(b(&k))?.input, servers))
    }

    /// The words of the launcher `path` that name the script `script`.
    pub fn words_naming(&self, path: &Path, script: &Path) -> Vec<crate::source::Span> {
        let script = key(script);
        self.launcher_scripts
            .get(b(&key(path)))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|(_, s)| *s.0 == *script)
            .map(|(at, _)| *at)
            .collect()
    }

    /// The scripts the Dockerfiles' images start, found by name among
    /// the files of the run (namesakes indexed once, bounded like the
    /// scripts they run).
    fn entry_scripts_of_dockerfiles(&self) -> BTreeMap<Key, (Key, facts::Loc)> {
        let named: Vec<(&Key, &FileFacts, facts::entrypoint::NamedEntry)> = self
            .files
            .iter()
            .filter_map(|(k, f)| {
                let b = f.dockerfile.as_ref()?;
                Some((k, &**f, b.entry.clone()?))
            })
            .take(MAX_DOCKER_SCRIPTS)
            .collect();
        self.resolve_named_scripts(named, true)
            .into_iter()
            .collect()
    }

    /// The shell scripts systemd units (`ExecStart=`) and supervisord
    /// programs (`command=`) start, found by name as the Dockerfiles'
    /// entrypoint scripts are: a launcher key, the script's key and the
    /// word that names it.
    fn scripts_of_hosts(&self) -> Vec<(Key, (Key, facts::Loc))> {
        let named: Vec<(&Key, &FileFacts, facts::entrypoint::NamedEntry)> = self
            .files
            .iter()
            .flat_map(|(k, f)| {
                let commands: Vec<&ini::Entry> =
                    match (f.systemd.as_deref(), f.supervisord.as_deref()) {
                        (Some(unit), _) => unit
                            .section("Service")
                            .map(|s| s.entries.iter().filter(|e| e.key == "ExecStart").collect())
                            .unwrap_or_default(),
                        (None, Some((conf, _))) => conf
                            .sections
                            .iter()
                            .filter(|s| s.name.starts_with("program:"))
                            .flat_map(|s| s.entries.iter().filter(|e| e.key == "command"))
                            .collect(),
                        (None, None) => Vec::new(),
                    };
                commands
                    .into_iter()
                    .filter_map(facts::entrypoint::named_by_command)
                    .map(move |n| (k, &**f, n))
            })
            .take(MAX_DOCKER_SCRIPTS)
            .collect();
        // A host's script is installed elsewhere (`/usr/local/bin/x.sh`):
        // only the launcher's own folder says which file of the
        // repository it is.
        self.resolve_named_scripts(named, false)
    }

    /// The repository files the named scripts are, each looked for among
    /// its namesakes (within the launcher's folder first).
    fn resolve_named_scripts(
        &self,
        named: Vec<(&Key, &FileFacts, facts::entrypoint::NamedEntry)>,
        anywhere: bool,
    ) -> Vec<(Key, (Key, facts::Loc))> {
        let mut out = Vec::new();
        if named.is_empty() {
            return out;
        }
        let wanted: crate::hashing::FastSet<&str> = named
            .iter()
            .filter_map(|(_, _, n)| n.tail.last().map(String::as_str))
            .collect();
        let mut by_name: crate::hashing::FastMap<&str, Vec<&Path>> =
            crate::hashing::FastMap::default();
        for k in &self.known {
            if let Some(n) = k.0.fast_file_name().and_then(|n| n.to_str())
                && wanted.contains(n)
            {
                by_name.entry(n).or_default().push(k.0.as_ref());
            }
        }
        for v in by_name.values_mut() {
            v.sort();
        }
        for (k, f, n) in named {
            let dir = dir_of(&k.0);
            let Some(namesakes) = n
                .tail
                .last()
                .and_then(|name| by_name.get(name.as_str()))
                .filter(|v| v.len() <= MAX_NAMESAKES)
            else {
                continue;
            };
            // Within the launcher's folder (a build context) first.
            let inside: Vec<&Path> = namesakes
                .iter()
                .copied()
                .filter(|p| p.starts_with(&dir))
                .collect();
            let found =
                facts::scripts::resolve(&n.tail, &dir, inside.iter().copied()).or_else(|| {
                    anywhere
                        .then(|| facts::scripts::resolve(&n.tail, &dir, namesakes.iter().copied()))
                        .flatten()
                });
            if let Some(p) = found {
                out.push((
                    k.clone(),
                    (Key::new(p), facts::Loc::new(&f.input.path, n.span)),
                ));
            }
        }
        out
    }

    /// The Python files the Dockerfiles' `RUN` and `HEALTHCHECK`
    /// instructions run, found by name among the files of the run.
    fn scripts_run_by_dockerfiles(&self) -> BTreeMap<Key, (facts::scripts::ScriptRun, facts::Loc)> {
        let mut out = BTreeMap::new();
        let named: Vec<(&Key, &FileFacts, Vec<facts::scripts::NamedScript>)> = self
            .files
            .iter()
            .filter_map(|(k, f)| {
                let b = f.dockerfile.as_ref()?;
                let named = b.scripts.clone();
                (!named.is_empty()).then_some((k, &**f, named))
            })
            .collect();
        if named.is_empty() {
            return out;
        }
        // Files by name: a script is looked for among its namesakes only.
        let mut by_name: crate::hashing::FastMap<&std::ffi::OsStr, Vec<&Path>> =
            crate::hashing::FastMap::default();
        for k in &self.known {
            if let Some(n) =
                k.0.fast_file_name()
                    .filter(|n| n.as_encoded_bytes().ends_with(b".py"))
            {
                by_name.entry(n).or_default().push(k.0.as_ref());
            }
        }
        for v in by_name.values_mut() {
            v.sort();
        }
        // Bounded, so that a crafted repository (thousands of `RUN python
        // x.py` and of `x.py` files) costs no more than a real one.
        let scripts = named
            .into_iter()
            .flat_map(|(k, f, scripts)| scripts.into_iter().map(move |s| (k, f, s)))
            .take(MAX_DOCKER_SCRIPTS);
        for (k, f, s) in scripts {
            let dir = dir_of(&k.0);
            {
                let Some(name) = s.tail.last() else { continue };
                let Some(namesakes) = by_name
                    .get(std::ffi::OsStr::new(name.as_str()))
                    .filter(|n| n.len() <= MAX_NAMESAKES)
                else {
                    continue;
                };
                if let Some(p) = facts::scripts::resolve(&s.tail, &dir, namesakes.iter().copied()) {
                    out.entry(Key::new(p))
                        .or_insert((s.run, facts::Loc::new(&f.input.path, s.span)));
                }
            }
        }
        out
    }

    /// Sets what the rules' project hooks found (see
    /// `rules::project_pass`).
    pub fn set_rule_findings(&mut self, found: BTreeMap<PathBuf, Vec<crate::diagnostic::Finding>>) {
        self.rule_finding_names = found
            .keys()
            .filter_map(|k| k.fast_file_name().map(std::ffi::OsStr::to_os_string))
            .collect();
        self.rule_findings = found;
    }

    /// Some project hook found something.
    pub fn has_rule_findings(&self) -> bool {
        !self.rule_findings.is_empty()
    }

    /// What the rules' project hooks found in `path`: nothing when the
    /// project read another file by that key (see [`Project::holds`]).
    pub fn rule_findings_in(&self, path: &Path) -> &[crate::diagnostic::Finding] {
        if self.rule_findings.is_empty()
            || path
                .fast_file_name()
                .is_none_or(|n| !self.rule_finding_names.contains(n))
        {
            return &[];
        }
        let k = key(path);
        if self.files.contains_key(b(&k)) && !self.holds(path) {
            return &[];
        }
        self.rule_findings.get(&k).map_or(&[], Vec::as_slice)
    }

    /// The file the project read by the key of `path` is the file at
    /// `path`: two spellings of one key through a link (`d/link/../x`,
    /// `d/x`) may be two files, of which the project holds one. Spelled
    /// alike, or the same file on disk (asked only when they are spelled
    /// apart); a file that cannot be looked at counts as the same (an
    /// editor's buffer not saved yet).
    pub fn holds(&self, path: &Path) -> bool {
        let Some(f) = self.files.get(b(&key(path))) else {
            return false;
        };
        *f.input.path == *path || crate::paths::same_file(&f.input.path, path) != Some(false)
    }

    /// Keeps every parse for later lints (a project that lives across
    /// changes, in the editor).
    pub fn keep_parses(&mut self) {
        self.keep_parses = true;
    }

    /// One file changed (the editor's buffer, standard input): its facts
    /// are read again from its new text and the links between files are
    /// made again from what the project holds (no file is read).
    pub fn replace(&mut self, input: Input) {
        self.add(vec![input]);
    }

    /// Adds (or replaces) files: the loader read them because the project
    /// wanted them, or the editor changed one.
    pub fn add(&mut self, inputs: Vec<Input>) {
        if inputs.is_empty() {
            return;
        }
        // Ignore files, env files and credential files are read when a
        // rule asks about them, never while linking: adding only those
        // needs no new link (which is most of a project's cost).
        let leaves_only = inputs.iter().all(|i| {
            matches!(i.kind, FileKind::DockerIgnore | FileKind::Env)
                || (i.kind == FileKind::Text
                    && i.path
                        .fast_file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(facts::credentials::is_credential_file))
        });
        let parsed: Vec<Box<FileFacts>> = inputs.into_par_iter().map(Project::parse).collect();
        if leaves_only {
            // What the tree says is read again (an env file may name the
            // trusted proxies).
            self.tree_says = std::sync::OnceLock::new();
            for f in parsed {
                let k = key_of(&f.input.path);
                self.wanted.remove(&k);
                self.known.insert(k.clone());
                self.files.insert(k, f);
            }
            return;
        }
        for f in parsed {
            let k = key_of(&f.input.path);
            self.known.insert(k.clone());
            self.files.insert(k, f);
        }
        self.index_names();
        self.link();
    }

    /// The files the project read its facts from.
    pub fn read_paths(&self) -> impl Iterator<Item = &Path> {
        self.files.values().map(|f| &*f.input.path)
    }

    /// Files named by a launch or a service that the run did not read.
    pub fn wanted(&self) -> impl Iterator<Item = (&Path, &FileKind)> {
        self.wanted.iter().map(|(k, kind)| (&*k.0, kind))
    }

    /// Lets go of the files named but not read, once the loader has
    /// read those it could: nothing asks for them after (a link makes
    /// them again), and a large tree names thousands.
    pub fn forget_wanted(&mut self) {
        self.wanted = Default::default();
    }

    /// A file the project read, as a source a finding can point into
    /// (with the path as the user gave it).
    pub fn source_of(&self, path: &Path) -> Option<Arc<crate::source::SourceFile>> {
        Some(Arc::new(self.files.get(b(&key(path)))?.input.source()))
    }

    /// The kind a file of the project was read as.
    pub fn kind_of(&self, path: &Path) -> Option<FileKind> {
        self.files.get(b(&key(path))).map(|f| f.input.kind)
    }

    /// The text of a file the project read, by any spelling of its path
    /// (its facts' places name it by its key).
    pub fn text(&self, path: &Path) -> Option<crate::source::SharedText> {
        let f = self.files.get(b(&key(path)))?;
        Some(f.input.text.clone())
    }

    /// [`Project::text`], when the file read is the one at `path` (see
    /// [`Project::holds`]): a walked file named through a link may be
    /// another file of the same key.
    pub fn text_of_file(&self, path: &Path) -> Option<crate::source::SharedText> {
        if !self.holds(path) {
            return None;
        }
        self.text(path)
    }

    /// The text of a file the project read, for the file's own lint
    /// (which reuses it), asked by the path the walk gave: two paths with
    /// one key (`d/link/../x` and `d/x`, a link between) may be two
    /// files, and the project holds the facts of one of them (the other's
    /// lint reads its own text).
    pub fn own_text(&self, path: &Path) -> Option<crate::source::SharedText> {
        if let Some(f) = self.files.get(b(&key(path)))
            && *f.input.path == *path
        {
            return Some(f.input.text.clone());
        }
        if let Some(p) = self.handed.lock().ok()?.get(path) {
            return Some(p.0.clone());
        }
        // Taken: the lint holds it from here.
        self.handed_texts.lock().ok()?.remove(path)
    }

    /// A project of no files holding `parses` (path, workflow or action
    /// parse) and `texts` (path, text of a file read that holds no facts)
    /// for the lints of those files to take.
    pub fn handing(
        parses: Vec<(PathBuf, ParsedYaml)>,
        texts: Vec<(PathBuf, crate::source::SharedText)>,
    ) -> Project {
        let p = Project::default();
        p.hand_texts(texts);
        if let Ok(mut handed) = p.handed.lock() {
            handed.extend(parses);
        }
        p
    }

    /// Adds `texts` (path, text of a file read that holds no facts) for
    /// the lints of those files to take (see [`Project::own_text`]).
    pub fn hand_texts(&self, texts: Vec<(PathBuf, crate::source::SharedText)>) {
        if let Ok(mut handed) = self.handed_texts.lock() {
            handed.extend(texts);
        }
    }

    /// Facts from file names alone: folders with a Dockerfile, with a
    /// kustomization.
    fn index_names(&mut self) {
        self.container_dirs.clear();
        self.kustomized.clear();
        for k in &self.known {
            let name = k
                .fast_file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            if matches!(
                name.as_ref(),
                "kustomization.yaml" | "kustomization.yml" | "Kustomization"
            ) {
                self.kustomized.insert(Key::new(dir_of(k)));
            }
            if matches!(name.as_ref(), "Dockerfile" | "Containerfile" | "dockerfile") {
                self.container_dirs.insert(Key::new(dir_of(k)));
            }
        }
    }

    /// Parses one file for its facts (no other file is needed).
    pub fn parse(input: Input) -> Box<FileFacts> {
        let k = key(&input.path);
        // The places the file's facts state hold the walk's path.
        facts::share_path(&input.path);
        // Boxed from the start: the facts are moved (into the run's list,
        // then the project's map) as a pointer, and a list of them holds
        // pointers rather than 1 KB values.
        let mut f = Box::new(FileFacts {
            input,
            deps: None,
            dockerfile: None,
            supervisord: None,
            systemd: None,
            procfile: None,
            compose: Parked::default(),
            gunicorn: None,
            kube: Parked::default(),
            workflow: Parked::default(),
            stated: facts::Statements::default(),
            app: None,
            python: ParkedPy::default(),
            names_forwarded: false,
            names_log_config: false,
            env: None,
            traced: None,
            companion: None,
            script: None,
            credentials: None,
        });
        let text = f.input.text.clone();
        let said = ProxyLogTraceWords::in_text(&text);
        f.names_forwarded = said.forwarded;
        if !matches!(
            f.input.kind,
            FileKind::Text | FileKind::Dependencies | FileKind::Env
        ) {
            f.names_log_config = said.log_config;
            f.traced = said
                .traced
                .map(|(at, n)| crate::source::Span::new(at, at + n));
        }
        f.companion = companions::parse(
            f.input.kind,
            &k.fast_file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            &text,
        );
        match f.input.kind {
            FileKind::Dependencies => f.deps = deps::FileDeps::read(&k, &text),
            FileKind::Text if k.fast_file_name().is_some_and(|n| n == "setup.py") => {
                f.deps = deps::FileDeps::read(&k, &text)
            }
            FileKind::Dockerfile => {
                let dockerfile = dockerfile::parse(&text);
                let file = Arc::new(crate::source::SourceFile::new(
                    Arc::clone(&f.input.path),
                    text.clone(),
                ));
                f.dockerfile = Some(Arc::new(Built::new(file, dockerfile)));
            }
            FileKind::Supervisor => {
                let ini = ini::parse(&text, ini::Dialect::Supervisor);
                let nodaemon =
                    ini.section("supervisord").and_then(|s| s.flag("nodaemon")) == Some(true);
                f.supervisord = Some(Box::new((ini, nodaemon)));
            }
            FileKind::Systemd => {
                f.systemd = Some(Box::new(ini::parse(&text, ini::Dialect::Systemd)))
            }
            FileKind::Procfile => f.procfile = Some(Box::new(procfile::parse(&text))),
            FileKind::Compose => {
                let tree = yaml::parse(&text);
                if let Some(c) = tree
                    .documents
                    .first()
                    .and_then(Option::as_ref)
                    .and_then(crate::parse::compose::Compose::deployed)
                {
                    let below = crate::purpose::below(&f.input.path, f.input.root.as_deref());
                    let dev_file = crate::purpose::guess(&below, Some(FileKind::Compose), &text)
                        == crate::purpose::Purpose::Development;
                    facts::images::from_compose(&f.input.path, &c, dev_file, &mut f.stated);
                }
                f.compose = Parked::new(Arc::new((text.clone(), tree)));
            }
            FileKind::Action => {
                // The Dockerfile a Docker action builds, the local actions a
                // composite one calls and the inputs it pastes into scripts.
                let tree = yaml::parse(&text);
                let action = tree
                    .documents
                    .first()
                    .and_then(Option::as_ref)
                    .and_then(crate::parse::workflow::Action::from_root);
                if let Some(a) = &action {
                    facts::calls::from_action(&f.input.path, &text, a, &mut f.stated);
                }
                if let Some(a) = action
                    && a.using.as_ref().is_some_and(|u| u.text == "docker")
                    && let Some(image) = a.image.as_ref()
                    && !image.text.starts_with("docker://")
                {
                    let dir = dir_of(&f.input.path);
                    f.stated.action_builds.push((
                        key(&dir.join(&image.text)),
                        facts::Loc::new(&f.input.path, image.span),
                    ));
                }
                // Held for the action's own lint: it is parsed once.
                f.workflow = Parked::new(Arc::new((text.clone(), tree)));
            }
            FileKind::Workflow => {
                let tree = yaml::parse(&text);
                if let Some(w) = tree
                    .documents
                    .first()
                    .and_then(Option::as_ref)
                    .and_then(crate::parse::workflow::Workflow::from_root)
                {
                    facts::images::from_workflow(&f.input.path, &text, &w, &mut f.stated);
                    facts::calls::from_workflow(&f.input.path, &text, &w, &mut f.stated);
                }
                // Held for the workflow's own lint: it is parsed once.
                f.workflow = Parked::new(Arc::new((text.clone(), tree)));
            }
            FileKind::Gunicorn => {
                let py = python::parse_file(&text, true);
                let app = facts::app::Module::read(&py);
                f.app = (!app.is_empty()).then(|| Box::new(app));
                f.gunicorn = Some(Arc::new((f.input.path.to_path_buf(), py.module.clone())));
                // Held for the file's own lint: a configuration is parsed once.
                *f.python.0.get_mut().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(py));
            }
            FileKind::Text if k.fast_extension().is_some_and(|e| e == "py") => {
                let py = python::parse_file(&text, false);
                let app = facts::app::Module::read(&py);
                f.app = (!app.is_empty()).then(|| Box::new(app));
                // Held for the module's own lint: it is parsed once.
                *f.python.0.get_mut().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(py));
            }
            FileKind::Env => {
                // A development, test or example env file does not set
                // what production runs with (purposes say which is which).
                let rel = crate::purpose::below(&f.input.path, f.input.root.as_deref());
                let name = k
                    .fast_file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                if crate::purpose::guess(&rel, Some(FileKind::Env), "")
                    == crate::purpose::Purpose::Production
                    && !crate::parse::dotenv::is_template_name(&name)
                {
                    let env = crate::parse::dotenv::parse(&text);
                    f.env = Some(
                        env.entries
                            .iter()
                            .map(|e| (e.key.clone(), e.value.clone(), e.span))
                            .collect(),
                    );
                }
            }
            FileKind::Text
                if k.fast_file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(facts::credentials::is_credential_file) =>
            {
                let name = k
                    .fast_file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                f.credentials = Some(facts::credentials::literal_line(name, &text));
            }
            FileKind::Text if is_shell_script(&k, &text) => {
                let map = crate::parse::offsets::OffsetMap::contiguous(0, text.len());
                let script = crate::parse::shell::parse(&text, &map);
                f.script = Some(Box::new(facts::entrypoint::read(&script)));
                if memchr::memmem::find(text.as_bytes(), b"docker").is_some() {
                    facts::images::from_script(&script, &mut f.stated);
                }
            }
            FileKind::Text => {
                let app = facts::app::Module::from_text(&text);
                f.app = (!app.is_empty()).then(|| Box::new(app));
            }
            FileKind::Kubernetes => {
                let tree = yaml::parse(&text);
                facts::images::from_manifest(&f.input.path, &kube::objects(&tree), &mut f.stated);
                f.kube = Parked::new(Arc::new((text.clone(), tree)));
            }
            _ => {}
        }
        f.stated.settle();
        f
    }

    /// The facts that link files: what each folder depends on, which
    /// Python file each server reads, the index of Kubernetes objects.
    fn link(&mut self) {
        self.deps = deps::Dependencies::default();
        self.action_images.clear();
        self.local_calls.clear();
        self.calls_by_callee = std::sync::OnceLock::new();
        self.env_files_loaded = std::sync::OnceLock::new();
        self.called_jobs.clear();
        self.input_expansions.clear();
        self.configs.clear();
        self.named_configs.clear();
        self.wanted.clear();
        // Builds shell scripts name, rooted where the Dockerfile they use
        // exists: the script's own folder (`cd "$(dirname "$0")"`) or the
        // nearest folder above it (`scripts/build.sh` run from the
        // repository root).
        let known = &self.known;
        for f in self.files.values_mut() {
            if f.stated.presumed_builds.is_empty() {
                continue;
            }
            // Linked again: the presumed builds are judged afresh.
            let presumed = std::mem::take(&mut f.stated.presumed_builds);
            f.stated.builds.retain(|b| !presumed.contains(b));
            f.stated.builds.extend(
                presumed
                    .iter()
                    .filter(|x| known.contains(b(&x.dockerfile)))
                    .cloned(),
            );
            f.stated.presumed_builds = presumed;
            // Held to the end of the run: settled again, without the room
            // the builds grew into.
            f.stated.settle();
        }
        for (k, f) in self.files.iter_mut() {
            if f.stated.script_builds.is_empty() {
                continue;
            }
            let dir = dir_of(&k.0);
            let mut builds = Vec::new();
            for s in &f.stated.script_builds {
                if let Some(root) = dir
                    .ancestors()
                    .find(|root| known.contains(b(&s.dockerfile_at(root))))
                {
                    builds.extend(s.at_root(root, &f.input.path));
                }
            }
            f.stated.builds = builds;
            f.stated.settle();
        }
        for (k, f) in &self.files {
            if let Some(d) = &f.deps {
                self.deps.add(k, d.clone());
            }
            if let Some(g) = &f.gunicorn {
                self.configs.insert(k.clone(), Arc::clone(g));
            }
            for (d, at) in &f.stated.action_builds {
                self.action_images
                    .entry(Key::new(d.as_path()))
                    .or_insert_with(|| at.clone());
            }
            self.local_calls.extend(f.stated.calls.iter().cloned());
            self.called_jobs
                .extend(f.stated.called_jobs.iter().cloned());
            self.input_expansions
                .extend(f.stated.expansions.iter().cloned());
        }
        // Each manifest's objects apply within its application folder.
        let parts: Vec<kube::Index> = self
            .files
            .par_iter()
            .filter_map(|(k, f)| {
                let parsed = f.kube.tree(&f.input.text)?;
                let top = f.input.root.as_deref().map(key);
                let folder = kube::app_folder(&dir_of(k), top.as_deref(), |d| {
                    self.kustomized.contains(b(d))
                });
                let mut index = kube::Index::default();
                let shown = k.strip_prefix(&folder).unwrap_or(k).display().to_string();
                // Files of a kustomization are applied together; a plain
                // folder may hold alternatives (examples, variants), so
                // selectors are compared across files only under one.
                let together = self.kustomized.contains(b(&folder));
                index.add_in(&kube::objects(&parsed.1), Some(folder));
                if !together {
                    index.controllers.clear();
                }
                for c in &mut index.controllers {
                    c.file = Some(shown.clone());
                }
                Some(index)
            })
            .collect();
        let modules = self
            .files
            .iter()
            .filter_map(|(k, f)| Some((k.0.to_path_buf(), (**f.app.as_ref()?).clone())))
            .collect();
        self.app_model = apps::Apps::build(modules, self.known.iter().map(|k| k.0.as_ref()));
        self.docker_scripts = self.scripts_run_by_dockerfiles();
        self.entry_scripts = self.entry_scripts_of_dockerfiles();
        self.script_launchers.clear();
        self.launcher_scripts.clear();
        let host_scripts = self.scripts_of_hosts();
        let started = self
            .entry_scripts
            .iter()
            .chain(host_scripts.iter().map(|(k, v)| (k, v)));
        for (launcher, (script, named)) in started {
            if !self.files.contains_key(script) {
                self.wanted.insert(script.clone(), FileKind::Text);
            }
            self.launcher_scripts
                .entry(launcher.clone())
                .or_default()
                .push((named.span, script.clone()));
            let launchers = self.script_launchers.entry(script.clone()).or_default();
            if !launchers.contains(launcher) {
                launchers.push(launcher.clone());
            }
        }
        for launchers in self.script_launchers.values_mut() {
            launchers.sort();
        }
        self.script_servers = self
            .script_launchers
            .keys()
            .filter_map(|k| {
                let f = self.files.get(k)?;
                Some((
                    k.clone(),
                    facts::launched::ScriptServers::read(&f.input.text),
                ))
            })
            .collect();
        let mut index = kube::Index::default();
        for part in parts {
            index.services.extend(part.services);
            index.autoscalers.extend(part.autoscalers);
            index.budgets.extend(part.budgets);
            index.rewritten_images.extend(part.rewritten_images);
            index.exclusive_claims.extend(part.exclusive_claims);
            index.controllers.extend(part.controllers);
        }
        self.kube = Arc::new(index);
        let servers::Named {
            configs: named,
            wanted,
            sites,
            mut servers,
            mut run_servers,
            apps,
            mut hosted,
            mut supervised,
        } = servers::named_configs(self);
        let mut apps = apps;
        apps.extend(self.app_model.runs());
        (self.served, self.served_by_spec) = served_modules(&apps, &self.known);
        self.any_app_named = !apps.is_empty();
        self.launch_sites = sites.into_iter().collect();
        let before = self.configs.len();
        for n in named {
            match self.files.get_mut(&n) {
                Some(f) if !self.configs.contains_key(&n) => {
                    // One parse with the configuration's view, held for the
                    // file's own lint too (it is linted as a configuration).
                    let py = python::parse_file(&f.input.text, true);
                    self.configs.insert(
                        n.clone(),
                        Arc::new((f.input.path.to_path_buf(), py.module.clone())),
                    );
                    *f.python.0.get_mut().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(py));
                }
                Some(_) => {}
                // Named, in the run, but not read yet: the loader reads it.
                None => {
                    self.wanted.insert(n.clone(), FileKind::Text);
                }
            }
            self.named_configs.insert(n);
        }
        self.wanted.extend(wanted);
        self.build_contexts = self.contexts_of_builds();
        let copied = self.copied_credential_files();
        for k in copied {
            if !self.files.contains_key(&k) {
                self.wanted.insert(k, FileKind::Text);
            }
        }
        // Env files a compose service loads, read as env files even
        // where their names do not say so (`.envs/.production/.django`).
        let env_files: Vec<Key> = self
            .runs()
            .flat_map(|r| r.env_from.iter())
            .filter_map(|e| match e {
                facts::images::EnvFrom::File(p) => Some(Key::new(p.as_path())),
                facts::images::EnvFrom::Object { .. } => None,
            })
            .filter(|k| !self.files.contains_key(k))
            .collect();
        self.wanted
            .extend(env_files.into_iter().map(|k| (k, FileKind::Env)));
        let companions = self.wanted_companions();
        self.wanted
            .extend(companions.into_iter().map(|(p, kind)| (Key::new(p), kind)));
        // Configurations found only through `-c` are parsed now: the
        // servers that read them are read again, with their settings.
        if self.configs.len() > before {
            let again = servers::named_configs(self);
            servers = again.servers;
            run_servers = again.run_servers;
            hosted = again.hosted;
            supervised = again.supervised;
            // The launches now read the configurations parsed since.
            self.launch_sites = again.sites.into_iter().collect();
        }
        // The layered compose files are read afresh (the units merge them).
        self.compose_stacks = std::sync::OnceLock::new();
        self.units = self.link_units(servers, run_servers);
        // The lookups of the units are rebuilt on first use.
        self.units_by_dockerfile = std::sync::OnceLock::new();
        self.calls_by_callee = std::sync::OnceLock::new();
        self.units_by_image = std::sync::OnceLock::new();
        self.tree_says = std::sync::OnceLock::new();
        self.bases_by_repository = std::sync::OnceLock::new();
        self.fronting = std::sync::OnceLock::new();
        // An image that starts supervisord hosts the servers of the
        // supervisord files of its build context.
        self.hosted_by.clear();
        for u in &mut self.units {
            for f in supervised.get(b(&u.dockerfile)).into_iter().flatten() {
                u.hosted
                    .extend(hosted.get(b(&key(f))).into_iter().flatten().cloned());
                self.hosted_by
                    .entry(key_of(f))
                    .or_default()
                    .push(u.dockerfile.clone());
            }
        }
        self.hosted = hosted;
    }

    /// The compose files a workflow layers together with `path` (`docker
    /// compose -f compose.yml -f compose.deploy.yml up`), each with
    /// whether it comes before `path` (a base) or after (an overlay).
    fn stack_partners(&self, path: &Path) -> Vec<(&Path, bool)> {
        let (stacks, stacks_of) = self.compose_stacks.get_or_init(|| {
            let stacks: Vec<Vec<PathBuf>> = self
                .files
                .values()
                .flat_map(|f| f.stated.compose_stacks.iter().cloned())
                .collect();
            // Each file's stacks, in order: asked for every compose file,
            // trying every stack was quadratic.
            let mut of: crate::hashing::FastMap<PathBuf, Vec<usize>> = Default::default();
            for (i, stack) in stacks.iter().enumerate() {
                for f in stack {
                    let at = of.entry(f.clone()).or_default();
                    if at.last() != Some(&i) {
                        at.push(i);
                    }
                }
            }
            (stacks, of)
        });
        // Most projects layer nothing: no key to make.
        if stacks.is_empty() && !is_override_name(path) {
            return Vec::new();
        }
        let me = key(path);
        let mut out = Vec::new();
        // `docker compose` reads `compose.override.yaml` over the
        // `compose.yaml` beside it by itself: the override's entries are
        // partial, layered over the base (never the other way round: the
        // base alone is what a `-f compose.yaml` deploy runs).
        if let Some(base) = self.default_compose_base(&me) {
            out.push((base, true));
        }
        // Most projects layer nothing else.
        if stacks.is_empty() {
            return out;
        }
        for stack in stacks_of
            .get(&me)
            .into_iter()
            .flatten()
            .filter_map(|i| stacks.get(*i))
        {
            let Some(at) = stack.iter().position(|f| *f == me) else {
                continue;
            };
            for (i, f) in stack.iter().enumerate() {
                if i != at {
                    out.push((f.as_path(), i < at));
                }
            }
        }
        out
    }

    /// The compose file `docker compose` reads before the override file
    /// `me` when given no `-f` (`compose.override.yml` over the
    /// `compose.yaml`, `compose.yml`, `docker-compose.yaml` or
    /// `docker-compose.yml` beside it, the first that is in the project).
    fn default_compose_base(&self, me: &Path) -> Option<&Path> {
        if !is_override_name(me) {
            return None;
        }
        let dir = me.fast_parent()?;
        [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yaml",
            "docker-compose.yml",
        ]
        .iter()
        .find_map(|base| {
            let path = dir.join(base);
            self.files.get_key_value(b(&path)).map(|(k, _)| k.as_ref())
        })
    }

    /// The settings compose file `path` states for `service`, if it has
    /// the service.
    fn compose_settings_of(&self, path: &Path, service: &str) -> Option<&[String]> {
        self.files
            .get(b(path))?
            .stated
            .compose_settings
            .iter()
            .find(|(name, _)| name == service)
            .map(|(_, keys)| keys.as_slice())
    }

    /// Whether a compose file layered together with `path` by a workflow
    /// states one of `settings` (`restart`, `deploy.restart_policy`, …)
    /// for `service`: the deployed service has it, though `path` alone
    /// does not.
    pub fn layered_states(&self, path: &Path, service: &str, settings: &[&str]) -> bool {
        self.stack_partners(path).into_iter().any(|(f, _)| {
            self.compose_settings_of(f, service)
                .is_some_and(|keys| keys.iter().any(|k| settings.contains(&k.as_str())))
        })
    }

    /// Whether `service` of compose file `path` is a partial entry layered
    /// over a base that defines it: what the merged service lacks is
    /// reported on the base's entry.
    pub fn layered_over_base(&self, path: &Path, service: &str) -> bool {
        self.stack_partners(path)
            .into_iter()
            .any(|(f, base)| base && self.compose_settings_of(f, service).is_some())
    }

    /// The build arguments every build of the Dockerfile `path` in the
    /// project passes (`--build-arg`, `build-args:`, compose
    /// `build.args`); none when nothing builds it. An `ARG` default they
    /// all replace only reaches a build by hand.
    pub fn args_every_build_passes(&self, path: &Path) -> Vec<String> {
        // The unit of the Dockerfile holds its builds (looked up: asked
        // for each Dockerfile, a scan of every build was quadratic).
        let me = key(path);
        let builds: Vec<&facts::images::Build> = match self.units_of(&me).next() {
            Some(unit) => unit.builds.iter().collect(),
            // A Dockerfile with no unit (none was made of it): scanned.
            None => self.builds().filter(|b| b.dockerfile == me).collect(),
        };
        let mut builds = builds.into_iter();
        let Some(first) = builds.next() else {
            return Vec::new();
        };
        let mut names = first.args.clone();
        for b in builds {
            names.retain(|n| b.args.contains(n));
        }
        names
    }

    /// Every image build the project's files state (workflows, compose).
    pub fn builds(&self) -> impl Iterator<Item = &facts::images::Build> {
        self.files.values().flat_map(|f| f.stated.builds.iter())
    }

    /// Every place an image runs (compose services, Kubernetes
    /// containers), whether or not the project builds it.
    pub fn runs(&self) -> impl Iterator<Item = &facts::images::Run> {
        self.files
            .values()
            .flat_map(|f| f.stated.runs.iter().map(|r| &**r))
    }

    /// A reverse proxy or load balancer is in front of what the file at
    /// `path` runs (a compose file, a manifest, or a Dockerfile or a
    /// supervisord file its image starts, through the deployments of the
    /// image): the production compose file that
    /// runs it also runs a proxy's image (nginx, Traefik, Caddy, HAProxy,
    /// Envoy, OpenResty, httpd), or its production manifest's folder holds
    /// an Ingress.
    pub fn fronted_by_proxy(&self, path: &Path) -> bool {
        let (files, dirs) = self.fronting.get_or_init(|| {
            let mut files = crate::hashing::FastSet::default();
            let mut dirs = crate::hashing::FastSet::default();
            for (k, f) in &self.files {
                let has_proxy = f
                    .stated
                    .runs
                    .iter()
                    .any(|r| crate::rules::known_images::is_proxy_image(&r.image.repository()));
                if !has_proxy && f.stated.ingresses.is_empty() {
                    continue;
                }
                let rel = crate::purpose::below(&f.input.path, f.input.root.as_deref());
                if crate::purpose::guess(&rel, Some(f.input.kind), &f.input.text)
                    != crate::purpose::Purpose::Production
                {
                    continue;
                }
                if has_proxy {
                    files.insert(k.0.to_path_buf());
                }
                if !f.stated.ingresses.is_empty() {
                    dirs.insert(dir_of(&k.0));
                }
            }
            (files, dirs)
        });
        let fronts = |file: &Path| files.contains(file) || dirs.contains(&dir_of(file));
        let k = key(path);
        // The file's own runs, or those of the images built by it or
        // (a supervisord file) that start it.
        let dockerfiles = std::iter::once(k.as_path()).chain(
            self.hosted_by
                .get(b(&k))
                .into_iter()
                .flatten()
                .map(PathBuf::as_path),
        );
        fronts(&k)
            || dockerfiles
                .flat_map(|d| self.units_of(d))
                .flat_map(|u| u.runs.iter())
                .any(|r| fronts(&key(&r.at.file)))
    }

    /// Every server a supervisord or systemd file of the project starts,
    /// with its stop wait, in path order.
    pub fn all_hosted(&self) -> impl Iterator<Item = &facts::units::Hosted> {
        self.hosted.values().flatten()
    }

    /// The servers a supervisord or systemd file starts, with their stop
    /// waits.
    pub fn hosted_in(&self, path: &Path) -> &[facts::units::Hosted] {
        self.hosted.get(b(&key(path))).map_or(&[], Vec::as_slice)
    }

    /// The units: each Dockerfile with what builds, runs and serves it.
    fn link_units(
        &self,
        mut servers: BTreeMap<Key, Vec<facts::units::Server>>,
        run_servers: Vec<(
            PathBuf,
            crate::rules::process::launch::Site,
            facts::units::Server,
        )>,
    ) -> Vec<facts::units::Unit> {
        // The builds and services are read where the files state them
        // (copying them all was most of the link's passing memory); the
        // runs are shared, and some are given their servers below.
        let mut runs = Vec::new();
        for f in self.files.values() {
            runs.extend(f.stated.runs.iter().cloned());
        }
        // Each run gets the servers its own command starts (runs indexed
        // by file once).
        let mut runs_in: crate::hashing::FastMap<Key, Vec<usize>> = Default::default();
        for (i, r) in runs.iter().enumerate() {
            runs_in
                .entry(Key::new(key(&r.at.file)))
                .or_default()
                .push(i);
        }
        for (file, site, server) in run_servers {
            use crate::rules::process::launch::Site;
            use facts::images::Runner;
            for &i in runs_in.get(b(&file)).into_iter().flatten() {
                let r: &mut Arc<facts::images::Run> = &mut runs[i];
                let same = match (&site, &r.runner) {
                    (Site::Compose { service: a }, Runner::Compose { service: b }) => a == b,
                    (
                        Site::Kubernetes { container: a },
                        Runner::Kubernetes { container: b, .. },
                    ) => a == b,
                    _ => false,
                };
                if same {
                    Arc::make_mut(r).servers.push(server.clone());
                }
            }
        }
        self.merge_layered_runs(&mut runs);
        let dockerfiles = self
            .files
            .iter()
            .filter_map(|(k, f)| {
                // Read at parse: the tree may be gone (the parse budget).
                let b = f.dockerfile.as_ref()?;
                let at = |span| facts::Loc::new(&f.input.path, span);
                // Migrations run by the image's own command, or by the
                // entrypoint script it starts.
                let migrates = b.migrates.map(at).or_else(|| {
                    let (script, facts, _) = self.entry_script(&k.0)?;
                    Some(facts::Loc::new(script, facts.migrates?))
                });
                let shipped = b.shipped.clone();
                Some(facts::units::Image {
                    other_stages: shipped.other_stages,
                    dockerfile: k.0.to_path_buf(),
                    final_stage: shipped.final_stage,
                    servers: servers.remove(k).unwrap_or_default(),
                    exposed: shipped.exposed,
                    healthcheck: shipped.healthcheck,
                    migrates,
                })
            })
            .collect();
        facts::units::link(
            dockerfiles,
            self.files.values().flat_map(|f| f.stated.builds.iter()),
            &runs,
            self.files.values().flat_map(|f| f.stated.services.iter()),
        )
    }

    /// A compose entry layered over a base file's entry of the same
    /// service (an override over the `compose.yaml` beside it, a deploy
    /// file a workflow adds after it) runs merged with it: what the entry
    /// leaves unsaid — stop wait, health check, user, limits, replicas,
    /// command, environment, mounts — the base says.
    fn merge_layered_runs(&self, runs: &mut [Arc<facts::images::Run>]) {
        use facts::images::Runner;
        let mut at: crate::hashing::FastMap<(PathBuf, &str), usize> = Default::default();
        let mut pairs = Vec::new();
        for (i, r) in runs.iter().enumerate() {
            let Runner::Compose { service } = &r.runner else {
                continue;
            };
            let file = key(&r.at.file);
            for (partner, base) in self.stack_partners(&file) {
                if base {
                    pairs.push((i, partner.to_path_buf(), service.as_str()));
                }
            }
            at.entry((file, service.as_str())).or_insert(i);
        }
        let pairs: Vec<(usize, usize)> = pairs
            .into_iter()
            .filter_map(|(i, partner, service)| Some((i, *at.get(&(partner, service))?)))
            .filter(|(i, j)| i != j)
            .collect();
        for (i, j) in pairs {
            let base = facts::images::Run::clone(&runs[j]);
            let r = Arc::make_mut(&mut runs[i]);
            // A stop wait without a place is compose's default: not said.
            if !matches!(r.stop_wait, Some((_, Some(_)))) && base.stop_wait.is_some() {
                r.stop_wait = base.stop_wait;
            }
            if !r.health_checked && base.health_checked {
                r.health_checked = true;
                r.probes = base.probes;
                r.health_tool = r.health_tool.take().or(base.health_tool);
            }
            if !r.command_set && base.command_set {
                r.command_set = true;
                r.servers = base.servers;
                r.migrates = r.migrates.take().or(base.migrates);
            }
            r.non_root = r.non_root.take().or(base.non_root);
            r.host_privileges = r.host_privileges.take().or(base.host_privileges);
            r.cpu_limit = r.cpu_limit.take().or(base.cpu_limit);
            r.replicas = r.replicas.take().or(base.replicas);
            for (name, loc) in base.env {
                if !r.env.iter().any(|(n, _)| *n == name) {
                    r.env.push((name, loc));
                }
            }
            r.env_from.extend(base.env_from);
            r.env_open |= base.env_open;
            for m in base.mounts {
                if !r.mounts.contains(&m) {
                    r.mounts.push(m);
                }
            }
            for m in base.host_paths {
                if !r.host_paths.contains(&m) {
                    r.host_paths.push(m);
                }
            }
        }
    }

    /// The apps of the Python file `path` that launches of the project
    /// serve, by name (`app.main:app` names `app` of `…/app/main.py`;
    /// `fastapi run main.py` names every app of `…/main.py`, as `*`).
    /// `None` when no launch names an app at all: what serves it is
    /// unknown.
    pub fn served_apps(&self, path: &Path) -> Option<Vec<String>> {
        if !self.any_app_named {
            return None;
        }
        Some(self.served.get(&key(path)).cloned().unwrap_or_default())
    }

    /// The app a server serves: the module (a key) and the app's name in
    /// it, when its spec names exactly one app prodlint knows (a factory
    /// named by the spec is followed to the app it makes).
    pub fn app_of(&self, server: &facts::units::Server) -> Option<(PathBuf, String)> {
        let Some((spec, dir)) = server.app.as_ref() else {
            return self.default_fastapi_app(server);
        };
        let found = self.served_by_spec.get(&(spec.clone(), dir.clone()))?;
        let [(k, name)] = found.as_slice() else {
            return None;
        };
        let mut apps = self
            .app_model
            .apps_in(k)
            .filter(|a| a.name == *name || a.factory.as_deref() == Some(name.as_str()));
        match (apps.next(), apps.next()) {
            (Some(a), None) => Some((k.clone(), a.name.clone())),
            _ => None,
        }
    }

    /// The app `fastapi run` serves when its command names none: the first
    /// of fastapi-cli's default paths beside the launcher, and in it the
    /// app named `app`, else `api`, else the only one.
    fn default_fastapi_app(&self, server: &facts::units::Server) -> Option<(PathBuf, String)> {
        if server.program != crate::parse::command::Server::FastApiRun {
            return None;
        }
        let dir = dir_of(&key(&server.site.file));
        let candidates: Vec<PathBuf> = servers::FASTAPI_DEFAULT_PATHS
            .iter()
            .map(|p| dir.join(p))
            .collect();
        let module = key(self.first_known(&candidates)?);
        let names: Vec<&str> = self
            .app_model
            .apps_in(&module)
            .map(|a| a.name.as_str())
            .collect();
        let name =
            ["app", "api"]
                .into_iter()
                .find(|n| names.contains(n))
                .or(match names.as_slice() {
                    [only] => Some(*only),
                    _ => None,
                })?;
        Some((module, name.to_string()))
    }

    /// The app model: apps, their routes, the set-up their code does.
    pub fn app_model(&self) -> &apps::Apps {
        &self.app_model
    }

    /// The project key of a path (for the app model's questions).
    pub fn key(&self, path: &Path) -> PathBuf {
        key(path)
    }

    /// The parse of the Python module `path`, when the project made it
    /// from this text (its lint takes it; the editor's shares it).
    pub fn python(&self, path: &Path, text: &str) -> Option<Arc<python::PyFile>> {
        let f = self.files.get(b(&key(path)))?;
        if *f.input.text != *text {
            return None;
        }
        f.python.take(self.keep_parses)
    }

    /// Some file of the project names the servers' trusted proxies
    /// (`FORWARDED_ALLOW_IPS`, `--forwarded-allow-ips`,
    /// `forwarded_allow_ips`).
    pub fn names_forwarded_ips(&self) -> bool {
        self.tree_says().forwarded
    }

    fn tree_says(&self) -> &TreeSays {
        self.tree_says.get_or_init(|| {
            let mut says = TreeSays::default();
            for f in self.files.values() {
                says.forwarded |= f.names_forwarded;
                says.log_config |= f.names_log_config;
                if let Some(at) = f.traced {
                    says.traced.push(facts::Loc::new(&f.input.path, at));
                }
                for (kind, name, held) in &f.stated.env_objects {
                    says.env_objects
                        .entry(kind)
                        .or_default()
                        .entry(name.clone())
                        .or_default()
                        .extend(held.iter().cloned());
                }
                if is_deploy_kind(f.input.kind) {
                    says.deploy_words.extend(
                        f.input
                            .text
                            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .filter(|w| !w.is_empty() && !w.bytes().any(|b| b.is_ascii_lowercase()))
                            .map(Box::from),
                    );
                }
            }
            for keys in says.env_objects.values_mut().flat_map(|m| m.values_mut()) {
                keys.sort_unstable();
                keys.dedup();
            }
            says
        })
    }

    /// What the env files below `within` that may be used in production
    /// (not templates, not development or test files) set `names` to (compared
    /// without case unless `case_sensitive`): each file, key and value,
    /// files named for production first, then in path order.
    pub fn env_values(
        &self,
        names: &[String],
        case_sensitive: bool,
        within: &Path,
    ) -> Vec<EnvValue> {
        let same = |a: &str, b: &str| {
            if case_sensitive {
                a == b
            } else {
                a.eq_ignore_ascii_case(b)
            }
        };
        let mut out: Vec<(bool, EnvValue)> = self
            .files_within(within)
            .filter_map(|(_, f)| Some((f, f.env.as_ref()?)))
            .flat_map(|(f, env)| {
                let production = f
                    .input
                    .path
                    .fast_file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("prod"));
                env.iter()
                    .filter(|(k, _, _)| names.iter().any(|n| same(k, n)))
                    .map(move |(k, v, at)| {
                        let value = EnvValue {
                            file: f.input.path.to_path_buf(),
                            key: k.clone(),
                            value: v.clone(),
                            at: *at,
                        };
                        (!production, value)
                    })
            })
            .collect();
        // Files named for production first.
        out.sort_by_key(|a| a.0);
        out.into_iter().map(|(_, v)| v).collect()
    }

    /// The files whose key is `within` (a key) or below it, in path
    /// order: one stretch of the map, not every file tried.
    fn files_within<'s>(
        &'s self,
        within: &Path,
    ) -> impl Iterator<Item = (&'s Key, &'s FileFacts)> + 's {
        let mut folder = b(within).to_vec();
        if !folder.is_empty() && !folder.ends_with(b"/") {
            folder.push(b'/');
        }
        let itself = (!folder.is_empty())
            .then(|| self.files.get_key_value(b(within)))
            .flatten()
            .map(|(k, f)| (k, &**f));
        let start: &[u8] = &folder;
        let below = self
            .files
            .range::<[u8], _>((std::ops::Bound::Included(start), std::ops::Bound::Unbounded))
            .take_while(move |(k, _)| k.bytes().starts_with(&folder))
            .map(|(k, f)| (k, &**f));
        itself.into_iter().chain(below)
    }

    /// Every key of the env files meant for production (not templates,
    /// not development or test files): the file, the key, where.
    pub fn env_keys(&self) -> impl Iterator<Item = (&Path, &str, crate::source::Span)> {
        self.files.values().flat_map(|f| {
            f.env
                .iter()
                .flatten()
                .map(move |(k, _, at)| (&*f.input.path, k.as_str(), *at))
        })
    }

    /// The variables a run takes from its `env_file:` and `envFrom:`
    /// sources, each with the file or object that sets it; `None` when
    /// one is not in the project (gitignored, made elsewhere): what the
    /// run sets is then unknown.
    pub fn env_from_keys(&self, run: &facts::images::Run) -> Option<Vec<String>> {
        if run.env_open {
            return None;
        }
        let mut keys = Vec::new();
        for source in &run.env_from {
            match source {
                facts::images::EnvFrom::File(p) => {
                    let env = self.files.get(b(p))?.env.as_ref()?;
                    keys.extend(env.iter().map(|(k, _, _)| k.clone()));
                }
                facts::images::EnvFrom::Object { kind, name } => {
                    let held = self.tree_says().env_objects.get(kind)?.get(name)?;
                    keys.extend(held.iter().cloned());
                }
            }
        }
        Some(keys)
    }

    /// A compose service loads the file at `path` by `env_file:`.
    pub fn loaded_by_env_file(&self, path: &Path) -> bool {
        self.env_files_loaded
            .get_or_init(|| {
                self.runs()
                    .flat_map(|r| r.env_from.iter())
                    .filter_map(|e| match e {
                        facts::images::EnvFrom::File(p) => Some(p.clone()),
                        facts::images::EnvFrom::Object { .. } => None,
                    })
                    .collect()
            })
            .contains(&key(path))
    }

    /// Every Ingress of the manifests, with its `tls:` when it has one.
    pub fn ingresses(&self) -> impl Iterator<Item = &(facts::Loc, Option<facts::Loc>)> {
        self.files.values().flat_map(|f| f.stated.ingresses.iter())
    }

    /// Every Deployment of the manifests, with its `maxUnavailable: 0`.
    pub fn deployments(&self) -> impl Iterator<Item = &(facts::Loc, Option<facts::Loc>)> {
        self.files
            .values()
            .flat_map(|f| f.stated.deployments.iter())
    }

    /// Every dependency the project's dependency files declare.
    pub fn all_dependencies(&self) -> impl Iterator<Item = &deps::Declared> {
        self.deps.all()
    }

    /// The files the project holds of these kinds, in path order, with
    /// their text.
    pub fn texts_of<'a>(
        &'a self,
        kinds: &'a [FileKind],
    ) -> impl Iterator<Item = (&'a Path, &'a crate::source::SharedText)> + 'a {
        self.files
            .values()
            .filter(move |f| kinds.contains(&f.input.kind))
            .map(|f| (&*f.input.path, &f.input.text))
    }

    /// For each of `words`, the files of the project whose text holds it
    /// (code or a command: not an env, ignore or dependency file), in key
    /// order, found in one pass over the texts: something besides the
    /// settings may read that variable there. A search of every text per
    /// word cost a pass over the tree for each, and was bounded to a few
    /// hundred words a tree, which a tree of many services runs past.
    /// `None` for a word when that could not be told (the matches ran
    /// past their bound, a crafted tree): take it as held.
    pub fn files_holding(&self, words: &[&str]) -> Vec<Option<std::rc::Rc<[&Key]>>> {
        let unknown = || vec![None; words.len()];
        // Each word once (an empty one is in every text).
        let mut distinct: crate::hashing::FastMap<&str, usize> = Default::default();
        for w in words.iter().filter(|w| !w.is_empty()) {
            let next = distinct.len();
            distinct.entry(w).or_insert(next);
        }
        let mut patterns = vec![""; distinct.len()];
        for (w, &i) in &distinct {
            if let Some(p) = patterns.get_mut(i) {
                *p = w;
            }
        }
        if patterns.is_empty() {
            return unknown();
        }
        let Ok(ac) = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(&patterns)
        else {
            return unknown();
        };
        let mut holders: Vec<Vec<&Key>> = vec![Vec::new(); patterns.len()];
        // Overlapping matches (a word inside another) are bounded by the
        // text times the words nested at one place: bounded here too.
        let mut budget: usize = 1 << 24;
        for (k, f) in &self.files {
            if matches!(
                f.input.kind,
                FileKind::Env | FileKind::DockerIgnore | FileKind::Dependencies
            ) {
                continue;
            }
            for m in ac.find_overlapping_iter(f.input.text.as_bytes()) {
                let Some(left) = budget.checked_sub(1) else {
                    return unknown();
                };
                budget = left;
                if let Some(h) = holders.get_mut(m.pattern().as_usize())
                    && h.last() != Some(&k)
                {
                    h.push(k);
                }
            }
        }
        // Shared by the words' occurrences (copies of a service set each
        // variable once a copy, and each copy's files hold it).
        let holders: Vec<std::rc::Rc<[&Key]>> = holders.into_iter().map(Into::into).collect();
        words
            .iter()
            .map(|w| Some(std::rc::Rc::clone(holders.get(*distinct.get(w)?)?)))
            .collect()
    }

    /// A deploy file (Dockerfile, compose file, manifest, launcher)
    /// names one of `names`: the value may be set there.
    pub fn deploy_names(&self, names: &[String]) -> bool {
        // The whole name (`DEBUG`, not inside `PYTHONDEBUG`), as written
        // in capitals: one of the words of those files. A name that is
        // not one word (an alias such as `app-debug`) is looked for in
        // their texts.
        let words = &self.tree_says().deploy_words;
        let is_word =
            |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        names.iter().any(|n| {
            let upper = n.to_ascii_uppercase();
            if is_word(&upper) {
                words.contains(upper.as_str())
            } else {
                self.deploy_texts_name(&upper)
            }
        })
    }

    /// A deploy file's text holds `upper` with no letter, digit or `_`
    /// on either side.
    fn deploy_texts_name(&self, upper: &str) -> bool {
        let word = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        self.files.values().any(|f| {
            is_deploy_kind(f.input.kind) && {
                let text = f.input.text.as_bytes();
                memchr::memmem::find_iter(text, upper.as_bytes()).any(|at| {
                    !word(at.checked_sub(1).and_then(|i| text.get(i)))
                        && !word(text.get(at + upper.len()))
                })
            }
        })
    }

    /// Some launcher or server configuration names a logging
    /// configuration (`--log-config`, gunicorn's `logconfig`).
    pub fn names_log_config(&self) -> bool {
        self.tree_says().log_config
    }

    /// Launchers that start a server under a tracing agent.
    pub fn traced_launches(&self) -> &[facts::Loc] {
        &self.tree_says().traced
    }

    /// The deployables of the project, one per Dockerfile, in path order.
    /// The repository's `uses: ./…` calls, with what they pass.
    pub fn local_calls(&self) -> &[facts::calls::Call] {
        &self.local_calls
    }

    /// The secrets the workflow at `key` (a project key) needs passed,
    /// when the project read it as a workflow others may call.
    pub fn secrets_read_by(&self, key: &Path) -> Option<&[facts::calls::SecretRead]> {
        self.files.get(b(key))?.stated.secrets_read.as_deref()
    }

    /// The repository's `uses: ./…` calls that may name `callee` (a
    /// project key), in the order they were read.
    pub fn callers_of(&self, callee: &Path) -> impl Iterator<Item = &facts::calls::Call> {
        let by_callee = self.calls_by_callee.get_or_init(|| {
            let mut map: crate::hashing::FastMap<Key, Vec<usize>> = Default::default();
            for (i, c) in self.local_calls.iter().enumerate() {
                for p in &c.callee {
                    let v = map.entry(Key::new(p.as_path())).or_default();
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
            }
            map
        });
        by_callee
            .get(b(callee))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|i| self.local_calls.get(*i))
    }

    /// Jobs of workflows only callers start (`on: workflow_call`) that
    /// set no permissions, nor does their workflow.
    pub fn called_jobs(&self) -> &[facts::calls::CalledJob] {
        &self.called_jobs
    }

    /// Inputs pasted into scripts of local actions and reusable workflows.
    pub fn input_expansions(&self) -> &[facts::calls::Expansion] {
        &self.input_expansions
    }

    pub fn units(&self) -> &[facts::units::Unit] {
        &self.units
    }

    /// The Dockerfile of this repository that builds `image` (a workflow
    /// or compose build tags it with that repository name), other than
    /// `from` itself: a base image built here, whose `USER` and `ENV` the
    /// images built on it inherit.
    pub fn built_here(
        &self,
        image: &crate::parse::image::ImageRef,
        from: &Path,
    ) -> Option<(PathBuf, Arc<Built>)> {
        if image.unresolved {
            return None;
        }
        let by_image = self.units_by_image.get_or_init(|| {
            let mut map: crate::hashing::FastMap<String, Vec<usize>> =
                crate::hashing::FastMap::default();
            for (i, u) in self.units.iter().enumerate() {
                for b in &u.builds {
                    if let Some(img) = &b.image {
                        let e = map.entry(img.repository()).or_default();
                        if e.last() != Some(&i) {
                            e.push(i);
                        }
                    }
                }
            }
            map
        });
        let me = key(from);
        by_image
            .get(&image.repository())?
            .iter()
            .map(|i| &self.units[*i])
            .find(|u| u.dockerfile != me)
            .and_then(|u| Some((u.dockerfile.clone(), self.dockerfile(&u.dockerfile)?)))
    }

    /// Every build of the image the Dockerfile `path` ships (its last
    /// stage, or the stage a final `dev-envs` stage stands for) is a
    /// development setup — a compose service of a development file, one
    /// that builds that stage as a development target (`target:
    /// development`), or one that builds it by name with a folder of the
    /// checkout bind-mounted over its code (`target: builder` and
    /// `.:/code`: live editing) — nothing else (a workflow, a build
    /// script, a production compose file) builds it, and nothing but those
    /// services runs it (no production compose file or manifest): the
    /// image is for development. Builds of another stage of the file
    /// (`target: development` beside a `production` stage) say nothing of
    /// the shipped image; a target that names no stage (`${TARGET}`) may
    /// be the shipped one.
    pub fn built_for_development_only(&self, path: &Path) -> bool {
        // Most images are built by nothing the project reads: no need for
        // the tree (parsed again past the parse budget).
        if self.units_of(path).all(|u| u.builds.is_empty()) {
            return false;
        }
        let Some(built) = self.dockerfile(path) else {
            return false;
        };
        let df = &built.dockerfile;
        let Some(shipped) = df.final_stage() else {
            return false;
        };
        let ships = |t: &str| {
            shipped
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(t))
        };
        let mut files: Vec<&Path> = Vec::new();
        for b in self.units_of(path).flat_map(|u| u.builds.iter()) {
            let stage = b.stage.as_deref();
            if stage.is_some_and(|t| df.stage_by_name(t).is_some() && !ships(t)) {
                continue;
            }
            let live = stage.is_some_and(ships)
                && crate::parse::source_mounts::covers_code(
                    df,
                    stage,
                    &b.live_mounts,
                    b.mounts_context,
                );
            if !(b.dev_setup || live) {
                return false;
            }
            files.push(&b.at.file);
        }
        !files.is_empty()
            && self
                .units_of(path)
                .flat_map(|u| u.runs.iter())
                .all(|r| files.contains(&&*r.at.file))
    }

    /// The units of the Dockerfile at `path`.
    pub fn units_of(&self, path: &Path) -> impl Iterator<Item = &facts::units::Unit> {
        let by_file = self.units_by_dockerfile.get_or_init(|| {
            let mut map: crate::hashing::FastMap<Key, Vec<usize>> = Default::default();
            for (i, u) in self.units.iter().enumerate() {
                map.entry(Key::new(u.dockerfile.as_path()))
                    .or_default()
                    .push(i);
            }
            map
        });
        by_file
            .get(b(&key(path)))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|i| &self.units[*i])
    }

    // ---- questions rules ask ----

    /// Does the project around `dir` depend on FastAPI or Starlette?
    /// `None` when no dependency file declares anything there.
    pub fn asgi(&self, dir: &Path) -> Option<bool> {
        self.deps.asgi(&key(dir))
    }

    /// What the project around `dir` declares, nearest folder first.
    pub fn dependencies(&self, dir: &Path) -> Option<&[deps::Declared]> {
        self.deps.nearest(&key(dir))
    }

    /// Is there a Dockerfile in `dir` or above it: does code here run in
    /// a container?
    pub fn containerized(&self, dir: &Path) -> bool {
        key(dir)
            .ancestors()
            .any(|d| self.container_dirs.contains(b(d)))
    }

    /// Is `path` a Python file a server command reads as its gunicorn
    /// configuration?
    pub fn is_named_config(&self, path: &Path) -> bool {
        self.named_configs.contains(b(&key(path)))
    }

    /// Where servers that read the configuration file `path` are started.
    pub fn launched_by(&self, path: &Path) -> &[servers::LaunchSite] {
        self.launch_sites
            .get(b(&key(path)))
            .map_or(&[][..], Vec::as_slice)
    }

    /// The gunicorn configuration at the first of `candidates` the
    /// project holds.
    pub fn config(&self, candidates: &[PathBuf]) -> Option<Arc<(PathBuf, Module)>> {
        candidates
            .iter()
            .find_map(|c| self.configs.get(b(&key(c))).cloned())
    }

    /// The first of `candidates` that is a file of the run.
    pub fn first_known<'a>(&self, candidates: &'a [PathBuf]) -> Option<&'a PathBuf> {
        candidates.iter().find(|c| self.known.contains(b(&key(c))))
    }

    /// What the project read from the Dockerfile at `path` at parse (its
    /// text, the scripts and entrypoint it names, what it ships), without
    /// its tree when the parse budget dropped it: `dockerfile` may then be
    /// empty. For readers that look at the tree only on a hint.
    pub fn dockerfile_facts(&self, path: &Path) -> Option<Arc<Built>> {
        self.files.get(b(&key(path)))?.dockerfile.clone()
    }

    /// The run read `path` as a Dockerfile (without parsing it again).
    pub fn has_dockerfile(&self, path: &Path) -> bool {
        self.files
            .get(b(&key(path)))
            .is_some_and(|f| f.dockerfile.is_some())
    }

    /// The image the Dockerfile `path` builds (a workflow, compose file
    /// or script tags it) runs nowhere in the repository, and the
    /// repository's other Dockerfiles use it only as a stage they copy
    /// files from (`FROM acme/sqlite:3.50 AS sqlite` then `COPY
    /// --from=sqlite …`), never as the base of an image they ship: a
    /// carrier of prebuilt files, never run.
    pub fn only_copied_from(&self, path: &Path) -> bool {
        let units: Vec<&facts::units::Unit> = self.units_of(path).collect();
        if units.is_empty() || units.iter().any(|u| !u.runs.is_empty()) {
            return false;
        }
        let names: Vec<String> = units
            .iter()
            .flat_map(|u| &u.builds)
            .filter_map(|b| b.image.as_ref().map(|i| i.repository()))
            .collect();
        if names.is_empty() {
            return false;
        }
        // Per repository, whether some Dockerfile may ship from it; built
        // once for the run.
        let uses = self.bases_by_repository.get_or_init(|| {
            let mut map: crate::hashing::FastMap<String, bool> = crate::hashing::FastMap::default();
            for f in self.files.values() {
                for (repo, shipped) in f.dockerfile.iter().flat_map(|b| &b.bases) {
                    *map.entry(repo.clone()).or_default() |= *shipped;
                }
            }
            map
        });
        let found: Vec<bool> = names.iter().filter_map(|n| uses.get(n).copied()).collect();
        !found.is_empty() && found.iter().all(|shipped| !shipped)
    }

    /// A Dockerfile of the project, parsed, with its text (parsed again
    /// when the parse budget dropped its tree).
    pub fn dockerfile(&self, path: &Path) -> Option<Arc<Built>> {
        self.files.get(b(&key(path)))?.built()
    }

    /// supervisord files directly in `dir` whose name starts with
    /// `supervisor` and ends with `.conf`, sorted, with their `nodaemon`.
    pub fn supervisord_in(&self, dir: &Path) -> Vec<(PathBuf, bool)> {
        let dir = key(dir);
        self.files_within(&dir)
            .filter(|(k, _)| k.fast_parent().map(b) == Some(b(&dir)))
            .filter(|(k, _)| {
                k.fast_file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("supervisor") && n.ends_with(".conf"))
            })
            .filter_map(|(k, f)| Some((k.0.to_path_buf(), f.supervisord.as_ref()?.1)))
            .collect()
    }

    /// supervisord configurations in the build context of the Dockerfile
    /// in `dir`, with whether each sets `nodaemon=true`: the one named
    /// (by its file name, in the usual folders), then every
    /// `supervisor*.conf` there. (Where the `COPY` puts them is not
    /// followed: these are the files an image that starts supervisord
    /// most likely reads.)
    pub fn supervisord_for(&self, dir: &Path, named: Option<&str>) -> Vec<(PathBuf, bool)> {
        const FOLDERS: &[&str] = &[
            "",
            "supervisor",
            "supervisord",
            "docker",
            "conf",
            "config",
            "deploy",
            "etc",
        ];
        let mut out = Vec::new();
        if let Some(n) = named {
            let name = Path::new(n)
                .fast_file_name()
                .map(PathBuf::from)
                .unwrap_or_default();
            for f in FOLDERS {
                let p = dir.join(f).join(&name);
                if let Some(nodaemon) = self.supervisord_nodaemon(&p) {
                    out.push((p, nodaemon));
                }
            }
        }
        for f in FOLDERS {
            out.extend(self.supervisord_in(&dir.join(f)));
        }
        // Once each, the named one first.
        let mut seen = crate::hashing::FastSet::default();
        out.retain(|(p, _)| seen.insert(key(p)));
        out
    }

    /// Whether the supervisord file at `path` sets `nodaemon=true`
    /// (`None`: not a supervisord file of the project).
    pub fn supervisord_nodaemon(&self, path: &Path) -> Option<bool> {
        Some(self.files.get(b(&key(path)))?.supervisord.as_ref()?.1)
    }

    /// The parse of the systemd unit or supervisord file at `path`, as
    /// the project read it (`None`: neither).
    pub fn process_manager(&self, path: &Path) -> Option<&ini::Ini> {
        let f = self.files.get(b(&key(path)))?;
        f.systemd
            .as_deref()
            .or_else(|| f.supervisord.as_deref().map(|(conf, _)| conf))
    }

    /// The Services, autoscalers and disruption budgets of the run.
    pub fn kube_index(&self) -> Arc<kube::Index> {
        Arc::clone(&self.kube)
    }

    /// The parse of a compose file made for its launches, if it is of
    /// this text.
    pub fn parsed_compose(&self, path: &Path, text: &str) -> Option<ParsedYaml> {
        self.files
            .get(b(&key(path)))?
            .compose
            .take_if(text, self.keep_parses)
    }

    /// The parse of a Dockerfile made for its launches, if it is of this
    /// text; past the parse budget, the one made again for the rules
    /// that asked for it just before (`Built::whole` keeps the last few
    /// on each thread: whether only development setups build the image
    /// is asked before its own lint), or made now and kept for the rules
    /// that ask next (the compose file beside it).
    pub fn parsed_dockerfile(&self, path: &Path, text: &str) -> Option<Arc<Built>> {
        let built = self.files.get(b(&key(path)))?.dockerfile.as_ref()?;
        (*built.file.text == *text).then(|| Built::whole(built))
    }

    /// The parse of a workflow made for its facts, if it is of this text.
    pub fn parsed_workflow(&self, path: &Path, text: &str) -> Option<ParsedYaml> {
        let k = key(path);
        match self.files.get(b(&k)) {
            Some(f) => f.workflow.take_if(text, self.keep_parses),
            None => self
                .handed
                .lock()
                .ok()?
                .remove(path)
                .filter(|p| *p.0 == *text),
        }
    }

    /// The parse of a manifest made for the index, if it is of this text.
    pub fn parsed_yaml(&self, path: &Path, text: &str) -> Option<ParsedYaml> {
        self.files
            .get(b(&key(path)))?
            .kube
            .take_if(text, self.keep_parses)
    }
}

#[cfg(test)]
mod tests {
    /// A dropped tree parsed again is the same tree for the next reader
    /// on the thread; another file's husk gets its own; past the few
    /// kept, the oldest is parsed anew.
    #[test]
    fn dockerfiles_parsed_again_are_kept_for_the_next_reader() {
        let husk = |text: &str| {
            let file = Arc::new(crate::source::SourceFile::new(
                Path::new("/r/Dockerfile"),
                text.to_string(),
            ));
            let df = dockerfile::parse(&file.text);
            Arc::new(Built::new(file, df).husk())
        };
        let a = husk("FROM python:3.12\nCMD [\"gunicorn\"]\n");
        let b = husk("FROM alpine\n");
        let first = a.whole();
        assert!(!first.dropped && first.dockerfile.final_stage().is_some());
        assert!(Arc::ptr_eq(&first, &a.whole()));
        let other = b.whole();
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(&*other.file.text, "FROM alpine\n");
        let more: Vec<_> = (0..RECENT_WHOLE_KEPT).map(|_| husk("FROM x\n")).collect();
        for h in &more {
            h.whole();
        }
        let again = a.whole();
        assert!(!Arc::ptr_eq(&first, &again), "pushed out by newer ones");
        assert_eq!(again.file.text, first.file.text);
    }

    /// Past the parse budget, a Dockerfile's own lint takes the tree made
    /// again for the question asked just before it (only development
    /// setups build it?), and the rules that ask next take the lint's.
    #[test]
    fn a_dropped_dockerfile_is_parsed_again_once_for_its_lint() {
        let text = "FROM python:3.12\nCMD [\"gunicorn\", \"app:app\"]\n";
        let f = dropped("/r/Dockerfile", FileKind::Dockerfile, text);
        let p = Project::assemble(vec![f], [PathBuf::from("/r/Dockerfile")]);
        let path = Path::new("/r/Dockerfile");
        let asked = p.dockerfile(path).expect("the Dockerfile");
        assert!(!asked.dropped && asked.dockerfile.final_stage().is_some());
        let linted = p.parsed_dockerfile(path, text).expect("its tree");
        assert!(
            Arc::ptr_eq(&asked, &linted),
            "the same tree, not a new parse"
        );
        assert!(Arc::ptr_eq(&linted, &p.dockerfile(path).expect("again")));
        assert!(p.parsed_dockerfile(path, "FROM other\n").is_none());
    }

    /// A Dockerfile's tree dropped past the budget keeps whether it
    /// starts a server: one that starts none is not parsed again by the
    /// links, and one that does still names its server.
    #[test]
    fn a_dropped_dockerfile_knows_whether_it_starts_a_server() {
        let server = dropped(
            "/r/api/Dockerfile",
            FileKind::Dockerfile,
            "FROM python:3.12\nCMD [\"gunicorn\", \"-w\", \"4\", \"app:app\"]\n",
        );
        let tool = dropped(
            "/r/tool/Dockerfile",
            FileKind::Dockerfile,
            "FROM alpine\nCMD [\"ab\"]\n",
        );
        let husk = |f: &FileFacts| {
            f.dockerfile
                .as_ref()
                .map(|b| (b.dropped, b.may_start_servers))
        };
        assert_eq!(husk(&server), Some((true, true)));
        assert_eq!(husk(&tool), Some((true, false)));
        let p = Project::assemble(
            vec![server, tool],
            [
                PathBuf::from("/r/api/Dockerfile"),
                PathBuf::from("/r/tool/Dockerfile"),
            ],
        );
        let servers = |path: &str| {
            p.units_of(Path::new(path))
                .flat_map(|u| u.servers.iter())
                .count()
        };
        assert_eq!(servers("/r/api/Dockerfile"), 1);
        assert_eq!(servers("/r/tool/Dockerfile"), 0);
    }

    /// A compose file's tree dropped past the budget keeps, when its
    /// services start no server, the Dockerfiles they build: the links
    /// still ask for those, and parse again only a file that starts one.
    #[test]
    fn a_dropped_compose_file_without_servers_keeps_what_it_builds() {
        let quiet = dropped(
            "/r/db/compose.yaml",
            FileKind::Compose,
            "services:\n  db:\n    build: ./image\n  cache:\n    image: redis:7\n",
        );
        let served = dropped(
            "/r/api/compose.yaml",
            FileKind::Compose,
            "services:\n  api:\n    build: .\n    command: gunicorn -w 4 app:app\n",
        );
        assert_eq!(
            quiet.compose.quiet_compose_builds(),
            Some(vec![PathBuf::from("/r/db/image/Dockerfile")])
        );
        assert_eq!(served.compose.quiet_compose_builds(), None);
        assert!(quiet.compose.present() && served.compose.present());
        let p = Project::assemble(
            vec![quiet, served],
            [
                PathBuf::from("/r/db/compose.yaml"),
                PathBuf::from("/r/api/compose.yaml"),
            ],
        );
        // Neither Dockerfile was read: both are asked for.
        assert!(
            p.wanted
                .contains_key(b(&key(Path::new("/r/db/image/Dockerfile"))))
        );
        assert!(
            p.wanted
                .contains_key(b(&key(Path::new("/r/api/Dockerfile"))))
        );
    }

    #[test]
    fn the_key_kept_for_the_last_path_is_that_path_s() {
        let paths = ["a/b", "a/b", "/x/../y", "a/b", "./a/b", "/x/../y", ""];
        for p in paths {
            assert_eq!(key(Path::new(p)), key_of_path(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn launches_name_the_apps_they_serve() {
        let mut p = Project::default();
        assert_eq!(p.served_apps(Path::new("/r/app/main.py")), None);
        let apps: BTreeSet<(String, PathBuf)> =
            ["app.main:app", "worker.py", "svc.api:create_app()"]
                .iter()
                .map(|s| (s.to_string(), PathBuf::from("/r")))
                .collect();
        let known = [
            "/r/app/main.py",
            "/r/worker.py",
            "/r/svc/api/__init__.py",
            "/r/myapp/main.py",
        ]
        .iter()
        .map(|p| Key::new(PathBuf::from(p)))
        .collect();
        p.served = served_modules(&apps, &known).0;
        p.any_app_named = true;
        assert_eq!(
            p.served_apps(Path::new("/r/app/main.py")),
            Some(vec!["app".to_string()])
        );
        assert_eq!(
            p.served_apps(Path::new("/r/worker.py")),
            Some(vec!["*".to_string()])
        );
        assert_eq!(
            p.served_apps(Path::new("/r/svc/api/__init__.py")),
            Some(vec!["create_app".to_string()])
        );
        assert_eq!(p.served_apps(Path::new("/r/myapp/main.py")), Some(vec![]));
    }

    #[test]
    fn text_normalising_agrees_with_the_component_walk() {
        for p in [
            "/a/../b/./c",
            "/a/b/../../..",
            "/..",
            "/a//b/",
            "/work/main/../shared/corpus/x/Dockerfile",
            "/./a/.",
            "/",
        ] {
            assert_eq!(
                PathBuf::from(super::normalize_text(p, "")),
                crate::config::normalize(Path::new(p)),
                "{p}"
            );
        }
        assert_eq!(super::normalize_text("/w/main", "../x/./y/"), "/w/x/y");
        assert_eq!(super::normalize_text("/w", "a"), "/w/a");
    }

    use super::*;

    fn input(path: &str, kind: FileKind, text: &str) -> Input {
        Input {
            path: Arc::from(Path::new(path)),
            kind,
            text: crate::source::SharedText::from(text),
            root: None,
        }
    }

    /// A file's facts with its parse given up, as past the parse budget.
    fn dropped(path: &str, kind: FileKind, text: &str) -> Box<FileFacts> {
        let mut f = Project::parse(input(path, kind, text));
        f.drop_parses();
        f
    }

    /// `clean` reads the bytes around each `/` only: it agrees with
    /// splitting the path into segments on every path of up to five
    /// pieces.
    #[test]
    fn clean_agrees_with_its_segments() {
        let split =
            |t: &str| !t.is_empty() && t.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
        let pieces = ["a", ".", "..", "/", ".a", "a.", "...", "é", ".git"];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.extend(longer);
        }
        for t in &texts {
            assert_eq!(clean(t), split(t), "{t:?}");
        }
    }

    /// A text handed to the project of files that stand alone is taken
    /// by the first lint that asks (and so let go when that lint is done).
    #[test]
    fn a_handed_text_is_taken_once() {
        let p = Project::handing(
            Vec::new(),
            vec![(
                PathBuf::from("/r/a.yml"),
                crate::source::SharedText::from("x: 1\n"),
            )],
        );
        // Asked by the path it was handed under only: another spelling of
        // it may go through a link to another file.
        assert_eq!(p.own_text(Path::new("/r/x/../a.yml")), None);
        assert_eq!(p.own_text(Path::new("/r/a.yml")).as_deref(), Some("x: 1\n"));
        assert_eq!(p.own_text(Path::new("/r/a.yml")), None);
    }

    /// Two files of one key through a link: the project keeps the facts
    /// of the one at the normalised path, whatever order they come in,
    /// and answers for it only.
    #[cfg(unix)]
    #[test]
    fn of_two_files_of_one_key_the_one_at_the_key_is_held() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        for (path, text) in [
            ("d/a.yml", "x: 1\n"),
            ("t/a.yml", "y: 2\n"),
            ("t/sub/k", ""),
        ] {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap_or(root))
                .unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&full, text).unwrap_or_else(|e| panic!("{e}"));
        }
        std::os::unix::fs::symlink(root.join("t/sub"), root.join("d/lnk"))
            .unwrap_or_else(|e| panic!("{e}"));
        let direct = root.join("d/a.yml");
        let through = root.join("d/lnk/../a.yml");
        let input = |path: &Path, text: &str| Input {
            path: Arc::from(path),
            kind: FileKind::Text,
            text: crate::source::SharedText::from(text),
            root: None,
        };
        for order in [[&direct, &through], [&through, &direct]] {
            let parsed = order
                .iter()
                .map(|p| {
                    let text = if **p == direct { "x: 1\n" } else { "y: 2\n" };
                    Project::parse(input(p, text))
                })
                .collect();
            let p = Project::assemble(parsed, Vec::new());
            assert!(p.holds(&direct));
            assert!(!p.holds(&through));
            assert_eq!(p.text_of_file(&direct).as_deref(), Some("x: 1\n"));
            assert_eq!(p.text_of_file(&through), None);
            // By key, the file at the key.
            assert_eq!(p.text(&through).as_deref(), Some("x: 1\n"));
        }
        // Another spelling of the same file is the same file.
        let again = root.join("d/./a.yml");
        let p = Project::assemble(vec![Project::parse(input(&direct, "x: 1\n"))], Vec::new());
        assert!(p.holds(&again));
        assert!(!p.holds(&root.join("d/b.yml")));
    }

    #[test]
    fn keys_resolve_dots_by_name() {
        let k = key(Path::new("/a/b/../c/./d"));
        assert_eq!(k, PathBuf::from("/a/c/d"));
    }

    #[test]
    fn clean_paths_take_the_short_way_to_the_same_key() {
        let cwd = std::env::current_dir().unwrap_or_default();
        for p in [
            "a/b",
            "/a/b",
            "./a",
            "a/./b",
            "a//b",
            "a/",
            "/",
            "a/..",
            "..a/b",
            "a/b..",
            "../a",
            ".",
            "/a/.",
            "/a/b/..",
            "a/.b/c",
            "/x//",
            "a/.../b",
            "./../a/b",
            "../../x",
            ".//a",
            "../../../../../../../../../../a",
            "./.",
            "../",
            "./a/../b",
        ] {
            assert_eq!(
                key(Path::new(p)),
                crate::config::normalize(&cwd.join(p)),
                "{p}"
            );
        }
    }

    #[test]
    fn a_launch_names_its_config_and_an_edit_is_seen() {
        let mut p = Project::build(
            vec![
                input(
                    "/p/Dockerfile",
                    FileKind::Dockerfile,
                    "FROM python:3.12\nCMD [\"gunicorn\", \"-c\", \"conf/prod.py\", \"app:app\"]\n",
                ),
                input("/p/conf/prod.py", FileKind::Text, "workers = 4\n"),
                input("/p/requirements.txt", FileKind::Dependencies, "flask\n"),
            ],
            [PathBuf::from("/p/conf/prod.py")],
        );
        assert!(p.is_named_config(Path::new("/p/conf/prod.py")));
        assert!(p.containerized(Path::new("/p/conf")));
        assert_eq!(p.asgi(Path::new("/p/app")), Some(false));
        p.replace(input(
            "/p/requirements.txt",
            FileKind::Dependencies,
            "fastapi\n",
        ));
        assert_eq!(p.asgi(Path::new("/p/app")), Some(true));
        p.replace(input(
            "/p/Dockerfile",
            FileKind::Dockerfile,
            "FROM python:3.12\nCMD [\"gunicorn\", \"app:app\"]\n",
        ));
        assert!(!p.is_named_config(Path::new("/p/conf/prod.py")));
    }
}
