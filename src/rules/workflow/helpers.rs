//! Questions several GH rules ask: what a `uses:` names, which contexts
//! an attacker controls, where a step's text sits in the file.

use crate::parse::workflow::{Job, Spanned, Step};
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
    // `$/path` is the self-repository form: the running commit, no checkout.
    if text.starts_with("./") || text.starts_with("../") || text.starts_with("$/") {
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

/// The action a step uses, lower-cased, without its ref
/// (`actions/checkout`), when it uses one.
pub fn action_path(step: &Step<'_>) -> Option<String> {
    let u = step.uses.as_ref()?;
    Some(u.text.split('@').next().unwrap_or("").to_ascii_lowercase())
}

/// What a script line writes to the step's outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputWrite<'a> {
    /// A literal name: `echo "tag=…" >> "$GITHUB_OUTPUT"`, `echo
    /// "notes<<EOF" >> …`, the old `::set-output name=tag::…`.
    Named(&'a str),
    /// A name the script computes (`"$k=$v"`), or a whole file.
    Computed,
}

/// What `line` writes to `$GITHUB_OUTPUT`, if it writes there: one reader
/// for GH025 (the names a step writes) and GH007 (the line that writes
/// a name, to follow the data in it).
pub fn output_write(line: &str) -> Option<OutputWrite<'_>> {
    let lower = line.to_ascii_lowercase();
    if let Some(at) = lower.find("::set-output name=") {
        let rest = line.get(at + 18..)?;
        return Some(OutputWrite::Named(rest.split("::").next()?.trim()));
    }
    if !lower.contains("github_output") {
        return None;
    }
    let named = || {
        let head = line.split(">>").next()?;
        let start = head
            .find(['"', '\''])
            .map(|q| q + 1)
            .or_else(|| head.find("echo ").map(|e| e + 5))
            .or_else(|| head.find("printf ").map(|e| e + 7))?;
        let body = head.get(start..)?.trim_start();
        let name = body.get(..body.find(['=', '<'])?)?;
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        plain.then_some(name)
    };
    Some(named().map_or(OutputWrite::Computed, OutputWrite::Named))
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
    // Segment by segment, without collecting either side: asked of every
    // context path of every expression, against every pattern.
    let (mut p, mut q) = (pattern.split('.'), path.split('.'));
    let (mut p_len, mut q_len) = (0usize, 0usize);
    loop {
        match (p.next(), q.next()) {
            (Some(a), Some(b)) => {
                if !(a == "*" || b == "*" || a == b) {
                    return false;
                }
                p_len += 1;
                q_len += 1;
            }
            (Some(_), None) => {
                p_len += 1 + p.count();
                break;
            }
            (None, Some(_)) => {
                q_len += 1 + q.count();
                break;
            }
            (None, None) => break,
        }
    }
    // Reading a whole object that holds untrusted fields (`toJSON(github.event)`) counts too.
    q_len >= p_len || (q_len >= 2 && path.starts_with("github.event"))
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

/// The job is switched off: its `if:` is the literal `false` (`if:
/// false`, `if: ${{ false }}`), so it never runs and never gets a token.
pub fn disabled(job: &Job<'_>) -> bool {
    job.if_.and_then(Node::as_str).is_some_and(|t| {
        let t = t.trim();
        let t = t
            .strip_prefix("${{")
            .and_then(|t| t.strip_suffix("}}"))
            .unwrap_or(t)
            .trim();
        t == "false"
    })
}

/// The shell script of a `run:` step, parsed once by the model (offsets
/// into the script text).
pub fn run_script<'s>(step: &'s Step<'_>) -> Option<&'s crate::parse::shell::Script> {
    step.script.as_ref()
}

const TEST_PROGRAMS: &[&str] = &["pytest", "tox", "nox", "py.test", "unittest"];

/// Does the job run a test suite (pytest, tox, nox, `make test`, …)?
pub fn runs_tests(job: &Job<'_>) -> bool {
    job.steps.iter().filter_map(run_script).any(|s| {
        s.commands.iter().any(|c| {
            let args: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
            let prog = c.program().unwrap_or("");
            TEST_PROGRAMS.contains(&prog)
                || args
                    .windows(2)
                    .any(|w| w[0] == "-m" && matches!(w[1], "pytest" | "unittest" | "tox" | "nox"))
                || (matches!(prog, "make" | "just" | "task")
                    && args
                        .iter()
                        .skip(1)
                        .any(|a| a.starts_with("test") || *a == "check"))
                || (matches!(prog, "npm" | "pnpm" | "yarn" | "cargo" | "go" | "hatch")
                    && args.get(1) == Some(&"test"))
                || (matches!(prog, "uv" | "poetry" | "pipenv" | "pdm" | "hatch")
                    && args.iter().any(|a| TEST_PROGRAMS.contains(a)))
        })
    })
}

const DEPLOY_ACTIONS: &[&str] = &[
    "azure/webapps-deploy",
    "azure/k8s-deploy",
    "aws-actions/amazon-ecs-deploy-task-definition",
    "google-github-actions/deploy-cloudrun",
    "google-github-actions/deploy-appengine",
    "superfly/flyctl-actions",
    "appleboy/ssh-action",
    "akhileshns/heroku-deploy",
    "amondnet/vercel-action",
];

/// Why a job deploys, with where it says so.
#[derive(Debug, Clone)]
pub struct Deploy {
    pub span: crate::source::Span,
    pub why: String,
    /// The job only publishes an artefact (pushes an image): nothing
    /// running changes until something deploys it.
    pub publishes_only: bool,
}

/// Programs an SSH step may run that only look at the server.
const STATUS_PROGRAMS: &[&str] = &[
    "echo",
    "printf",
    "uptime",
    "df",
    "du",
    "free",
    "whoami",
    "hostname",
    "ls",
    "cat",
    "date",
    "ps",
    "top",
    "curl",
    "wget",
    "journalctl",
    "tail",
    "head",
    "uname",
    "true",
    "exit",
];
/// `docker` subcommands that only look.
const DOCKER_STATUS: &[&str] = &[
    "ps", "logs", "inspect", "stats", "images", "info", "version",
];

/// Does the script of an SSH action (`appleboy/ssh-action`'s `script:`)
/// change the server? A script that only reports status (`docker ps`,
/// `systemctl status`, `df -h`) deploys nothing; one that cannot be read
/// counts as a deploy.
fn ssh_script_changes(step: &Step<'_>) -> bool {
    let Some(script) = step
        .with
        .and_then(|w| w.get("script"))
        .and_then(Node::as_str)
    else {
        return true;
    };
    let map = crate::parse::offsets::OffsetMap::contiguous(0, script.len());
    let parsed = crate::parse::shell::parse(script, &map);
    if parsed.commands.is_empty() {
        return true;
    }
    !parsed.commands.iter().all(|c| {
        let args: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
        match c.program().unwrap_or("") {
            "docker" => {
                args.get(1).is_some_and(|a| DOCKER_STATUS.contains(a))
                    || (args.get(1) == Some(&"compose")
                        && args.iter().skip(2).any(|a| matches!(*a, "ps" | "logs")))
            }
            "systemctl" => args
                .iter()
                .skip(1)
                .any(|a| matches!(*a, "status" | "is-active")),
            p => STATUS_PROGRAMS.contains(&p),
        }
    })
}

/// Why a job deploys, with where it says so: an `environment:` named like
/// production, a deploy action, a deploy command, or (publishing only) an
/// image push. Deploy detection lives here for every GH rule.
pub fn deploy_evidence(job: &Job<'_>) -> Option<Deploy> {
    let deploy = |span, why: String| Deploy {
        span,
        why,
        publishes_only: false,
    };
    // An environment named like production: a deploy, unless all the job
    // does there is publish a package (PyPI's trusted publishing asks for
    // an environment; a released version is immutable and runs nowhere).
    let production = job.environment.as_ref().filter(|env| {
        let lower = env.text.to_ascii_lowercase();
        lower.contains("prod") || lower.contains("live")
    });
    if let Some(env) = production
        && !publishes_only_packages(job)
    {
        return Some(deploy(
            env.span,
            format!("it targets the `{}` environment", env.text),
        ));
    }
    let mut publish: Option<Deploy> = None;
    let mut published = |span, why: &str| {
        publish.get_or_insert(Deploy {
            span,
            why: why.to_string(),
            publishes_only: true,
        });
    };
    if let Some(env) = production {
        published(
            env.span,
            &format!("it publishes a package from the `{}` environment", env.text),
        );
    }
    for step in &job.steps {
        if let (Some(u), Some(path)) = (&step.uses, action_path(step)) {
            if DEPLOY_ACTIONS.iter().any(|a| path.starts_with(a))
                && (path != "appleboy/ssh-action" || ssh_script_changes(step))
            {
                return Some(deploy(u.span, format!("it runs `{path}`")));
            }
            if path == "docker/build-push-action"
                && step.with.and_then(|w| w.get("push")).is_some_and(truthy)
            {
                published(u.span, "it pushes an image");
            }
        }
        let Some(script) = run_script(step) else {
            continue;
        };
        let span = step.run.map_or(job.id.span, |r| r.span);
        for c in &script.commands {
            let args: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
            let what = || {
                format!(
                    "it runs `{}`",
                    args.iter().take(3).copied().collect::<Vec<_>>().join(" ")
                )
            };
            let deploys = match c.program().unwrap_or("") {
                "kubectl" => args
                    .iter()
                    .any(|a| matches!(*a, "apply" | "rollout" | "set" | "replace" | "create")),
                "helm" => args.iter().any(|a| matches!(*a, "upgrade" | "install")),
                "docker" => {
                    if args.get(1) == Some(&"push")
                        || (args.contains(&"buildx") && args.contains(&"--push"))
                    {
                        published(span, &what());
                    }
                    false
                }
                "gcloud" => args.contains(&"deploy"),
                "aws" => args
                    .iter()
                    .any(|a| *a == "update-service" || *a == "deploy"),
                "az" => args.iter().any(|a| matches!(*a, "deploy" | "up")),
                "fly" | "flyctl" | "railway" | "vercel" | "netlify" | "serverless" | "sls" => {
                    args.iter().any(|a| matches!(*a, "deploy" | "up"))
                }
                "terraform" | "tofu" | "pulumi" => {
                    args.iter().any(|a| matches!(*a, "apply" | "up"))
                }
                "ansible-playbook" | "kamal" => true,
                _ => false,
            };
            if deploys {
                return Some(deploy(span, what()));
            }
        }
    }
    publish
}

/// Programs that change something running: a package job that also runs
/// one of these (or a script of the repository, `./deploy.sh`) deploys.
const DEPLOYING_PROGRAMS: &[&str] = &[
    "ssh",
    "scp",
    "rsync",
    "sshpass",
    "make",
    "firebase",
    "wrangler",
    "heroku",
    "fly",
    "flyctl",
    "vercel",
    "netlify",
    "railway",
    "kubectl",
    "helm",
    "terraform",
    "tofu",
    "pulumi",
    "ansible-playbook",
    "kamal",
    "aws",
    "gcloud",
    "az",
    "docker",
    "serverless",
    "sls",
    "curl",
    "wget",
    "bash",
    "sh",
];

/// Does the job publish a package and run nothing that deploys (no
/// deploy CLI, no `curl` to a deploy hook, no script of the repository
/// such as `./deploy.sh`) next to it?
fn publishes_only_packages(job: &Job<'_>) -> bool {
    job.steps.iter().any(publishes_package)
        && job.steps.iter().all(|step| {
            run_script(step).is_none_or(|script| {
                !script.commands.iter().any(|c| {
                    c.name()
                        .is_some_and(|n| n.contains('/') || n.ends_with(".sh"))
                        || c.program().is_some_and(|p| DEPLOYING_PROGRAMS.contains(&p))
                })
            })
        })
}

/// Package registries' upload commands: a release of an artefact, not a
/// deployment of a running service.
fn is_package_upload(args: &[&str]) -> bool {
    matches!(
        args,
        ["twine", "upload", ..]
            | [
                "uv" | "poetry" | "flit" | "hatch" | "pdm" | "cargo",
                "publish",
                ..
            ]
            | ["npm" | "pnpm" | "yarn", "publish", ..]
            | ["yarn", "npm", "publish", ..]
            | ["gem", "push", ..]
            | ["python" | "python3", "-m", "twine", "upload", ..]
    )
}

/// A step that uploads a package to a registry (PyPI, npm, crates.io,
/// RubyGems): `pypa/gh-action-pypi-publish`, `twine upload`, `uv
/// publish`, `npm publish`, ….
pub fn publishes_package(step: &Step<'_>) -> bool {
    if action_path(step).is_some_and(|p| p == "pypa/gh-action-pypi-publish") {
        return true;
    }
    run_script(step).is_some_and(|script| {
        script.commands.iter().any(|c| {
            let args: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
            is_package_upload(&args)
        })
    })
}

/// Does the workflow ship releases rather than branches: it runs only when
/// a release is published, a tag is pushed, or another workflow calls it
/// (the caller orders it after its tests)? Publishing there is the end of
/// a release process whose tests ran before the tag.
pub fn release_triggered(w: &crate::parse::workflow::Workflow<'_>) -> bool {
    !w.triggers.is_empty()
        && w.triggers.iter().all(|t| match t.event.text.as_str() {
            "release" | "workflow_call" | "workflow_dispatch" => true,
            "push" => t.filters.is_some_and(|f| {
                f.get("tags").is_some()
                    && f.get("branches").is_none()
                    && f.get("branches-ignore").is_none()
            }),
            _ => false,
        })
}

/// Does the job ship something: it deploys, pushes an image or uploads a
/// package, or its workflow runs only for releases? What it runs in then
/// shapes what it ships, tests or not.
pub fn ships(w: &crate::parse::workflow::Workflow<'_>, job: &Job<'_>) -> bool {
    release_triggered(w)
        || deploy_evidence(job).is_some()
        || job.steps.iter().any(publishes_package)
}

/// Maps an offset in a scalar's text back into the file: exact for
/// literal block scalars (`run: |`) and one-line scalars; the start of the
/// node where folding or escapes make the text differ from the source.
pub fn source_offset(file: &crate::source::SourceFile, node: &Node, text_offset: usize) -> usize {
    let NodeKind::Scalar { text, style } = &node.kind else {
        return node.span.start;
    };
    let raw = file.slice(node.span);
    match style {
        crate::parse::yaml::Style::Literal => {
            // The span may start at the `|` indicator or at the content.
            let on_indicator = raw.starts_with('|');
            let first_line = file.lines.line_of(node.span.start) + usize::from(on_indicator);
            let before = text.get(..text_offset).unwrap_or("");
            let line = before.matches('\n').count();
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
            let content_start = file.lines.line_start(first_line, &file.text);
            let indent = file
                .text
                .get(content_start..)
                .map_or(0, |r| r.len() - r.trim_start_matches(' ').len());
            let at = file.lines.line_start(first_line + line, &file.text) + indent + col;
            at.min(node.span.end.max(node.span.start))
        }
        _ if !raw.contains('\n') => {
            let quote = usize::from(raw.starts_with(['"', '\'']));
            (node.span.start + quote + text_offset).min(node.span.end)
        }
        _ => node.span.start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_forms() {
        assert_eq!(parse_uses("./.github/actions/x"), Uses::Local);
        assert_eq!(parse_uses("$/.github/actions/x"), Uses::Local);
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

#[cfg(test)]
mod untrusted_tests {
    use super::*;

    /// The plain reading of the rule: both paths split, compared segment
    /// by segment over the shorter one.
    fn collected(pattern: &str, path: &str) -> bool {
        let p: Vec<&str> = pattern.split('.').collect();
        let q: Vec<&str> = path.split('.').collect();
        let prefix = p
            .iter()
            .zip(&q)
            .all(|(a, b)| *a == "*" || *b == "*" || a == b);
        prefix && (q.len() >= p.len() || (q.len() >= 2 && path.starts_with("github.event")))
    }

    #[test]
    fn segments_match_as_the_collected_paths_do() {
        let paths = [
            "github",
            "github.event",
            "github.event.issue",
            "github.event.issue.title",
            "github.event.issue.title.x",
            "github.event.*.title",
            "github.event.pages.3.page_name",
            "github.event.pages.*",
            "github.head_ref",
            "github.head_ref.x",
            "github.ref",
            "*",
            "*.*",
            "",
            ".",
            "github..event",
            "env.TITLE",
            "steps.x.outputs.y",
        ];
        for pattern in UNTRUSTED {
            for path in paths {
                assert_eq!(
                    segments_match(pattern, path),
                    collected(pattern, path),
                    "{pattern} {path}"
                );
            }
        }
    }
}
