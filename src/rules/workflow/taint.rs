//! Where attacker-chosen data travels in a workflow before a script reads
//! it: straight from the event, or through `env:` (workflow, job, step),
//! `matrix` values, step outputs and the inputs of a called or dispatched
//! workflow. GH007 asks, for each context a script expands, the path that
//! brings untrusted data to it.

use crate::parse::expr;
use crate::parse::workflow::{Job, Step, Workflow};
use crate::parse::yaml::{Node, NodeKind};
use crate::rules::workflow::helpers::{OutputWrite, is_untrusted, output_write};

/// How far a value is followed (`env.A` from `env.B` from …): enough for
/// real workflows, and a bound on crafted cycles.
const MAX_HOPS: usize = 4;

/// Lines of a step's script searched for an output it writes.
const MAX_SCRIPT_LINES: usize = 2000;

/// Who chooses the data at the start of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Whoever opens the issue, pull request or comment.
    Event,
    /// Whoever starts or calls the workflow (`inputs.*`).
    Caller,
}

/// A path from a source to the expression a script expands.
#[derive(Debug, Clone)]
pub struct Trail {
    pub origin: Origin,
    /// The source context (`github.event.issue.title`, `inputs.tag`).
    pub source: String,
    /// The contexts it passed through, from the expanded one to the one
    /// before the source (`env.title`, `steps.meta.outputs.title`).
    pub via: Vec<String>,
}

impl Trail {
    /// `` `env.title` ← `steps.m.outputs.t` `` (empty when direct).
    pub fn path(&self) -> String {
        self.via
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(" ← ")
    }
}

/// What a script in one step can read.
pub struct Scope<'a> {
    pub workflow: Option<&'a Workflow<'a>>,
    pub job: Option<&'a Job<'a>>,
    pub step: &'a Step<'a>,
    /// Inputs of a composite action (their callers are not known here).
    pub composite: bool,
    pub source: &'a str,
}

impl Scope<'_> {
    /// The path that brings untrusted data to `context`, if any.
    pub fn trace(&self, context: &str) -> Option<Trail> {
        self.trace_at(context, 0)
    }

    fn trace_at(&self, context: &str, hops: usize) -> Option<Trail> {
        if is_untrusted(context) {
            return Some(Trail {
                origin: Origin::Event,
                source: context.to_string(),
                via: Vec::new(),
            });
        }
        if hops >= MAX_HOPS {
            return None;
        }
        let mut parts = context.splitn(4, '.');
        let first = parts.next().unwrap_or("");
        let second = parts.next().unwrap_or("");
        let found = match first {
            "inputs" if self.input_is_free_text(second) => {
                return Some(Trail {
                    origin: Origin::Caller,
                    source: context.to_string(),
                    via: Vec::new(),
                });
            }
            "env" => self
                .env_value(second)
                .and_then(|v| self.trace_node(v, hops)),
            "matrix" => self
                .matrix_value(second)
                .and_then(|v| self.trace_node(v, hops)),
            "steps" if parts.next() == Some("outputs") => {
                let name = parts.next().unwrap_or("");
                self.output_line(second, name)
                    .and_then(|(text, span)| self.trace_text(text, span, hops))
            }
            _ => None,
        };
        found.map(|mut t| {
            t.via.insert(0, context.to_string());
            t
        })
    }

    /// The first untrusted path among the expressions of a node's text.
    fn trace_node(&self, node: &Node, hops: usize) -> Option<Trail> {
        let text = self.source.get(node.span.start..node.span.end)?;
        self.trace_text(text, node.span.start, hops)
    }

    fn trace_text(&self, text: &str, offset: usize, hops: usize) -> Option<Trail> {
        let span = crate::source::Span::new(offset, offset + text.len());
        expr::find(self.source, span)
            .iter()
            .flat_map(|e| e.contexts.iter())
            .find_map(|c| self.trace_at(c, hops + 1))
    }

    /// An input that takes any text: declared `type: string` (or no type)
    /// by a `workflow_call`/`workflow_dispatch` trigger, or any input of a
    /// composite action. Booleans, numbers and choices cannot carry code.
    fn input_is_free_text(&self, name: &str) -> bool {
        if self.composite {
            return true;
        }
        let Some(w) = self.workflow else { return false };
        w.triggers
            .iter()
            .filter(|t| matches!(t.event.text.as_str(), "workflow_call" | "workflow_dispatch"))
            .filter_map(|t| {
                t.filters
                    .and_then(|f| f.get("inputs"))
                    .and_then(Node::as_map)
            })
            .flatten()
            .filter(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
            .any(|e| {
                e.value
                    .get("type")
                    .and_then(Node::as_str)
                    .is_none_or(|t| t == "string")
            })
    }

    /// `env.NAME` as the step sees it: the step's own, else the job's,
    /// else the workflow's (names compare without case, as contexts do).
    fn env_value(&self, name: &str) -> Option<&Node> {
        lookup(self.step.env, name)
            .or_else(|| self.job.and_then(|j| lookup(j.env, name)))
            .or_else(|| self.workflow.and_then(|w| lookup(w.env, name)))
    }

    /// `matrix.NAME`: its value list, or the `include:` entries that set it.
    fn matrix_value(&self, name: &str) -> Option<&Node> {
        let matrix = self.job?.strategy?.get("matrix")?;
        if let Some(v) = matrix
            .as_map()?
            .iter()
            .find(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
        {
            return Some(&v.value);
        }
        // `matrix: ${{ fromJSON(...) }}` as a whole, or `include:` items.
        matrix
            .get("include")
            .filter(|n| !matches!(n.kind, NodeKind::Scalar { .. }))
    }

    /// The script line of step `id` that writes output `name` to
    /// `$GITHUB_OUTPUT` (`echo "name=…" >> "$GITHUB_OUTPUT"`), with its
    /// offset in the file.
    fn output_line(&self, id: &str, name: &str) -> Option<(&str, usize)> {
        let step = self.job?.steps.iter().find(|s| {
            s.id.as_ref()
                .is_some_and(|i| i.text.eq_ignore_ascii_case(id))
        })?;
        let run = step.run?;
        let text = self.source.get(run.span.start..run.span.end)?;
        let mut offset = run.span.start;
        // Bounded: a crafted script of many thousand lines, read once per
        // expression that names its step, stays cheap.
        for line in text.split_inclusive('\n').take(MAX_SCRIPT_LINES) {
            if let Some(OutputWrite::Named(n)) = output_write(line)
                && n.eq_ignore_ascii_case(name)
            {
                return Some((line, offset));
            }
            offset += line.len();
        }
        None
    }
}

/// The value of `name` in an `env:` mapping, without case.
fn lookup<'n>(env: Option<&'n Node>, name: &str) -> Option<&'n Node> {
    env.and_then(Node::as_map)?
        .iter()
        .find(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
        .map(|e| &e.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(
        text: &str,
        job: usize,
        step: usize,
        context: &str,
    ) -> Option<(Origin, String, String)> {
        let tree = crate::parse::yaml::parse(text);
        let root = tree.documents.first().and_then(Option::as_ref)?;
        let w = Workflow::from_root(root)?;
        let j = w.jobs.get(job)?;
        let scope = Scope {
            workflow: Some(&w),
            job: Some(j),
            step: j.steps.get(step)?,
            composite: false,
            source: text,
        };
        scope
            .trace(context)
            .map(|t| (t.origin, t.source.clone(), t.path()))
    }

    #[test]
    fn env_at_every_level() {
        let text = "on: issues\nenv:\n  T: ${{ github.event.issue.title }}\njobs:\n  a:\n    runs-on: x\n    env:\n      B: ${{ github.event.issue.body }}\n    steps:\n      - run: echo\n        env:\n          S: ${{ env.B }}\n";
        let (o, src, path) = trail(text, 0, 0, "env.t").unwrap();
        assert_eq!(
            (o, src.as_str(), path.as_str()),
            (Origin::Event, "github.event.issue.title", "`env.t`")
        );
        let (_, src, path) = trail(text, 0, 0, "env.s").unwrap();
        assert_eq!(src, "github.event.issue.body");
        assert_eq!(path, "`env.s` ← `env.b`");
    }

    #[test]
    fn step_outputs_matrix_and_inputs() {
        let text = "on:\n  workflow_dispatch:\n    inputs:\n      tag: {type: string}\n      dry: {type: boolean}\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n        title: ['${{ github.event.pull_request.title }}']\n    steps:\n      - id: meta\n        run: echo \"t=${{ github.event.pull_request.title }}\" >> \"$GITHUB_OUTPUT\"\n      - run: echo\n";
        assert_eq!(
            trail(text, 0, 1, "steps.meta.outputs.t").unwrap().2,
            "`steps.meta.outputs.t`"
        );
        assert_eq!(trail(text, 0, 1, "matrix.title").unwrap().0, Origin::Event);
        assert_eq!(trail(text, 0, 1, "inputs.tag").unwrap().0, Origin::Caller);
        assert!(trail(text, 0, 1, "inputs.dry").is_none());
        assert!(trail(text, 0, 1, "steps.meta.outputs.other").is_none());
    }

    #[test]
    fn cycles_end() {
        let text = "on: push\nenv:\n  A: ${{ env.B }}\n  B: ${{ env.A }}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n";
        assert!(trail(text, 0, 0, "env.a").is_none());
    }
}
