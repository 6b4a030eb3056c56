use super::*;
use crate::config::suggestion;
use crate::hashing::{FastMap, FastSet};

declare_rule! {
    /// ## What it checks
    /// The workflow's structure, as GitHub validates it: `on` and `jobs`
    /// present; no unknown keys at the top, in a job or in a step (with the
    /// nearest valid key suggested); every job has `runs-on` or `uses`;
    /// `needs` names existing jobs and has no cycle; every step has exactly
    /// one of `uses` and `run`; step ids are unique within a job.
    ///
    /// ## Why it matters in production
    /// GitHub rejects an invalid workflow when it is triggered, not when it
    /// is pushed: the release pipeline fails on release day, and a
    /// misspelt key (`timeout_minutes`) is ignored without a word.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   deploy:
    ///     needs: tests
    ///     timeout_minutes: 10
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// jobs:
    ///   deploy:
    ///     needs: test
    ///     timeout-minutes: 10
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: workflow syntax](https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions)
    pub struct InvalidWorkflow {
        code: "GH019",
        name: "invalid-workflow",
        severity: Error,
        fix: None,
        summary: "the workflow's structure is invalid",
    }
}

const TOP_KEYS: &[&str] = &[
    "name",
    "run-name",
    "on",
    "permissions",
    "env",
    "defaults",
    "concurrency",
    "jobs",
];
const JOB_KEYS: &[&str] = &[
    "name",
    "permissions",
    "needs",
    "if",
    "runs-on",
    "snapshot",
    "environment",
    "concurrency",
    "outputs",
    "env",
    "defaults",
    "steps",
    "timeout-minutes",
    "strategy",
    "continue-on-error",
    "container",
    "services",
    "uses",
    "with",
    "secrets",
];
const STEP_KEYS: &[&str] = &[
    "id",
    "if",
    "name",
    "uses",
    "run",
    "working-directory",
    "shell",
    "with",
    "env",
    "continue-on-error",
    "timeout-minutes",
];

fn unknown_keys(node: &Node, valid: &[&str], what: &str, out: &mut Findings) {
    for (k, e) in node.unknown_keys(valid) {
        out.report(
            &InvalidWorkflow::META,
            e.key.span,
            format!("`{k}` is not a {what} key{}", suggestion(k, valid)),
        );
    }
}

/// A job on a `needs` cycle, if any.
/// The first job that needs itself, directly or through others.
fn cycle<'a>(w: &'a Workflow<'a>) -> Option<&'a Job<'a>> {
    let in_cycle = w.needs_graph().in_cycle();
    w.jobs
        .iter()
        .zip(in_cycle)
        .find_map(|(j, cyclic)| cyclic.then_some(j))
}

impl Rule for InvalidWorkflow {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        let start = crate::source::Span::new(w.root.span.start, w.root.span.start);
        if w.on_key.is_none() {
            out.report(
                &Self::META,
                start,
                "the workflow has no `on:`: nothing triggers it",
            );
        }
        if w.root.get("jobs").is_none() {
            out.report(&Self::META, start, "the workflow has no `jobs:`");
        }
        unknown_keys(w.root, TOP_KEYS, "workflow", out);
        let ids: Vec<&str> = w.jobs.iter().map(|j| j.id.text.as_str()).collect();
        // Looked up once per `needs` entry: a set, not a scan of every job.
        let known: FastSet<&str> = ids.iter().copied().collect();
        for job in &w.jobs {
            unknown_keys(job.node, JOB_KEYS, "job", out);
            if job.runs_on.is_none() && job.uses.is_none() {
                out.report(
                    &Self::META,
                    job.id.span,
                    format!("job `{}` has neither `runs-on` nor `uses`", job.id.text),
                );
            }
            for need in &job.needs {
                if !known.contains(need.text.as_str()) {
                    out.report(
                        &Self::META,
                        need.span,
                        format!(
                            "job `{}` needs `{}`, which does not exist{}",
                            job.id.text,
                            need.text,
                            suggestion(&need.text, &ids)
                        ),
                    );
                }
            }
            let mut seen: FastMap<&str, crate::source::Span> = FastMap::default();
            for step in &job.steps {
                unknown_keys(step.node, STEP_KEYS, "step", out);
                match (
                    step.uses.is_some() || step.node.get("uses").is_some(),
                    step.run.is_some(),
                ) {
                    (true, true) => {
                        out.report(
                            &Self::META,
                            step.node.span,
                            "a step has both `uses` and `run`",
                        );
                    }
                    (false, false) => {
                        out.report(
                            &Self::META,
                            step.node.span,
                            "a step has neither `uses` nor `run`",
                        );
                    }
                    _ => {}
                }
                if let Some(id) = &step.id {
                    if let Some(first) = seen.get(id.text.as_str()) {
                        out.report(
                            &Self::META,
                            id.span,
                            format!(
                                "step id `{}` is used twice in job `{}`",
                                id.text, job.id.text
                            ),
                        )
                        .related(*first, "first used here");
                    } else {
                        seen.insert(id.text.as_str(), id.span);
                    }
                }
            }
        }
        if let Some(job) = cycle(w) {
            out.report(
                &Self::META,
                job.id.span,
                format!(
                    "job `{}` needs itself through `needs`: the workflow can never start it",
                    job.id.text
                ),
            );
        }
    }
}
