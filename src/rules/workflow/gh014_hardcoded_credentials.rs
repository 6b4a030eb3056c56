use super::*;
use crate::redact::redact;
use crate::rules::secrets::{is_secret_assignment, is_stand_in};

declare_rule! {
    /// ## What it checks
    /// A literal password in the `credentials` of a job `container:` or a
    /// `services:` entry, and a literal value for a secret-like name
    /// (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*API_KEY*`, …) in any `env:`.
    /// Expressions (`${{ secrets.X }}`) and placeholders are fine. The
    /// value is shown redacted. Credentials a test job gives the services
    /// it starts are the test's own and stay silent (masked all the same):
    /// an `env:` of a job that has `services:`, or of a block that points
    /// at `localhost`/`127.0.0.1`, in a job that deploys nothing (no
    /// production environment, deploy action, deploy command or image
    /// push). In a job that deploys, a literal secret stays a finding.
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

/// Whether an env block points at this machine (`localhost`,
/// `127.0.0.1`, `::1`): the services a test starts.
fn names_localhost(env: Option<&Node>) -> bool {
    env_entries(env).any(|(_, v)| {
        v.as_str().is_some_and(|t| {
            t.contains("localhost") || t.contains("127.0.0.1") || t.contains("[::1]")
        })
    })
}

impl Rule for HardcodedCredentials {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        // Env blocks, each with whether its job runs a test against
        // local services and deploys nothing (then its credentials are
        // the test's own: the services it starts, a localhost URL).
        let mut envs: Vec<(Option<&Node>, bool)> = Vec::new();
        if let Some(w) = cx.workflow {
            envs.push((w.env, false));
            for job in &w.jobs {
                let test_only = deploy_evidence(job).is_none();
                let services = !job.services.is_empty();
                let local = |env: Option<&Node>| test_only && (services || names_localhost(env));
                envs.push((job.env, local(job.env)));
                for step in &job.steps {
                    envs.push((
                        step.env,
                        local(step.env) || (test_only && names_localhost(job.env)),
                    ));
                }
                for c in job.containers() {
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
        // A composite action's steps.
        if let Some(a) = cx.action {
            envs.extend(a.steps.iter().map(|s| (s.env, false)));
        }
        for (env, local) in envs {
            for (k, v) in env_entries(env) {
                let (Some(name), Some(value)) = (k.as_str(), Self::literal(v)) else {
                    continue;
                };
                if is_secret_assignment(name, value, &[])
                    && !THROWAWAY.contains(&value.to_ascii_lowercase().as_str())
                {
                    if local {
                        // The test's own credential: masked, not reported
                        // (and not reported again as a generic secret).
                        out.mask_only(v.span);
                        continue;
                    }
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
}
