//! DF: Dockerfile rules, one per file.

mod helpers;
pub(crate) mod image_role;

mod df001_final_stage_root;
mod df002_base_image_unpinned;
mod df003_base_image_digest;
mod df004_full_base_image;
mod df005_build_tools_in_final_stage;
mod df006_pip_cache_kept;
mod df007_apt_recommends;
mod df008_apt_lists_kept;
mod df009_apt_upgrade;
mod df010_apt_without_yes;
mod df011_apk_cache_kept;
mod df012_shell_form_entrypoint;
mod df013_dev_server_command;
mod df014_secret_in_env_or_arg;
mod df015_sensitive_file_copied;
mod df016_context_without_dockerignore;
mod df017_add_instead_of_copy;
mod df018_missing_healthcheck;
mod df019_repeated_instruction;
mod df020_relative_workdir;
mod df021_cd_in_run;
mod df022_sudo_in_run;
mod df023_insecure_download;
mod df024_invalid_stage_reference;
mod df025_invalid_exposed_port;
mod df026_pipe_without_pipefail;
mod df027_debug_env_in_image;
mod df028_python_output_buffered;

use super::{DockerContext, Rule};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Findings, Severity};
use crate::impl_meta;
use crate::parse::dockerfile::{Command, Instruction, Keyword};
use crate::parse::shell::{Connector, SimpleCommand, Word};
use helpers::*;

/// Runs one rule on Dockerfile text, for the rules' unit tests.
#[cfg(test)]
pub(crate) fn check_text(rule: &dyn Rule, text: &str) -> Vec<crate::diagnostic::Finding> {
    let file = crate::source::SourceFile::new(std::path::Path::new("Dockerfile"), text.to_string());
    let dockerfile = crate::parse::dockerfile::parse(text);
    let config = crate::config::Config::default();
    let cx = DockerContext {
        file: &file,
        dockerfile: &dockerfile,
        dockerignore: None,
        config: &config,
        project: &crate::project::Project::default(),
        role: Default::default(),
        scripts: Default::default(),
    };
    let mut out = Findings::new();
    rule.dockerfile(&cx, &mut out);
    out.into_vec()
}

pub static RULES: &[&dyn Rule] = &[
    &df001_final_stage_root::FinalStageRunsAsRoot,
    &df002_base_image_unpinned::BaseImageUnpinned,
    &df003_base_image_digest::BaseImageNotDigestPinned,
    &df004_full_base_image::FullBaseImage,
    &df005_build_tools_in_final_stage::BuildToolsInFinalStage,
    &df006_pip_cache_kept::PipCacheKept,
    &df007_apt_recommends::AptRecommendsInstalled,
    &df008_apt_lists_kept::AptListsKept,
    &df009_apt_upgrade::AptUpgrade,
    &df010_apt_without_yes::AptWithoutYes,
    &df011_apk_cache_kept::ApkCacheKept,
    &df012_shell_form_entrypoint::ShellFormEntrypoint,
    &df013_dev_server_command::DevServerCommand,
    &df014_secret_in_env_or_arg::SecretInEnvOrArg,
    &df015_sensitive_file_copied::SensitiveFileCopied,
    &df016_context_without_dockerignore::ContextCopiedWithoutDockerignore,
    &df017_add_instead_of_copy::AddInsteadOfCopy,
    &df018_missing_healthcheck::MissingHealthcheck,
    &df019_repeated_instruction::RepeatedInstruction,
    &df020_relative_workdir::RelativeWorkdir,
    &df021_cd_in_run::CdInRun,
    &df022_sudo_in_run::SudoInRun,
    &df023_insecure_download::InsecureDownload,
    &df024_invalid_stage_reference::InvalidStageReference,
    &df025_invalid_exposed_port::InvalidExposedPort,
    &df026_pipe_without_pipefail::PipeWithoutPipefail,
    &df027_debug_env_in_image::DebugEnvInImage,
    &df028_python_output_buffered::PythonOutputBuffered,
];
