use super::*;
use crate::redact::redact;
use crate::rules::secrets::{is_secret_assignment, is_weak_password, user_names};

declare_rule! {
    /// ## What it checks
    /// A literal secret in a service's `environment:` (map or list form):
    /// a secret-looking name (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`,
    /// `*API_KEY*`, …) with a literal value that is not a placeholder, a
    /// `${VARIABLE}` or a path, judged by the same code as the secret scan
    /// (SE rules). A password set to one of the passwords every scanner
    /// tries first (`123456`, `admin`, `guest`, `password`, `root`, …) or
    /// to the user name set beside it is reported as weak. The value is
    /// shown redacted.
    ///
    /// ## Why it matters in production
    /// Compose files are committed and copied between machines; a password
    /// in one is in the repository's history for good, and visible to
    /// anyone who can run `docker inspect` on the host.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     environment:
    ///       POSTGRES_PASSWORD: S3cure-Pr0d-Passw0rd!
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     secrets: [db_password]
    /// ```
    /// or `${POSTGRES_PASSWORD}` from an uncommitted `.env`.
    ///
    /// ## Fix
    /// None: the secret must be rotated and moved out of the file.
    ///
    /// ## References
    /// - [Compose: secrets](https://docs.docker.com/compose/how-tos/use-secrets/)
    pub struct SecretInEnvironment {
        code: "DC014",
        name: "secret-in-environment",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "a literal secret is set in a service's environment",
    }
}

impl Rule for SecretInEnvironment {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        let extra: &[String] = &[];
        for (s, _, _) in cx.services() {
            let env = s.environment();
            let value_of = |v: &crate::parse::compose::EnvVar<'_>| -> Option<String> {
                let text = v.value?.as_str()?;
                Some(
                    text.split_once('=')
                        .filter(|(k, _)| *k == v.key.text)
                        .map_or(text, |(_, v)| v)
                        .to_string(),
                )
            };
            // The user names set beside a password: a password equal to
            // its user is the first one tried.
            let values: Vec<(&str, String)> = env
                .iter()
                .filter_map(|v| Some((v.key.text.as_str(), value_of(v)?)))
                .collect();
            let users = user_names(values.iter().map(|(k, v)| (*k, v.as_str())));
            for v in &env {
                let Some(node) = v.value else { continue };
                let Some(value) = value_of(v) else { continue };
                let value = value.as_str();
                if is_weak_password(&v.key.text, value, &users) {
                    out.report(
                        &Self::META,
                        v.key.span,
                        format!(
                            "`{}` is set to a weak password (`{}`) in service `{}`: the first one anyone tries",
                            v.key.text,
                            redact(value),
                            s.name.text
                        ),
                    )
                    .secret(v.value_span.unwrap_or(node.span))
                    .help("generate a strong password and read it from a compose secret (`*_FILE`) or an uncommitted `.env` (`${VAR}`)");
                    continue;
                }
                if value.is_empty() || !is_secret_assignment(&v.key.text, value, extra) {
                    continue;
                }
                out.report(
                    &Self::META,
                    v.key.span,
                    format!("`{}` is set to a literal secret (`{}`) in service `{}`", v.key.text, redact(value), s.name.text),
                )
                .secret(v.value_span.unwrap_or(node.span))
                .help("read it from a compose secret (`*_FILE`) or from an uncommitted `.env` (`${VAR}`)");
            }
        }
    }
}
