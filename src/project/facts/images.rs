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

fn loc(path: &Path, span: Span) -> Loc {
    Loc {
        file: path.to_path_buf(),
        span,
    }
}

/// `$NAME`, `${NAME}` and `${{ env.NAME }}` replaced by literal values of
/// `env`; a reference with no known value stays as written.
fn expand(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, used) = if let Some(inner) = after.strip_prefix("{{") {
            match inner.find("}}") {
                Some(end) => {
                    let expr = inner[..end].trim();
                    (
                        expr.strip_prefix("env.").map(|n| n.trim().to_string()),
                        end + 4,
                    )
                }
                None => (None, after.len()),
            }
        } else if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => (Some(inner[..end].to_string()), end + 2),
                None => (None, after.len()),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (Some(after[..end].to_string()), end)
        };
        match name.and_then(|n| env.get(&n)) {
            Some(v) => out.push_str(v),
            None => {
                out.push('$');
                out.push_str(&after[..used.min(after.len())]);
            }
        }
        rest = &after[used.min(after.len())..];
    }
    out.push_str(rest);
    out
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
fn workflow_root(path: &Path) -> PathBuf {
    let key = crate::project::key(path);
    key.parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
}

/// Images a workflow builds.
pub fn from_workflow(path: &Path, workflow: &Workflow<'_>, out: &mut Stated) {
    let root = workflow_root(path);
    let mut top = BTreeMap::new();
    env_of(workflow.env, &mut top);
    for job in &workflow.jobs {
        let mut job_env = top.clone();
        env_of(job.env, &mut job_env);
        for step in &job.steps {
            let mut env = job_env.clone();
            env_of(step.env, &mut env);
            if let Some(uses) = &step.uses
                && crate::rules::workflow::helpers::step_uses(step, "docker/build-push-action")
            {
                let with = |k: &str| step.with.and_then(|w| w.get(k)).and_then(Node::as_str);
                let context = with("context").unwrap_or(".");
                let file = with("file");
                let dockerfile = dockerfile_key(&root, context, file);
                let context = crate::project::key(&root.join(context));
                let tags = with("tags").unwrap_or("");
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
                        at: loc(path, uses.span),
                        service: None,
                        context: context.clone(),
                    });
                }
                if !any {
                    out.builds.push(Build {
                        image: None,
                        dockerfile,
                        at: loc(path, uses.span),
                        service: None,
                        context,
                    });
                }
            }
            if let Some(script) = &step.script {
                docker_builds(path, &root, script, &env, out);
            }
        }
    }
}

/// `docker build` / `docker buildx build` / `docker image build` in a
/// step's script: `-t`, `-f` and the context.
fn docker_builds(
    path: &Path,
    root: &Path,
    script: &shell::Script,
    env: &BTreeMap<String, String>,
    out: &mut Stated,
) {
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
        let mut i = skip;
        while i < c.argv.len() {
            let w = &c.argv[i];
            let t = w.text.as_str();
            match t {
                "-t" | "--tag" => {
                    tags.extend(c.argv.get(i + 1).cloned());
                    i += 2;
                    continue;
                }
                "-f" | "--file" => {
                    file = c.argv.get(i + 1).map(|w| w.text.clone());
                    i += 2;
                    continue;
                }
                _ if t.starts_with("--tag=") => tags.push(shell::Word {
                    text: t["--tag=".len()..].to_string(),
                    ..w.clone()
                }),
                _ if t.starts_with("--file=") => file = Some(t["--file=".len()..].to_string()),
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
        let file = file.map(|f| expand(&f, env));
        let dockerfile = match &file {
            // `-f` is relative to the working folder (the checkout).
            Some(f) => crate::project::key(&root.join(f)),
            None => dockerfile_key(root, &context, None),
        };
        let context = crate::project::key(&root.join(&context));
        for t in &tags {
            out.builds.push(Build {
                image: Some(image_of(&expand(&t.text, env), t.span)),
                dockerfile: dockerfile.clone(),
                at: loc(path, t.span),
                service: None,
                context: context.clone(),
            });
        }
    }
}

/// Images a compose file builds and runs, with their ports and stop wait.
pub fn from_compose(path: &Path, compose: &Compose<'_>, out: &mut Stated) {
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
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
        })
        .unwrap_or_default();
    for s in &compose.services {
        let image = s.image();
        let built = crate::rules::compose::build_paths(s, &dir);
        let name = s.name.text.clone();
        if let Some((context, df)) = built {
            let tag = image
                .as_ref()
                .map(|i| image_of(&i.text, i.span))
                .unwrap_or_else(|| image_of(&format!("{project}-{name}"), s.name.span));
            out.builds.push(Build {
                image: Some(tag),
                dockerfile: crate::project::key(&df),
                at: loc(path, s.name.span),
                service: Some(name.clone()),
                context: crate::project::key(&context),
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
                    at: loc(path, p.span),
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
                    at: loc(path, e.span),
                });
            }
        }
        let health_checked = s.get("healthcheck").is_some_and(|h| {
            h.get("disable").and_then(Node::as_bool) != Some(true)
                && h.get("test")
                    .and_then(Node::as_seq)
                    .and_then(|t| t.first())
                    .and_then(Node::as_str)
                    != Some("NONE")
        });
        let stop_wait = match s.str_of("stop_grace_period") {
            Some(g) => {
                crate::parse::duration::compose(&g.text).map(|w| (w, Some(loc(path, g.span))))
            }
            // Compose waits 10 s by default.
            None => Some((10.0, None)),
        };
        out.runs.push(Run {
            image: image_ref,
            at: loc(path, s.name.span),
            runner: Runner::Compose { service: name },
            ports,
            stop_wait,
            pre_stop_sleep: None,
            servers: Vec::new(),
            port_names: Vec::new(),
            health_checked,
        });
    }
}

/// Images Kubernetes containers run, with their ports, probes, preStop
/// sleep and grace period; and the ports Services route to.
pub fn from_manifest(path: &Path, objects: &[kube::Object<'_>], out: &mut Stated) {
    for w in kube::workloads(objects) {
        let grace = w.pod_spec.get("terminationGracePeriodSeconds");
        let stop_wait = match grace {
            Some(g) => kube::int(g).map(|n| (n as f64, Some(loc(path, g.span)))),
            // Kubernetes waits 30 s by default.
            None => Some((30.0, None)),
        };
        for c in w.containers() {
            let Some(image) = c.get("image").and_then(|n| n.as_str().map(|t| (t, n.span))) else {
                continue;
            };
            let declared = c.ports();
            let mut ports: Vec<PortClaim> = declared
                .iter()
                .filter_map(|p| {
                    Some(PortClaim {
                        port: u16::try_from(p.number?).ok()?,
                        role: Role::ContainerPort,
                        at: loc(path, p.span),
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
                        at: loc(path, node.span),
                    });
                }
            }
            let pre_stop_sleep = c
                .pre_stop_sleep()
                .map(|(n, node)| (n as f64, loc(path, node.span)));
            out.runs.push(Run {
                image: image_of(image.0, image.1),
                at: loc(path, image.1),
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
            });
        }
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
                    at: loc(path, n.span),
                });
            } else if let Some(n) = p.get("targetPort")
                && let Some(name) = n.as_str()
            {
                // A container port's name: resolved against each pod the
                // Service selects, when units are linked.
                named.push((name.to_string(), loc(path, n.span)));
            }
        }
        if !selector.is_empty() {
            out.services.push(super::ports::ServicePorts {
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
