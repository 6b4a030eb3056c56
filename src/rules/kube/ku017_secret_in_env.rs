use super::*;
use crate::redact::redact;
use crate::rules::secrets::{is_secret_assignment, is_weak_password, user_names};

declare_rule! {
    /// ## What it checks
    /// A container `env` entry with a literal `value` that is a secret: a
    /// secret-looking name (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`,
    /// `*API_KEY*`, …) and a value that is not a placeholder, judged by the
    /// same code as the secret scan. A password set to one of the
    /// passwords every scanner tries first (`123456`, `admin`, `guest`,
    /// `password`, `root`, …) or to the user name set beside it is
    /// reported as weak. The value is shown redacted.
    ///
    /// ## Why it matters in production
    /// Manifests are committed, applied by CI and readable by anyone with
    /// `get` on the Deployment: a literal secret in one is in the
    /// repository history and the cluster's API for good.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DATABASE_PASSWORD
    ///     value: S3cure-Pr0d-Passw0rd!
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// env:
    ///   - name: DATABASE_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef: {name: api-secrets, key: database-password}
    /// ```
    ///
    /// ## Fix
    /// None: the secret must be rotated and moved to a Secret.
    ///
    /// ## References
    /// - [Kubernetes: Secrets as environment variables](https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables)
    pub struct SecretInEnv {
        code: "KU017",
        name: "secret-in-env",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "a literal secret is set in a container's environment",
    }
}

impl Rule for SecretInEnv {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.every_container() {
            let env = c.env();
            // The user names set beside a password.
            let users = user_names(
                env.iter()
                    .filter_map(|(n, v)| Some((n.text.as_str(), v.and_then(|v| v.as_str())?))),
            );
            for (name, value) in &env {
                let Some(v) = value else { continue };
                let Some(text) = v.as_str() else { continue };
                if is_weak_password(&name.text, text, &users) {
                    out.report(
                        &Self::META,
                        name.span,
                        format!(
                            "`{}` is set to a weak password (`{}`) in {}: the first one anyone tries",
                            name.text,
                            redact(text),
                            describe(w, &c)
                        ),
                    )
                    .secret(v.span)
                    .help("generate a strong password, keep it in a Secret and read it with `valueFrom.secretKeyRef`");
                    continue;
                }
                if text.is_empty() || !is_secret_assignment(&name.text, text, &[]) {
                    continue;
                }
                out.report(
                    &Self::META,
                    name.span,
                    format!(
                        "`{}` is set to a literal secret (`{}`) in {}",
                        name.text,
                        redact(text),
                        describe(w, &c)
                    ),
                )
                .secret(v.span)
                .help("read it from a Secret with `valueFrom.secretKeyRef`");
            }
        }
    }
}
