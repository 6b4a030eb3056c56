//! Scripts that only run quick, local programs: coreutils, `jq`, `git`
//! reading the checkout, `helm lint`/`helm template` of a local chart,
//! `kustomize build` (or `kubectl kustomize`),
//! one GitHub API call (through `gh`, or `curl` of
//! a `$GITHUB_API_URL` or `api.github.com` address). GH010 calls
//! such a step bounded (it cannot hang for hours); GH012 calls it harmless
//! to persisted credentials (it runs no third party's code).

use crate::parse::shell::{Script, SimpleCommand};

/// Programs that do not wait on the network or a build.
pub const QUICK_PROGRAMS: &[&str] = &[
    "echo", "printf", "test", "[", "true", "false", "exit", "cat", "jq", "grep", "sed", "awk",
    "cut", "sort", "head", "tail", "wc", "ls", "mkdir", "cp", "mv", "rm", "date", "basename",
    "dirname", "tr", "export", "set", "if", "then", "fi", "[[", "find", "uniq", "tee", "touch",
    "pwd", "cd", "seq", "printenv", "realpath", "readlink", "stat", "du", "read",
    // Built-ins of the shell's control flow (its reserved words are not
    // commands at all; `while` and `until` loops are judged by what they
    // run).
    "continue", "break", "return", "shift", "unset", "local", ":",
];

/// `git` subcommands that read the local repository.
pub const QUICK_GIT: &[&str] = &[
    "diff",
    "log",
    "rev-parse",
    "status",
    "show",
    "describe",
    "config",
    "tag",
    "branch",
    "ls-files",
    "ls-tree",
    "rev-list",
    "for-each-ref",
    "merge-base",
    "cat-file",
    "grep",
    "shortlog",
    "name-rev",
    "symbolic-ref",
    "check-ignore",
    // Local changes to the checkout (`git checkout HEAD^2`, a commit
    // before a push step): no network, no third party's code.
    "checkout",
    "switch",
    "restore",
    "reset",
    "add",
    "commit",
    "stash",
    "clean",
    "init",
    "remote",
    "mv",
    "rm",
    "apply",
];

/// Every command of `script` is quick, those its command substitutions
/// run too (`response=$(curl …)` is a download, however it is assigned).
pub fn quick(script: &Script, depth: usize) -> bool {
    script
        .commands
        .iter()
        .all(|c| quick_command(c, depth, false))
}

/// Every command of `script` is quick, `git` of any kind (`git push`,
/// `git fetch` go to the network, but run nothing but git) or a `sleep`
/// between retries: the script runs no one's code but its author's and
/// git's.
pub fn own_code_only(script: &Script) -> bool {
    script.commands.iter().all(|c| quick_command(c, 0, true))
}

/// One command is quick (see [`quick`]); with `any_git`, every `git`
/// subcommand counts (see [`own_code_only`]).
fn quick_command(c: &SimpleCommand, depth: usize, any_git: bool) -> bool {
    {
        let program = match c.program() {
            Some("git") => {
                any_git
                    || c.args()
                        .first()
                        .is_some_and(|a| QUICK_GIT.contains(&a.text.as_str()))
            }
            // One GitHub API call (`gh api …`, `gh pr view`, `gh pr merge
            // --auto`, `gh workflow run`, which dispatches and returns), as
            // `actions/github-script` makes.
            Some("gh") => {
                // The repository flag may come anywhere (`gh issue --repo
                // o/r comment 1`): the subcommand is what is left.
                let mut args: Vec<&str> = Vec::new();
                let mut words = c.args().iter().map(|w| w.text.as_str());
                while let Some(a) = words.next() {
                    if a == "--repo" || a == "-R" {
                        words.next();
                    } else if !a.starts_with("--repo=") {
                        args.push(a);
                    }
                }
                args.first() == Some(&"api")
                    || args.get(1).is_some_and(|a| {
                        matches!(
                            *a,
                            "view"
                                | "list"
                                | "comment"
                                | "edit"
                                | "create"
                                | "close"
                                | "reopen"
                                | "merge"
                                | "ready"
                                | "review"
                        )
                    })
                    || (args.first() == Some(&"workflow")
                        && args
                            .get(1)
                            .is_some_and(|a| matches!(*a, "run" | "enable" | "disable")))
            }
            // One call to the GitHub API by URL (`curl -X PATCH
            // "$GITHUB_API_URL/repos/…"`).
            Some("curl") => c.args().iter().any(|a| {
                let url = a.text.trim_matches(['"', '\'']);
                [
                    "$GITHUB_API_URL/",
                    "${GITHUB_API_URL}/",
                    "https://api.github.com/",
                ]
                .iter()
                .any(|p| url.starts_with(p))
            }),
            // `helm lint` and `helm template` render a chart from the
            // checkout (its dependencies already in `charts/`); asked to
            // update them (`--dependency-update`) or to fetch the chart
            // (`--repo`), helm goes to the network.
            Some("helm") => {
                let args: Vec<&str> = c.args().iter().map(|w| w.text.as_str()).collect();
                matches!(args.first(), Some(&("lint" | "template")))
                    && !args.iter().any(|a| {
                        matches!(*a, "--dependency-update" | "-u" | "--repo")
                            || a.starts_with("--repo=")
                    })
            }
            // kustomize renders the kustomizations of the checkout (a base
            // it names by URL is fetched once; the network is not what it
            // waits on).
            Some("kustomize") => c
                .args()
                .first()
                .is_some_and(|a| matches!(a.text.as_str(), "build" | "create" | "edit")),
            Some("kubectl") => c.args().first().is_some_and(|a| a.text == "kustomize"),
            // `xargs basename`: as quick as the program it runs.
            Some("xargs") => c
                .args()
                .iter()
                .any(|a| QUICK_PROGRAMS.contains(&a.text.as_str())),
            // A pause between retries runs no one's code (it is not quick:
            // GH010 does not count it bounded).
            Some("sleep") => any_git,
            Some(p) => QUICK_PROGRAMS.contains(&p),
            None => true,
        };
        program
            && c.assignments
                .iter()
                .chain(&c.argv)
                // A word with no expansion outside single quotes runs
                // nothing (`sed 's/$/`/'` holds a backquote, not a command).
                .filter(|w| w.dynamic)
                .flat_map(|w| substitutions(&w.text))
                .all(|inner| {
                    depth < 4 && {
                        let map = crate::parse::offsets::OffsetMap::contiguous(0, inner.len());
                        crate::parse::shell::parse(inner, &map)
                            .commands
                            .iter()
                            .all(|c| quick_command(c, depth + 1, any_git))
                    }
                })
    }
}

/// The commands `$(…)` and `` `…` `` run in a word, outermost.
fn substitutions(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'(') {
            // `$((…))` is arithmetic: it runs nothing.
            let arithmetic = bytes.get(i + 2) == Some(&b'(');
            let start = i + 2;
            let mut depth = 1;
            let mut j = start;
            while j < bytes.len() && depth > 0 {
                match bytes[j] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            let end = if depth == 0 { j - 1 } else { j };
            if !arithmetic {
                out.extend(text.get(start..end));
            }
            i = j;
        } else if bytes[i] == b'`' {
            let start = i + 1;
            let end = text[start..].find('`').map_or(text.len(), |k| start + k);
            out.extend(text.get(start..end));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}
