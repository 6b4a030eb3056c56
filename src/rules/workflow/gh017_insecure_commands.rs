use super::*;

declare_rule! {
    /// ## What it checks
    /// `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` in any `env:` of a workflow
    /// (workflow, job or step) or of a composite action.
    ///
    /// ## Why it matters in production
    /// It re-enables the `set-env` and `add-path` workflow commands, which
    /// GitHub disabled because any text printed to the log — a test name, a
    /// pull request title — could set `LD_PRELOAD` or `PATH` for later
    /// steps and take over the job.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   ACTIONS_ALLOW_UNSECURE_COMMANDS: true
    /// ```
    ///
    /// ## Use instead
    /// Write to `$GITHUB_ENV` and `$GITHUB_PATH`.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: deprecating set-env and add-path](https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/)
    pub struct InsecureCommands {
        code: "GH017",
        name: "insecure-commands",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "`ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables injectable commands",
    }
}

impl Rule for InsecureCommands {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let mut envs = Vec::new();
        if let Some(w) = cx.workflow {
            envs.push(w.env);
            envs.extend(w.jobs.iter().map(|j| j.env));
        }
        envs.extend(cx.steps().iter().map(|s| s.env));
        for (k, v) in envs.into_iter().flat_map(env_entries) {
            if k.as_str() == Some("ACTIONS_ALLOW_UNSECURE_COMMANDS") && truthy(v) {
                out.report(
                    &Self::META,
                    k.span.cover(v.span),
                    "this re-enables `set-env` and `add-path`, which any log line can trigger",
                )
                .help("remove it and write to `$GITHUB_ENV` / `$GITHUB_PATH`");
            }
        }
    }
}
