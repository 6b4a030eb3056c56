use super::quick::quick;
use super::*;

declare_rule! {
    /// ## What it checks
    /// A job without `timeout-minutes` (reusable-workflow calls, which
    /// cannot set one, are skipped). A job whose every step either has its
    /// own `timeout-minutes` or cannot hang — first-party setup and
    /// artifact actions, cloud sign-in and CLI set-up
    /// (`google-github-actions/auth`, `aws-actions/configure-aws-credentials`,
    /// `azure/login`), `actions/github-script`, change detection
    /// (`dorny/paths-filter`, `tj-actions/changed-files`), actions that
    /// make one or two GitHub API calls (a pull-request title check such
    /// as `amannn/action-semantic-pull-request` or a label check such as
    /// `docker://agilepathway/pull-request-label-checker`, `peter-evans`' comment
    /// and close actions, `marocchino/sticky-pull-request-comment`,
    /// `actions/first-interaction`, a permission check, an app token,
    /// `release-drafter`; `re-actors/alls-green`, which reads the results
    /// of the jobs it needs), chat notifications
    /// (one webhook call: `slackapi/slack-github-action`,
    /// `rjstone/discord-webhook-notify`, …), a release created with no
    /// files to upload (`softprops/action-gh-release` or
    /// `ncipollo/release-action` without `files:`/`artifacts:`), scripts of shell
    /// built-ins and local tools (`echo`, `test`, `jq`, `find`, `git
    /// diff`, `git checkout` and other local `git` commands, `helm lint` and
    /// `helm template` of a chart in the checkout (not with
    /// `--dependency-update` or `--repo`), `kustomize build` and `kubectl
    /// kustomize`, `xargs` running one of them, one GitHub API call such as
    /// `gh api`, `gh pr view`, `gh pr merge --auto`, `gh workflow run` or a `curl` of a `$GITHUB_API_URL` or
    /// `api.github.com` address; what their `$(…)` run counts too) — is
    /// not reported: there is nothing left to bound.
    ///
    /// ## Why it matters in production
    /// The default is 360 minutes. A hung test or a deploy waiting on a
    /// rollout that never completes holds a runner — and the deploy
    /// concurrency group — for six hours, blocking the hotfix behind it.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-24.04
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-24.04
    ///     timeout-minutes: 15
    /// ```
    ///
    /// ## Fix
    /// None: the right limit depends on the job.
    ///
    /// ## References
    /// - [GitHub: `jobs.<job_id>.timeout-minutes`](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idtimeout-minutes)
    pub struct JobTimeoutMissing {
        code: "GH010",
        name: "job-timeout-missing",
        severity: Info,
        fix: None,
        summary: "a job has no `timeout-minutes` (the default is 6 hours)",
    }
}

/// Actions that finish in seconds or bound themselves.
const QUICK_ACTIONS: &[&str] = &[
    "actions/checkout",
    "actions/setup-",
    "actions/cache",
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/github-script",
    "actions/stale",
    "actions/labeler",
    "actions/add-to-project",
    // Cloud sign-in and CLI set-up, as first-party set-up actions.
    "google-github-actions/auth",
    "google-github-actions/setup-gcloud",
    "aws-actions/configure-aws-credentials",
    "azure/login",
    // Change detection: a diff of the checkout, or one API call.
    "dorny/paths-filter",
    "tj-actions/changed-files",
    // One or two GitHub API calls: a title check, a comment, a close.
    "actions/first-interaction",
    "amannn/action-semantic-pull-request",
    "peter-evans/find-comment",
    "peter-evans/create-or-update-comment",
    "peter-evans/close-issue",
    "kentaro-m/auto-assign-action",
    "pozil/auto-assign-issue",
    "marocchino/sticky-pull-request-comment",
    "scherermichael-oss/action-has-permission",
    // Run as a container (`docker://…`): checks the pull request's labels.
    "agilepathway/pull-request-label-checker",
    "actions/create-github-app-token",
    "release-drafter/release-drafter",
    // Reads the `needs` results it is given: no network, no build.
    "re-actors/alls-green",
    // One webhook call: a chat notification.
    "slackapi/slack-github-action",
    "rjstone/discord-webhook-notify",
    "ilshidur/action-discord",
    "sarisia/actions-status-discord",
    "8398a7/action-slack",
    "rtcamp/action-slack-notify",
];

/// Actions that create a GitHub release, and their inputs that upload
/// files to it.
const RELEASE_ACTIONS: &[&str] = &["softprops/action-gh-release", "ncipollo/release-action"];
const RELEASE_UPLOADS: &[&str] = &["files", "artifacts"];

/// Does a step have its own limit, or no way to hang?
fn bounded(step: &Step<'_>) -> bool {
    if step.node.get("timeout-minutes").is_some() {
        return true;
    }
    if let Some(path) = action_path(step) {
        // A release made with no files to upload is a few API calls.
        let bare_release = RELEASE_ACTIONS.iter().any(|a| path.starts_with(a))
            && !step
                .with
                .is_some_and(|w| RELEASE_UPLOADS.iter().any(|k| w.get(k).is_some()));
        // An action run from its image (`docker://owner/name:tag`) is
        // known by the image's repository.
        let path = match step.uses.as_ref().map(|u| parse_uses(&u.text)) {
            Some(Uses::Docker(image)) => {
                crate::parse::image::ImageRef::parse(image, crate::source::Span::default(), false)
                    .short_name()
                    .to_ascii_lowercase()
            }
            _ => path,
        };
        return bare_release || QUICK_ACTIONS.iter().any(|a| path.starts_with(a));
    }
    run_script(step).is_some_and(|s| !s.commands.is_empty() && quick(s, 0))
}

impl Rule for JobTimeoutMissing {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        for job in w
            .jobs
            .iter()
            .filter(|j| j.timeout_minutes.is_none() && j.uses.is_none())
        {
            if !job.steps.is_empty() && job.steps.iter().all(bounded) {
                continue;
            }
            out.report(
                &Self::META,
                job.id.span,
                format!(
                    "job `{}` may run for 6 hours before GitHub stops it",
                    job.id.text
                ),
            )
            .help("set `timeout-minutes` a little above the job's usual duration");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::workflow::check_text;

    fn count(run: &str) -> usize {
        let text = format!(
            "on: pull_request\npermissions: {{}}\njobs:\n  merge:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: {run}\n"
        );
        check_text(&JobTimeoutMissing, &text).len()
    }

    #[test]
    fn one_github_api_call_cannot_hang() {
        assert_eq!(count("gh pr merge --auto --merge \"$PR_URL\""), 0);
        assert_eq!(count("gh pr review --approve \"$PR_URL\""), 0);
        // The repository flag before the subcommand.
        assert_eq!(
            count("gh issue --repo \"$REPO\" comment \"$ISSUE\" --body \"$MSG\""),
            0
        );
        assert_eq!(count("gh -R \"$REPO\" pr view 12"), 0);
        // A checkout of the pull request fetches the repository.
        assert_eq!(count("gh pr checkout \"$PR_URL\""), 1);
    }

    #[test]
    fn rendering_a_local_chart_cannot_hang() {
        assert_eq!(
            count("helm lint ./chart && helm template ./chart > /dev/null"),
            0
        );
        // Updating its dependencies downloads them.
        assert_eq!(count("helm template --dependency-update ./chart"), 1);
        assert_eq!(count("helm install app ./chart"), 1);
        assert_eq!(
            count("kustomize build overlays/prod | kubectl apply --dry-run=client -f -"),
            1
        );
        assert_eq!(count("kustomize build overlays/prod > all.yaml"), 0);
    }
}
