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
    const SETTING: &str = "persist-credentials: false";
    match step.node.entry("with") {
        Some(with) => yaml_edit::insert_first_entry(cx.file, with, SETTING),
        None => yaml_edit::append_block(
            cx.file,
            step.node,
            step.node.entry("uses")?,
            "with",
            SETTING,
        ),
    }
}

impl Rule for CheckoutPersistsCredentials {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
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
