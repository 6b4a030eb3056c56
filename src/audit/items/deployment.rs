//! Deployment: multi-stage image, CI tests before deploy, zero-downtime
//! rollout, documented rollback, configuration split per environment.

use super::{Cx, Decision, first};
use crate::audit::{Evidence, ItemDef, Level, Section};
use crate::discover::FileKind;
use crate::paths::FastPath;
use std::collections::BTreeMap;

pub static MULTI_STAGE: ItemDef = ItemDef {
    id: "DEP-MULTI-STAGE",
    title: "Multi-stage build, slim image",
    section: Section::Deployment,
    level: Some(Level::Silver),
    weight: 2,
    rules: &["DF004", "DF005"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Compilers, headers and caches in the final image make it larger, slower to pull and richer in vulnerabilities; a build stage keeps them out.",
    how: "Fails on a full (non-slim) base image (DF004) or build tools in the final stage (DF005), and at the `FROM` of a single-stage Dockerfile. Passes at the final `FROM` of a multi-stage Dockerfile. Not applicable without a Dockerfile.",
    facts: multi_stage,
};

fn multi_stage(cx: &Cx) -> Decision {
    let mut single = None;
    let mut any = false;
    for unit in cx.project.units() {
        if !cx.production(&unit.dockerfile) {
            continue;
        }
        let (Some(built), Some(from)) =
            (cx.project.dockerfile(&unit.dockerfile), &unit.final_stage)
        else {
            continue;
        };
        any = true;
        if built.dockerfile.stages.len() >= 2 {
            return Decision::Pass(vec![cx.at_loc(
                from,
                format!(
                    "the final stage of {} copies from a build stage",
                    built.dockerfile.stages.len()
                ),
            )]);
        }
        single.get_or_insert_with(|| {
            cx.at_loc(from, "a single stage: what builds the app ships with it")
        });
    }
    match single {
        Some(e) => Decision::Fail(vec![e], "the image is built in a single stage".to_string()),
        None if any || cx.has(FileKind::Dockerfile) => {
            Decision::Unknown("the Dockerfiles could not be read".to_string())
        }
        None => Decision::NotApplicable("the repository has no Dockerfile".to_string()),
    }
}

pub static CI_TESTS: ItemDef = ItemDef {
    id: "DEP-CI",
    title: "CI runs the tests before it deploys",
    section: Section::Deployment,
    level: Some(Level::Bronze),
    weight: 3,
    rules: &["GH008"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "A pipeline that deploys what it has not tested ships every regression straight to users.",
    how: "Fails on a deploy job that does not need a test job (GH008). Passes at a workflow step that runs the tests (`pytest`, `tox`, `nox`, `python -m unittest`, `make test`). Unknown without GitHub Actions workflows (other CI systems are not read).",
    facts: ci_tests,
};

/// Commands that run a Python project's tests, as a step's script starts.
const TEST_COMMANDS: &[&str] = &[
    "pytest",
    "python -m pytest",
    "python3 -m pytest",
    "uv run pytest",
    "poetry run pytest",
    "hatch test",
    "hatch run test",
    "tox",
    "nox",
    "python -m unittest",
    "make test",
];

/// The offset of the first script line of a workflow that runs the
/// tests (`run: pytest …`, or a line of a `run: |` block).
fn test_step(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let body = t.strip_prefix("- ").unwrap_or(t).trim_start();
        let body = body.strip_prefix("run:").unwrap_or(body).trim_start();
        let at = offset + (line.len() - body.len());
        offset += line.len();
        if body.starts_with('#') {
            continue;
        }
        let hit = TEST_COMMANDS.iter().any(|c| {
            body.strip_prefix(c)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\n', '\r']))
        });
        if hit {
            return Some(at);
        }
    }
    None
}

fn ci_tests(cx: &Cx) -> Decision {
    if !cx.has(FileKind::Workflow) {
        return Decision::Unknown(
            "no GitHub Actions workflow: other CI systems are not read".to_string(),
        );
    }
    if let Some(e) = cx.mention_where(
        &[FileKind::Workflow],
        test_step,
        "a workflow step runs the tests",
    ) {
        return Decision::Pass(vec![e]);
    }
    Decision::Unknown("no workflow step that runs the tests was recognised".to_string())
}

pub static ROLLING_UPDATE: ItemDef = ItemDef {
    id: "DEP-ROLLING-UPDATE",
    title: "Rolling update without downtime",
    section: Section::Deployment,
    level: Some(Level::Silver),
    weight: 2,
    rules: &["KU014", "KU013"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "A rollout that takes old pods down before new ones are ready, or a single replica, drops requests at every deploy.",
    how: "Fails on an unsafe rollout strategy (KU014) or a single replica (KU013). Passes at a Deployment's `maxUnavailable: 0` or a compose `update_config` with `order: start-first`. Not applicable without Kubernetes workloads or compose files.",
    facts: rolling_update,
};

fn rolling_update(cx: &Cx) -> Decision {
    let mut deployments = 0;
    for (at, zero) in cx.project.deployments() {
        if !cx.production(&at.file) {
            continue;
        }
        deployments += 1;
        if let Some(m) = zero {
            return Decision::Pass(vec![cx.at_loc(m, "old pods stay until new ones are ready")]);
        }
    }
    if let Some(e) = cx.mention(
        &[FileKind::Compose],
        "order: start-first",
        "new containers start before old ones stop",
    ) {
        return Decision::Pass(vec![e]);
    }
    if deployments > 0 || cx.has(FileKind::Compose) {
        Decision::Unknown(
            "no `maxUnavailable: 0` (or compose `order: start-first`) was found".to_string(),
        )
    } else {
        Decision::NotApplicable(
            "no Kubernetes Deployment or compose file deploys the app".to_string(),
        )
    }
}

pub static ROLLBACK: ItemDef = ItemDef {
    id: "DEP-ROLLBACK",
    title: "A documented rollback procedure",
    section: Section::Deployment,
    level: Some(Level::Gold),
    weight: 1,
    rules: &[],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "A bad deploy at 3 a.m. is fixed fastest by going back; the commands must be written down before they are needed.",
    how: "Passes at a README, runbook or documentation page giving the rollback commands (`kubectl rollout undo`, `helm rollback`, `docker service rollback`), or at a workflow whose name or file says rollback. Unknown otherwise.",
    facts: rollback,
};

const ROLLBACK_COMMANDS: &[&str] = &[
    "kubectl rollout undo",
    "helm rollback",
    "docker service rollback",
    "argocd app rollback",
];

fn rollback(cx: &Cx) -> Decision {
    for (path, text) in &cx.documents {
        for c in ROLLBACK_COMMANDS {
            if let Some(e) = Cx::at_text(path, text, c, format!("the documentation gives `{c}`")) {
                return Decision::Pass(vec![e]);
            }
        }
    }
    if let Some(w) = cx.files_of(FileKind::Workflow).find(|w| {
        w.path.fast_file_name().is_some_and(|n| {
            n.to_string_lossy()
                .to_ascii_lowercase()
                .contains("rollback")
        })
    }) {
        return Decision::Pass(vec![cx.at(&w.path, 0, "a rollback workflow")]);
    }
    Decision::Unknown(
        "no rollback commands were found in the README, runbooks or docs, nor a rollback workflow"
            .to_string(),
    )
}

pub static ENV_SPLIT: ItemDef = ItemDef {
    id: "DEP-ENV-SPLIT",
    title: "Configuration split per environment",
    section: Section::Deployment,
    level: None,
    weight: 1,
    rules: &[],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "One configuration for every environment means production values are tried first in production, or development values reach it.",
    how: "Passes when files name at least two environments in their names: env files (`.env.production`, `.env.staging`), compose overrides (`compose.prod.yml`), Helm values (`values-staging.yaml`), or Kustomize overlays (`overlays/prod/`, `environments/staging/`); the evidence is the first file of each. Unknown otherwise.",
    facts: env_split,
};

/// The environment a path names, by its words.
fn environment(path: &std::path::Path) -> Option<&'static str> {
    let text = path.to_string_lossy().to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    [
        (&["production", "prod", "prd"][..], "production"),
        (&["staging", "stage", "stg", "preprod"][..], "staging"),
        (&["development", "dev", "local"][..], "development"),
        (&["test", "testing", "qa", "ci"][..], "test"),
    ]
    .iter()
    .find(|(names, _)| words.iter().any(|w| names.contains(w)))
    .map(|(_, env)| *env)
}

fn env_split(cx: &Cx) -> Decision {
    let mut seen: BTreeMap<&'static str, Evidence> = BTreeMap::new();
    for w in &cx.files {
        let Some(kind) = w.kind else { continue };
        if !matches!(
            kind,
            FileKind::Env | FileKind::Compose | FileKind::Kubernetes
        ) {
            continue;
        }
        let name = w
            .path
            .fast_file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // Templates set nothing.
        if crate::parse::dotenv::is_template_name(&name) {
            continue;
        }
        // The environment is in the file's name (`.env.staging`,
        // `compose.prod.yml`, `values-dev.yaml`) or in the folder of an
        // overlay (`overlays/prod/`, `environments/staging/`), never in
        // any folder above (`load_testing/…` is no environment).
        let parent = w.path.fast_parent();
        let overlay = parent
            .and_then(|p| p.fast_parent())
            .and_then(|p| p.fast_file_name())
            .is_some_and(|n| {
                matches!(
                    n.to_string_lossy().as_ref(),
                    "overlays" | "environments" | "envs"
                )
            });
        let tail: std::path::PathBuf = if overlay {
            parent
                .and_then(|p| p.fast_file_name())
                .map(Into::into)
                .unwrap_or_default()
        } else {
            name.clone().into()
        };
        if let Some(env) = environment(&tail) {
            seen.entry(env)
                .or_insert_with(|| cx.at(&w.path, 0, format!("configuration for {env}")));
        }
    }
    if seen.len() >= 2 {
        return Decision::Pass(first(seen.into_values().collect(), 4));
    }
    Decision::Unknown(
        "files for at least two environments (env files, overlays, compose overrides) were not found".to_string(),
    )
}
