use super::*;

declare_rule! {
    /// ## What it checks
    /// `actions/checkout` without `persist-credentials: false`, in a job
    /// whose token can write (the job's or the workflow's `permissions:`
    /// grant a write scope other than `id-token`, or say nothing and the
    /// repository default applies) or whose workspace leaves the runner (an
    /// artifact upload of the workspace itself, an image build). A read-only token that stays on the runner is
    /// what every later step can already ask for: not reported. Nor is a
    /// checkout followed only by GitHub's own actions (`github/…`,
    /// `actions/…` other than `actions/github-script`, none uploading the
    /// workspace), such as CodeQL's, and scripts of quick local programs
    /// (coreutils, `jq`, `git` of any kind — `git checkout HEAD^2`, `git
    /// commit`, and `git push` with the persisted token, which runs
    /// nothing but git —, a `sleep` between retries, one `gh` call), and
    /// actions handed the job's token anyway (a `with:` input or an `env:`
    /// variable set to `${{ secrets.GITHUB_TOKEN }}` or
    /// `${{ github.token }}`, or one whose token input defaults to it, such
    /// as `peter-evans/create-pull-request` and reviewdog's linters): they
    /// receive the token anyway or run no third party's code. Nor is a
    /// job whose own `env:` or the workflow's sets a variable to the
    /// job's token (every step holds it already) and that ships nothing
    /// of the workspace.
    ///
    /// ## Why it matters in production
    /// By default checkout writes the job's token into `.git/config` of the
    /// workspace, where every later step — and anything that uploads the
    /// workspace as an artifact or builds it into an image — can read it.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - uses: actions/checkout@v4
    ///   with:
    ///     persist-credentials: false
    /// ```
    ///
    /// ## Fix
    /// Unsafe where a later step of the job runs `git push`, `git tag` or
    /// `git commit`, or a push action: those use the persisted credentials
    /// and stop working without them (the message says so; give that step
    /// a token of its own). Safe everywhere else. Either way it adds
    /// `persist-credentials: false` under the step's `with:` (creating it
    /// when missing), keeping the file's indentation; steps in flow style
    /// (`{uses: …}`) are left to you.
    ///
    /// ## Differences from zizmor
    /// zizmor's `artipacked` reports every checkout that persists its
    /// credentials; prodlint leaves out read-only tokens that never leave
    /// the runner.
    ///
    /// ## References
    /// - [actions/checkout: `persist-credentials`](https://github.com/actions/checkout#usage)
    pub struct CheckoutPersistsCredentials {
        code: "GH012",
        name: "checkout-persists-credentials",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: Unsafe,
        summary: "`actions/checkout` leaves the token in `.git/config`",
    }
}

/// The edit that adds `persist-credentials: false`, when the step is in
/// block style.
fn fix_edit(cx: &WorkflowContext<'_>, step: &Step<'_>) -> Option<Edit> {
    const SETTING: &str = "persist-credentials: false";
    match step.node.entry("with") {
        Some(with) => yaml_edit::insert_first_entry(cx.file, with, SETTING),
        None => yaml_edit::append_block(
            cx.file,
            step.node,
            step.node.entry("uses")?,
            "with",
            SETTING,
        ),
    }
}

/// Actions that commit or push with the checkout's credentials.
const PUSH_ACTIONS: &[&str] = &[
    "stefanzweifel/git-auto-commit-action",
    "endbug/add-and-commit",
    "ad-m/github-push-action",
    "actions-js/push",
];

/// Does a step use the persisted credentials (`git push`, `git tag`,
/// `git commit`, a push action)?
fn uses_git_credentials(step: &Step<'_>) -> bool {
    if action_path(step).is_some_and(|p| PUSH_ACTIONS.contains(&p.as_str())) {
        return true;
    }
    run_script(step).is_some_and(|s| {
        s.commands.iter().any(|c| {
            c.program() == Some("git")
                && c.args()
                    .iter()
                    .any(|a| matches!(a.text.as_str(), "push" | "tag" | "commit"))
        })
    })
}

/// Does the job's token grant no write scope? `None` when neither the job
/// nor the workflow says (the repository's default, possibly write).
fn read_only(w: Option<&Workflow<'_>>, job: &Job<'_>) -> bool {
    let Some(p) = job
        .permissions
        .as_ref()
        .or(w.and_then(|w| w.permissions.as_ref()))
    else {
        return false;
    };
    match p {
        Permissions::All(s) => s.text == "read-all",
        // `id-token: write` lets the job ask for an OIDC token; the token in
        // `.git/config` gains nothing from it.
        Permissions::Scopes(..) => p.write_scopes().iter().all(|s| s.text == "id-token"),
    }
}

/// Actions whose token input defaults to the job's token (their
/// `action.yml` says `default: ${{ github.token }}`).
const TOKEN_BY_DEFAULT: &[&str] = &[
    "peter-evans/create-pull-request",
    "peter-evans/create-or-update-comment",
    "peter-evans/enable-pull-request-automerge",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "dorny/paths-filter",
    // reviewdog's linters (`action-shellcheck`, `action-misspell`, …)
    // all come from one template: `github_token` defaults to it.
    "reviewdog/action-",
];

/// An action step that holds the job's token anyway: its `with:` passes
/// `secrets.GITHUB_TOKEN` or `github.token`, or its token input defaults
/// to it. The copy in `.git/config` gives it nothing more.
fn handed_token(step: &Step<'_>) -> bool {
    if step.run.is_some() {
        return false;
    }
    let Some(path) = action_path(step) else {
        return false;
    };
    // `reviewdog/action-setup` only installs the program.
    if TOKEN_BY_DEFAULT.iter().any(|a| path.starts_with(a)) && path != "reviewdog/action-setup" {
        return true;
    }
    // An input or the step's environment (`GITHUB_TOKEN: ${{ … }}`).
    [step.with, step.env]
        .into_iter()
        .flatten()
        .any(names_job_token)
}

/// The job's `env:`, or the workflow's, sets a variable to the job's
/// token: every step of the job holds it already.
fn every_step_handed_token(w: Option<&Workflow<'_>>, job: &Job<'_>) -> bool {
    [job.env, w.and_then(|w| w.env)]
        .into_iter()
        .flatten()
        .any(names_job_token)
}

/// A mapping with a value that is the job's token.
fn names_job_token(node: &Node) -> bool {
    node.as_map().is_some_and(|entries| {
        entries.iter().any(|e| {
            e.value.as_str().is_some_and(|v| {
                // Expressions ignore case: `secrets.github_token` too.
                let v: String = v
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                v == "${{secrets.github_token}}" || v == "${{github.token}}"
            })
        })
    })
}

/// Does a step carry the workspace off the runner (an artifact, an image)?
fn ships_workspace(step: &Step<'_>) -> bool {
    if let Some(path) = action_path(step) {
        if path.starts_with("actions/upload-artifact")
            || path.starts_with("actions/upload-pages-artifact")
        {
            // Named files leave `.git` behind; the workspace does not.
            let paths = step
                .with
                .and_then(|w| w.get("path"))
                .and_then(Node::as_str)
                .unwrap_or(".");
            return paths
                .lines()
                .map(str::trim)
                .any(|p| matches!(p, "." | "./" | "*" | "**" | "${{ github.workspace }}"));
        }
        if path.starts_with("docker/build-push-action") {
            return true;
        }
    }
    run_script(step).is_some_and(|s| {
        s.commands.iter().any(|c| {
            let args: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
            matches!(c.program(), Some("docker" | "podman" | "buildah"))
                && args.iter().any(|a| matches!(*a, "build" | "buildx"))
        })
    })
}

impl Rule for CheckoutPersistsCredentials {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let jobs: Vec<(Option<&Job<'_>>, &[Step<'_>])> = match (cx.workflow, cx.action) {
            (Some(w), _) => w
                .jobs
                .iter()
                .map(|j| (Some(j), j.steps.as_slice()))
                .collect(),
            (None, Some(a)) => vec![(None, a.steps.as_slice())],
            (None, None) => Vec::new(),
        };
        for (job, steps) in jobs {
            // A read-only token, or one the job's (or the workflow's)
            // `env:` already hands to every step: the copy in
            // `.git/config` matters only where the workspace leaves the
            // runner.
            let quiet = job.is_some_and(|j| {
                read_only(cx.workflow, j) || every_step_handed_token(cx.workflow, j)
            }) && !steps.iter().any(ships_workspace);
            if quiet {
                continue;
            }
            for (i, step) in steps.iter().enumerate() {
                self.check_step(cx, step, &steps[i + 1..], out);
            }
        }
    }
}

impl CheckoutPersistsCredentials {
    fn check_step(
        &self,
        cx: &WorkflowContext<'_>,
        step: &Step<'_>,
        later: &[Step<'_>],
        out: &mut Findings,
    ) {
        if !step_uses(step, "actions/checkout") {
            return;
        }
        let setting = step.with.and_then(|w| w.get("persist-credentials"));
        if setting.is_some_and(|s| s.as_bool() == Some(false) || s.as_str() == Some("false")) {
            return;
        }
        let Some(uses) = &step.uses else { return };
        // Only GitHub's own actions follow (CodeQL's analysis, a cache
        // save): they are handed the token anyway, run no code of a third
        // party, and ship nothing of the workspace.
        // A script of quick local programs (`git tag | head`, `jq`, one
        // `gh api` call) and git (`git push` with the persisted token) is
        // the workflow author's own code, as harmless.
        if later.iter().all(|s| {
            let own_action = s.run.is_none()
                && action_path(s)
                    .is_some_and(|p| p.starts_with("github/") || p.starts_with("actions/"))
                && !action_path(s).is_some_and(|p| p.starts_with("actions/github-script"));
            let local_script = s.uses.is_none()
                && run_script(s).is_some_and(|script| {
                    !script.commands.is_empty() && super::quick::own_code_only(script)
                });
            (own_action || local_script || handed_token(s)) && !ships_workspace(s)
        }) {
            return;
        }
        let pusher = later.iter().find(|s| uses_git_credentials(s));
        let message = if pusher.is_some() {
            "checkout leaves the job's token in `.git/config` for every later step; a later step pushes with it, so give that step a token of its own before turning it off"
        } else {
            "checkout leaves the job's token in `.git/config` for every later step"
        };
        let mut b = out
            .report(&Self::META, uses.span, message)
            .help("add `persist-credentials: false` under `with:`");
        if let Some(p) = pusher {
            let span = p.run.map_or(p.node.span, |r| r.span);
            b = b.related(span, "pushes with the persisted credentials");
        }
        if setting.is_none()
            && let Some(edit) = fix_edit(cx, step)
        {
            let applicability = if pusher.is_some() {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            b.fix(
                applicability,
                "add `persist-credentials: false`",
                vec![edit],
            );
        }
    }
}
