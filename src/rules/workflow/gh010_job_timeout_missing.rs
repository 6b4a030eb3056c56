use super::*;

declare_rule! {
    /// ## What it checks
    /// A job without `timeout-minutes` (reusable-workflow calls, which
    /// cannot set one, are skipped). A job whose every step either has its
    /// own `timeout-minutes` or cannot hang — first-party setup and
    /// artifact actions, `actions/github-script`, change detection
    /// (`dorny/paths-filter`, `tj-actions/changed-files`), scripts of shell
    /// built-ins and local tools (`echo`, `test`, `jq`, `find`, `git
    /// diff`, `xargs` running one of them, one GitHub API call such as
    /// `gh api` or `gh pr view`; what their `$(…)` run counts too) — is
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
    // Change detection: a diff of the checkout, or one API call.
    "dorny/paths-filter",
    "tj-actions/changed-files",
];

/// Programs that do not wait on the network or a build.
const QUICK_PROGRAMS: &[&str] = &[
    "echo", "printf", "test", "[", "true", "false", "exit", "cat", "jq", "grep", "sed", "awk",
    "cut", "sort", "head", "tail", "wc", "ls", "mkdir", "cp", "mv", "rm", "date", "basename",
    "dirname", "tr", "export", "set", "if", "then", "fi", "[[", "find", "uniq", "tee", "touch",
    "pwd", "cd", "seq", "printenv", "realpath", "readlink", "stat", "du", "read",
];

/// `git` subcommands that read the local repository.
const QUICK_GIT: &[&str] = &[
    "diff",
    "log",
    "rev-parse",
    "status",
    "show",
    "describe",
    "config",
    "tag",
    "branch",
    "ls-files",
    "ls-tree",
    "rev-list",
    "for-each-ref",
    "merge-base",
    "cat-file",
];

/// Does a step have its own limit, or no way to hang?
fn bounded(step: &Step<'_>) -> bool {
    if step.node.get("timeout-minutes").is_some() {
        return true;
    }
    if let Some(path) = action_path(step) {
        return QUICK_ACTIONS.iter().any(|a| path.starts_with(a));
    }
    run_script(step).is_some_and(|s| !s.commands.is_empty() && quick(s, 0))
}

/// Every command of `script` is quick, those its command substitutions
/// run too (`response=$(curl …)` is a download, however it is assigned).
fn quick(script: &crate::parse::shell::Script, depth: usize) -> bool {
    script.commands.iter().all(|c| {
        let program = match c.program() {
            Some("git") => c
                .args()
                .first()
                .is_some_and(|a| QUICK_GIT.contains(&a.text.as_str())),
            // One GitHub API call (`gh api …`, `gh pr view`), as
            // `actions/github-script` makes.
            Some("gh") => {
                let args: Vec<&str> = c.args().iter().map(|w| w.text.as_str()).collect();
                args.first() == Some(&"api")
                    || args.get(1).is_some_and(|a| {
                        matches!(
                            *a,
                            "view" | "list" | "comment" | "edit" | "create" | "close"
                        )
                    })
            }
            // `xargs basename`: as quick as the program it runs.
            Some("xargs") => c
                .args()
                .iter()
                .any(|a| QUICK_PROGRAMS.contains(&a.text.as_str())),
            Some(p) => QUICK_PROGRAMS.contains(&p),
            None => true,
        };
        program
            && c.assignments
                .iter()
                .chain(&c.argv)
                .flat_map(|w| substitutions(&w.text))
                .all(|inner| {
                    depth < 4 && {
                        let map = crate::parse::offsets::OffsetMap::contiguous(0, inner.len());
                        quick(&crate::parse::shell::parse(inner, &map), depth + 1)
                    }
                })
    })
}

/// The commands `$(…)` and `` `…` `` run in a word, outermost.
fn substitutions(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'(') {
            // `$((…))` is arithmetic: it runs nothing.
            let arithmetic = bytes.get(i + 2) == Some(&b'(');
            let start = i + 2;
            let mut depth = 1;
            let mut j = start;
            while j < bytes.len() && depth > 0 {
                match bytes[j] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            let end = if depth == 0 { j - 1 } else { j };
            if !arithmetic {
                out.extend(text.get(start..end));
            }
            i = j;
        } else if bytes[i] == b'`' {
            let start = i + 1;
            let end = text[start..].find('`').map_or(text.len(), |k| start + k);
            out.extend(text.get(start..end));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
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
