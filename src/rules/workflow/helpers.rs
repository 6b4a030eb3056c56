//! Questions several GH rules ask: what a `uses:` names, which contexts
//! an attacker controls, where a step's text sits in the file.

use crate::parse::workflow::{Spanned, Step};
use crate::parse::yaml::{Node, NodeKind};
use crate::rules::WorkflowContext;

/// `owner/repo[/path]@ref`, or a local or Docker reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uses<'a> {
    Local,
    Docker(&'a str),
    Remote {
        owner: &'a str,
        repo: &'a str,
        git_ref: Option<&'a str>,
    },
}

pub fn parse_uses(text: &str) -> Uses<'_> {
    if text.starts_with("./") || text.starts_with("../") {
        return Uses::Local;
    }
    if let Some(image) = text.strip_prefix("docker://") {
        return Uses::Docker(image);
    }
    let (path, git_ref) = match text.split_once('@') {
        Some((p, r)) => (p, Some(r)),
        None => (text, None),
    };
    let mut parts = path.split('/');
    let owner = parts.next().unwrap_or("");
    let repo = parts.next().unwrap_or("");
    Uses::Remote {
        owner,
        repo,
        git_ref,
    }
}

/// Every `uses:` in the file: steps and reusable-workflow calls.
pub fn all_uses<'a>(cx: &WorkflowContext<'a>) -> Vec<&'a Spanned> {
    let mut out: Vec<&Spanned> = cx
        .steps()
        .into_iter()
        .filter_map(|s| s.uses.as_ref())
        .collect();
    if let Some(w) = cx.workflow {
        out.extend(w.jobs.iter().filter_map(|j| j.uses.as_ref()));
    }
    out
}

/// Does the step run the action `name` (`actions/checkout`) at any ref?
pub fn step_uses(step: &Step<'_>, name: &str) -> bool {
    step.uses.as_ref().is_some_and(|u| {
        let path = u.text.split('@').next().unwrap_or("");
        path.eq_ignore_ascii_case(name)
    })
}

/// Context paths whose value an outside contributor can choose. `*`
/// matches one path segment.
const UNTRUSTED: &[&str] = &[
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.pull_request.head.repo.description",
    "github.event.pull_request.head.repo.homepage",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.display_title",
    "github.head_ref",
];

fn segments_match(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let q: Vec<&str> = path.split('.').collect();
    let prefix = p
        .iter()
        .zip(&q)
        .all(|(a, b)| *a == "*" || *b == "*" || a == b);
    // Reading a whole object that holds untrusted fields (`toJSON(github.event)`) counts too.
    prefix && (q.len() >= p.len() || (q.len() >= 2 && path.starts_with("github.event")))
}

pub fn is_untrusted(context: &str) -> bool {
    UNTRUSTED.iter().any(|p| segments_match(p, context))
}

/// The script a step runs: `run:`, or `script:` of `actions/github-script`.
pub fn script_node<'a>(step: &Step<'a>) -> Option<&'a Node> {
    if let Some(run) = step.run {
        return Some(run);
    }
    if step_uses(step, "actions/github-script") {
        return step.with.and_then(|w| w.get("script"));
    }
    None
}

/// Environment entries `(key, value)` of an `env:` mapping.
pub fn env_entries(env: Option<&Node>) -> impl Iterator<Item = (&Node, &Node)> {
    env.and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .map(|e| (&e.key, &e.value))
}

/// Is a scalar a truthy setting (`true`, `"true"`, `1`)?
pub fn truthy(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar { text, .. } if matches!(text.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_forms() {
        assert_eq!(parse_uses("./.github/actions/x"), Uses::Local);
        assert_eq!(parse_uses("docker://alpine:3"), Uses::Docker("alpine:3"));
        assert_eq!(
            parse_uses("org/repo/.github/workflows/d.yml@v1"),
            Uses::Remote {
                owner: "org",
                repo: "repo",
                git_ref: Some("v1")
            }
        );
    }

    #[test]
    fn untrusted_contexts() {
        assert!(is_untrusted("github.event.issue.title"));
        assert!(
            is_untrusted("github.event.commits.0.message")
                || is_untrusted("github.event.commits.*.message")
        );
        assert!(is_untrusted("github.head_ref"));
        assert!(!is_untrusted("github.event.issue.number"));
        assert!(!is_untrusted("github.sha"));
    }
}
