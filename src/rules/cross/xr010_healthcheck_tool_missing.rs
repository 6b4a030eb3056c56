use super::*;
use crate::parse::dockerfile::{Command, Dockerfile, Keyword};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it checks
    /// A Dockerfile `HEALTHCHECK` or a compose `healthcheck:` that runs
    /// `curl` or `wget` in an image that does not have it: the final
    /// stage's base is one known to ship without it and no instruction of
    /// the final image installs it (`apt-get install curl`, `apk add
    /// curl`, a `COPY` of the binary). What the bases ship, from their
    /// published image contents:
    ///
    /// | base | curl | wget |
    /// |---|---|---|
    /// | `python:*-slim`, `node:*-slim`, `debian:*` (and `-slim`), `ubuntu:*` | no | no |
    /// | `python:*-alpine`, `node:*-alpine`, `alpine:*` | no | BusyBox `wget` |
    /// | `gcr.io/distroless/*`, `cgr.dev/chainguard/*` | no | no (no shell either) |
    ///
    /// Other bases (the full `python:3.12`, which has both, or a base
    /// image built in the repository) are not judged.
    ///
    /// ## Why it matters in production
    /// The check fails with "command not found" every time: Docker marks
    /// the container unhealthy, `depends_on: condition: service_healthy`
    /// never starts what waits for it, and Swarm or an autoheal sidecar
    /// replaces a healthy container in a loop.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
    /// ```
    ///
    /// ## Use instead
    /// Check with the interpreter the image has:
    /// `HEALTHCHECK CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://localhost:8000/health', timeout=2)"]`,
    /// or install the tool in the final stage.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Dockerfile: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - [python images (slim variants)](https://hub.docker.com/_/python)
    pub struct HealthcheckToolMissing {
        code: "XR010",
        name: "healthcheck-tool-missing",
        severity: Warning,
        fix: None,
        summary: "the health check calls curl or wget, which the image does not have",
    }
}

/// Whether a base image ships `tool` (`None`: not known).
fn base_has(image: &str, tool: &str) -> Option<bool> {
    let lower = image.to_ascii_lowercase();
    let (repo, tag) = match lower.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r.to_string(), t.to_string()),
        _ => (lower.clone(), String::new()),
    };
    let name = repo.rsplit('/').next().unwrap_or(&repo);
    if repo.starts_with("gcr.io/distroless/") || repo.starts_with("cgr.dev/chainguard/") {
        return (!tag.contains("dev") && !repo.contains("-dev")).then_some(false);
    }
    let library = !repo.contains('/') || repo.starts_with("docker.io/library/");
    if !library {
        return None;
    }
    let alpine = tag.contains("alpine") || name == "alpine";
    if alpine && matches!(name, "python" | "node" | "alpine") {
        return Some(tool == "wget");
    }
    let slim = tag.contains("slim");
    match name {
        "python" | "node" if slim => Some(false),
        "debian" | "ubuntu" => Some(false),
        _ => None,
    }
}

/// Does the final image install or copy `tool`: a package manager's
/// install command naming it in a `RUN` (read from the parsed script),
/// or a `COPY`/`ADD` of a file of that name?
fn installs(df: &Dockerfile, tool: &str) -> bool {
    df.final_instructions()
        .any(|i| match (i.keyword, i.command()) {
            (Keyword::Run, Some(Command::Shell { script, .. })) => {
                script.commands.iter().any(|c| {
                    let installing = matches!(
                        (c.program(), c.subcommand().map(|w| w.text.as_str())),
                        (
                            Some("apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper"),
                            Some("install")
                        ) | (Some("apk"), Some("add"))
                    );
                    // `curl` or a pinned `curl=8.5.0-2`.
                    installing
                        && c.args().iter().any(|w| {
                            w.text == tool
                                || w.text
                                    .strip_prefix(tool)
                                    .is_some_and(|r| r.starts_with('='))
                        })
                })
            }
            (Keyword::Copy | Keyword::Add, _) => i
                .words()
                .iter()
                .any(|w| w.text.rsplit('/').next() == Some(tool)),
            _ => false,
        })
}

/// The program a `HEALTHCHECK CMD` starts, and its word's span.
fn healthcheck_tool(df: &Dockerfile) -> Option<(String, crate::source::Span)> {
    let h = df.final_last(Keyword::Healthcheck)?;
    let words: Vec<&crate::parse::shell::Word> = match h.command()? {
        Command::Exec { argv, .. } => argv.iter().collect(),
        Command::Shell { script, .. } => script.commands.first()?.argv.iter().collect(),
    };
    let w = words.first()?;
    Some((
        w.text.rsplit('/').next().unwrap_or(&w.text).to_string(),
        w.span,
    ))
}

impl Rule for HealthcheckToolMissing {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        let mut seen = BTreeSet::new();
        for unit in cx.project.units() {
            // Nothing checks health with a tool: no need for the tree.
            if unit.runs.iter().all(|r| r.health_tool.is_none())
                && !cx
                    .project
                    .dockerfile_facts(&unit.dockerfile)
                    .is_some_and(|b| b.shipped.checks_health)
            {
                continue;
            }
            let Some(built) = cx.project.dockerfile(&unit.dockerfile) else {
                continue;
            };
            let df = &built.dockerfile;
            let Some(root) = df.final_chain().first().map(|s| s.image.clone()) else {
                continue;
            };
            let Some(from) = df.final_chain().first().map(|s| s.from) else {
                continue;
            };
            let from_at = Loc::new(
                &built.file.path,
                df.instructions.get(from).map_or(root.span, |i| i.span),
            );
            let mut checks: Vec<(String, Loc, &str)> = Vec::new();
            if let Some((tool, span)) = healthcheck_tool(df) {
                checks.push((tool, Loc::new(&built.file.path, span), "the `HEALTHCHECK`"));
            }
            for run in &unit.runs {
                if let Some((tool, at)) = &run.health_tool {
                    checks.push((tool.clone(), at.clone(), "the compose health check"));
                }
            }
            for (tool, at, what) in checks {
                if !matches!(tool.as_str(), "curl" | "wget") {
                    continue;
                }
                if base_has(&root.text, &tool) != Some(false)
                    || installs(df, &tool)
                    || !seen.insert(at.clone())
                {
                    continue;
                }
                let b = out
                    .report(
                        &Self::META,
                        &at,
                        format!(
                            "{what} runs `{tool}`, but the image is built on `{}`, which has no `{tool}`, and nothing installs it: the check always fails",
                            root.text
                        ),
                    )
                    .help("check with the interpreter the image has (`python -c \"import urllib.request as u; u.urlopen('http://localhost:8000/health')\"`), or install the tool in the final stage");
                cx.related(b, &from_at, "the final stage's base");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base_has;

    #[test]
    fn what_bases_ship() {
        assert_eq!(base_has("python:3.12-slim", "curl"), Some(false));
        assert_eq!(base_has("python:3.12-alpine", "wget"), Some(true));
        assert_eq!(base_has("python:3.12-alpine", "curl"), Some(false));
        assert_eq!(base_has("python:3.12", "curl"), None);
        assert_eq!(
            base_has("gcr.io/distroless/python3-debian12", "curl"),
            Some(false)
        );
        assert_eq!(base_has("ghcr.io/acme/base:1", "curl"), None);
        assert_eq!(base_has("ubuntu:24.04", "wget"), Some(false));
    }
}
