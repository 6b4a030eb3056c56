use super::*;
use crate::hashing::{FastMap, FastSet};
use crate::project::facts::calls::{Call, SecretRead};
use crate::rules::project_pass::{ProjectContext, ProjectFindings};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

declare_rule! {
    /// ## What it checks
    /// `secrets: inherit` on a call to a reusable workflow. A workflow of
    /// the same repository (`uses: ./.github/workflows/…`) is reviewed with
    /// it and gets no secret a third party could read: that call is info,
    /// a note that passing names would still narrow what it receives.
    /// When the run read the called workflow, the note says what it
    /// needs: the secrets its expressions read (comments too: a script's
    /// `#` line is still expanded) and those it declares `required: true`
    /// under `on.workflow_call.secrets`, with what the workflows of the
    /// repository it passes every secret on to need — none (`secrets:
    /// inherit` can go), or the names to pass. A workflow that reads the
    /// whole `secrets` context (`toJSON(secrets)`, `secrets[name]`), hands
    /// every secret on to another repository's workflow, has a job in a
    /// deployment environment (whose secrets no caller passes), did not
    /// parse, or starts a chain of more than 64 workflows, may need any
    /// of them: the note stays general. `GITHUB_TOKEN` is not counted (a called
    /// workflow gets its own).
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

/// How many workflows one call's chain of `secrets: inherit` is followed
/// through: GitHub runs at most ten levels of reusable workflows, so a
/// longer chain fails anyway (and a crafted one costs nothing here).
const MOST_FOLLOWED: usize = 64;

/// The secrets `file` (a project key) needs passed: what it needs and
/// what the local workflows it passes every secret to need, `None` when
/// that is not known (not read as a called workflow, any secret may be
/// read, or a chain longer than [`MOST_FOLLOWED`]).
fn needed(
    cx: &ProjectContext<'_>,
    inherits: &FastMap<PathBuf, Vec<Option<&Path>>>,
    file: &Path,
) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut seen: FastSet<&Path> = FastSet::default();
    let mut next = vec![file];
    while let Some(file) = next.pop() {
        if !seen.insert(file) {
            continue;
        }
        for read in cx.project.secrets_read_by(file)? {
            match read {
                SecretRead::Named(n) => {
                    out.insert(n.clone());
                }
                SecretRead::Any => return None,
            }
        }
        for callee in inherits.get(file).into_iter().flatten() {
            // A call naming no one file (an action's folder): not known.
            next.push((*callee)?);
        }
        if seen.len() + next.len() > MOST_FOLLOWED {
            return None;
        }
    }
    Some(out)
}

/// The one file a call names (a workflow), `None` for an action's folder.
fn one_file(c: &Call) -> Option<&Path> {
    match &c.callee[..] {
        [callee] => Some(callee),
        _ => None,
    }
}

/// A list of secret names as a message shows it: `A`, `B` and `C`.
fn names(set: &BTreeSet<String>) -> String {
    let quoted: Vec<String> = set.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}

impl Rule for SecretsInherit {
    impl_meta!();

    /// Calls to workflows of the same repository: judged with the
    /// workflow called, which another file holds.
    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        // The file each call passing every secret names (a workflow's
        // `uses:` names one), by calling file, each once.
        let mut inherits: FastMap<PathBuf, Vec<Option<&Path>>> = FastMap::default();
        for c in cx
            .project
            .local_calls()
            .iter()
            .filter(|c| c.inherit.is_some())
        {
            inherits
                .entry(cx.project.key(&c.at.file))
                .or_default()
                .push(one_file(c));
        }
        for callees in inherits.values_mut() {
            callees.sort_unstable();
            callees.dedup();
        }
        // What each workflow called needs, worked out once.
        let mut known_of: FastMap<&Path, Option<(String, BTreeSet<String>)>> = FastMap::default();
        for c in cx.project.local_calls() {
            let Some((job, at)) = &c.inherit else {
                continue;
            };
            let known = one_file(c).and_then(|callee| {
                known_of
                    .entry(callee)
                    .or_insert_with(|| {
                        let need = needed(cx, &inherits, callee)?;
                        let name = callee.file_name()?.to_string_lossy().into_owned();
                        Some((name, need))
                    })
                    .clone()
            });
            let b = match known {
                Some((name, need)) if need.is_empty() => out
                    .report(
                        &Self::META,
                        at,
                        format!("job `{job}` passes every secret to `{name}`, which needs none"),
                    )
                    .help("remove `secrets: inherit`"),
                Some((name, need)) => out
                    .report(
                        &Self::META,
                        at,
                        format!(
                            "job `{job}` passes every secret to `{name}`, which needs only {}",
                            names(&need)
                        ),
                    )
                    .help("pass them by name under `secrets:`; each workflow on the way declares them under `on.workflow_call.secrets` with `required: true`, so that a secret added later and not passed fails the call rather than reading empty"),
                None => out
                    .report(
                        &Self::META,
                        at,
                        format!(
                            "job `{job}` passes every secret to a workflow of this repository: no third party reads them, but naming the ones it needs keeps it from reading the rest"
                        ),
                    )
                    .help("pass only the secrets it needs, by name"),
            };
            b.severity(crate::diagnostic::Severity::Info);
        }
    }

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        for job in &w.jobs {
            if let Some(s) = job.secrets.filter(|s| s.as_str() == Some("inherit")) {
                // A workflow of this repository: the project hook judges
                // the call with the workflow called.
                if job.uses.as_ref().is_some_and(|u| u.text.starts_with("./")) {
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
