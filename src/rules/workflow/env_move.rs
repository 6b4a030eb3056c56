//! Moving an expression out of a script into the step's `env:`, where the
//! shell reads it as a variable instead of running it as code (GH007) or
//! showing it in the process list (GH023).

use super::*;
use crate::parse::expr;

/// The environment variable a context moves to: its last two segments,
/// upper-cased (`github.event.issue.title` -> `ISSUE_TITLE`,
/// `github.head_ref` -> `HEAD_REF`, `secrets.deploy_key` -> `DEPLOY_KEY`).
pub fn env_name(context: &str) -> String {
    // `GITHUB_*` names are reserved by the runner: drop the `github.event` prefix.
    let segments: Vec<&str> = context
        .split('.')
        .filter(|s| *s != "*")
        .skip_while(|s| matches!(*s, "github" | "event" | "secrets"))
        .collect();
    let tail = &segments[segments.len().saturating_sub(2)..];
    tail.join("_")
        .to_ascii_uppercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// Is `offset` inside single quotes on its line (where `$VAR` does not expand)?
pub fn in_single_quotes(text: &str, line_start: usize, offset: usize) -> bool {
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
pub fn move_to_env(
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
