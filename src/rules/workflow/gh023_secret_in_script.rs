use super::env_move::{env_name, move_to_env};
use super::*;
use crate::parse::expr;

declare_rule! {
    /// ## What it checks
    /// A secret expanded inline in a `run:` script or the `script:` of
    /// `actions/github-script` (`sshpass -p ${{ secrets.PASS }}`,
    /// `https://${{ secrets.TOKEN }}@github.com/…`), instead of being
    /// passed through `env:` and read as a variable. Only secrets named
    /// like credentials (`…_TOKEN`, `…_KEY`, `…PASSWORD`, `…SECRET`, …,
    /// not `…PUBLIC_KEY`) are reported: repositories keep identifiers such
    /// as `VERCEL_ORG_ID` in secrets too. `secrets.GITHUB_TOKEN`, the
    /// job's own short-lived token, is not reported.
    ///
    /// ## Why it matters in production
    /// `${{ }}` is substituted into the script text before the shell runs
    /// it: the secret is written into the script file on the runner, it is
    /// an argument every process on the machine can read in `ps`, and a
    /// derived form (URL-encoded, base64, cut by a shell trace) escapes the
    /// log masking. A secret with a quote in it also breaks the script, or
    /// runs part of it. From `env:`, the shell reads the value at run
    /// time and it never becomes code or an argument it does not need to
    /// be.
    ///
    /// ## Example
    /// ```yaml
    /// - run: sshpass -p '${{ secrets.DEPLOY_PASSWORD }}' ssh deploy@host ./release.sh
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - run: sshpass -e ssh deploy@host ./release.sh
    ///   env:
    ///     SSHPASS: ${{ secrets.DEPLOY_PASSWORD }}
    /// ```
    ///
    /// ## Fix
    /// Unsafe: moves the expression into the step's `env:`
    /// (`DEPLOY_PASSWORD: ${{ secrets.DEPLOY_PASSWORD }}`) and uses
    /// `${DEPLOY_PASSWORD}` in the script. Unsafe because a variable is
    /// still an argument where the script passes it as one: prefer the
    /// tool's own way to read it from the environment or stdin. Not offered
    /// inside single quotes, in `github-script`, or for flow-style steps.
    ///
    /// ## Differences from zizmor and actionlint
    /// Neither reports secrets expanded in scripts (zizmor's
    /// `template-injection` is about attacker-controlled data).
    ///
    /// ## References
    /// - [GitHub: using secrets in GitHub Actions](https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#using-secrets-in-a-workflow)
    pub struct SecretInScript {
        code: "GH023",
        name: "secret-in-script",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: Unsafe,
        summary: "a secret is pasted into a script instead of read from `env:`",
    }
}

/// Words of a secret's name that say it is a credential. Repositories
/// keep identifiers in secrets too (`VERCEL_ORG_ID`, `STACK_NAME`): those
/// are not worth moving.
const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "key",
    "apikey",
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "credential",
    "credentials",
    "pat",
    "auth",
    "private",
    "webhook",
    "dsn",
    "cert",
    "passphrase",
];

/// Is `secrets.NAME` named like a credential (and not a public key)?
fn credential_name(context: &str) -> bool {
    let name = context.trim_start_matches("secrets.");
    // The job's own token: short-lived, masked, and given to every step.
    if name == "github_token" {
        return false;
    }
    let words: Vec<&str> = name.split(['_', '-']).collect();
    !words.contains(&"public") && words.iter().any(|w| CREDENTIAL_WORDS.contains(w))
}

impl Rule for SecretInScript {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for step in cx.steps() {
            let Some(script) = script_node(step) else {
                continue;
            };
            for e in expr::find(&cx.file.text, script.span) {
                let Some(secret) = e
                    .contexts
                    .iter()
                    .find(|c| c.starts_with("secrets.") && credential_name(c))
                else {
                    continue;
                };
                let shown = e
                    .inner
                    .split_whitespace()
                    .find(|w| w.to_ascii_lowercase().starts_with("secrets."))
                    .unwrap_or(secret);
                let b = out
                    .report(
                        &Self::META,
                        e.span,
                        format!(
                            "`{shown}` is pasted into the script text, where the process list and derived forms of it escape log masking"
                        ),
                    )
                    .help("pass it through `env:` and read the variable, or the tool's stdin");
                if let Some(edits) = move_to_env(cx, step, &e, secret) {
                    b.fix(
                        Applicability::Unsafe,
                        format!("move it to `env: {}`", env_name(secret)),
                        edits,
                    );
                }
            }
        }
    }
}
