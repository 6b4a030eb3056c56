use super::*;

declare_rule! {
    /// ## What it checks
    /// The deprecated workflow commands `::set-output`, `::save-state`,
    /// `::set-env` and `::add-path` in a `run:` script.
    ///
    /// ## Why it matters in production
    /// `set-env` and `add-path` are disabled and fail the step;
    /// `set-output` and `save-state` print warnings today and are scheduled
    /// for removal, at which point the outputs silently stop being set and
    /// the jobs that read them deploy the wrong thing.
    ///
    /// ## Example
    /// ```yaml
    /// - run: echo "::set-output name=tag::$TAG"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - run: echo "tag=$TAG" >> "$GITHUB_OUTPUT"
    /// ```
    ///
    /// ## Fix
    /// Unsafe: rewrites `echo "::set-output name=N::V"` to
    /// `echo "N=V" >> "$GITHUB_OUTPUT"` (and `save-state`, `set-env`,
    /// `add-path` to their files) when the command is a plain `echo` of one
    /// quoted argument, or of the rest of the line. Unsafe because a value
    /// spanning several lines needs the heredoc syntax of those files.
    ///
    /// ## References
    /// - [GitHub: deprecating save-state and set-output](https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/)
    pub struct DeprecatedWorkflowCommand {
        code: "GH020",
        name: "deprecated-workflow-command",
        severity: Warning,
        fix: Unsafe,
        summary: "a script uses a deprecated workflow command",
    }
}

const COMMANDS: &[(&str, &str)] = &[
    ("::set-output", "$GITHUB_OUTPUT"),
    ("::save-state", "$GITHUB_STATE"),
    ("::set-env", "$GITHUB_ENV"),
    ("::add-path", "$GITHUB_PATH"),
];

/// The rewrite of the `echo` that prints the command at `start` (a byte
/// offset of the `::` marker in the file), when its shape is simple.
fn rewrite(
    text: &str,
    line: crate::source::Span,
    start: usize,
    cmd: &str,
    file: &str,
) -> Option<Edit> {
    let before = text.get(line.start..start)?;
    let after = text.get(start + cmd.len()..line.end)?;
    let quote = before.chars().last().filter(|c| *c == '"' || *c == '\'');
    let echo_part = before.trim_end_matches(['"', '\'']).trim_end();
    if !(echo_part.ends_with("echo")
        || echo_part.ends_with("echo -n")
        || echo_part.ends_with("echo -e"))
    {
        return None;
    }
    let (body, replace_end) = match quote {
        Some(q) => {
            let close = after.find(q)?;
            (&after[..close], start + cmd.len() + close + 1)
        }
        None => {
            if after.contains([';', '&', '|', '>', '#']) {
                return None;
            }
            (after.trim_end(), line.end)
        }
    };
    let content = if cmd == "::add-path" {
        body.strip_prefix("::")?.to_string()
    } else {
        let rest = body.strip_prefix(" name=")?;
        let (name, value) = rest.split_once("::")?;
        format!("{name}={value}")
    };
    let q = quote.unwrap_or('"');
    let replace_start = if quote.is_some() { start - 1 } else { start };
    Some(Edit::replace(
        crate::source::Span::new(replace_start, replace_end),
        format!("{q}{content}{q} >> \"{file}\""),
    ))
}

impl Rule for DeprecatedWorkflowCommand {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for step in cx.steps() {
            let Some(run) = step.run else { continue };
            // The raw source keeps offsets exact inside block scalars.
            let raw = cx.file.slice(run.span);
            // Every command starts with `::`, which most scripts lack: one
            // byte search instead of a searcher built per command.
            let bytes = raw.as_bytes();
            if !memchr::memchr_iter(b':', bytes).any(|i| bytes.get(i + 1) == Some(&b':')) {
                continue;
            }
            for (cmd, file) in COMMANDS {
                let mut from = 0;
                while let Some(i) = raw[from..].find(cmd) {
                    let start = run.span.start + from + i;
                    let span = crate::source::Span::new(start, start + cmd.len());
                    let line = cx
                        .file
                        .lines
                        .line_span(cx.file.lines.line_of(start), &cx.file.text);
                    let b = out
                        .report(
                            &Self::META,
                            span,
                            format!("`{cmd}` is deprecated: write to `{file}` instead"),
                        )
                        .help(format!("echo \"name=value\" >> \"{file}\""));
                    if let Some(edit) = rewrite(&cx.file.text, line, start, cmd, file) {
                        b.fix(
                            Applicability::Unsafe,
                            format!("write to `{file}`"),
                            vec![edit],
                        );
                    }
                    from += i + cmd.len();
                }
            }
        }
    }
}
