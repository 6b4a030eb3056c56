//! Images: which Dockerfile each image name is built from (workflows'
//! `docker build`, `docker/build-push-action`, compose `build:`), and
//! where images run (compose services, Kubernetes containers), with what
//! those places say about ports and shutdown.

use super::ports::{PortClaim, Role};
use super::{Loc, Stated};
use crate::parse::compose::Compose;
use crate::parse::image::ImageRef;
use crate::parse::workflow::Workflow;
use crate::parse::yaml::Node;
use crate::parse::{kube, shell};
use crate::paths::FastPath;
use crate::source::Span;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An image built from a Dockerfile of the project.
#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    /// The name it is tagged with (`None`: untagged, or a name made of
    /// values only known at run time).
    pub image: Option<ImageRef>,
    /// The Dockerfile (a project key).
    pub dockerfile: PathBuf,
    pub at: Loc,
    /// The compose service that builds it (and runs it), if one does.
    pub service: Option<String>,
    /// Its build context (a project key).
    pub context: PathBuf,
    /// The workflow pushes it to a registry (`push:` of
    /// `docker/build-push-action` not false, `--push`, a `docker push`
    /// of its name in the workflow).
    pub pushed: bool,
    /// The stage it builds (compose `build.target`), when one is named.
    pub stage: Option<String>,
    /// A compose service for development builds it: the compose file is
    /// for development, or the service builds a development stage.
    pub dev_setup: bool,
    /// Where the compose service that builds it bind-mounts folders of
    /// the checkout (`.:/code` gives `/code`): over the code of the stage
    /// it builds, live editing.
    pub live_mounts: Vec<String>,
    /// A compose service that bind-mounts the folder it builds from
    /// (`build: app`, `./app:/var/www/html`).
    pub mounts_context: bool,
    /// The build arguments it passes (`build-args:`, `--build-arg`,
    /// compose `build.args`), by name: the Dockerfile's `ARG` defaults
    /// they replace do not reach this image.
    pub args: Vec<String>,
}

/// The names of build arguments given as `NAME=value` or `NAME` items
/// (lines or commas of `build-args:`, a compose list), sorted.
fn arg_names<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = items
        .map(|i| i.trim().trim_start_matches('-').trim())
        .filter_map(|i| i.split('=').next())
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.contains(['$', ' ', '{']))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Where an image runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub image: ImageRef,
    pub at: Loc,
    pub runner: Runner,
    pub ports: Vec<PortClaim>,
    /// Seconds the platform waits after the stop signal (compose
    /// `stop_grace_period`, `terminationGracePeriodSeconds`), and where.
    pub stop_wait: Option<(f64, Option<Loc>)>,
    /// Seconds a `preStop` hook sleeps first.
    pub pre_stop_sleep: Option<(f64, Loc)>,
    /// The servers its own command starts (a compose `command`, a
    /// container's `command`/`args`), linked by the project.
    pub servers: Vec<super::units::Server>,
    /// A container's named ports (`name: http`, `containerPort: 8000`):
    /// what a Service's `targetPort: http` means.
    pub port_names: Vec<(String, u16)>,
    /// The platform checks the container's health itself: a compose
    /// `healthcheck:` (not disabled) or a Kubernetes liveness or readiness
    /// probe (Kubernetes ignores the image's `HEALTHCHECK`).
    pub health_checked: bool,
    /// It sets its own command (compose `command:`/`entrypoint:`, a
    /// container's `command:`/`args:`): the image's `CMD` does not run.
    pub command_set: bool,
    /// Its health checks: Kubernetes probes, a compose `healthcheck:`.
    pub probes: Vec<Probe>,
    /// How many copies run (`replicas:`, compose `deploy.replicas`), and
    /// where it says so.
    pub replicas: Option<(u32, Loc)>,
    /// Its own command runs database migrations: where.
    pub migrates: Option<Loc>,
    /// Its CPU limit in cores (`resources.limits.cpu`, compose `cpus` or
    /// `deploy.resources.limits.cpus`), and where.
    pub cpu_limit: Option<(f64, Loc)>,
    /// Containers in its pod (1 for a compose service): a Service that
    /// selects a pod of several may route to another of them.
    pub pod_containers: usize,
    /// The program a compose `healthcheck:` runs (`curl`, `wget`, …),
    /// and where.
    pub health_tool: Option<(String, Loc)>,
    /// A compose service that builds the image it runs (`build:`).
    pub builds_itself: bool,
    /// The variables its own environment sets (compose `environment:`, a
    /// container's `env:`), each at its name.
    pub env: Vec<(String, Loc)>,
    /// Where else it takes variables from (compose `env_file:`, a
    /// container's `envFrom:`): read through the project
    /// (`Project::env_from_keys`).
    pub env_from: Vec<EnvFrom>,
    /// It also takes variables from somewhere prodlint cannot read (an
    /// `env_file:` path made of variables, an `envFrom:` with a
    /// `prefix`): what it sets is not all known.
    pub env_open: bool,
    /// Where volumes are mounted in the container (compose `volumes:`
    /// targets, a container's `volumeMounts` paths).
    pub mounts: Vec<String>,
    /// The host's folders it mounts: a compose service's bind-mount
    /// sources (`/usr/src` in `/usr/src:/usr/src:ro`), a container's
    /// `hostPath` volumes.
    pub host_paths: Vec<String>,
    /// The platform runs it as a user other than root whatever the image
    /// says (a container's non-zero `runAsUser`, the pod's when the
    /// container sets none; a compose `user:` other than root), and where.
    pub non_root: Option<Loc>,
    /// The platform grants it privileges only root can use (compose
    /// `privileged: true`, a `cap_add:` beyond Docker's defaults; a
    /// container's `privileged: true` or such added capabilities), and
    /// where. (The runtime's socket is not one: its group can reach it.)
    pub host_privileges: Option<Loc>,
}

impl Run {
    /// Every list to its length (see `Statements::settle`).
    pub fn shrink(&mut self) {
        self.ports.shrink_to_fit();
        self.servers.shrink_to_fit();
        self.port_names.shrink_to_fit();
        self.probes.shrink_to_fit();
        self.env.shrink_to_fit();
        self.env_from.shrink_to_fit();
        self.mounts.shrink_to_fit();
        self.host_paths.shrink_to_fit();
    }
}

/// A source of a run's variables besides its own list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvFrom {
    /// A compose `env_file:` (a project key).
    File(PathBuf),
    /// A `ConfigMap` or `Secret` an `envFrom:` names.
    Object { kind: &'static str, name: String },
}

/// The sources of a compose service's `env_file:` (one path, a list of
/// paths, or a list of `{path, required}`), relative to the compose
/// file's folder; `true` when one cannot be read (made of variables).
fn compose_env_files(node: Option<&Node>, dir: &Path) -> (Vec<EnvFrom>, bool) {
    let Some(node) = node else {
        return (Vec::new(), false);
    };
    let items: Vec<&Node> = match node.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![node],
    };
    let (mut out, mut open) = (Vec::new(), false);
    for item in items {
        match item
            .as_str()
            .or_else(|| item.get("path").and_then(Node::as_str))
        {
            Some(p) if !p.contains('$') => {
                out.push(EnvFrom::File(crate::project::key(&dir.join(p))));
            }
            _ => open = true,
        }
    }
    (out, open)
}

/// The ConfigMaps and Secrets a container's `envFrom:` names; `true`
/// when one cannot be read (no name, or a `prefix` renames its keys).
fn env_from_objects(node: Option<&Node>) -> (Vec<EnvFrom>, bool) {
    let (mut out, mut open) = (Vec::new(), false);
    for item in node.and_then(Node::as_seq).unwrap_or(&[]) {
        let named = [("configMapRef", "ConfigMap"), ("secretRef", "Secret")]
            .iter()
            .find_map(|(field, kind)| {
                let name = item.get(field)?.get("name")?.as_str()?;
                Some(EnvFrom::Object {
                    kind,
                    name: name.to_string(),
                })
            });
        match named {
            Some(o) if item.get("prefix").is_none() => out.push(o),
            _ => open = true,
        }
    }
    (out, open)
}

/// What asks a container whether it is well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
    /// A compose `healthcheck:` or a Dockerfile `HEALTHCHECK`.
    Healthcheck,
}

impl ProbeKind {
    pub fn describe(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "liveness probe",
            ProbeKind::Readiness => "readiness probe",
            ProbeKind::Startup => "startup probe",
            ProbeKind::Healthcheck => "health check",
        }
    }
}

/// An HTTP health check: the path it requests (`None`: not HTTP, or not
/// known) and the port, with where the path (or the check) is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub kind: ProbeKind,
    pub path: Option<String>,
    pub port: Option<u16>,
    pub at: Loc,
}

/// The path and port of the URL a health-check command requests
/// (`curl -f http://localhost:8000/health`, `wget -qO- …`, a Python
/// one-liner with `urlopen('http://…')`): only local URLs.
pub fn url_probe(text: &str) -> Option<(String, Option<u16>, usize)> {
    for scheme in ["http://", "https://"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(scheme) {
            let start = from + i;
            let rest = &text[start + scheme.len()..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ')' | ']' | ','))
                .unwrap_or(rest.len());
            let url = &rest[..end];
            from = start + scheme.len();
            let (host_port, path) = match url.find('/') {
                Some(p) => (&url[..p], &url[p..]),
                None => (url, "/"),
            };
            let (host, port) = match host_port.rsplit_once(':') {
                Some((h, p)) => (h, p.parse::<u16>().ok()),
                None => (host_port, None),
            };
            let local = matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]");
            if !local || path.contains('$') {
                continue;
            }
            let path = path.split(['?', '#']).next().unwrap_or(path);
            let path_at = start + scheme.len() + host_port.len();
            return Some((path.to_string(), port, path_at));
        }
    }
    None
}

/// A replica count node, with where it is.
fn replicas_of(node: Option<&Node>, path: &Path) -> Option<(u32, Loc)> {
    let n = node?;
    Some((u32::try_from(kube::int(n)?).ok()?, Loc::new(path, n.span)))
}

/// A CPU limit node (a quantity string or a number), in cores.
fn cpu_limit_of(node: Option<&Node>, path: &Path) -> Option<(f64, Loc)> {
    let n = node?;
    let text = n
        .as_str()
        .map(str::to_string)
        .or_else(|| kube::int(n).map(|v| v.to_string()))?;
    Some((cpu_cores(&text)?, Loc::new(path, n.span)))
}

/// Kubernetes CPU quantity in cores (`500m`, `2`, `1.5`).
fn cpu_cores(text: &str) -> Option<f64> {
    let t = text.trim();
    let n = match t.strip_suffix('m') {
        Some(m) => m.parse::<f64>().ok()? / 1000.0,
        None => t.parse::<f64>().ok()?,
    };
    (n.is_finite() && n > 0.0).then_some(n)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runner {
    Compose {
        service: String,
    },
    Kubernetes {
        namespace: Option<String>,
        kind: String,
        name: String,
        container: String,
        labels: BTreeMap<String, String>,
    },
}

/// The host folders a container mounts: each `volumeMounts` entry whose
/// pod volume of that name is a `hostPath`.
fn host_paths_of(w: &kube::Workload<'_>, c: &kube::Container<'_>) -> Vec<String> {
    let volumes = w
        .pod_spec
        .get("volumes")
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    c.get("volumeMounts")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|m| {
            let name = m.get("name")?.as_str()?;
            let volume = volumes
                .iter()
                .find(|v| v.get("name").and_then(Node::as_str) == Some(name))?;
            Some(volume.get("hostPath")?.get("path")?.as_str()?.to_string())
        })
        .collect()
}

/// `$NAME`, `${NAME}` and `${{ env.NAME }}` replaced by literal values of
/// `env`; a reference with no known value stays as written.
fn expand(text: &str, env: &BTreeMap<String, String>) -> String {
    crate::parse::vars::expand(text, |n| env.get(n).map(String::as_str))
}

/// An image reference whose text may hold references left unexpanded:
/// unresolved when the repository itself is unknown.
fn image_of(text: &str, span: Span) -> ImageRef {
    let mut image = ImageRef::parse(text, span, false);
    image.unresolved = image.name.contains('$') || image.name.is_empty();
    image
}

/// Literal `env:` values of a workflow, job or step mapping.
fn env_of(node: Option<&Node>, into: &mut BTreeMap<String, String>) {
    for (k, v) in crate::rules::workflow::helpers::env_entries(node) {
        if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
            into.insert(k.to_string(), v.to_string());
        }
    }
}

/// The Dockerfile a build uses: `file` (relative to the repository root,
/// as the runner checks out) or `Dockerfile` in the context.
fn dockerfile_key(root: &Path, context: &str, file: Option<&str>) -> PathBuf {
    let context = root.join(context);
    let path = match file {
        Some(f) => root.join(f),
        None => context.join("Dockerfile"),
    };
    crate::project::key(&path)
}

/// The repository root of a workflow: two folders above
/// `.github/workflows/`.
pub fn workflow_root(path: &Path) -> PathBuf {
    let key = crate::project::key(path);
    key.fast_parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
}

/// Images a workflow builds.
pub fn from_workflow(path: &Path, source: &str, workflow: &Workflow<'_>, out: &mut Stated) {
    // Script words' offsets are into the `run:` text: mapped into the
    // file through its source (made once, only for a workflow that
    // builds with a script).
    let file = std::sync::OnceLock::new();
    let file = || file.get_or_init(|| crate::source::SourceFile::new(path, source));
    let root = workflow_root(path);
    let mut top = BTreeMap::new();
    env_of(workflow.env, &mut top);
    let workflow_dir = run_directory(workflow.root);
    for job in &workflow.jobs {
        let mut job_env = top.clone();
        env_of(job.env, &mut job_env);
        let job_dir = run_directory(job.node).or(workflow_dir);
        for step in &job.steps {
            let mut env = job_env.clone();
            env_of(step.env, &mut env);
            // Where the step's script runs: `working-directory:` of the
            // step, or the job's or workflow's `defaults.run`.
            let script_root = match step
                .node
                .get("working-directory")
                .and_then(Node::as_str)
                .or(job_dir)
                .filter(|d| !d.contains("${{"))
            {
                Some(d) => root.join(d),
                None => root.clone(),
            };
            if let Some(uses) = &step.uses
                && crate::rules::workflow::helpers::step_uses(step, "docker/build-push-action")
            {
                let with = |k: &str| step.with.and_then(|w| w.get(k)).and_then(Node::as_str);
                let context = with("context").unwrap_or(".");
                let file = with("file");
                let dockerfile = dockerfile_key(&root, context, file);
                let context = crate::project::key(&root.join(context));
                // `push: true`, or an expression that may be true.
                let pushed = with("push").is_some_and(|p| p != "false")
                    || step
                        .with
                        .and_then(|w| w.get("push"))
                        .and_then(Node::as_bool)
                        == Some(true)
                    || with("outputs").is_some_and(|o| o.contains("push=true"));
                let tags = with("tags").unwrap_or("");
                let args = arg_names(with("build-args").unwrap_or("").lines());
                let mut any = false;
                for tag in tags
                    .split([',', '\n'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                {
                    any = true;
                    out.builds.push(Build {
                        image: Some(image_of(&expand(tag, &env), uses.span)),
                        dockerfile: dockerfile.clone(),
                        at: Loc::new(path, uses.span),
                        service: None,
                        context: context.clone(),
                        pushed,
                        stage: None,
                        dev_setup: false,
                        live_mounts: Vec::new(),
                        mounts_context: false,
                        args: args.clone(),
                    });
                }
                if !any {
                    out.builds.push(Build {
                        image: None,
                        dockerfile,
                        at: Loc::new(path, uses.span),
                        service: None,
                        context,
                        pushed,
                        stage: None,
                        dev_setup: false,
                        live_mounts: Vec::new(),
                        mounts_context: false,
                        args,
                    });
                }
            }
            if let (Some(script), Some(run)) = (&step.script, step.run)
                && script.commands.iter().any(|c| c.name() == Some("docker"))
            {
                let map = |offset: usize| {
                    crate::rules::workflow::helpers::source_offset(file(), run, offset)
                };
                for b in docker_builds(script, &env, &map) {
                    out.builds.extend(b.at_root(&script_root, path));
                }
            }
            if let Some(script) = &step.script
                && script
                    .commands
                    .iter()
                    .any(|c| matches!(c.name(), Some("docker" | "docker-compose")))
            {
                compose_stacks(&script_root, script, out);
            }
        }
    }
    // `docker push NAME` anywhere in the workflow pushes the builds of
    // that name.
    let pushes = pushed_names(
        workflow
            .jobs
            .iter()
            .flat_map(|j| &j.steps)
            .flat_map(|s| s.script.iter().flat_map(|s| &s.commands)),
        &BTreeMap::new(),
    );
    for b in &mut out.builds {
        if !b.pushed
            && *b.at.file == *path
            && b.image
                .as_ref()
                .is_some_and(|i| pushes.contains(&i.repository()))
        {
            b.pushed = true;
        }
    }
}

/// A `docker build` command as a script writes it: the paths are not
/// resolved yet (a workflow's are relative to the checkout; a shell
/// script's to the folder it is run from, which the project decides).
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptBuild {
    /// `-t`/`--tag` values, variables the script sets expanded.
    pub tags: Vec<(ImageRef, Span)>,
    /// `-f`/`--file`, as written.
    pub file: Option<String>,
    /// The context argument, as written.
    pub context: String,
    /// `--push`, or a `docker push` of one of its names in the script.
    pub pushed: bool,
    /// `--target` names a stage: not the image the Dockerfile ends with.
    pub targeted: bool,
    /// `--build-arg` names.
    pub args: Vec<String>,
}

impl ScriptBuild {
    /// The Dockerfile it uses when run from `root`.
    pub fn dockerfile_at(&self, root: &Path) -> PathBuf {
        match &self.file {
            // `-f` is relative to the working folder, not the context.
            Some(f) => crate::project::key(&root.join(f)),
            None => dockerfile_key(root, &self.context, None),
        }
    }

    /// The build with its paths taken from `root`.
    pub fn at_root(&self, root: &Path, path: &Path) -> Vec<Build> {
        let dockerfile = self.dockerfile_at(root);
        let context = crate::project::key(&root.join(&self.context));
        self.tags
            .iter()
            .map(|(image, span)| Build {
                image: Some(image.clone()),
                dockerfile: dockerfile.clone(),
                at: Loc::new(path, *span),
                service: None,
                context: context.clone(),
                pushed: self.pushed,
                stage: None,
                dev_setup: false,
                live_mounts: Vec::new(),
                mounts_context: false,
                args: self.args.clone(),
            })
            .collect()
    }
}

/// `docker build` / `docker buildx build` / `docker image build` in a
/// script: `-t`, `-f` and the context, with `map` taking the words'
/// offsets into the file.
fn docker_builds(
    script: &shell::Script,
    env: &BTreeMap<String, String>,
    map: &dyn Fn(usize) -> usize,
) -> Vec<ScriptBuild> {
    let mut out = Vec::new();
    for c in &script.commands {
        let words: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
        let skip = match words.as_slice() {
            ["docker", "build", ..] => 2,
            ["docker", "buildx" | "image", "build", ..] => 3,
            _ => continue,
        };
        let mut tags = Vec::new();
        let mut file = None;
        let mut context = None;
        let mut targeted = false;
        let mut args = Vec::new();
        let mut i = skip;
        while i < c.argv.len() {
            let w = &c.argv[i];
            let t = w.text.as_str();
            match t {
                "-t" | "--tag" => {
                    tags.extend(c.argv.get(i + 1).map(|w| (w.text.clone(), w.span)));
                    i += 2;
                    continue;
                }
                "-f" | "--file" => {
                    file = c.argv.get(i + 1).map(|w| w.text.clone());
                    i += 2;
                    continue;
                }
                _ if t.starts_with("--tag=") => {
                    tags.push((t["--tag=".len()..].to_string(), w.span))
                }
                _ if t.starts_with("--file=") => file = Some(t["--file=".len()..].to_string()),
                "--build-arg" => {
                    args.extend(c.argv.get(i + 1).map(|w| w.text.as_str()));
                    i += 2;
                    continue;
                }
                _ if t.starts_with("--build-arg=") => args.push(&t["--build-arg=".len()..]),
                _ if t == "--target" || t.starts_with("--target=") => {
                    targeted = true;
                    i += usize::from(t == "--target");
                }
                _ if t.starts_with('-') => {
                    // Options with a value the build does not need here.
                    if matches!(
                        t,
                        "--build-arg"
                            | "--target"
                            | "--platform"
                            | "--label"
                            | "--secret"
                            | "--cache-from"
                            | "--cache-to"
                            | "-o"
                            | "--output"
                    ) {
                        i += 1;
                    }
                }
                _ => context = Some(t.to_string()),
            }
            i += 1;
        }
        let Some(context) = context.map(|c| expand(&c, env)) else {
            continue;
        };
        out.push(ScriptBuild {
            tags: tags
                .iter()
                .map(|(t, span)| {
                    let at = Span::new(map(span.start), map(span.end));
                    (image_of(&expand(t, env), *span), at)
                })
                .collect(),
            file: file.map(|f| expand(&f, env)),
            context,
            pushed: c.argv.iter().any(|w| w.text == "--push"),
            targeted,
            args: arg_names(args.into_iter()),
        });
    }
    out
}

/// The names `docker push NAME` (or `docker image push`) pushes, as
/// repositories.
fn pushed_names<'a>(
    commands: impl Iterator<Item = &'a shell::SimpleCommand>,
    env: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut pushes = Vec::new();
    for c in commands.filter(|c| c.name() == Some("docker")) {
        let words: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
        if let ["docker", "push", rest @ ..] | ["docker", "image", "push", rest @ ..] =
            words.as_slice()
            && let Some(name) = rest.iter().find(|w| !w.starts_with('-'))
        {
            pushes.push(image_of(&expand(name, env), Span::default()).repository());
        }
    }
    pushes
}

/// Images a shell script builds (`build.sh`, `scripts/publish.sh`): kept
/// unresolved in `Stated::script_builds`; the project roots them where
/// the Dockerfile they name exists.
pub fn from_script(script: &shell::Script, out: &mut Stated) {
    // The script's own literal assignments (`IMAGE=acme/api`).
    let mut env = BTreeMap::new();
    for c in script.commands.iter().filter(|c| c.argv.is_empty()) {
        for a in &c.assignments {
            if let Some((k, v)) = a.text.split_once('=')
                && !v.contains('$')
            {
                env.insert(k.to_string(), v.trim_matches(['"', '\'']).to_string());
            }
        }
    }
    // A `cd` elsewhere than the script's own folder moves the paths the
    // builds after it name: those are not followed.
    let moved = script
        .commands
        .iter()
        .filter(|c| matches!(c.name(), Some("cd" | "pushd")))
        .filter(|c| !c.args().iter().any(|a| a.text.contains("dirname")))
        .map(|c| c.span.start)
        .min();
    let mut builds = docker_builds(script, &env, &|o| o);
    // A build of a named stage is not the Dockerfile's final image.
    builds.retain(|b| {
        !b.targeted
            && b.tags
                .iter()
                .all(|(_, at)| moved.is_none_or(|cd| at.start < cd))
    });
    let pushes = pushed_names(script.commands.iter(), &env);
    for b in &mut builds {
        b.pushed |= b.tags.iter().any(|(i, _)| pushes.contains(&i.repository()));
    }
    out.script_builds = builds;
}

/// `defaults: {run: {working-directory: …}}` of a workflow or a job.
fn run_directory(node: &Node) -> Option<&str> {
    node.get("defaults")?
        .get("run")?
        .get("working-directory")?
        .as_str()
}

/// `docker compose -f a.yml -f b.yml …` (or `docker-compose`, `--file`,
/// `-fa.yml`) in a step's script: the files layered, as keys, when there
/// are two or more.
fn compose_stacks(root: &Path, script: &shell::Script, out: &mut Stated) {
    for c in &script.commands {
        let words: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
        let rest = match words.as_slice() {
            ["docker", "compose", rest @ ..] | ["docker-compose", rest @ ..] => rest,
            _ => continue,
        };
        let mut files = Vec::new();
        let mut i = 0;
        while i < rest.len() {
            let w = rest[i];
            let file = match w {
                "-f" | "--file" => {
                    i += 1;
                    rest.get(i).copied()
                }
                _ => w.strip_prefix("--file=").or_else(|| {
                    w.strip_prefix("-f")
                        .filter(|f| !f.is_empty() && !f.starts_with('-'))
                }),
            };
            if let Some(f) = file.filter(|f| !f.contains('$')) {
                files.push(crate::project::key(&root.join(f)));
            }
            i += 1;
        }
        if files.len() > 1 {
            out.compose_stacks.push(files);
        }
    }
}

/// Does a published image's name (`owner/name`: its last path part,
/// without tag or digest) name `dir`: the folder's name (`acme/ggr` in `ggr/`), or its parent's and
/// its own joined (`acme/openvpn-arm` in `openvpn/arm/`)?
fn names_folder(image: &ImageRef, dir: &Path) -> bool {
    if image.unresolved || image.text.contains('$') {
        return false;
    }
    // A published name (`owner/name`): a bare `nginx` is Docker Hub's.
    let repo = image.repository();
    let Some((_, name)) = repo.rsplit_once('/') else {
        return false;
    };
    let part = |p: Option<&std::ffi::OsStr>| p.map(|n| n.to_string_lossy().to_ascii_lowercase());
    let Some(folder) = part(dir.fast_file_name()) else {
        return false;
    };
    !name.is_empty()
        && (name == folder
            || part(dir.fast_parent().and_then(Path::file_name))
                .is_some_and(|parent| name == format!("{parent}-{folder}")))
}

/// Images a compose file builds and runs, with their ports and stop wait.
/// `dev_file`: the compose file is for development (its purpose).
pub fn from_compose(path: &Path, compose: &Compose<'_>, dev_file: bool, out: &mut Stated) {
    // What each service states, for the files layered over this one.
    for s in &compose.services {
        let mut keys = Vec::new();
        for e in s.node.as_map().unwrap_or(&[]) {
            let Some(k) = e.key.as_str() else { continue };
            if k == "deploy" {
                for d in e.value.as_map().unwrap_or(&[]) {
                    if let Some(dk) = d.key.as_str() {
                        keys.push(format!("deploy.{dk}"));
                    }
                }
            }
            // A disabled health check states none: files layered with this
            // one do not count it.
            let disabled = k == "healthcheck" && s.healthcheck_disabled();
            if !disabled {
                keys.push(k.to_string());
            }
        }
        out.compose_settings.push((s.name.text.clone(), keys));
    }
    let dir = crate::project::dir_of(path);
    // Compose names an image it builds `<project>-<service>`; the project
    // is the folder's name unless `name:` says otherwise.
    let project = compose
        .root
        .get("name")
        .and_then(Node::as_str)
        .map(str::to_string)
        .or_else(|| {
            crate::project::key(&dir)
                .fast_file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
        })
        .unwrap_or_default();
    for s in &compose.services {
        let image = s.image();
        let built = crate::rules::compose::build_paths(s, &dir);
        let name = s.name.text.clone();
        if let Some((context, df)) = &built {
            let tag = image
                .as_ref()
                .map(|i| image_of(&i.text, i.span))
                .unwrap_or_else(|| image_of(&format!("{project}-{name}"), s.name.span));
            out.builds.push(Build {
                image: Some(tag),
                dockerfile: crate::project::key(df),
                at: Loc::new(path, s.name.span),
                service: Some(name.clone()),
                context: crate::project::key(context),
                pushed: false,
                stage: s.build_target().map(str::to_string),
                dev_setup: dev_file || s.builds_development_stage() || s.builds_development_image(),
                live_mounts: crate::parse::source_mounts::source_folder_targets(s),
                mounts_context: crate::parse::source_mounts::mounts_build_context(s),
                args: compose_build_args(s.get("build").and_then(|b| b.get("args"))),
            });
        }
        // An image named after the compose file's own folder, run without
        // `build:` (`image: acme/ggr` in `ggr/` beside `ggr/Dockerfile`):
        // the image that folder's Dockerfile builds and publishes. Kept
        // only where that Dockerfile exists (`Project::link`).
        if built.is_none()
            && let Some(i) = &image
            && let image = image_of(&i.text, i.span)
            && names_folder(&image, &crate::project::key(&dir))
        {
            out.presumed_builds.push(Build {
                image: Some(image),
                dockerfile: crate::project::key(&dir.join("Dockerfile")),
                at: Loc::new(path, s.name.span),
                service: None,
                context: crate::project::key(&dir),
                pushed: false,
                stage: None,
                dev_setup: false,
                live_mounts: Vec::new(),
                mounts_context: false,
                args: Vec::new(),
            });
        }
        let image_ref = match (&image, out.builds.last()) {
            (Some(i), _) => image_of(&i.text, i.span),
            (None, Some(b)) if b.service.as_deref() == Some(name.as_str()) => match &b.image {
                Some(i) => i.clone(),
                None => continue,
            },
            _ => continue,
        };
        let mut ports = Vec::new();
        for p in s.ports() {
            if let Ok(n) = p.target.trim().parse::<u16>() {
                ports.push(PortClaim {
                    port: n,
                    role: Role::Publish,
                    at: Loc::new(path, p.span),
                });
            }
        }
        for e in s.get("expose").and_then(Node::as_seq).unwrap_or(&[]) {
            if let Some(n) = e
                .as_str()
                .and_then(|t| t.split('/').next()?.trim().parse().ok())
            {
                ports.push(PortClaim {
                    port: n,
                    role: Role::Expose,
                    at: Loc::new(path, e.span),
                });
            }
        }
        let health_checked = s.get("healthcheck").is_some() && !s.healthcheck_disabled();
        let stop_wait = match s.str_of("stop_grace_period") {
            Some(g) => {
                crate::parse::duration::compose(&g.text).map(|w| (w, Some(Loc::new(path, g.span))))
            }
            // Compose waits 10 s by default.
            None => Some((10.0, None)),
        };
        let mut probes = Vec::new();
        if health_checked && let Some(test) = s.get("healthcheck").and_then(|h| h.get("test")) {
            // The URL in `test:`, a list or a string.
            let parts: Vec<&Node> = match test.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![test],
            };
            for part in parts {
                let Some(text) = part.as_str() else { continue };
                if let Some((p, port, _)) = url_probe(text) {
                    probes.push(Probe {
                        kind: ProbeKind::Healthcheck,
                        path: Some(p),
                        port,
                        at: Loc::new(path, part.span),
                    });
                    break;
                }
            }
        }
        // The program the health check runs: `["CMD", "curl", …]`,
        // `["CMD-SHELL", "curl …"]` or a plain string run by the shell.
        let health_tool = s
            .get("healthcheck")
            .filter(|_| health_checked)
            .and_then(|h| h.get("test"))
            .and_then(|t| {
                let (text, span) = match t.as_seq() {
                    Some(items) => {
                        let first = items.first()?.as_str()?;
                        let item = if first == "CMD" || first == "CMD-SHELL" {
                            items.get(1)?
                        } else {
                            items.first()?
                        };
                        (item.as_str()?, item.span)
                    }
                    None => (t.as_str()?, t.span),
                };
                let word = text.split_whitespace().next()?;
                let program = word.rsplit('/').next().unwrap_or(word).to_string();
                Some((program, Loc::new(path, span)))
            });
        let command = ["command", "entrypoint"]
            .iter()
            .filter_map(|k| s.get(k))
            .collect::<Vec<_>>();
        let migrates = command.iter().find_map(|n| {
            let text = node_text(n);
            crate::parse::command::runs_migrations(&text).then(|| Loc::new(path, n.span))
        });
        let replicas = replicas_of(s.deploy(&["replicas"]), path);
        let cpu_limit = cpu_limit_of(
            s.deploy(&["resources", "limits", "cpus"])
                .or_else(|| s.get("cpus")),
            path,
        );
        let (env_from, env_open) = compose_env_files(s.get("env_file"), &dir);
        out.runs.push(std::sync::Arc::new(Run {
            image: image_ref,
            at: Loc::new(path, s.name.span),
            runner: Runner::Compose { service: name },
            ports,
            stop_wait,
            pre_stop_sleep: None,
            servers: Vec::new(),
            port_names: Vec::new(),
            health_checked,
            command_set: !command.is_empty(),
            probes,
            replicas,
            migrates,
            cpu_limit,
            pod_containers: 1,
            health_tool,
            builds_itself: s.get("build").is_some(),
            env: s
                .environment()
                .iter()
                .map(|e| (e.key.text.clone(), Loc::new(path, e.key.span)))
                .collect(),
            env_from,
            env_open,
            mounts: s.volumes().iter().map(|v| v.target.clone()).collect(),
            host_paths: s
                .volumes()
                .into_iter()
                .filter(|v| v.bind)
                .filter_map(|v| v.source)
                .collect(),
            non_root: s
                .get("user")
                .filter(|u| {
                    let text = u
                        .as_str()
                        .map(str::to_string)
                        .or_else(|| kube::int(u).map(|n| n.to_string()));
                    text.is_some_and(|t| {
                        let user = t.split(':').next().unwrap_or("").trim();
                        !user.is_empty() && user != "root" && user != "0" && !user.contains('$')
                    })
                })
                .map(|u| Loc::new(path, u.span)),
            host_privileges: s.root_privileges().map(|span| Loc::new(path, span)),
        }));
    }
}

/// Where a container is given privileges only root can use: `privileged:
/// true` or capabilities added in its `securityContext`.
fn container_privileges(c: &kube::Container<'_>, path: &Path) -> Option<Loc> {
    let sc = c.security_context()?;
    if let Some(p) = sc.get("privileged").filter(|n| n.as_bool() == Some(true)) {
        return Some(Loc::new(path, p.span));
    }
    sc.get("capabilities")
        .and_then(|c| c.get("add"))
        .and_then(Node::as_seq)
        .and_then(|caps| {
            caps.iter().find(|c| {
                c.as_str()
                    .is_some_and(crate::parse::compose::beyond_defaults)
            })
        })
        .map(|n| Loc::new(path, n.span))
}

/// Where a container is made to run as a user other than root: a
/// non-zero `runAsUser` (the container's wins over the pod's).
/// `runAsNonRoot: true` alone does not: it makes the kubelet refuse an
/// image that would run as root, which is the image's problem still.
fn runs_non_root(w: &kube::Workload<'_>, c: &kube::Container<'_>, path: &Path) -> Option<Loc> {
    let user = crate::rules::kube::effective(w, c, "runAsUser")?;
    kube::int(user)
        .is_some_and(|u| u > 0)
        .then(|| Loc::new(path, user.span))
}

/// The images a skaffold config builds (`build.artifacts`, its
/// profiles' too): each `image` from `context` (the config's folder by
/// default) with `docker.dockerfile` (`Dockerfile` by default).
fn from_skaffold(path: &Path, o: &kube::Object<'_>, out: &mut Stated) {
    let artifacts = kube::skaffold_artifacts(o.node);
    if artifacts.is_empty() {
        return;
    }
    let root = crate::project::dir_of(&crate::project::key(path));
    for a in artifacts {
        let Some(image) = a.get("image") else {
            continue;
        };
        let Some(name) = image.as_str() else { continue };
        let context = a.get("context").and_then(Node::as_str).unwrap_or(".");
        let file = a
            .get("docker")
            .and_then(|d| d.get("dockerfile"))
            .and_then(Node::as_str)
            .unwrap_or("Dockerfile");
        let context_dir = root.join(context);
        out.builds.push(Build {
            image: Some(image_of(name, image.span)),
            dockerfile: crate::project::key(&context_dir.join(file)),
            at: Loc::new(path, image.span),
            service: None,
            context: crate::project::key(&context_dir),
            pushed: false,
            stage: None,
            dev_setup: false,
            live_mounts: Vec::new(),
            mounts_context: false,
            args: Vec::new(),
        });
    }
}

/// The names compose `build.args` sets: a map's keys, or a list's
/// `NAME=value` / `NAME` items.
fn compose_build_args(node: Option<&Node>) -> Vec<String> {
    let Some(node) = node else {
        return Vec::new();
    };
    match (node.as_map(), node.as_seq()) {
        (Some(map), _) => arg_names(map.iter().filter_map(|e| e.key.as_str())),
        (_, Some(items)) => arg_names(items.iter().filter_map(Node::as_str)),
        _ => Vec::new(),
    }
}

/// A command node's words as one text: a string, or a list joined by
/// spaces.
fn node_text(n: &Node) -> String {
    match n.as_seq() {
        Some(items) => items
            .iter()
            .filter_map(Node::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        None => n.as_str().unwrap_or_default().to_string(),
    }
}

/// Images Kubernetes containers run, with their ports, probes, preStop
/// sleep and grace period; and the ports Services route to.
pub fn from_manifest(path: &Path, objects: &[kube::Object<'_>], out: &mut Stated) {
    for w in kube::workloads(objects) {
        let grace = w.pod_spec.get("terminationGracePeriodSeconds");
        let stop_wait = match grace {
            Some(g) => kube::int(g).map(|n| (n as f64, Some(Loc::new(path, g.span)))),
            // Kubernetes waits 30 s by default.
            None => Some((30.0, None)),
        };
        let containers = w.containers();
        let pod_containers = containers.len();
        for c in containers {
            let Some(image) = c.get("image").and_then(|n| n.as_str().map(|t| (t, n.span))) else {
                continue;
            };
            let (env_from, env_open) = env_from_objects(c.get("envFrom"));
            let declared = c.ports();
            let mut ports: Vec<PortClaim> = declared
                .iter()
                .filter_map(|p| {
                    Some(PortClaim {
                        port: u16::try_from(p.number?).ok()?,
                        role: Role::ContainerPort,
                        at: Loc::new(path, p.span),
                    })
                })
                .collect();
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some((port, node)) =
                    c.get(probe).and_then(kube::Probe::of).and_then(|p| p.port)
                else {
                    continue;
                };
                // A named port is the container's port of that name.
                let number = match port {
                    kube::PortRef::Number(n) => Some(n),
                    kube::PortRef::Name(name) => declared
                        .iter()
                        .find(|p| p.name.as_deref() == Some(name.as_str()))
                        .and_then(|p| p.number),
                };
                if let Some(n) = number.and_then(|n| u16::try_from(n).ok()) {
                    ports.push(PortClaim {
                        port: n,
                        role: Role::Probe,
                        at: Loc::new(path, node.span),
                    });
                }
            }
            let pre_stop_sleep = c
                .pre_stop_sleep()
                .map(|(n, node)| (n as f64, Loc::new(path, node.span)));
            let mut probes = Vec::new();
            for (key, kind) in [
                ("livenessProbe", ProbeKind::Liveness),
                ("readinessProbe", ProbeKind::Readiness),
                ("startupProbe", ProbeKind::Startup),
            ] {
                let Some(node) = c.get(key) else { continue };
                let Some(p) = kube::Probe::of(node) else {
                    continue;
                };
                if p.handler != "httpGet" {
                    continue;
                }
                let port = p.port.as_ref().and_then(|(r, _)| match r {
                    kube::PortRef::Number(n) => u16::try_from(*n).ok(),
                    kube::PortRef::Name(name) => declared
                        .iter()
                        .find(|d| d.name.as_deref() == Some(name.as_str()))
                        .and_then(|d| u16::try_from(d.number?).ok()),
                });
                let at = node
                    .get("httpGet")
                    .and_then(|h| h.get("path"))
                    .map_or(node.span, |n| n.span);
                probes.push(Probe {
                    kind,
                    path: Some(p.path.clone().unwrap_or_else(|| "/".to_string())),
                    port,
                    at: Loc::new(path, at),
                });
            }
            let command: Vec<&Node> = ["command", "args"]
                .iter()
                .filter_map(|k| c.get(k))
                .collect();
            let migrates = command.iter().find_map(|n| {
                crate::parse::command::runs_migrations(&node_text(n))
                    .then(|| Loc::new(path, n.span))
            });
            let replicas = replicas_of(w.replicas(), path);
            let cpu_limit = cpu_limit_of(
                c.get("resources")
                    .and_then(|r| r.get("limits"))
                    .and_then(|l| l.get("cpu")),
                path,
            );
            out.runs.push(std::sync::Arc::new(Run {
                image: image_of(image.0, image.1),
                at: Loc::new(path, image.1),
                runner: Runner::Kubernetes {
                    namespace: w.object.namespace.clone(),
                    kind: w.kind().to_string(),
                    name: w.object.name_text().to_string(),
                    container: c.name_text().to_string(),
                    labels: w.labels.clone(),
                },
                ports,
                stop_wait: stop_wait.clone(),
                pre_stop_sleep,
                servers: Vec::new(),
                port_names: declared
                    .iter()
                    .filter_map(|p| Some((p.name.clone()?, u16::try_from(p.number?).ok()?)))
                    .collect(),
                health_checked: c.get("livenessProbe").is_some()
                    || c.get("readinessProbe").is_some(),
                command_set: !command.is_empty(),
                probes,
                replicas,
                migrates,
                cpu_limit,
                pod_containers,
                health_tool: None,
                builds_itself: false,
                env: c
                    .get("env")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|e| {
                        let n = e.get("name")?;
                        Some((n.as_str()?.to_string(), Loc::new(path, n.span)))
                    })
                    .collect(),
                env_from,
                env_open,
                mounts: c
                    .get("volumeMounts")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|m| {
                        let path = m.get("mountPath")?.as_str()?;
                        // A `subPath` mounts one file at the path.
                        Some(path.to_string())
                    })
                    .collect(),
                host_paths: host_paths_of(&w, &c),
                non_root: runs_non_root(&w, &c, path),
                host_privileges: container_privileges(&c, path),
            }));
        }
    }
    // What the audit asks of the rollout and of TLS, read in this one
    // walk of the objects; and the images a skaffold config builds.
    for o in objects {
        if o.kind.text == "Config" {
            from_skaffold(path, o, out);
            continue;
        }
        let at = Loc::new(path, o.kind.span);
        match o.kind.text.as_str() {
            "Ingress" => {
                let tls = o
                    .spec()
                    .and_then(|s| s.get("tls"))
                    .map(|t| Loc::new(path, t.span));
                out.ingresses.push((at, tls));
            }
            "Deployment" => {
                let zero = o
                    .spec()
                    .and_then(|s| s.get("strategy"))
                    .and_then(|s| s.get("rollingUpdate"))
                    .and_then(|s| s.get("maxUnavailable"))
                    .filter(|m| matches!(m.as_str(), Some("0" | "0%")))
                    .map(|m| Loc::new(path, m.span));
                out.deployments.push((at, zero));
            }
            _ => {}
        }
    }
    // The keys ConfigMaps and Secrets hold, for the `envFrom:` that
    // name them.
    for o in objects {
        let kind = match o.kind.text.as_str() {
            "ConfigMap" => "ConfigMap",
            "Secret" => "Secret",
            _ => continue,
        };
        let keys = ["data", "stringData"]
            .iter()
            .filter_map(|f| o.node.get(f)?.as_map())
            .flatten()
            .filter_map(|e| e.key.as_str().map(str::to_string))
            .collect();
        out.env_objects
            .push((kind, o.name_text().to_string(), keys));
    }
    for o in objects.iter().filter(|o| o.kind.text == "Service") {
        let Some(spec) = o.spec() else { continue };
        let selector = kube::string_map(spec.get("selector"));
        let mut targets = Vec::new();
        let mut named = Vec::new();
        for p in spec.get("ports").and_then(Node::as_seq).unwrap_or(&[]) {
            let node = p.get("targetPort").or_else(|| p.get("port"));
            if let Some(n) = node
                && let Some(v) = kube::int(n).and_then(|v| u16::try_from(v).ok())
            {
                targets.push(PortClaim {
                    port: v,
                    role: Role::ServiceTarget,
                    at: Loc::new(path, n.span),
                });
            } else if let Some(n) = p.get("targetPort")
                && let Some(name) = n.as_str()
            {
                // A container port's name: resolved against each pod the
                // Service selects, when units are linked.
                named.push((name.to_string(), Loc::new(path, n.span)));
            }
        }
        if !selector.is_empty() {
            out.services.push(super::ports::ServicePorts {
                file: std::sync::Arc::from(path),
                namespace: o.namespace.clone(),
                selector,
                targets,
                named_targets: named,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansions() {
        let env: BTreeMap<String, String> = [("IMAGE".to_string(), "ghcr.io/o/app".to_string())]
            .into_iter()
            .collect();
        assert_eq!(expand("$IMAGE:1", &env), "ghcr.io/o/app:1");
        assert_eq!(expand("${IMAGE}", &env), "ghcr.io/o/app");
        assert_eq!(
            expand("${{ env.IMAGE }}:${{ github.sha }}", &env),
            "ghcr.io/o/app:${{ github.sha }}"
        );
        assert_eq!(expand("$OTHER", &env), "$OTHER");
        let built = image_of(
            &expand("${{ env.IMAGE }}:${{ github.sha }}", &env),
            Span::default(),
        );
        assert!(built.same_image(&image_of("ghcr.io/o/app:1.4", Span::default())));
        assert!(image_of("$REGISTRY/app", Span::default()).unresolved);
    }
}
