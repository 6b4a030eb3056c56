use super::*;

declare_rule! {
    /// ## What it checks
    /// `secrets: inherit` on a call to a reusable workflow of another
    /// repository. A workflow of the same repository
    /// (`uses: ./.github/workflows/…`) runs at the same commit and is
    /// reviewed with the caller: it crosses no trust boundary and is not
    /// reported.
    ///
    /// ## Why it matters in production
    /// The called workflow receives every secret of the repository and
    /// organisation, not the two it needs. A change to that workflow, or to
    /// an action it uses, can then read your production credentials.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   deploy:
    ///     uses: org/infra/.github/workflows/deploy.yml@<sha>
    ///     secrets: inherit
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     secrets:
    ///       DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: passing secrets to reusable workflows](https://docs.github.com/en/actions/sharing-automations/reusing-workflows#passing-inputs-and-secrets-to-a-reusable-workflow)
    pub struct SecretsInherit {
        code: "GH013",
        name: "secrets-inherit",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: None,
        summary: "a reusable workflow receives every secret",
    }
}

impl Rule for SecretsInherit {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        for job in &w.jobs {
            if let Some(s) = job.secrets.filter(|s| s.as_str() == Some("inherit")) {
                let local = job.uses.as_ref().is_some_and(|u| u.text.starts_with("./"));
                // Same repository, same commit, same review: nobody new reads them.
                if local {
                    continue;
                }
                out.report(
                    &Self::META,
                    s.span,
                    format!(
                        "job `{}` passes every secret to the called workflow",
                        job.id.text
                    ),
                )
                .help("pass only the secrets it needs, by name");
            }
        }
    }
}
