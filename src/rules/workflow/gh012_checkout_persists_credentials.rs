use super::*;

declare_rule! {
    /// ## What it checks
    /// `actions/checkout` without `persist-credentials: false`.
    ///
    /// ## Why it matters in production
    /// By default checkout writes the job's token into `.git/config` of the
    /// workspace, where every later step — and anything that uploads the
    /// workspace as an artifact or builds it into an image — can read it.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - uses: actions/checkout@v4
    ///   with:
    ///     persist-credentials: false
    /// ```
    ///
    /// ## Fix
    /// Safe: adds `persist-credentials: false` under the step's `with:`
    /// (creating it when missing), keeping the file's indentation. Steps in
    /// flow style (`{uses: …}`) are left to you.
    ///
    /// ## References
    /// - [actions/checkout: `persist-credentials`](https://github.com/actions/checkout#usage)
    pub struct CheckoutPersistsCredentials {
        code: "GH012",
        name: "checkout-persists-credentials",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: Safe,
        summary: "`actions/checkout` leaves the token in `.git/config`",
    }
}

/// The edit that adds `persist-credentials: false`, when the step is in
/// block style.
fn fix_edit(cx: &WorkflowContext<'_>, step: &Step<'_>) -> Option<Edit> {
    let file = cx.file;
    let uses = step.node.entry("uses")?;
    let line_of = |offset: usize| file.lines.line_of(offset);
    let column = |offset: usize| file.lines.position(&file.text, offset).column - 1;
    match step.node.entry("with") {
        Some(with) => {
            let first = with.value.as_map()?.first()?;
            if line_of(first.key.span.start) == line_of(with.key.span.start) {
                return None;
            }
            let indent = " ".repeat(column(first.key.span.start));
            let at = file
                .lines
                .line_start(line_of(first.key.span.start), &file.text);
            Some(Edit::insert(
                at,
                format!("{indent}persist-credentials: false\n"),
            ))
        }
        None => {
            if line_of(uses.key.span.start) == line_of(step.node.span.end.saturating_sub(1))
                && file.slice(step.node.span).trim_start().starts_with('{')
            {
                return None;
            }
            let indent = " ".repeat(column(uses.key.span.start));
            let line = file
                .lines
                .line_span(line_of(uses.value.span.start), &file.text);
            Some(Edit::insert(
                line.end,
                format!("\n{indent}with:\n{indent}  persist-credentials: false"),
            ))
        }
    }
}

impl WorkflowRule for CheckoutPersistsCredentials {
    impl_meta!();

    fn check(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        for step in cx.steps() {
            if !step_uses(step, "actions/checkout") {
                continue;
            }
            let setting = step.with.and_then(|w| w.get("persist-credentials"));
            if setting.is_some_and(|s| s.as_bool() == Some(false) || s.as_str() == Some("false")) {
                continue;
            }
            let Some(uses) = &step.uses else { continue };
            let b = out
                .report(
                    &Self::META,
                    uses.span,
                    "checkout leaves the job's token in `.git/config` for every later step",
                )
                .help("add `persist-credentials: false` under `with:`");
            if setting.is_none()
                && let Some(edit) = fix_edit(cx, step)
            {
                b.fix(
                    Applicability::Safe,
                    "add `persist-credentials: false`",
                    vec![edit],
                );
            }
        }
    }
}
