use super::*;
use crate::parse::dockerfile::Dockerfile;
use crate::source::Span;

declare_rule! {
    /// ## What it checks
    /// `pip install` in the final image without `--no-cache-dir`, a
    /// `PIP_NO_CACHE_DIR` that pip sees, or a cache or tmpfs mount over its
    /// cache folder (`~/.cache`, or `PIP_CACHE_DIR`); also `uv pip install`
    /// / `uv sync` without `--no-cache`, a truthy `UV_NO_CACHE` or such a
    /// mount. A later `rm` of the cache folder in the same RUN (`rm -rf
    /// /root/.cache/pip`, `~/.cache`, the `PIP_CACHE_DIR`) keeps it out of
    /// the layer too. The message names the real command.
    ///
    /// pip sees a variable set by an earlier `ENV` of the final stage, by an
    /// assignment before the command (`PIP_NO_CACHE_DIR=1 pip install …`)
    /// or by an `export` earlier in the same RUN, or by an `ENV` of a base
    /// image built in the same repository (a workflow or compose file tags
    /// one of its Dockerfiles with the name this one is built `FROM`); a
    /// plain `PIP_NO_CACHE_DIR=1;`
    /// is a shell variable, not exported, and pip never sees it. A mount over
    /// another folder (`/var/cache/apt`) does not keep pip's cache out.
    ///
    /// A falsy `PIP_NO_CACHE_DIR` (`0`, `false`, `no`, `off`) is reported
    /// as misleading, where it is set: it reads as "keep the cache", but
    /// pip turns the cache off for it too. pip's `--no-cache-dir` option
    /// callback (`_handle_no_cache_dir` in `pip/_internal/cli/cmdoptions.py`)
    /// only checks that the value is a boolean, then sets `cache_dir =
    /// False` whatever it says, a behaviour pip keeps for backward
    /// compatibility. The fix writes `1`: same behaviour, said plainly (as
    /// hadolint's DL3042 asks for `PIP_NO_CACHE_DIR=1`). uv has no such
    /// quirk: a falsy `UV_NO_CACHE` keeps the cache.
    ///
    /// ## Why it matters in production
    /// pip keeps every downloaded wheel in `~/.cache/pip`, inside the layer:
    /// often 100 MB or more that every node pulls and no one ever reads.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    /// or keep the cache out of the image and across builds:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Safe: inserts `--no-cache-dir` (`--no-cache` for uv) after `install`;
    /// a falsy `PIP_NO_CACHE_DIR` written without quotes becomes `1`.
    ///
    /// ## References
    /// - [pip: caching](https://pip.pypa.io/en/stable/topics/caching/)
    /// - [pip's `_handle_no_cache_dir`](https://github.com/pypa/pip/blob/main/src/pip/_internal/cli/cmdoptions.py)
    /// - [uv: caching](https://docs.astral.sh/uv/concepts/cache/)
    pub struct PipCacheKept {
        code: "DF006",
        name: "pip-cache-kept",
        severity: Warning,
        fix: Safe,
        summary: "`pip install` keeps its download cache in the image",
    }
}

/// A variable's value where it is set: the text, the whole setting's
/// span and, when the value is written as read (unquoted), its own.
type Set<'a> = (&'a str, Span, Option<Span>);

/// Where a variable is set for a command, and to what: an assignment
/// before the command, an `export` earlier in the same RUN, or the last
/// ENV before the RUN in the final stage (a plain `VAR=1;` is not
/// exported: the command does not see it).
fn setting<'a>(
    df: &'a Dockerfile,
    run: &Instruction,
    before: &'a [SimpleCommand],
    cmd: &'a SimpleCommand,
    name: &str,
) -> Option<Set<'a>> {
    let assigned = |w: &'a Word| {
        let (n, v, own) = w.assignment()?;
        (n == name).then_some((v, w.span, own))
    };
    if let Some(found) = cmd.assignments.iter().rev().find_map(assigned) {
        return Some(found);
    }
    if let Some(found) = before
        .iter()
        .rev()
        .filter(|c| c.program() == Some("export"))
        .find_map(|c| c.args().iter().rev().find_map(assigned))
    {
        return Some(found);
    }
    df.final_instructions()
        .filter(|i| i.keyword == Keyword::Env && i.span.start < run.span.start)
        .flat_map(|i| i.pairs().iter())
        .filter(|p| p.key == name)
        .last()
        .and_then(|p| Some((p.value.as_deref()?, p.span, p.value_span)))
}

/// Does the base image, when a Dockerfile of this repository builds it,
/// set `name` to a truthy value in its final stage?
fn base_sets(cx: &DockerContext<'_>, name: &str) -> bool {
    base_env(cx, name)
        .and_then(|v| boolish(&v))
        .unwrap_or(false)
}

/// How pip and uv read a boolean: `Some(true)` for a truthy word,
/// `Some(false)` for a falsy one.
fn boolish(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

impl Rule for PipCacheKept {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let df = cx.dockerfile;
        // A falsy PIP_NO_CACHE_DIR is reported once where it is set.
        let mut misleading: Vec<Span> = Vec::new();
        for run in final_runs(df) {
            let cmds = commands(run);
            for (i, cmd) in cmds.iter().enumerate() {
                let Some((prog, sub, uv)) = pip_install(cmd) else {
                    continue;
                };
                let (flag, env) = if uv {
                    ("--no-cache", "UV_NO_CACHE")
                } else {
                    ("--no-cache-dir", "PIP_NO_CACHE_DIR")
                };
                // A cache (or tmpfs) mount over the tool's cache folder.
                let cache_dir = setting(
                    df,
                    run,
                    cmds.get(..i).unwrap_or_default(),
                    cmd,
                    if uv { "UV_CACHE_DIR" } else { "PIP_CACHE_DIR" },
                );
                let mut parts = vec![".cache"];
                if let Some((dir, ..)) = cache_dir.filter(|(d, ..)| !d.is_empty()) {
                    parts.push(dir);
                }
                if has_cache_mount(run, &parts) {
                    continue;
                }
                // `rm -rf /root/.cache/pip` later in the same RUN: the
                // cache never reaches the layer.
                let tool = if uv { "uv" } else { "pip" };
                if cmds.get(i + 1..).unwrap_or_default().iter().any(|c| {
                    c.program() == Some("rm")
                        && c.args().iter().any(|w| {
                            let t = w.text.trim_end_matches(['*', '/']);
                            t.ends_with("/.cache")
                                || t.ends_with(&format!("/.cache/{tool}"))
                                || cache_dir.is_some_and(|(d, ..)| {
                                    !d.is_empty() && t == d.trim_end_matches('/')
                                })
                        })
                }) {
                    continue;
                }
                // pip's option parser accepts `--no-cache` for `--no-cache-dir`.
                let flagged = cmd.args().iter().any(|w| w.text.starts_with("--no-cache"))
                    || (uv && cmd.has_arg("-n"));
                if flagged {
                    continue;
                }
                let set = setting(df, run, cmds.get(..i).unwrap_or_default(), cmd, env)
                    .filter(|(v, ..)| !v.is_empty());
                // An ENV of a base image built in this repository counts too.
                if set.is_none() && base_sets(cx, env) {
                    continue;
                }
                match set.map(|(v, at, own)| (boolish(v), v, at, own)) {
                    Some((Some(true), ..)) => continue,
                    // pip checks that the value is a boolean, then turns the
                    // cache off whatever it says (its option callback sets
                    // `cache_dir = False` for any value: kept for backward
                    // compatibility). The cache is off, the setting says on.
                    Some((Some(false), value, at, own)) if !uv => {
                        if !misleading.contains(&at) {
                            misleading.push(at);
                            let b = out.report(
                                &Self::META,
                                at,
                                format!("`PIP_NO_CACHE_DIR={value}` reads as \"keep the cache\", but pip turns its cache off for any boolean value here: the setting says the opposite of what happens"),
                            )
                            .help("write `PIP_NO_CACHE_DIR=1`");
                            // Same behaviour, said plainly.
                            if let Some(v) = own {
                                b.fix(
                                    Applicability::Safe,
                                    "write `1`",
                                    vec![Edit::replace(v, "1")],
                                );
                            }
                        }
                        continue;
                    }
                    // Anything else (uv's falsy value, a word neither tool
                    // reads as a boolean) leaves the cache on.
                    _ => {}
                }
                let what = if uv {
                    format!("`uv {}`", sub.text)
                } else {
                    "`pip install`".to_string()
                };
                out.report(
                    &Self::META,
                    prog.span.cover(sub.span),
                    format!("{what} keeps its download cache in the image"),
                )
                .help(format!(
                    "add `{flag}`, or use `RUN --mount=type=cache,target=/root/.cache/{}`",
                    if uv { "uv" } else { "pip" }
                ))
                .fix(
                    Applicability::Safe,
                    format!("insert `{flag}`"),
                    vec![Edit::insert(sub.span.end, format!(" {flag}"))],
                );
            }
        }
    }
}
