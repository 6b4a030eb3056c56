//! GH: GitHub Actions workflow and action rules, one per file.

mod helpers;

mod gh001_unpinned_action;
mod gh002_action_on_branch;
mod gh004_permissions_missing;
mod gh005_permissions_too_broad;
mod gh007_script_injection;
mod gh010_job_timeout_missing;
mod gh012_checkout_persists_credentials;
mod gh013_secrets_inherit;
mod gh017_insecure_commands;
mod gh020_deprecated_workflow_command;
mod gh022_runner_image_unpinned;

use super::{WorkflowContext, WorkflowRule};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Findings, Severity};
use crate::impl_meta;
use crate::parse::workflow::{Permissions, Step};
use crate::parse::yaml::Node;
use helpers::*;

/// Refs that name a branch rather than a release.
const BRANCH_REFS: &[&str] = &["main", "master", "develop", "dev", "trunk", "HEAD"];

pub static RULES: &[&dyn WorkflowRule] = &[
    &gh001_unpinned_action::UnpinnedAction,
    &gh002_action_on_branch::ActionOnBranch,
    &gh004_permissions_missing::PermissionsMissing,
    &gh005_permissions_too_broad::PermissionsTooBroad,
    &gh007_script_injection::ScriptInjection,
    &gh010_job_timeout_missing::JobTimeoutMissing,
    &gh012_checkout_persists_credentials::CheckoutPersistsCredentials,
    &gh013_secrets_inherit::SecretsInherit,
    &gh017_insecure_commands::InsecureCommands,
    &gh020_deprecated_workflow_command::DeprecatedWorkflowCommand,
    &gh022_runner_image_unpinned::RunnerImageUnpinned,
];
