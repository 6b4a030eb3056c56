//! The registry: every rule, listed once.

pub mod compose;
pub mod cross;
pub mod dockerfile;
pub mod env;
pub mod known_images;
pub mod kube;
pub mod meta;
pub mod process;
pub mod project_pass;
pub mod python;
mod rule;
pub mod secrets;
pub mod workflow;

use crate::config::Config;

use crate::parse::dockerfile::Dockerfile;
use crate::parse::dockerignore::DockerIgnore;
use crate::parse::dotenv::{EnvFile, Environment};
use crate::parse::workflow::{Action, Step, Workflow};
use crate::registry::RuleMeta;
use crate::source::SourceFile;
use std::path::PathBuf;
use std::sync::LazyLock;

/// What a Dockerfile rule can see.
pub struct DockerContext<'a> {
    pub file: &'a SourceFile,
    pub dockerfile: &'a Dockerfile,
    /// The ignore file of the build context (`<name>.dockerignore` or
    /// `.dockerignore` beside the Dockerfile), if there is one.
    pub dockerignore: Option<&'a (PathBuf, std::sync::Arc<DockerIgnore>)>,
    pub config: &'a Config,
    /// What other files say (dependencies, configurations, …).
    pub project: &'a crate::project::Project,
    /// What the image is for, worked out once for the rules that ask
    /// (`dockerfile::image_role::role`).
    pub(crate) role: std::cell::OnceCell<dockerfile::image_role::Role>,
    /// The scripts the final stage's last ENTRYPOINT and CMD run, made
    /// once for the image's role questions, which each ask for them
    /// (`dockerfile::image_role::final_scripts`).
    pub(crate) scripts: std::cell::OnceCell<[Vec<crate::parse::shell::Script>; 2]>,
}

/// What a workflow or action rule can see.
pub struct WorkflowContext<'a> {
    pub file: &'a SourceFile,
    /// Set for `.github/workflows/*.yml`.
    pub workflow: Option<&'a Workflow<'a>>,
    /// Set for `action.yml`.
    pub action: Option<&'a Action<'a>>,
    pub config: &'a Config,
}

impl<'a> WorkflowContext<'a> {
    /// Every step: the workflow's jobs' steps, or a composite action's.
    pub fn steps(&self) -> Vec<&'a Step<'a>> {
        let mut out: Vec<&Step<'_>> = Vec::new();
        if let Some(w) = self.workflow {
            out.extend(w.jobs.iter().flat_map(|j| j.steps.iter()));
        }
        if let Some(a) = self.action {
            out.extend(a.steps.iter());
        }
        out
    }
}

/// What an env-file rule can see.
pub struct EnvContext<'a> {
    pub file: &'a SourceFile,
    pub env: &'a EnvFile,
    /// What the file is for, from its name and its contents.
    pub environment: Environment,
    /// The template beside it (`.env.example`, …), for non-template files.
    pub template: Option<&'a (PathBuf, std::sync::Arc<EnvFile>)>,
    /// A compose service of the project loads it by `env_file:`.
    pub compose_loaded: bool,
    pub config: &'a Config,
}

/// Implements the `meta()` of a rule trait from the declared `META`.
#[macro_export]
macro_rules! impl_meta {
    () => {
        fn meta(&self) -> &'static $crate::registry::RuleMeta {
            &Self::META
        }
    };
}

pub use rule::Rule;

pub use dockerfile::RULES as DOCKERFILE_RULES;
pub use env::RULES as ENV_RULES;
pub use workflow::RULES as WORKFLOW_RULES;

/// Every rule's metadata, sorted by code.
pub fn all() -> &'static [&'static RuleMeta] {
    static ALL: LazyLock<Vec<&'static RuleMeta>> = LazyLock::new(|| {
        let mut v: Vec<&'static RuleMeta> = meta::RULES.to_vec();
        v.extend(DOCKERFILE_RULES.iter().map(|r| r.meta()));
        v.extend(WORKFLOW_RULES.iter().map(|r| r.meta()));
        v.extend(ENV_RULES.iter().map(|r| r.meta()));
        v.extend(process::RULES.iter().map(|r| r.meta()));
        v.extend(compose::RULES.iter().map(|r| r.meta()));
        v.extend(kube::RULES.iter().map(|r| r.meta()));
        v.extend(python::RULES.iter().map(|r| r.meta()));
        v.extend(cross::RULES.iter().map(|r| r.meta()));
        v.extend(secrets::RULES.iter().copied());
        v.sort_by_key(|r| r.code);
        v
    });
    &ALL
}

/// A rule by code (any case) or name.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    let upper = code_or_name.to_ascii_uppercase();
    all()
        .iter()
        .copied()
        .find(|r| r.code == upper || r.name == code_or_name)
}
