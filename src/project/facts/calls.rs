//! Local reusable workflows and composite actions: where their inputs are
//! pasted into scripts, and what the repository's own callers pass to
//! them. GH007 asks whether any caller passes data someone outside
//! chooses; callers that pass literals, secrets and variables do not.

use super::{Loc, Stated};
use crate::parse::expr;
use crate::parse::workflow::{Action, Step, Workflow};
use crate::parse::yaml::Node;
use crate::paths::FastPath;
use crate::rules::workflow::taint::{Origin, Scope};
use std::path::{Path, PathBuf};

/// A `uses: ./…` of this repository and the inputs it passes.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The files it may name, as project keys (a folder's `action.yml`
    /// or `action.yaml`, or the workflow file).
    pub callee: Vec<PathBuf>,
    /// Input name (lower case), whether the value is data someone outside
    /// may choose (an expression reading anything but secrets, variables
    /// and the run's own identity), and where it is written.
    pub inputs: Vec<(String, bool, Loc)>,
    pub at: Loc,
    /// The calling job sets `permissions:`, or its workflow does: a
    /// called workflow's jobs get that token, never more.
    pub grants: bool,
    /// The calling workflow is itself started only by callers: without
    /// permissions of its own, its token is its callers'.
    pub nested: bool,
    /// The calling job passes every secret (`secrets: inherit`): its id,
    /// and where `inherit` is written.
    pub inherit: Option<(String, Loc)>,
}

/// A secret a called workflow needs passed, read in an expression of
/// its text or declared required.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretRead {
    /// `secrets.NAME`, or `NAME` declared `required: true` under
    /// `on.workflow_call.secrets`; upper-cased (GitHub's names ignore case).
    Named(String),
    /// Any of them: the whole context (`toJSON(secrets)`, `secrets[x]`,
    /// `secrets.*`), or every secret handed on to another repository's
    /// workflow.
    Any,
}

/// The secrets a workflow started by `workflow_call` needs passed
/// (`GITHUB_TOKEN` aside: a called workflow has its own). Every
/// expression of the text counts, those in comments too: a line of a
/// script that starts with `#` is still expanded, and a secret counted
/// for nothing only makes the note name one more.
fn secrets_needed(source: &str, workflow: &Workflow<'_>) -> Vec<SecretRead> {
    let mut out: Vec<SecretRead> = Vec::new();
    let mut add = |read: SecretRead| {
        if !out.contains(&read) {
            out.push(read);
        }
    };
    for e in expr::find(source, crate::source::Span::new(0, source.len())) {
        for c in &e.contexts {
            let Some(rest) = c.strip_prefix("secrets") else {
                continue;
            };
            if rest.is_empty() {
                add(SecretRead::Any);
                continue;
            }
            let Some(name) = rest.strip_prefix('.') else {
                continue;
            };
            let name = name.split('.').next().unwrap_or(name);
            if name.is_empty() || name.contains('*') {
                add(SecretRead::Any);
            } else if !name.eq_ignore_ascii_case("GITHUB_TOKEN") {
                add(SecretRead::Named(name.to_ascii_uppercase()));
            }
        }
    }
    // Declared required: a call that passes it not is refused.
    let declared = workflow
        .triggers
        .iter()
        .filter(|t| t.event.text == "workflow_call")
        .filter_map(|t| t.filters?.get("secrets")?.as_map());
    for entry in declared.flatten() {
        let required = entry
            .value
            .get("required")
            .and_then(Node::as_bool)
            .unwrap_or(false);
        if let (true, Some(name)) = (required, entry.key.as_str()) {
            add(SecretRead::Named(name.to_ascii_uppercase()));
        }
    }
    // Every secret handed on to a workflow of another repository: all of
    // them may be read there. A job of a deployment environment reads
    // that environment's secrets, which no caller passes: which of the
    // names read are the caller's is not known.
    let unknown = workflow.jobs.iter().any(|j| {
        j.environment.is_some()
            || (j.secrets.is_some_and(|s| s.as_str() == Some("inherit"))
                && j.uses.as_ref().is_some_and(|u| !u.text.starts_with("./")))
    });
    if unknown {
        add(SecretRead::Any);
    }
    out
}

/// A job of a workflow that only callers start (its one trigger is
/// `workflow_call`) where neither the job nor the workflow sets
/// `permissions:`: its token is whatever the calling job gets.
#[derive(Debug, Clone, PartialEq)]
pub struct CalledJob {
    pub id: String,
    pub at: Loc,
}

/// The workflow starts only when another calls it.
pub fn only_called(workflow: &Workflow<'_>) -> bool {
    !workflow.triggers.is_empty()
        && workflow
            .triggers
            .iter()
            .all(|t| t.event.text == "workflow_call")
}

/// An input pasted into a script of a composite action or a reusable
/// workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub at: Loc,
    /// The input's name (lower case).
    pub input: String,
    /// The context expanded (`inputs.tag`, `env.tag`) and the path, as
    /// GH007 words it (empty when direct).
    pub context: String,
    pub via: String,
    /// In a composite action (else a reusable workflow).
    pub composite: bool,
}

/// Contexts a caller may pass that nobody outside the repository chooses.
fn fixed_context(c: &str) -> bool {
    c.starts_with("secrets.")
        || c.starts_with("vars.")
        || c.starts_with("runner.")
        || matches!(
            c,
            "github.sha"
                | "github.repository"
                | "github.repository_owner"
                | "github.run_id"
                | "github.run_number"
                | "github.run_attempt"
                | "github.workspace"
                | "github.server_url"
                | "github.api_url"
                | "github.token"
                | "github.job"
                | "github.action_path"
        )
}

/// The repository root of a file under `.github/` (a workflow, an action
/// there), else the folder of the file (an `action.yml` at the root).
fn root_of(path: &Path) -> PathBuf {
    let key = crate::project::key(path);
    let mut at = key.fast_parent();
    while let Some(dir) = at {
        if dir.fast_file_name().is_some_and(|n| n == ".github") {
            return dir
                .fast_parent()
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        }
        at = dir.fast_parent();
    }
    crate::project::dir_of(&key)
}

/// The files a `uses: ./x` may name.
fn callees(root: &Path, uses: &str) -> Vec<PathBuf> {
    let rel = uses.trim_start_matches("./").trim_end_matches('/');
    let target = root.join(rel);
    if rel.ends_with(".yml") || rel.ends_with(".yaml") {
        return vec![crate::project::key(&target)];
    }
    ["action.yml", "action.yaml"]
        .iter()
        .map(|n| crate::project::key(&target.join(n)))
        .collect()
}

/// The inputs of a call's `with:`.
fn passed(path: &Path, source: &str, with: Option<&Node>) -> Vec<(String, bool, Loc)> {
    let entries = with.and_then(Node::as_map).unwrap_or(&[]);
    entries
        .iter()
        .filter_map(|e| {
            let name = e.key.as_str()?.to_ascii_lowercase();
            let free = expr::find(source, e.value.span)
                .iter()
                .flat_map(|x| x.contexts.iter())
                .any(|c| !fixed_context(c));
            Some((name, free, Loc::new(path, e.value.span)))
        })
        .collect()
}

fn step_call(path: &Path, root: &Path, source: &str, step: &Step<'_>) -> Option<Call> {
    let uses = step.uses.as_ref()?;
    if !uses.text.starts_with("./") {
        return None;
    }
    Some(Call {
        callee: callees(root, &uses.text),
        inputs: passed(path, source, step.with),
        at: Loc::new(path, uses.span),
        // An action runs in the job: what GH004 asks of a call is only
        // about called workflows (an action's file is never one).
        grants: true,
        nested: false,
        inherit: None,
    })
}

/// The inputs a script of `steps` pastes in, through any path.
fn expansions(
    path: &Path,
    source: &str,
    workflow: Option<&Workflow<'_>>,
    job: Option<&crate::parse::workflow::Job<'_>>,
    steps: &[Step<'_>],
    composite: bool,
    out: &mut Vec<Expansion>,
) {
    for step in steps {
        let Some(script) = crate::rules::workflow::helpers::script_node(step) else {
            continue;
        };
        let scope = Scope {
            workflow,
            job,
            step,
            composite,
            source,
        };
        for e in expr::find(source, script.span) {
            let found = e
                .contexts
                .iter()
                .find_map(|c| scope.trace(c).map(|t| (c, t)));
            let Some((context, trail)) = found else {
                continue;
            };
            if trail.origin != Origin::Caller {
                continue;
            }
            out.push(Expansion {
                at: Loc::new(path, e.span),
                input: trail
                    .source
                    .trim_start_matches("inputs.")
                    .to_ascii_lowercase(),
                context: context.clone(),
                via: trail.path(),
                composite,
            });
        }
    }
}

/// Calls a workflow makes, and the inputs it pastes when it is reusable.
pub fn from_workflow(path: &Path, source: &str, workflow: &Workflow<'_>, out: &mut Stated) {
    let root = root_of(path);
    // Known only of a workflow others may call, parsed: a call to one
    // that did not parse gets the general note.
    if workflow.has_trigger("workflow_call") {
        out.secrets_read = Some(secrets_needed(source, workflow));
    }
    for job in &workflow.jobs {
        if let Some(uses) = job.uses.as_ref().filter(|u| u.text.starts_with("./")) {
            out.calls.push(Call {
                callee: callees(&root, &uses.text),
                inputs: passed(path, source, job.with),
                at: Loc::new(path, uses.span),
                grants: job.permissions.is_some() || workflow.permissions.is_some(),
                nested: only_called(workflow),
                inherit: job
                    .secrets
                    .filter(|s| s.as_str() == Some("inherit"))
                    .map(|s| (job.id.text.clone(), Loc::new(path, s.span))),
            });
        }
        if workflow.permissions.is_none() && job.permissions.is_none() && only_called(workflow) {
            out.called_jobs.push(CalledJob {
                id: job.id.text.clone(),
                at: Loc::new(path, job.id.span),
            });
        }
        out.calls.extend(
            job.steps
                .iter()
                .filter_map(|s| step_call(path, &root, source, s)),
        );
        if workflow.has_trigger("workflow_call") {
            expansions(
                path,
                source,
                Some(workflow),
                Some(job),
                &job.steps,
                false,
                &mut out.expansions,
            );
        }
    }
}

/// Calls a composite action makes, and the inputs it pastes.
pub fn from_action(path: &Path, source: &str, action: &Action<'_>, out: &mut Stated) {
    let root = root_of(path);
    out.calls.extend(
        action
            .steps
            .iter()
            .filter_map(|s| step_call(path, &root, source, s)),
    );
    if action.using.as_ref().is_some_and(|u| u.text == "composite") {
        expansions(
            path,
            source,
            None,
            None,
            &action.steps,
            true,
            &mut out.expansions,
        );
    }
}
