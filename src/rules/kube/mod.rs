//! KU: Kubernetes manifest rules, one per file. Rules see every object of
//! the file, its workloads' pod templates and containers, and an index of
//! the Services, autoscalers and disruption budgets of every manifest in
//! the run.

mod ku001_readiness_probe_missing;
mod ku002_liveness_probe_missing;
mod ku003_probes_identical;
mod ku004_probe_port_unknown;
mod ku005_runs_as_root;
mod ku006_privilege_escalation_allowed;
mod ku007_writable_root_filesystem;
mod ku008_capabilities_not_dropped;
mod ku009_privileged_container;
mod ku010_host_namespace;
mod ku011_resources_missing;
mod ku012_image_unpinned;
mod ku013_single_replica;
mod ku014_unsafe_rollout;
mod ku015_prestop_missing;
mod ku016_grace_period_too_short;
mod ku017_secret_in_env;
mod ku018_pdb_missing;
mod ku019_env_shell_syntax;
mod ku020_selector_overlap;
mod ku021_memory_volume_unbounded;

use crate::config::Config;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Findings};
use crate::impl_meta;
use crate::parse::kube::{self, Container, Index, Object, Probe, Workload};
use crate::parse::yaml::{Node, YamlFile};
use crate::rules::Rule;
use crate::source::{SourceFile, Span};

/// What a Kubernetes rule can see.
pub struct KubeContext<'a> {
    pub file: &'a SourceFile,
    pub objects: &'a [Object<'a>],
    pub workloads: &'a [Workload<'a>],
    /// Every manifest of the run.
    pub index: &'a Index,
    /// This file's objects (also when the run's index does not hold them:
    /// standard input, the editor).
    pub local: &'a Index,
    /// The file's folder (canonical), which the run's index scopes by.
    pub folder: Option<std::path::PathBuf>,
    pub config: &'a Config,
    /// Containers (by span, sorted) whose `command`/`args` start a web
    /// server.
    pub launching: &'a [Span],
}

impl KubeContext<'_> {
    pub fn has_service_for(&self, w: &Workload<'_>) -> bool {
        let at = self.folder.as_deref();
        self.local.has_service_for(w, at) || self.index.has_service_for(w, at)
    }

    pub fn has_autoscaler_for(&self, w: &Workload<'_>) -> bool {
        let at = self.folder.as_deref();
        self.local.has_autoscaler_for(w, at) || self.index.has_autoscaler_for(w, at)
    }

    pub fn has_budget_for(&self, w: &Workload<'_>) -> bool {
        let at = self.folder.as_deref();
        self.local.has_budget_for(w, at) || self.index.has_budget_for(w, at)
    }

    /// Whether a kustomization or skaffold config of the repository
    /// rewrites this image at deploy time.
    pub fn rewrites_image(&self, image: &str) -> bool {
        self.local.rewrites_image(image) || self.index.rewrites_image(image)
    }

    /// Another controller with the workload's selector: its kind, name
    /// and file (`None`: this file).
    pub fn same_selector(
        &self,
        w: &Workload<'_>,
        selector: &std::collections::BTreeMap<String, String>,
    ) -> Option<(String, String, Option<String>)> {
        let at = self.folder.as_deref();
        // This file's other controllers are found in `local` first; in the
        // project's index the only one of this file left is `w` itself.
        let found = self
            .local
            .same_selector(w, selector, at)
            .or_else(|| self.index.same_selector(w, selector, at))?;
        Some((found.kind.clone(), found.name.clone(), found.file.clone()))
    }

    /// The ReadWriteOnce claim the workload mounts, if any.
    pub fn exclusive_claim_of(&self, w: &Workload<'_>) -> Option<String> {
        self.local
            .exclusive_claim_of(w)
            .or_else(|| self.index.exclusive_claim_of(w))
    }

    /// Containers of long-running workloads that serve traffic: their
    /// command starts a web server, they declare a port that is not only
    /// scraped for metrics, or a Service selects the pods and the
    /// container is the pod's only one (a Service
    /// needs no declared port). Metrics exporters, sidecars without ports
    /// beside a main container, queue workers without ports, kustomize
    /// patches and init containers are not serving containers.
    pub fn serving(&self) -> Vec<(&Workload<'_>, Container<'_>)> {
        let mut out = Vec::new();
        for w in self.workloads {
            out.extend(self.serving_in(w).into_iter().map(|c| (w, c)));
        }
        out
    }

    /// The serving containers of one workload (see [`Self::serving`]).
    pub fn serving_in<'w>(&self, w: &Workload<'w>) -> Vec<Container<'w>> {
        if !w.is_serving_kind() || w.is_partial() {
            return Vec::new();
        }
        let selected = self.has_service_for(w);
        let containers = w.containers();
        let sole = containers.len() == 1;
        containers
            .into_iter()
            .filter(|c| {
                if self.launching.binary_search(&c.node.span).is_ok() {
                    true
                } else if c.ports().is_empty() {
                    selected && sole
                } else {
                    !scraped_only(c)
                }
            })
            .collect()
    }

    /// Every container and init container of complete workloads.
    pub fn all_containers(&self) -> Vec<(&Workload<'_>, Container<'_>)> {
        let mut out = Vec::new();
        for w in self.workloads.iter().filter(|w| !w.is_partial()) {
            for c in w.init_containers().into_iter().chain(w.containers()) {
                out.push((w, c));
            }
        }
        out
    }

    /// Every container, patches included (for rules about what is set,
    /// not what is missing).
    pub fn every_container(&self) -> Vec<(&Workload<'_>, Container<'_>)> {
        let mut out = Vec::new();
        for w in self.workloads {
            for c in w.init_containers().into_iter().chain(w.containers()) {
                out.push((w, c));
            }
        }
        out
    }
}

/// Is a container's only business to be scraped: an exporter image, or
/// every declared port named for metrics (`metrics`, `http-metrics`,
/// `prometheus`)?
fn scraped_only(c: &Container<'_>) -> bool {
    let image = c.get("image").and_then(Node::as_str).unwrap_or("");
    let name = image.rsplit('/').next().unwrap_or(image);
    if name.contains("exporter") {
        return true;
    }
    let ports = c.ports();
    !ports.is_empty()
        && ports.iter().all(|p| {
            p.name
                .as_deref()
                .is_some_and(|n| n.contains("metric") || n.contains("prom"))
        })
}

/// Reports host access (KU009, KU010) at `span`: an error on most
/// workloads, information on a DaemonSet, which runs one pod per node as
/// a node agent (a log or metrics collector, a CNI or storage driver, a
/// driver installer) whose job is often that access; the message says so.
pub fn report_host_access(
    out: &mut Findings,
    meta: &'static crate::registry::RuleMeta,
    w: &Workload<'_>,
    span: crate::source::Span,
    message: String,
    help: impl Into<std::borrow::Cow<'static, str>>,
) {
    if w.kind() == "DaemonSet" {
        out.report(
            meta,
            span,
            format!("{message} (a DaemonSet: host access is often a node agent's job; check that this one needs it)"),
        )
        .severity(crate::diagnostic::Severity::Info)
        .help(help);
    } else {
        out.report(meta, span, message).help(help);
    }
}

pub static RULES: &[&dyn Rule] = &[
    &ku001_readiness_probe_missing::ReadinessProbeMissing,
    &ku002_liveness_probe_missing::LivenessProbeMissing,
    &ku003_probes_identical::ProbesIdentical,
    &ku004_probe_port_unknown::ProbePortUnknown,
    &ku005_runs_as_root::RunsAsRoot,
    &ku006_privilege_escalation_allowed::PrivilegeEscalationAllowed,
    &ku007_writable_root_filesystem::WritableRootFilesystem,
    &ku008_capabilities_not_dropped::CapabilitiesNotDropped,
    &ku009_privileged_container::PrivilegedContainer,
    &ku010_host_namespace::HostNamespace,
    &ku011_resources_missing::ResourcesMissing,
    &ku012_image_unpinned::ImageUnpinned,
    &ku013_single_replica::SingleReplica,
    &ku014_unsafe_rollout::UnsafeRollout,
    &ku015_prestop_missing::PrestopMissing,
    &ku016_grace_period_too_short::GracePeriodTooShort,
    &ku017_secret_in_env::SecretInEnv,
    &ku018_pdb_missing::PdbMissing,
    &ku019_env_shell_syntax::EnvShellSyntax,
    &ku020_selector_overlap::SelectorOverlap,
    &ku021_memory_volume_unbounded::MemoryVolumeUnbounded,
];

/// Runs the KU rules and the server (PM) rules over a manifest file.
pub fn check(
    file: &SourceFile,
    tree: &YamlFile,
    project: &crate::project::Project,
    config: &Config,
    selection: &crate::select::Selection,
    out: &mut Findings,
) {
    let index = project.kube_index();
    let index = index.as_ref();
    let objects = kube::objects(tree);
    let workloads = kube::workloads(&objects);
    let mut local = Index::default();
    local.add(&objects);
    let mut launching: Vec<Span> = Vec::new();
    let launches: Vec<_> = workloads
        .iter()
        .flat_map(|w| w.containers())
        .flat_map(|c| {
            let found = crate::rules::process::launch::in_kube_container(&c, file, project);
            if !found.is_empty() {
                launching.push(c.node.span);
            }
            found
        })
        .collect();
    // Sorted, for lookups in `serving_in`.
    launching.sort_unstable();
    crate::rules::process::run_launches(
        file, &file.path, &launches, config, project, selection, out,
    );
    let cx = KubeContext {
        file,
        objects: &objects,
        workloads: &workloads,
        index,
        local: &local,
        // Only the run's index is scoped by folder: resolve it only then.
        folder: index
            .is_scoped()
            .then(|| crate::project::key(&crate::project::dir_of(&file.path))),
        config,
        launching: &launching,
    };
    // Debug pods and client helpers follow the test purpose: rules that
    // skip test files skip them too.
    let production: Vec<Workload<'_>> = workloads
        .iter()
        .filter(|w| !is_helper(w))
        .cloned()
        .collect();
    let prod_cx = KubeContext {
        file,
        objects: &objects,
        workloads: &production,
        index,
        local: &local,
        folder: cx.folder.clone(),
        config,
        launching: &launching,
    };
    for rule in RULES {
        if !selection.is_enabled(rule.meta().code) {
            continue;
        }
        if rule
            .meta()
            .purposes
            .contains(&crate::purpose::Purpose::Test)
        {
            rule.kube(&cx, out);
        } else {
            rule.kube(&prod_cx, out);
        }
    }
}

/// A Pod or Job named as a debugging or client helper (`debug-*`,
/// `*-debug`, `*-client`, `*-cli`, `test-*`, `*-test`): run by hand to
/// look at or talk to the service, not part of it. Labels such as
/// `env: test` do not count: they describe where a workload runs.
pub fn is_helper(w: &Workload<'_>) -> bool {
    if !matches!(w.kind(), "Pod" | "Job") {
        return false;
    }
    let name = w.object.name_text().to_ascii_lowercase();
    name.starts_with("debug-")
        || name.starts_with("test-")
        || ["-debug", "-client", "-cli", "-test"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// A security-context field: the container's, else the pod's.
pub fn effective<'a>(w: &Workload<'a>, c: &Container<'a>, key: &str) -> Option<&'a Node> {
    c.security_context()
        .and_then(|s| s.get(key))
        .or_else(|| w.pod_spec.get("securityContext").and_then(|s| s.get(key)))
}

pub fn is_true(n: Option<&Node>) -> bool {
    n.and_then(Node::as_bool) == Some(true)
}

/// Adds `line` (`key: value`) to the container's `securityContext`,
/// creating it when absent. `None` for flow-style maps.
pub fn add_to_security_context(file: &SourceFile, c: &Container<'_>, line: &str) -> Option<Edit> {
    match c.node.entry("securityContext") {
        Some(sc) => crate::parse::yaml_edit::insert_first_entry(file, sc, line),
        None => {
            let sibling = c.node.as_map()?.first()?;
            crate::parse::yaml_edit::append_block(file, c.node, sibling, "securityContext", line)
        }
    }
}

/// `name` in messages.
pub fn describe(w: &Workload<'_>, c: &Container<'_>) -> String {
    format!(
        "container `{}` of {} `{}`",
        c.name_text(),
        w.kind(),
        w.object.name_text()
    )
}

/// Where a finding about a whole workload points: its name, else its kind.
pub fn workload_head(w: &Workload<'_>) -> Span {
    w.object
        .name
        .as_ref()
        .map_or(w.object.kind.span, |n| n.span)
}
