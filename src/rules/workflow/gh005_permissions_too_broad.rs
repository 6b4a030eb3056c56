use super::*;

declare_rule! {
    /// ## What it checks
    /// `permissions: write-all` on a workflow or a job, and write scopes
    /// granted at workflow level in a workflow with several jobs, where
    /// every job gets them though typically one needs them. A scope every
    /// inheriting job shows a use for is not reported: `id-token` for
    /// trusted publishing or cloud login, `contents` for `git push`/`tag`
    /// or a release action, `packages` for a push to `ghcr.io`,
    /// `pull-requests`/`issues` for the `gh` commands and actions that
    /// write them. `uv publish` and `npm publish` count as uses of
    /// `id-token`: both exchange the job's OpenID Connect token with the
    /// registry on their own (trusted publishing) when the scope is
    /// granted. A job that calls a reusable workflow counts as a use of
    /// every scope: the caller's permissions cap the called workflow's
    /// jobs, which may need them (a deployment that pushes a tag). The
    /// message names the jobs that show no use. It is an error when no
    /// inheriting job shows a use, a warning when some do (the grant is
    /// needed; only its reach into the others is too broad).
    ///
    /// ## Why it matters in production
    /// Every step of every job can use the token: a test job with
    /// `contents: write` can push to your default branch if one of its
    /// dependencies is compromised. Write access belongs on the one job
    /// that publishes or deploys.
    ///
    /// ## Example
    /// ```yaml
    /// permissions: write-all
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   release:
    ///     permissions:
    ///       contents: write
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: `permissions`](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions)
    pub struct PermissionsTooBroad {
        code: "GH005",
        name: "permissions-too-broad",
        severity: Error,
        tags: ["security"],
        security_severity: "7.0",
        fix: None,
        summary: "`write-all`, or write scopes granted to every job",
    }
}

impl Rule for PermissionsTooBroad {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        let all = w
            .permissions
            .iter()
            .chain(w.jobs.iter().filter_map(|j| j.permissions.as_ref()));
        for p in all {
            if let Permissions::All(s) = p
                && s.text == "write-all"
            {
                out.report(
                    &Self::META,
                    s.span,
                    "`write-all` gives every step write access to everything the token can touch",
                )
                .help("list the scopes the job needs, each `read` unless it must write");
            }
        }
        // Jobs that set their own permissions do not inherit the workflow's.
        let inheriting: Vec<&Job<'_>> = w.jobs.iter().filter(|j| j.permissions.is_none()).collect();
        if inheriting.len() < 2 {
            return;
        }
        for scope in w.permissions.iter().flat_map(|p| p.write_scopes()) {
            let idle: Vec<&str> = inheriting
                .iter()
                .filter(|j| !uses_scope(j, &scope.text))
                .map(|j| j.id.text.as_str())
                .collect();
            let Some(first) = idle.first() else {
                continue;
            };
            let named = if idle.len() == inheriting.len() {
                "none shows a use of it".to_string()
            } else if idle.len() == 1 {
                format!("`{first}` shows no use of it")
            } else {
                format!("{} of them (`{first}`, …) show no use of it", idle.len())
            };
            let finding = out
                .report(
                    &Self::META,
                    scope.span,
                    format!(
                        "`{}: write` at workflow level applies to {} jobs; {named}",
                        scope.text,
                        inheriting.len()
                    ),
                )
                .help("grant write scopes on the job that needs them");
            // Other jobs need the scope: what is too broad is only its reach
            // into the idle ones (`permissions: {}` there narrows it).
            if idle.len() < inheriting.len() {
                finding.severity(Severity::Warning);
            }
        }
    }
}

/// Actions that use a write scope, by scope.
const SCOPE_ACTIONS: &[(&str, &[&str])] = &[
    (
        "id-token",
        &[
            "pypa/gh-action-pypi-publish",
            "aws-actions/configure-aws-credentials",
            "google-github-actions/auth",
            "azure/login",
            "actions/attest-build-provenance",
            "actions/attest",
            "sigstore/",
            "hashicorp/vault-action",
        ],
    ),
    (
        "contents",
        &[
            "softprops/action-gh-release",
            "ncipollo/release-action",
            "actions/create-release",
            "stefanzweifel/git-auto-commit-action",
            "endbug/add-and-commit",
            "ad-m/github-push-action",
            "peter-evans/create-pull-request",
            "googleapis/release-please-action",
            "changesets/action",
        ],
    ),
    (
        "pull-requests",
        &[
            "peter-evans/create-pull-request",
            "peter-evans/create-or-update-comment",
            "marocchino/sticky-pull-request-comment",
            "thollander/actions-comment-pull-request",
            "actions/labeler",
            "googleapis/release-please-action",
            "changesets/action",
        ],
    ),
    (
        "issues",
        &[
            "actions/stale",
            "peter-evans/create-issue-from-file",
            "peter-evans/create-or-update-comment",
        ],
    ),
    ("packages", &[]),
];

/// Does the job show a use of the write scope `scope`? Evidence, not
/// proof: an action or command known to write it. `actions/github-script`
/// and `gh api` can write anything, so they count for every scope.
fn uses_scope(job: &Job<'_>, scope: &str) -> bool {
    // A reusable workflow's jobs get at most what the calling job has.
    if job.uses.is_some() {
        return true;
    }
    let actions = SCOPE_ACTIONS
        .iter()
        .find(|(s, _)| *s == scope)
        .map_or(&[][..], |(_, a)| *a);
    job.steps.iter().any(|step| {
        if let Some(path) = action_path(step) {
            if path == "actions/github-script" || actions.iter().any(|a| path.starts_with(a)) {
                return true;
            }
            if scope == "packages"
                && path == "docker/login-action"
                && step
                    .with
                    .and_then(|w| w.get("registry"))
                    .and_then(Node::as_str)
                    .is_some_and(|r| r.contains("ghcr.io"))
            {
                return true;
            }
        }
        run_script(step).is_some_and(|s| {
            s.commands.iter().any(|c| {
                let args: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
                let sub = args.get(1).copied().unwrap_or("");
                match (c.program().unwrap_or(""), scope) {
                    ("gh", _) if sub == "api" => true,
                    ("gh", "contents") => sub == "release",
                    ("gh", "pull-requests") => sub == "pr",
                    ("gh", "issues") => sub == "issue",
                    ("git", "contents") => {
                        args.iter().any(|a| matches!(*a, "push" | "tag" | "commit"))
                    }
                    ("docker", "packages") => {
                        args.iter().any(|a| a.contains("ghcr.io"))
                            && args
                                .iter()
                                .any(|a| matches!(*a, "push" | "login" | "--push"))
                    }
                    // Trusted publishing: both ask GitHub for the job's
                    // OIDC token by themselves when they may.
                    ("uv" | "npm", "id-token") if sub == "publish" => true,
                    ("pnpm" | "yarn", "id-token") => {
                        sub == "publish" && args.contains(&"--provenance")
                    }
                    ("cosign", "id-token") => true,
                    _ => false,
                }
            })
        })
    })
}
