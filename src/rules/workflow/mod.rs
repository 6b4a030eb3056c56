//! GH: GitHub Actions workflow and action rules, one per file.

mod ci_images;
mod env_move;
pub(crate) mod helpers;
pub(crate) mod taint;

mod gh001_unpinned_action;
mod gh002_action_on_branch;
mod gh003_unpinned_container_image;
mod gh004_permissions_missing;
mod gh005_permissions_too_broad;
mod gh006_untrusted_checkout;
mod gh007_script_injection;
mod gh008_deploy_without_tests;
mod gh009_deploy_from_any_branch;
mod gh010_job_timeout_missing;
mod gh011_deploy_concurrency_missing;
mod gh012_checkout_persists_credentials;
mod gh013_secrets_inherit;
mod gh014_hardcoded_credentials;
mod gh015_image_tagged_latest_only;
mod gh016_image_pushed_unscanned;
mod gh017_insecure_commands;
mod gh018_curl_pipe_shell;
mod gh019_invalid_workflow;
mod gh020_deprecated_workflow_command;
mod gh021_unsound_condition;
mod gh022_runner_image_unpinned;
mod gh023_secret_in_script;
mod gh024_host_key_check_disabled;
mod gh025_job_output_unset;
mod gh026_test_image_not_digest_pinned;
mod quick;

use super::{Rule, WorkflowContext};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Findings, Severity};
use crate::impl_meta;
use crate::parse::workflow::{Job, Permissions, Spanned, Step, Workflow};
use crate::parse::yaml::Node;
use crate::parse::yaml_edit;
use helpers::*;

/// Runs one rule on workflow text, for the rules' unit tests.
#[cfg(test)]
pub(crate) fn check_text(rule: &dyn Rule, text: &str) -> Vec<crate::diagnostic::Finding> {
    let file = crate::source::SourceFile::new(
        std::path::Path::new(".github/workflows/t.yml"),
        text.to_string(),
    );
    let tree = crate::parse::yaml::parse(text);
    let root = tree.documents.first().and_then(Option::as_ref);
    let workflow = root.and_then(Workflow::from_root);
    let config = crate::config::Config::default();
    let cx = WorkflowContext {
        file: &file,
        workflow: workflow.as_ref(),
        action: None,
        config: &config,
    };
    let mut out = Findings::new();
    rule.workflow(&cx, &mut out);
    out.into_vec()
}

/// Refs that name a branch rather than a release.
const BRANCH_REFS: &[&str] = &["main", "master", "develop", "dev", "trunk", "HEAD"];

/// GH007, whose project hook judges inputs with their callers.
pub static SCRIPT_INJECTION: &dyn Rule = &gh007_script_injection::ScriptInjection;

/// GH013, whose project hook judges calls with the workflow called.
pub static SECRETS_INHERIT: &dyn Rule = &gh013_secrets_inherit::SecretsInherit;

/// GH004, whose project hook judges called workflows with their callers.
pub static PERMISSIONS_MISSING: &dyn Rule = &gh004_permissions_missing::PermissionsMissing;

pub static RULES: &[&dyn Rule] = &[
    &gh001_unpinned_action::UnpinnedAction,
    &gh002_action_on_branch::ActionOnBranch,
    &gh003_unpinned_container_image::UnpinnedContainerImage,
    &gh004_permissions_missing::PermissionsMissing,
    &gh005_permissions_too_broad::PermissionsTooBroad,
    &gh006_untrusted_checkout::UntrustedCheckout,
    &gh007_script_injection::ScriptInjection,
    &gh008_deploy_without_tests::DeployWithoutTests,
    &gh009_deploy_from_any_branch::DeployFromAnyBranch,
    &gh010_job_timeout_missing::JobTimeoutMissing,
    &gh011_deploy_concurrency_missing::DeployConcurrencyMissing,
    &gh012_checkout_persists_credentials::CheckoutPersistsCredentials,
    &gh013_secrets_inherit::SecretsInherit,
    &gh014_hardcoded_credentials::HardcodedCredentials,
    &gh015_image_tagged_latest_only::ImageTaggedLatestOnly,
    &gh016_image_pushed_unscanned::ImagePushedUnscanned,
    &gh017_insecure_commands::InsecureCommands,
    &gh018_curl_pipe_shell::CurlPipeShell,
    &gh019_invalid_workflow::InvalidWorkflow,
    &gh020_deprecated_workflow_command::DeprecatedWorkflowCommand,
    &gh021_unsound_condition::UnsoundCondition,
    &gh022_runner_image_unpinned::RunnerImageUnpinned,
    &gh023_secret_in_script::SecretInScript,
    &gh024_host_key_check_disabled::HostKeyCheckDisabled,
    &gh025_job_output_unset::JobOutputUnset,
    &gh026_test_image_not_digest_pinned::TestImageNotDigestPinned,
];
