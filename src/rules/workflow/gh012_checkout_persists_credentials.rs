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
    /// job's token (every step holds it already; no step sets that
    /// variable to something else) and that ships nothing of the
    /// workspace nor starts a container with it (`docker run -v`, a
    /// compose `up` or `run`: the container's program gets none of the
    /// step's environment but reads `.git/config`) — when the checkout
    /// keeps the job's own token: one given another credential (`token:`
    /// a personal access token, `ssh-key:`) is not what the steps hold.
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
    /// credentials; prodlint leaves out the job's own token where it is
    /// read-only, or already in every step's environment, and never
    /// leaves the runner.
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

/// Every step of the job holds the job's token in its environment: the
/// job's `env:` sets a variable to it, or the workflow's does and the job
/// does not set that variable to something else — and no step sets it
/// to something else either (a step that empties `GITHUB_TOKEN` before
/// a third party's action is kept from the token, but not from
/// `.git/config`).
fn every_step_holds_token(w: Option<&Workflow<'_>>, job: &Job<'_>, steps: &[Step<'_>]) -> bool {
    // Whether an `env:` sets `key` to the job's token (`None`: it does
    // not set `key`).
    let token_at = |env: Option<&Node>, key: &str| {
        env_entries(env)
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v.as_str().is_some_and(is_job_token))
    };
    let workflow_env = w.and_then(|w| w.env);
    env_entries(job.env)
        .chain(env_entries(workflow_env))
        .filter_map(|(k, _)| k.as_str())
        .any(|key| {
            // The job's setting of a variable wins over the workflow's.
            token_at(job.env, key).or_else(|| token_at(workflow_env, key)) == Some(true)
                && steps.iter().all(|s| token_at(s.env, key) != Some(false))
        })
}

/// A mapping with a value that is the job's token.
fn names_job_token(node: &Node) -> bool {
    node.as_map().is_some_and(|entries| {
        entries
            .iter()
            .any(|e| e.value.as_str().is_some_and(is_job_token))
    })
}

/// The value is the job's token (`${{ secrets.GITHUB_TOKEN }}`,
/// `${{ github.token }}`; expressions ignore case and blanks).
fn is_job_token(value: &str) -> bool {
    let v: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    v == "${{secrets.github_token}}" || v == "${{github.token}}"
}

/// The checkout persists the job's own token: no `token:` input other
/// than it, no `ssh-key:`. A personal access token or a deploy key in
/// `.git/config` is another credential than the one the job's
/// permissions bound and its steps are handed, and outlives the job.
fn persists_job_token(checkout: &Step<'_>) -> bool {
    given(checkout, "ssh-key").is_none() && given(checkout, "token").is_none_or(is_job_token)
}

/// A step's `with:` input, when it is set to something.
fn given<'s>(step: &'s Step<'_>, name: &str) -> Option<&'s str> {
    step.with
        .and_then(|w| w.get(name))
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Does a step start a container with the workspace in it (`docker run
/// -v "$PWD:/src"`, a compose `up` or `run`, whose volumes the workflow
/// does not show)? The container's program gets none of the step's
/// environment, but reads `.git/config`.
fn mounts_workspace(step: &Step<'_>) -> bool {
    run_script(step).is_some_and(|s| {
        s.commands.iter().any(|c| {
            let args: Vec<&str> = c.args().iter().map(|w| w.text.as_str()).collect();
            let has = |w: &str| args.contains(&w);
            let compose_start = has("up") || has("run");
            match c.program() {
                Some("docker" | "podman") => {
                    (has("compose") && compose_start)
                        || (has("run")
                            && args.iter().any(|a| {
                                *a == "-v"
                                    || (a.starts_with("-v") && a.contains(':'))
                                    || a.starts_with("--volume")
                                    || a.starts_with("--mount")
                            }))
                }
                Some("docker-compose" | "podman-compose") => compose_start,
                _ => false,
            }
        })
    })
}

/// Does a step carry the workspace off the runner (an artifact, an image)?
fn ships_workspace(step: &Step<'_>) -> bool {
    if let Some(path) = action_path(step) {
        // (`actions/upload-pages-artifact` is not one: it archives its
        // folder without `.git`.)
        if path.starts_with("actions/upload-artifact") {
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
            // A read-only token in `.git/config` matters only where the
            // workspace leaves the runner; so does the job's own token
            // when every step is handed it already (the job's or the
            // workflow's `env:`) and no container the job starts reads
            // the workspace.
            let ships = steps.iter().any(ships_workspace);
            if !ships && job.is_some_and(|j| read_only(cx.workflow, j)) {
                continue;
            }
            let held = !ships
                && job.is_some_and(|j| every_step_holds_token(cx.workflow, j, steps))
                && !steps.iter().any(mounts_workspace);
            for (i, step) in steps.iter().enumerate() {
                if held && persists_job_token(step) {
                    continue;
                }
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
        // Named for what it keeps: the job's token, or the credential
        // the step was given instead.
        let what = if persists_job_token(step) {
            "the job's token in `.git/config`"
        } else if given(step, "ssh-key").is_some() {
            "the SSH key it is given (`ssh-key:`) configured"
        } else {
            "the token it is given (`token:`) in `.git/config`"
        };
        let message = if pusher.is_some() {
            format!(
                "checkout leaves {what} for every later step; a later step pushes with it, so give that step a token of its own before turning it off"
            )
        } else {
            format!("checkout leaves {what} for every later step")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::workflow::check_text;

    /// The lines (1-based) of the findings for a workflow whose `env:`
    /// (at the top), job `env:` and steps are given.
    fn lines(workflow_env: &str, job_env: &str, steps: &str) -> Vec<usize> {
        let text = format!(
            "on: push\n{workflow_env}jobs:\n  build:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: write\n{job_env}    steps:\n{steps}"
        );
        check_text(&CheckoutPersistsCredentials, &text)
            .iter()
            .map(|f| text[..f.span.start].matches('\n').count() + 1)
            .collect()
    }

    /// The messages for these steps, in a job with the token in its
    /// environment.
    fn messages(steps: &str) -> Vec<String> {
        let text = format!(
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: write\n{TOKEN_ENV}    steps:\n{steps}"
        );
        check_text(&CheckoutPersistsCredentials, &text)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    const TOKEN_ENV: &str = "    env:\n      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n";
    const CHECKOUT_THEN_ACTION: &str =
        "      - uses: actions/checkout@v4\n      - uses: acme/annotate@v2\n";

    #[test]
    fn a_token_every_step_holds_is_not_reported() {
        // Without it, a write token beside a third party's action.
        assert_eq!(lines("", "", CHECKOUT_THEN_ACTION), [8]);
        // The job's environment, or the workflow's, hands it to every step.
        assert_eq!(
            lines("", TOKEN_ENV, CHECKOUT_THEN_ACTION),
            Vec::<usize>::new()
        );
        let workflow_env = "env:\n  GH_TOKEN: ${{ github.token }}\n";
        assert_eq!(
            lines(workflow_env, "", CHECKOUT_THEN_ACTION),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn a_token_some_step_is_kept_from_is_reported() {
        // The job sets the workflow's variable to another value.
        let workflow_env = "env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n";
        let job_env = "    env:\n      GITHUB_TOKEN: ${{ secrets.RELEASE_PAT }}\n";
        assert_eq!(lines(workflow_env, job_env, CHECKOUT_THEN_ACTION), [12]);
        // A step empties it before a third party's action.
        let steps = "      - uses: actions/checkout@v4\n      - uses: acme/annotate@v2\n        env:\n          GITHUB_TOKEN: ''\n";
        assert_eq!(lines("", TOKEN_ENV, steps), [10]);
    }

    #[test]
    fn another_credential_in_git_config_is_reported() {
        let pat = "      - uses: actions/checkout@v4\n        with:\n          token: ${{ secrets.BOT_PAT }}\n      - uses: acme/annotate@v2\n";
        assert_eq!(lines("", TOKEN_ENV, pat), [10]);
        assert_eq!(
            messages(pat),
            [
                "checkout leaves the token it is given (`token:`) in `.git/config` for every later step"
            ]
        );
        let key = "      - uses: actions/checkout@v4\n        with:\n          ssh-key: ${{ secrets.DEPLOY_KEY }}\n      - uses: acme/annotate@v2\n";
        assert_eq!(lines("", TOKEN_ENV, key), [10]);
        assert_eq!(
            messages(key),
            [
                "checkout leaves the SSH key it is given (`ssh-key:`) configured for every later step"
            ]
        );
        // Given the job's token explicitly, it is the job's token.
        let own = "      - uses: actions/checkout@v4\n        with:\n          token: ${{ github.token }}\n      - uses: acme/annotate@v2\n";
        assert_eq!(lines("", TOKEN_ENV, own), Vec::<usize>::new());
    }

    #[test]
    fn only_an_upload_of_the_workspace_with_git_ships_the_copy() {
        let artifact = "      - uses: actions/checkout@v4\n      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n";
        assert_eq!(lines("", "", artifact), [8]);
        // The Pages archive leaves `.git` out.
        let pages = "      - uses: actions/checkout@v4\n      - uses: actions/upload-pages-artifact@v3\n        with:\n          path: .\n";
        assert_eq!(lines("", "", pages), Vec::<usize>::new());
    }

    #[test]
    fn a_container_given_the_workspace_reads_the_copy() {
        let steps =
            "      - uses: actions/checkout@v4\n      - run: docker compose run --rm app pytest\n";
        assert_eq!(lines("", TOKEN_ENV, steps), [10]);
        let steps = "      - uses: actions/checkout@v4\n      - run: docker run --rm -v \"$PWD:/src\" acme/lint\n";
        assert_eq!(lines("", TOKEN_ENV, steps), [10]);
        // Nothing of the workspace in it.
        let steps = "      - uses: actions/checkout@v4\n      - run: docker run --rm acme/notify\n      - uses: acme/annotate@v2\n";
        assert_eq!(lines("", TOKEN_ENV, steps), Vec::<usize>::new());
    }
}
