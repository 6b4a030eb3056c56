use super::*;
use crate::redact::{entropy, redact};

declare_rule! {
    /// ## What it checks
    /// In any env file but a template: `SECRET_KEY`, `JWT_SECRET`,
    /// `*_SECRET_KEY`, `SESSION_SECRET`, `APP_KEY` and the like set to a
    /// placeholder (`change-this-in-production`, `changeme`, `secret`,
    /// `dev-secret`, `password`, …), to fewer than 32 characters, or to a
    /// low-entropy value; and a password (`*_PASSWORD`, `*_PWD`, `*_PASS`)
    /// set to one of the passwords every scanner tries first (`123456`,
    /// `admin`, `guest`, `password`, `postgres`, …) or to the user name set
    /// beside it. Empty values and `${…}` references are left to the
    /// environment. The value is shown redacted.
    ///
    /// ## Why it matters in production
    /// The secret key signs sessions, password-reset links and JWTs. A
    /// guessable one lets anyone forge a session for any user, including
    /// admins; placeholders from tutorials are the first thing attackers try.
    ///
    /// ## Example
    /// ```shell
    /// SECRET_KEY=change-this-in-production
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// SECRET_KEY=  # set by the deploy from the secret store
    /// ```
    /// generated with `python -c "import secrets; print(secrets.token_urlsafe(48))"`.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Python: `secrets`](https://docs.python.org/3/library/secrets.html)
    /// - [OWASP: session management](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html)
    pub struct WeakSecretKey {
        code: "EN021",
        name: "weak-secret-key",
        severity: Error,
        tags: ["security"],
        security_severity: "8.5",
        fix: None,
        summary: "the app's secret key is a placeholder, short or guessable",
    }
}

const SECRET_KEY_NAMES: &[&str] = &[
    "SECRET_KEY",
    "JWT_SECRET",
    "JWT_SECRET_KEY",
    "SESSION_SECRET",
    "APP_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
];
const PLACEHOLDERS: &[&str] = &[
    "change-this-in-production",
    "changethis",
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "dev-secret",
    "devsecret",
    "password",
    "supersecret",
    "super-secret",
    "mysecret",
    "my-secret",
    "secretkey",
    "secret-key",
    "notsecret",
    "insecure",
    "django-insecure",
    "development",
    "test",
    "dev",
    "default",
    "todo",
    "xxx",
    "12345",
];

/// Why a secret key is weak, if it is.
fn weakness(value: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    let normalized = lower.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if PLACEHOLDERS.iter().any(|p| {
        lower == *p || normalized == *p || lower.starts_with("change") || lower.contains("insecure")
    }) {
        return Some("a well-known placeholder");
    }
    if value.chars().count() < 32 {
        return Some("shorter than 32 characters");
    }
    if entropy(value) < 3.5 {
        return Some("too regular to be random");
    }
    None
}

impl Rule for WeakSecretKey {
    impl_meta!();

    fn env(&self, cx: &EnvContext<'_>, out: &mut Findings) {
        if cx.environment == Environment::Template {
            return;
        }
        let is_secret_key = |key: &str| {
            let k = key.to_ascii_uppercase();
            SECRET_KEY_NAMES
                .iter()
                .any(|n| k == *n || k.strip_suffix(n).is_some_and(|p| p.ends_with('_')))
        };
        // Weak passwords: the first ones tried, or the user's own name.
        let users = crate::rules::secrets::user_names(
            cx.env
                .entries
                .iter()
                .map(|e| (e.key.as_str(), e.value.as_str())),
        );
        for e in cx.env.entries.iter().filter(|e| !is_secret_key(&e.key)) {
            if crate::rules::secrets::is_weak_password(&e.key, &e.value, &users) {
                out.report(
                    &Self::META,
                    e.key_span,
                    format!(
                        "`{}` is a weak password (`{}`): the first one anyone tries",
                        e.key,
                        redact(&e.value)
                    ),
                )
                .secret(e.value_span)
                .help("generate a strong password and keep it out of the repository");
            }
        }
        for e in cx.env.entries.iter().filter(|e| is_secret_key(&e.key)) {
            if e.value.is_empty() || e.value.contains("${") {
                continue;
            }
            if let Some(why) = weakness(&e.value) {
                out.report(&Self::META, e.key_span, format!("`{}` is {why} (`{}`)", e.key, redact(&e.value)))
                    .secret(e.value_span)
                    .help("generate one with `python -c \"import secrets; print(secrets.token_urlsafe(48))\"` and keep it out of the repository");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::weakness;

    #[test]
    fn weak_and_strong_keys() {
        assert!(weakness("change-this-in-production").is_some());
        assert!(weakness("short").is_some());
        assert!(weakness(&"a".repeat(40)).is_some());
        assert!(weakness("q8Yx2mN7pL4wR8tY3zAb6cD1eF5gH9jK0lMn").is_none());
    }
}
