use super::*;
use crate::project::facts::calls::Call;
use crate::rules::project_pass::{ProjectContext, ProjectFindings};

declare_rule! {
    /// ## What it checks
    /// A workflow with no top-level `permissions:` and a job without its
    /// own: that job's `GITHUB_TOKEN` gets the repository's default
    /// permissions, which are read-write on many repositories.
    /// A job switched off (`if: false`, `if: ${{ false }}`) never runs and
    /// gets no token: it is not reported.
    ///
    /// A reusable workflow that nothing but a caller can start (its only
    /// trigger is `workflow_call`) runs with the calling job's token,
    /// never more: its jobs are reported only when a caller in the
    /// repository sets no permissions (on the calling job or its
    /// workflow; the caller's line is a related location; a caller that
    /// is itself a called workflow passes on what its own callers give).
    /// When every chain of callers sets them, the called jobs get what the
    /// callers chose, and nothing is reported. With no caller in the
    /// repository (a workflow shared with other repositories), the token
    /// is an outside caller's: information, advising permissions in the
    /// called workflow, which can only narrow it.
    ///
    /// ## Why it matters in production
    /// Any step of the job — a compromised action, an injected command —
    /// can then push commits, create releases or tamper with packages with
    /// the token. Declaring permissions keeps each job to what it needs and
    /// documents it.
    ///
    /// ## Example
    /// ```yaml
    /// on: push
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-24.04
    ///     steps: [{run: pytest}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs: ...
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Differences from zizmor
    /// zizmor's `excessive-permissions` lowers a workflow started only by
    /// `workflow_call` to its pedantic persona (zizmorcore/zizmor#473,
    /// 1.2.2) whatever its callers do; prodlint reads the repository's
    /// callers instead: silent when every chain of them sets permissions,
    /// a warning pointing at the caller that does not, information when
    /// no caller is in the repository.
    ///
    /// ## References
    /// - [GitHub: permissions for the GITHUB_TOKEN](https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token)
    pub struct PermissionsMissing {
        code: "GH004",
        name: "permissions-missing",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: None,
        summary: "a job runs with the default token permissions",
    }
}

/// How the repository's defaults reach a called workflow.
enum Reach<'p> {
    /// Every chain of callers sets permissions.
    Capped,
    /// Through this call, made by a job with no permissions.
    Open(&'p Call),
    /// No caller in the repository: its token is an outside caller's.
    Uncalled,
}

/// Follows the callers of `file` (a project key) up through workflows
/// that are themselves only called, each file once.
fn reach<'p>(
    project: &'p crate::project::Project,
    file: &std::path::Path,
    seen: &mut crate::hashing::FastSet<std::path::PathBuf>,
) -> Reach<'p> {
    let mut callers = project.callers_of(file).peekable();
    if callers.peek().is_none() {
        return Reach::Uncalled;
    }
    for c in callers.filter(|c| !c.grants) {
        if !c.nested {
            return Reach::Open(c);
        }
        // A called workflow calling on: its own callers decide.
        let up = project.key(&c.at.file);
        if !seen.insert(up.clone()) {
            continue;
        }
        match reach(project, &up, seen) {
            Reach::Capped => {}
            Reach::Open(_) => return Reach::Open(c),
            Reach::Uncalled => return Reach::Uncalled,
        }
    }
    Reach::Capped
}

impl Rule for PermissionsMissing {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        for job in cx.project.called_jobs() {
            let file = cx.project.key(&job.at.file);
            let mut seen = crate::hashing::FastSet::default();
            match reach(cx.project, &file, &mut seen) {
                Reach::Capped => {}
                Reach::Open(c) => {
                    let b = out
                        .report(&Self::META, &job.at, format!("job `{}` runs with the repository's default token permissions", job.id))
                        .help("add `permissions: {contents: read}` at the top of the workflow (or on the calling job) and widen it per job");
                    cx.related(b, &c.at, "called here by a job with no permissions");
                }
                Reach::Uncalled => {
                    out.report(&Self::META, &job.at, format!("job `{}` sets no permissions, nor does its workflow: it gets the token of whichever job calls it, the repository's defaults unless that job sets permissions", job.id))
                        .severity(Severity::Info)
                        .help("add `permissions: {contents: read}` at the top of the workflow: a called workflow can narrow its caller's token, never widen it");
                }
            }
        }
    }

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        if w.permissions.is_some() {
            return;
        }
        // A called workflow runs with its caller's token: judged with the
        // callers, in the project hook.
        if crate::project::facts::calls::only_called(w) {
            return;
        }
        // A job switched off (`if: false`) never gets a token.
        for job in w
            .jobs
            .iter()
            .filter(|j| j.permissions.is_none() && !helpers::disabled(j))
        {
            out.report(&Self::META, job.id.span, format!("job `{}` runs with the repository's default token permissions", job.id.text))
                .help("add `permissions: {contents: read}` at the top of the workflow and widen it per job");
        }
    }
}
