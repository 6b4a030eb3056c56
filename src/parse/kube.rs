//! A typed view with spans over Kubernetes manifests: every object of
//! every document (and the items of a `List`), the pod template of each
//! workload, its containers, and the Services, HorizontalPodAutoscalers
//! and PodDisruptionBudgets that refer to workloads by label or name.

use crate::parse::workflow::Spanned;
use crate::parse::yaml::{Node, YamlFile};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Object<'a> {
    pub node: &'a Node,
    pub api_version: Spanned,
    pub kind: Spanned,
    pub name: Option<Spanned>,
    pub namespace: Option<String>,
}

impl<'a> Object<'a> {
    pub fn spec(&self) -> Option<&'a Node> {
        self.node.get("spec")
    }

    pub fn name_text(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.text.as_str())
    }
}

/// Every object in the file, in order (documents, then `List` items).
pub fn objects(file: &YamlFile) -> Vec<Object<'_>> {
    let mut out = Vec::new();
    for root in file.documents.iter().flatten() {
        collect(root, &mut out);
    }
    out
}

fn collect<'a>(node: &'a Node, out: &mut Vec<Object<'a>>) {
    let (Some(api_version), Some(kind)) = (
        node.get("apiVersion").and_then(Spanned::of),
        node.get("kind").and_then(Spanned::of),
    ) else {
        return;
    };
    if kind.text.ends_with("List") {
        for item in node.get("items").and_then(Node::as_seq).unwrap_or(&[]) {
            collect(item, out);
        }
        return;
    }
    let meta = node.get("metadata");
    out.push(Object {
        node,
        api_version,
        kind,
        name: meta.and_then(|m| m.get("name")).and_then(Spanned::of),
        namespace: meta
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .map(str::to_string),
    });
}

/// The pod template of a workload.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload<'a> {
    pub object: Object<'a>,
    pub pod_spec: &'a Node,
    /// The pod template's labels (`metadata.labels` for a bare Pod).
    pub labels: BTreeMap<String, String>,
}

/// Kinds that run long-lived pods serving traffic.
pub const SERVING_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];

impl<'a> Workload<'a> {
    pub fn kind(&self) -> &str {
        &self.object.kind.text
    }

    pub fn containers(&self) -> Vec<Container<'a>> {
        containers_of(self.pod_spec.get("containers"), false)
    }

    pub fn init_containers(&self) -> Vec<Container<'a>> {
        containers_of(self.pod_spec.get("initContainers"), true)
    }

    /// A kustomize patch or an overlay fragment: some container has no
    /// image, so "missing" findings would be about what the base sets.
    pub fn is_partial(&self) -> bool {
        let c = self.containers();
        c.is_empty() || c.iter().any(|c| c.node.get("image").is_none())
    }

    pub fn replicas(&self) -> Option<&'a Node> {
        self.object.spec()?.get("replicas")
    }

    /// The labels the workload's controller selects (`matchLabels`, or a
    /// ReplicationController's plain map), when there are any.
    pub fn selector(&self) -> Option<BTreeMap<String, String>> {
        let sel = self.object.spec()?.get("selector")?;
        let map = string_map(sel.get("matchLabels").or(Some(sel)));
        let map: BTreeMap<String, String> = map
            .into_iter()
            .filter(|(k, _)| k != "matchLabels" && k != "matchExpressions")
            .collect();
        // Expressions narrow the selection: two selectors are not known equal.
        (!map.is_empty() && sel.get("matchExpressions").is_none()).then_some(map)
    }

    pub fn is_serving_kind(&self) -> bool {
        SERVING_KINDS.contains(&self.kind())
    }
}

/// The workloads among `objects`.
pub fn workloads<'a>(objects: &[Object<'a>]) -> Vec<Workload<'a>> {
    objects
        .iter()
        .filter_map(|o| {
            let (template, labels_at): (&Node, Option<&Node>) = match o.kind.text.as_str() {
                "Pod" => (o.node, o.node.get("metadata")),
                "Deployment"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicaSet"
                | "Job"
                | "ReplicationController" => {
                    let t = o.spec()?.get("template")?;
                    (t, t.get("metadata"))
                }
                "CronJob" => {
                    let t = o.spec()?.get("jobTemplate")?.get("spec")?.get("template")?;
                    (t, t.get("metadata"))
                }
                _ => return None,
            };
            let pod_spec = template.get("spec")?;
            Some(Workload {
                object: o.clone(),
                pod_spec,
                labels: string_map(labels_at.and_then(|m| m.get("labels"))),
            })
        })
        .collect()
}

/// A map of strings (labels, a selector's `matchLabels`).
pub fn string_map(node: Option<&Node>) -> BTreeMap<String, String> {
    node.and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((e.key.as_str()?.to_string(), e.value.as_str()?.to_string())))
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub number: Option<i64>,
    /// Where `containerPort` is written (the entry when it is not).
    pub span: crate::source::Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub name: Option<Spanned>,
    pub init: bool,
}

fn containers_of(node: Option<&Node>, init: bool) -> Vec<Container<'_>> {
    node.and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter(|n| n.as_map().is_some())
        .map(|n| Container {
            node: n,
            name: n.get("name").and_then(Spanned::of),
            init,
        })
        .collect()
}

/// An integer in YAML (`8080`, `"8080"`).
pub fn int(node: &Node) -> Option<i64> {
    node.as_str()?.trim().parse().ok()
}

impl<'a> Container<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    pub fn name_text(&self) -> &str {
        self.name.as_ref().map_or("", |n| n.text.as_str())
    }

    /// Where a finding about the container as a whole points: its name.
    pub fn head(&self) -> crate::source::Span {
        self.name.as_ref().map_or(self.node.span, |n| n.span)
    }

    pub fn ports(&self) -> Vec<ContainerPort> {
        self.get("ports")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .map(|p| ContainerPort {
                name: p.get("name").and_then(Node::as_str).map(str::to_string),
                number: p.get("containerPort").and_then(int),
                span: p.get("containerPort").map_or(p.span, |n| n.span),
            })
            .collect()
    }

    pub fn security_context(&self) -> Option<&'a Node> {
        self.get("securityContext")
    }

    /// `lifecycle.preStop`
    pub fn pre_stop(&self) -> Option<&'a Node> {
        self.get("lifecycle")?.get("preStop")
    }

    /// Seconds the `preStop` hook sleeps, when it is a sleep (`sleep:` or
    /// an exec command that runs `sleep N`), and the node that says so.
    pub fn pre_stop_sleep(&self) -> Option<(i64, &'a Node)> {
        let pre_stop = self.pre_stop()?;
        if let Some(s) = pre_stop.get("sleep").and_then(|s| s.get("seconds")) {
            return int(s).map(|n| (n, s));
        }
        let cmd = pre_stop.get("exec")?.get("command")?;
        let words: Vec<&str> = cmd.as_seq()?.iter().filter_map(Node::as_str).collect();
        crate::parse::duration::sleep_in(&words.join(" ")).map(|n| (n, cmd))
    }

    /// `env:` entries: name, literal value, and whether it comes from a
    /// reference (`valueFrom`).
    pub fn env(&self) -> Vec<(Spanned, Option<&'a Node>)> {
        self.get("env")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| Some((Spanned::of(e.get("name")?)?, e.get("value"))))
            .collect()
    }
}

/// The port a probe or hook targets, as written: a number or a name.
#[derive(Debug, Clone, PartialEq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

/// What a probe does.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe<'a> {
    pub node: &'a Node,
    /// `httpGet`, `tcpSocket`, `grpc`, `exec`.
    pub handler: &'static str,
    pub path: Option<String>,
    pub port: Option<(PortRef, &'a Node)>,
}

impl<'a> Probe<'a> {
    pub fn of(node: &'a Node) -> Option<Probe<'a>> {
        for handler in ["httpGet", "tcpSocket", "grpc", "exec"] {
            if let Some(h) = node.get(handler) {
                let port = h.get("port").and_then(|p| {
                    let r = match int(p) {
                        Some(n) => PortRef::Number(n),
                        None => PortRef::Name(p.as_str()?.to_string()),
                    };
                    Some((r, p))
                });
                return Some(Probe {
                    node,
                    handler,
                    path: h.get("path").and_then(Node::as_str).map(str::to_string),
                    port,
                });
            }
        }
        None
    }

    /// What it checks, comparable between probes: handler, port, path or
    /// command.
    pub fn target(&self) -> String {
        let port = match &self.port {
            Some((PortRef::Number(n), _)) => n.to_string(),
            Some((PortRef::Name(s), _)) => s.clone(),
            None => String::new(),
        };
        let exec = self
            .node
            .get("exec")
            .and_then(|e| e.get("command"))
            .and_then(Node::as_seq)
            .map(|c| {
                c.iter()
                    .filter_map(Node::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        format!(
            "{} {} {} {}",
            self.handler,
            port,
            self.path.as_deref().unwrap_or(""),
            exec
        )
    }
}

/// Cross-object facts: which workloads a Service, an autoscaler or a
/// disruption budget refers to. Built from every manifest of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    pub services: Vec<(Option<String>, BTreeMap<String, String>, Scope)>,
    /// (namespace, target kind, target name): HorizontalPodAutoscalers and
    /// KEDA ScaledObjects.
    pub autoscalers: Vec<(Option<String>, String, String, Scope)>,
    pub budgets: Vec<(Option<String>, BTreeMap<String, String>, Scope)>,
    /// Image names a kustomization's `images:` or a skaffold config's
    /// `build.artifacts` rewrite at deploy time (the repository's, not
    /// scoped: an overlay rewrites the images of a base elsewhere).
    pub rewritten_images: std::collections::BTreeSet<String>,
    /// (namespace, name) of PersistentVolumeClaims that one node at a time
    /// can mount (`ReadWriteOnce`, `ReadWriteOncePod`).
    pub exclusive_claims: Vec<(Option<String>, String, Scope)>,
    /// Controllers with their selectors: namespace, kind, name, selected
    /// labels, scope, and the file they are declared in (set by the
    /// project; `None` for the file being linted).
    pub controllers: Vec<Controller>,
    /// `exclusive_claims` by name, built on first use.
    claims_by_name: std::sync::OnceLock<crate::hashing::FastMap<String, Vec<Option<String>>>>,
    /// `controllers` by (namespace, selector), built on first use.
    by_selector: std::sync::OnceLock<SelectorIndex>,
    /// `services`, `autoscalers` and `budgets` by scope, built on first
    /// use: a workload is looked up against the objects of the folders
    /// above it only (checking every object for every workload made a
    /// tree of many applications quadratic).
    by_scope: std::sync::OnceLock<[ByScope; 3]>,
}

/// The objects of one list of the [`Index`] (their positions) by scope:
/// those of no scope (the file itself), and the others by their folder's
/// bytes without a trailing separator.
#[derive(Debug, Clone, Default, PartialEq)]
struct ByScope {
    unscoped: Vec<usize>,
    by_folder: crate::hashing::FastMap<Vec<u8>, Vec<usize>>,
}

impl ByScope {
    fn of<'s>(scopes: impl Iterator<Item = &'s Scope>) -> ByScope {
        let mut by = ByScope::default();
        for (i, scope) in scopes.enumerate() {
            match scope {
                None => by.unscoped.push(i),
                Some(s) => {
                    let s = s.as_os_str().as_encoded_bytes();
                    let s = s.strip_suffix(b"/").unwrap_or(s);
                    by.by_folder.entry(s.to_vec()).or_default().push(i);
                }
            }
        }
        by
    }

    /// Whether `hit` holds for an object (by position, of `all`) whose
    /// scope may apply to a workload at `at`: the unscoped ones, and
    /// those of the empty folder, of each folder above `at` and of `at`
    /// itself (a superset of what [`in_scope`] accepts, which `hit`
    /// checks); every object when `at` is unknown (or off Unix, where
    /// paths are not compared by bytes).
    fn any(&self, at: Option<&std::path::Path>, all: usize, hit: impl Fn(usize) -> bool) -> bool {
        let Some(at) = at.filter(|_| cfg!(unix)) else {
            return (0..all).any(hit);
        };
        let a = at.as_os_str().as_encoded_bytes();
        let folders = a
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'/')
            .map(|(i, _)| a.get(..i).unwrap_or_default())
            .chain([a]);
        let scoped = std::iter::once(&b""[..])
            .chain(folders)
            .filter_map(|f| self.by_folder.get(f))
            .flatten();
        self.unscoped.iter().chain(scoped).any(|&i| hit(i))
    }
}

/// How many controllers of one selector are looked at for a workload: a
/// crafted file of thousands of copies of one selector stays linear.
const MAX_SAME_SELECTOR: usize = 64;

/// Controllers (their indexes) by namespace and selected labels.
type SelectorIndex =
    crate::hashing::FastMap<(Option<String>, BTreeMap<String, String>), Vec<usize>>;

/// A workload controller and the labels it selects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Controller {
    pub namespace: Option<String>,
    pub kind: String,
    pub name: String,
    pub selector: BTreeMap<String, String>,
    pub scope: Scope,
    pub file: Option<String>,
}

/// The application folder an object was declared in: it applies to the
/// workloads of that folder and its subfolders only (a Service in
/// `team-a/` gives no duty to a Deployment in `team-b/`, an autoscaler in
/// `testdata/` silences nothing elsewhere). `None`: the file itself.
pub type Scope = Option<std::path::PathBuf>;

/// Whether an object of `scope` applies to a workload declared in the
/// folder `at` (canonical; `None` when unknown).
fn in_scope(scope: &Scope, at: Option<&std::path::Path>) -> bool {
    match (scope, at) {
        // Both are normalised: a byte prefix ending at a separator is a
        // folder prefix (and costs far less than a component walk; every
        // workload is checked against every object of the index).
        (Some(s), Some(a)) if !cfg!(unix) => a.starts_with(s),
        (Some(s), Some(a)) => {
            let (s, a) = (
                s.as_os_str().as_encoded_bytes(),
                a.as_os_str().as_encoded_bytes(),
            );
            let s = s.strip_suffix(b"/").unwrap_or(s);
            a.starts_with(s)
                && (a.len() == s.len() || a.get(s.len()) == Some(&b'/') || s.is_empty())
        }
        _ => true,
    }
}

/// The application folder of a manifest in the canonical folder `dir`:
/// the nearest folder above holding a `kustomization.yaml` (within the
/// repository and the folder checked, `top`), else `dir` itself.
pub fn app_folder(
    dir: &std::path::Path,
    top: Option<&std::path::Path>,
    kustomized: impl Fn(&std::path::Path) -> bool,
) -> std::path::PathBuf {
    for d in dir.ancestors().take(8) {
        if top.is_some_and(|t| !d.starts_with(t)) {
            break;
        }
        if kustomized(d) {
            return d.to_path_buf();
        }
    }
    dir.to_path_buf()
}

fn same_namespace(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

impl Index {
    /// Whether any object was added with a folder scope.
    pub fn is_scoped(&self) -> bool {
        self.services.iter().any(|s| s.2.is_some())
            || self.autoscalers.iter().any(|a| a.3.is_some())
            || self.budgets.iter().any(|b| b.2.is_some())
    }

    /// Adds the objects of one file, which apply to its own workloads.
    pub fn add(&mut self, objects: &[Object<'_>]) {
        self.add_in(objects, None);
    }

    /// Adds the objects of a file of the application folder `scope`.
    pub fn add_in(&mut self, objects: &[Object<'_>], scope: Scope) {
        self.by_scope = std::sync::OnceLock::new();
        for w in workloads(objects) {
            if !matches!(
                w.kind(),
                "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController"
            ) || w.is_partial()
            {
                continue;
            }
            if let Some(selector) = w.selector() {
                self.controllers.push(Controller {
                    namespace: w.object.namespace.clone(),
                    kind: w.kind().to_string(),
                    name: w.object.name_text().to_string(),
                    selector,
                    scope: scope.clone(),
                    file: None,
                });
            }
        }
        for o in objects {
            let spec = o.spec();
            match o.kind.text.as_str() {
                "Service" => self.services.push((
                    o.namespace.clone(),
                    string_map(spec.and_then(|s| s.get("selector"))),
                    scope.clone(),
                )),
                // KEDA's ScaledObject scales a Deployment by default.
                kind @ ("HorizontalPodAutoscaler" | "ScaledObject") => {
                    let t = spec.and_then(|s| s.get("scaleTargetRef"));
                    let s = |k: &str| {
                        t.and_then(|t| t.get(k))
                            .and_then(Node::as_str)
                            .unwrap_or("")
                            .to_string()
                    };
                    let mut target = s("kind");
                    if target.is_empty() && kind == "ScaledObject" {
                        target = "Deployment".to_string();
                    }
                    self.autoscalers
                        .push((o.namespace.clone(), target, s("name"), scope.clone()));
                }
                "Kustomization" => {
                    let images = o.node.get("images").and_then(Node::as_seq).unwrap_or(&[]);
                    self.rewritten_images.extend(
                        images
                            .iter()
                            .filter_map(|i| i.get("name").and_then(Node::as_str))
                            .map(str::to_string),
                    );
                }
                "Config"
                    if o.node
                        .get("apiVersion")
                        .and_then(Node::as_str)
                        .is_some_and(|v| v.starts_with("skaffold/")) =>
                {
                    self.rewritten_images.extend(
                        skaffold_artifacts(o.node)
                            .into_iter()
                            .filter_map(|a| a.get("image").and_then(Node::as_str))
                            .map(str::to_string),
                    );
                }
                "PersistentVolumeClaim" => {
                    let modes = spec
                        .and_then(|s| s.get("accessModes"))
                        .and_then(Node::as_seq)
                        .unwrap_or(&[]);
                    let exclusive = !modes.is_empty()
                        && modes.iter().all(|m| {
                            matches!(m.as_str(), Some("ReadWriteOnce" | "ReadWriteOncePod"))
                        });
                    if exclusive {
                        self.exclusive_claims.push((
                            o.namespace.clone(),
                            o.name_text().to_string(),
                            scope.clone(),
                        ));
                    }
                }
                "PodDisruptionBudget" => self.budgets.push((
                    o.namespace.clone(),
                    string_map(
                        spec.and_then(|s| s.get("selector"))
                            .and_then(|s| s.get("matchLabels")),
                    ),
                    scope.clone(),
                )),
                _ => {}
            }
        }
    }

    /// Whether a Service selects the workload, declared in the folder
    /// `at` (canonical, when known).
    pub fn has_service_for(&self, w: &Workload<'_>, at: Option<&std::path::Path>) -> bool {
        selector_applies(&self.services, &self.scoped()[0], w, at)
    }

    pub fn has_autoscaler_for(&self, w: &Workload<'_>, at: Option<&std::path::Path>) -> bool {
        let autoscalers = &self.scoped()[1];
        autoscalers.any(at, self.autoscalers.len(), |i| {
            self.autoscalers
                .get(i)
                .is_some_and(|(ns, kind, name, scope)| {
                    in_scope(scope, at)
                        && same_namespace(ns, &w.object.namespace)
                        && kind == w.kind()
                        && name == w.object.name_text()
                })
        })
    }

    /// [`Index::by_scope`], built when first asked.
    fn scoped(&self) -> &[ByScope; 3] {
        self.by_scope.get_or_init(|| {
            [
                ByScope::of(self.services.iter().map(|s| &s.2)),
                ByScope::of(self.autoscalers.iter().map(|a| &a.3)),
                ByScope::of(self.budgets.iter().map(|b| &b.2)),
            ]
        })
    }

    /// Another controller of the workload's namespace and folder with the
    /// same selector (not a variant of the workload itself: same kind and
    /// name). Looked up by selector, so that a file of many workloads stays
    /// linear.
    pub fn same_selector(
        &self,
        w: &Workload<'_>,
        selector: &BTreeMap<String, String>,
        at: Option<&std::path::Path>,
    ) -> Option<&Controller> {
        let by = self.by_selector.get_or_init(|| {
            let mut map = SelectorIndex::default();
            for (i, c) in self.controllers.iter().enumerate() {
                map.entry((c.namespace.clone(), c.selector.clone()))
                    .or_default()
                    .push(i);
            }
            map
        });
        // Unknown namespaces (set at apply time) are not known equal.
        let key = (w.object.namespace.clone(), selector.clone());
        by.get(&key)?
            .iter()
            .take(MAX_SAME_SELECTOR)
            .map(|i| &self.controllers[*i])
            .find(|c| {
                !(c.kind == w.kind() && c.name == w.object.name_text()) && in_scope(&c.scope, at)
            })
    }

    /// Whether a kustomization or skaffold config rewrites `image` (its
    /// name without tag or digest) at deploy time.
    pub fn rewrites_image(&self, image: &str) -> bool {
        let name = image.split('@').next().unwrap_or(image);
        // A tag follows the last `:` after the last `/` (a registry port does not).
        let name = match name.rfind(':') {
            Some(i) if !name[i..].contains('/') => &name[..i],
            _ => name,
        };
        self.rewritten_images.contains(name)
    }

    /// The ReadWriteOnce claim the workload mounts, if any: its pods
    /// cannot run on two nodes at once.
    pub fn exclusive_claim_of(&self, w: &Workload<'_>) -> Option<String> {
        let by_name = self.claims_by_name.get_or_init(|| {
            let mut map: crate::hashing::FastMap<String, Vec<Option<String>>> =
                crate::hashing::FastMap::default();
            for (ns, name, _) in &self.exclusive_claims {
                map.entry(name.clone()).or_default().push(ns.clone());
            }
            map
        });
        let volumes = w
            .pod_spec
            .get("volumes")
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        // Claims are looked up across the repository: a claim is often
        // declared in a folder of its own (`storage/`).
        volumes
            .iter()
            .filter_map(|v| v.get("persistentVolumeClaim")?.get("claimName")?.as_str())
            .find(|claim| {
                by_name.get(*claim).is_some_and(|spaces| {
                    spaces
                        .iter()
                        .take(MAX_SAME_SELECTOR)
                        .any(|ns| same_namespace(ns, &w.object.namespace))
                })
            })
            .map(str::to_string)
    }

    pub fn has_budget_for(&self, w: &Workload<'_>, at: Option<&std::path::Path>) -> bool {
        selector_applies(&self.budgets, &self.scoped()[2], w, at)
    }
}

/// Whether an object of `objects` (Services or disruption budgets: a
/// namespace, a label selector and a scope each), looked up through
/// `by_scope`, applies to workload `w` declared at `at`.
fn selector_applies(
    objects: &[(Option<String>, BTreeMap<String, String>, Scope)],
    by_scope: &ByScope,
    w: &Workload<'_>,
    at: Option<&std::path::Path>,
) -> bool {
    by_scope.any(at, objects.len(), |i| {
        objects.get(i).is_some_and(|(ns, sel, scope)| {
            in_scope(scope, at)
                && same_namespace(ns, &w.object.namespace)
                && selects(sel, &w.labels)
        })
    })
}

/// A YAML text that declares Kubernetes objects: `apiVersion:` and
/// `kind:` at the start of a line.
pub fn looks_like_manifest(text: &str) -> bool {
    // A line starts after LF, CRLF or a lone CR, as YAML says.
    let starts = |key: &str| {
        text.starts_with(key)
            || text.contains(&format!("\n{key}"))
            || text.contains(&format!("\r{key}"))
    };
    starts("apiVersion:") && starts("kind:")
}

/// The artifacts a skaffold config builds (`build.artifacts`, and its
/// profiles' `build.artifacts`); none when `node` is not one.
pub fn skaffold_artifacts(node: &Node) -> Vec<&Node> {
    let skaffold = node
        .get("apiVersion")
        .and_then(Node::as_str)
        .is_some_and(|v| v.starts_with("skaffold/"));
    if !skaffold {
        return Vec::new();
    }
    let profiles = node.get("profiles").and_then(Node::as_seq).unwrap_or(&[]);
    std::iter::once(node.get("build"))
        .chain(profiles.iter().map(|p| p.get("build")))
        .flatten()
        .filter_map(|b| b.get("artifacts").and_then(Node::as_seq))
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn workloads_containers_probes_and_index() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: web\n          image: api:1.0\n          ports:\n            - {name: http, containerPort: 8000}\n          readinessProbe:\n            httpGet: {path: /ready, port: http}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: job, image: job:1}]\n";
        let y = yaml::parse(text);
        let objs = objects(&y);
        assert_eq!(objs.len(), 3);
        let w = workloads(&objs);
        assert_eq!(w.len(), 2);
        let c = w[0].containers();
        assert_eq!(c[0].ports()[0].number, Some(8000));
        let probe = c[0].get("readinessProbe").and_then(Probe::of);
        let Some(probe) = probe else { panic!("probe") };
        assert_eq!(probe.port.map(|p| p.0), Some(PortRef::Name("http".into())));
        let mut index = Index::default();
        index.add(&objs);
        assert!(index.has_service_for(&w[0], None));
        assert!(!index.has_service_for(&w[1], None));
        assert!(looks_like_manifest(text));
        assert!(!looks_like_manifest("services:\n  kind: x\n"));
    }

    /// The objects of a folder apply to the workloads of that folder and
    /// the folders below it, looked up by scope: the same answers as
    /// checking every object's scope.
    #[test]
    fn scoped_objects_apply_below_their_folder_only() {
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers: [{name: web, image: api:1}]\n";
        let y = yaml::parse(deployment);
        let objs = objects(&y);
        let w = workloads(&objs);
        let service = yaml::parse(
            "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: api}\nspec:\n  scaleTargetRef: {kind: Deployment, name: api}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api}\nspec:\n  selector:\n    matchLabels: {app: api}\n",
        );
        let service = objects(&service);
        for (scope, at, applies) in [
            ("/r/a", "/r/a/x.yaml", true),
            ("/r/a/", "/r/a/b/x.yaml", true),
            ("/r/a", "/r/a", true),
            ("/r/a", "/r/ab/x.yaml", false),
            ("/r/a", "/r/a-b/x.yaml", false),
            ("/r/a/b", "/r/a/x.yaml", false),
            ("", "/r/c/x.yaml", true),
            ("/", "/r/c/x.yaml", true),
        ] {
            let mut index = Index::default();
            index.add_in(&service, Some(std::path::PathBuf::from(scope)));
            let at = Some(std::path::Path::new(at));
            let found = (
                index.has_service_for(&w[0], at),
                index.has_autoscaler_for(&w[0], at),
                index.has_budget_for(&w[0], at),
            );
            assert_eq!(found, (applies, applies, applies), "{scope} {at:?}");
            // An unknown place: every object applies.
            assert!(index.has_service_for(&w[0], None), "{scope}");
        }
        // Objects of the file itself apply wherever it is; added later,
        // they are looked up too.
        let mut index = Index::default();
        index.add_in(&service, Some(std::path::PathBuf::from("/r/z")));
        assert!(!index.has_service_for(&w[0], Some(std::path::Path::new("/r/a/x.yaml"))));
        index.add(&service);
        assert!(index.has_service_for(&w[0], Some(std::path::Path::new("/r/a/x.yaml"))));
    }
}
