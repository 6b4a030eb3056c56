use super::*;
use crate::rules::secrets::is_secret_assignment;

declare_rule! {
    /// ## What it checks
    /// An env file that is not a template, holds secret-like values (a
    /// `*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*_KEY` … name with a value that
    /// is not empty, a placeholder or a `${…}` reference), and is tracked by
    /// git — or, outside a git repository, not ignored by `.gitignore` (the
    /// message then says so; EN025 stays silent there).
    ///
    /// ## Why it matters in production
    /// Everything in git history is copied to every clone, fork, CI cache
    /// and laptop, forever: deleting the file later does not remove it.
    /// The credentials have to be rotated.
    ///
    /// ## Example
    /// `git add .env` of a file with `STRIPE_SECRET_KEY=sk_live_…`.
    ///
    /// ## Use instead
    /// Commit `.env.example` with empty values, list `.env` in
    /// `.gitignore`, `git rm --cached .env`, and rotate the secrets.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: removing sensitive data from a repository](https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository)
    pub struct EnvFileCommitted {
        code: "EN024",
        name: "env-file-committed",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "an env file with secrets is committed to git",
    }
}

impl Rule for EnvFileCommitted {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        if cx.environment == Environment::Template {
            return;
        }
        let secrets: Vec<&Entry> = cx
            .env
            .entries
            .iter()
            .filter(|e| !e.value.contains("${") && is_secret_assignment(&e.key, &e.value, &[]))
            .collect();
        let Some(first) = secrets.first() else { return };
        let tracked = crate::git::is_tracked(&cx.file.path);
        let exposed = match tracked {
            Some(tracked) => tracked,
            None => !crate::git::is_ignored(&cx.file.path),
        };
        if exposed {
            let names = secrets
                .iter()
                .map(|e| format!("`{}`", e.key))
                .collect::<Vec<_>>()
                .join(", ");
            // Outside a git repository what is known is that nothing
            // ignores it: the next `git add .` commits it (EN025's case,
            // reported here once).
            if tracked.is_none() {
                out.report(&Self::META, first.key_span, format!("this env file holds secret values and no `.gitignore` ignores it: {names}"))
                    .help("ignore it (`.env` and `.env.*` with `!.env.example` in `.gitignore`), keep the secrets out of the repository, and commit a template instead");
                return;
            }
            out.report(&Self::META, first.key_span, format!("this env file is committed with secret values: {names}"))
                .help("remove it from git (`git rm --cached`), ignore it, rotate the secrets, and commit a template instead");
        }
    }
}
