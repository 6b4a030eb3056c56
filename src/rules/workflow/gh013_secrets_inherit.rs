use super::*;

declare_rule! {
    /// ## What it checks
    /// `secrets: inherit` on a call to a reusable workflow. A workflow of
    /// the same repository (`uses: ./.github/workflows/…`) is reviewed with
    /// it and gets no secret a third party could read: that call is info,
    /// a note that passing names would still narrow what it receives.
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
                if local {
                    out.report(
                        &Self::META,
                        s.span,
                        format!(
                            "job `{}` passes every secret to a workflow of this repository: no third party reads them, but naming the ones it needs keeps it from reading the rest",
                            job.id.text
                        ),
                    )
                    .severity(crate::diagnostic::Severity::Info)
                    .help("pass only the secrets it needs, by name");
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
