use super::*;
use crate::hashing::FastSet;
use crate::paths::FastPath;

declare_rule! {
    /// ## What it checks
    /// An env file and the template beside it (`.env.example`,
    /// `.env.sample`, `.env.template`, `.env.dist`) that list different
    /// keys: a key set in the file but missing from the template is
    /// reported at the key; keys of the template missing from the file are
    /// reported together at the top of the file.
    ///
    /// ## Why it matters in production
    /// The template is how the next person (and the deploy) learns which
    /// settings exist. A key missing from it is missing in the next
    /// environment someone sets up; a key missing from the file falls back
    /// to a default that may be a development one.
    ///
    /// ## Example
    /// `.env` sets `SENTRY_DSN`, `.env.example` does not mention it.
    ///
    /// ## Use instead
    /// Add `SENTRY_DSN=` to `.env.example`.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [The Twelve-Factor App: config](https://12factor.net/config)
    pub struct EnvKeysDrift {
        code: "EN026",
        name: "env-keys-drift",
        severity: Warning,
        fix: None,
        summary: "an env file and its template list different keys",
    }
}

impl Rule for EnvKeysDrift {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        let Some((path, template)) = cx.template else {
            return;
        };
        let name = path
            .fast_file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // Keys in sets: looking each one up in the other file's list
        // would cost the product of the two files' lengths.
        let documented: FastSet<&str> = template.entries.iter().map(|t| t.key.as_str()).collect();
        let set: FastSet<&str> = cx.env.entries.iter().map(|e| e.key.as_str()).collect();
        for e in &cx.env.entries {
            if !documented.contains(e.key.as_str()) {
                out.report(
                    &Self::META,
                    e.key_span,
                    format!("`{}` is not in `{name}`", e.key),
                )
                .help(format!("document it in `{name}`"));
            }
        }
        let missing: Vec<&str> = template
            .entries
            .iter()
            .filter(|t| !set.contains(t.key.as_str()))
            .map(|t| t.key.as_str())
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let at = file_head(cx);
            out.report(
                &Self::META,
                at,
                format!("`{name}` lists keys this file does not set: {list}"),
            )
            .help("set them, or remove them from the template if they are gone");
        }
    }
}
