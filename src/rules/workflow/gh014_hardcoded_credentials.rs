use super::*;
use crate::redact::redact;
use crate::rules::secrets::{is_secret_assignment, is_stand_in};

declare_rule! {
    /// ## What it checks
    /// A literal password in the `credentials` of a job `container:` or a
    /// `services:` entry, and a literal value for a secret-like name
    /// (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*API_KEY*`, …) in any `env:`.
    /// Expressions (`${{ secrets.X }}`) and placeholders are fine. The
    /// value is shown redacted.
    ///
    /// ## Why it matters in production
    /// Workflow files are readable by everyone who can read the repository,
    /// and forks copy them. A credential committed there is public and has
    /// to be rotated.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   DATABASE_PASSWORD: hunter2-prod
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// env:
    ///   DATABASE_PASSWORD: ${{ secrets.DATABASE_PASSWORD }}
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: using secrets in GitHub Actions](https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions)
    pub struct HardcodedCredentials {
        code: "GH014",
        name: "hardcoded-credentials",
        severity: Error,
        tags: ["security"],
        security_severity: "8.0",
        fix: None,
        summary: "a credential is written into the workflow",
    }
}

/// Test databases in `services:` are commonly given throwaway passwords.
const THROWAWAY: &[&str] = &[
    "postgres", "password", "test", "root", "mysql", "secret", "example",
];

impl HardcodedCredentials {
    fn literal(node: &Node) -> Option<&str> {
        node.as_str()
            .filter(|v| !v.contains("${{") && !is_stand_in(v))
    }
}

impl Rule for HardcodedCredentials {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let mut envs = Vec::new();
        if let Some(w) = cx.workflow {
            envs.push(w.env);
            for job in &w.jobs {
                envs.push(job.env);
                let containers = job
                    .container
                    .iter()
                    .chain(job.services.iter().map(|(_, c)| c));
                for c in containers {
                    let Some(pw) = c.credentials.and_then(|cr| cr.get("password")) else {
                        continue;
                    };
                    if let Some(v) = Self::literal(pw) {
                        out.report(
                            &Self::META,
                            pw.span,
                            format!(
                                "a registry password is written into the workflow (`{}`)",
                                redact(v)
                            ),
                        )
                        .secret(pw.span)
                        .help("use `${{ secrets.REGISTRY_PASSWORD }}`");
                    }
                }
            }
        }
        envs.extend(cx.steps().iter().map(|s| s.env));
        for (k, v) in envs.into_iter().flat_map(env_entries) {
            let (Some(name), Some(value)) = (k.as_str(), Self::literal(v)) else {
                continue;
            };
            if is_secret_assignment(name, value, &[])
                && !THROWAWAY.contains(&value.to_ascii_lowercase().as_str())
            {
                out.report(
                    &Self::META,
                    k.span,
                    format!("`{name}` is set to a literal secret (`{}`)", redact(value)),
                )
                .secret(v.span)
                .help(format!("use `${{{{ secrets.{name} }}}}`"));
            }
        }
    }
}
