use super::*;

declare_rule! {
    /// ## What it checks
    /// An env file that is not a template, holds at least one real-looking
    /// secret (a key named like a credential with a value that is not
    /// empty, a placeholder or a reference), and that no `.gitignore` (in
    /// its folder or above, up to the repository root) ignores. A file of
    /// settings only (`VITE_API_URL=…`), or of empty or `changeme` secrets,
    /// is meant to be committed: it is not reported. Outside a git
    /// repository EN024 reports such a file, and this rule stays silent.
    ///
    /// ## Why it matters in production
    /// The next `git add .` commits it, with whatever real credentials a
    /// developer put there for a quick test.
    ///
    /// ## Example
    /// A repository with `.env` and a `.gitignore` that does not mention it.
    ///
    /// ## Use instead
    /// ```text
    /// # .gitignore
    /// .env
    /// .env.*
    /// !.env.example
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [git: gitignore](https://git-scm.com/docs/gitignore)
    pub struct EnvNotGitignored {
        code: "EN025",
        name: "env-not-gitignored",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: None,
        summary: "`.gitignore` does not ignore an env file",
    }
}

impl Rule for EnvNotGitignored {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        if cx.environment == Environment::Template || crate::git::is_ignored(&cx.file.path) {
            return;
        }
        // Outside a git repository EN024 reports the same file (not
        // ignored, with secrets): one finding, not two.
        if crate::git::is_tracked(&cx.file.path).is_none() {
            return;
        }
        // Settings and placeholders are committed on purpose.
        let secret = cx.env.entries.iter().find(|e| {
            !e.value.contains("${")
                && crate::rules::secrets::is_secret_assignment(&e.key, &e.value, &[])
        });
        let Some(secret) = secret else { return };
        let name = file_name(cx);
        let at = file_head(cx);
        out.report(
            &Self::META,
            at,
            format!(
                "no `.gitignore` ignores `{name}`, which holds a value for `{}`: the next `git add .` commits it",
                secret.key
            ),
        )
        .help("add `.env` and `.env.*` (with `!.env.example`) to `.gitignore`");
    }
}
