use super::*;
use crate::parse::expr;

declare_rule! {
    /// ## What it checks
    /// A job `outputs:` entry that reads `steps.<id>.outputs.<name>` where
    /// the job has no step with that `id`, or where that step is a `run:`
    /// script that writes its outputs itself (`echo "a=…" >>
    /// "$GITHUB_OUTPUT"`, literal names only) and never writes `<name>`.
    /// Steps that use an action, run another shell, or write names the
    /// script computes are not judged: their outputs are not known here.
    ///
    /// ## Why it matters in production
    /// A missing output is an empty string, not an error: the job that
    /// `needs:` this one deploys tag `""`, skips a step whose `if:` tests
    /// it, or builds `ghcr.io/acme/app:` — silently, on every run, usually
    /// after a rename on one side.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   meta:
    ///     outputs:
    ///       tag: ${{ steps.version.outputs.tag }}
    ///     steps:
    ///       - id: version
    ///         run: echo "version=$(git describe)" >> "$GITHUB_OUTPUT"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///       tag: ${{ steps.version.outputs.version }}
    /// ```
    ///
    /// ## Fix
    /// None: which side to rename is yours to say.
    ///
    /// ## Differences from actionlint
    /// actionlint checks that `steps.<id>` names a step, and knows the
    /// outputs of popular actions; it does not read what a `run:` script
    /// writes. prodlint does not know actions' outputs (no network, no
    /// bundled list) and stays silent on them.
    ///
    /// ## References
    /// - [GitHub: defining outputs for jobs](https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/passing-information-between-jobs)
    pub struct JobOutputUnset {
        code: "GH025",
        name: "job-output-unset",
        severity: Warning,
        fix: None,
        summary: "a job output reads a step output nobody sets",
    }
}

/// What a `run:` script writes to `$GITHUB_OUTPUT`: the literal names, or
/// `None` when it writes none itself or a name is computed (`$k=$v`, a
/// whole file, a heredoc of several lines).
fn written_names(script: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for line in script.lines() {
        match output_write(line) {
            Some(OutputWrite::Named(name)) => names.push(name.to_string()),
            Some(OutputWrite::Computed) => return None,
            None => {}
        }
    }
    (!names.is_empty()).then_some(names)
}

impl Rule for JobOutputUnset {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        for job in &w.jobs {
            let Some(outputs) = job.node.get("outputs").and_then(Node::as_map) else {
                continue;
            };
            // Steps by id, lower-cased (contexts compare without case).
            let by_id: crate::hashing::FastMap<String, &Step<'_>> = job
                .steps
                .iter()
                .filter_map(|s| Some((s.id.as_ref()?.text.to_ascii_lowercase(), s)))
                .rev()
                .collect();
            for entry in outputs {
                for e in expr::find(&cx.file.text, entry.value.span) {
                    for c in &e.contexts {
                        let mut parts = c.splitn(4, '.');
                        let (Some("steps"), Some(id), Some("outputs"), Some(name)) =
                            (parts.next(), parts.next(), parts.next(), parts.next())
                        else {
                            continue;
                        };
                        // The first step of that id (`rev` above keeps it).
                        let step = by_id.get(id).copied();
                        let Some(step) = step else {
                            out.report(
                                &Self::META,
                                e.span,
                                format!("job `{}` has no step with id `{id}`: this output is always empty", job.id.text),
                            )
                            .help("give the step that computes it `id:`, or fix the name");
                            continue;
                        };
                        let shell_ok = step.shell.as_ref().is_none_or(|s| {
                            matches!(s.text.as_str(), "bash" | "sh") || s.text.starts_with("bash ")
                        });
                        let Some(names) = step
                            .run
                            .filter(|_| step.uses.is_none() && shell_ok)
                            .and_then(Node::as_str)
                            .and_then(written_names)
                        else {
                            continue;
                        };
                        if names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                            continue;
                        }
                        let listed = names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let b = out
                            .report(
                                &Self::META,
                                e.span,
                                format!("step `{id}` writes {listed} to `$GITHUB_OUTPUT`, never `{name}`: this output is always empty"),
                            )
                            .help("read the name the step writes, or write this one");
                        if let Some(run) = step.run {
                            b.related(run.span, "writes its outputs here");
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::written_names;

    #[test]
    fn names_written() {
        let s = "v=$(git describe)\necho \"version=$v\" >> \"$GITHUB_OUTPUT\"\necho sha=${GITHUB_SHA} >> $GITHUB_OUTPUT\n";
        assert_eq!(written_names(s), Some(vec!["version".into(), "sha".into()]));
        assert_eq!(
            written_names("echo \"notes<<EOF\" >> $GITHUB_OUTPUT"),
            Some(vec!["notes".into()])
        );
        assert_eq!(written_names("echo \"$k=$v\" >> $GITHUB_OUTPUT"), None);
        assert_eq!(written_names("./compute.sh"), None);
        assert_eq!(written_names("cat out.txt >> $GITHUB_OUTPUT"), None);
        assert_eq!(
            written_names("echo \"::set-output name=tag::v1\""),
            Some(vec!["tag".into()])
        );
    }
}
