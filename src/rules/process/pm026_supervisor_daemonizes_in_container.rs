use super::*;
use crate::paths::FastPath;

declare_rule! {
    /// ## What it checks
    /// A Dockerfile whose final command starts `supervisord` without `-n`
    /// (`--nodaemon`), when no supervisord configuration in the build
    /// context (the file `-c` names, or `supervisord*.conf` /
    /// `supervisor*.conf` beside the Dockerfile or in `supervisor/`,
    /// `docker/`, `conf/`, `config/`, `deploy/`, `etc/`) sets
    /// `nodaemon=true` in its `[supervisord]` section. When a `COPY` of the
    /// final image puts a file of the build context at the `-c` path, that
    /// file decides; a RUN that writes `nodaemon=true` into a configuration
    /// (`echo … >> /etc/supervisord.conf`, a heredoc) answers it too.
    ///
    /// ## Why it matters in production
    /// By default supervisord forks into the background and its first
    /// process exits. That process is the container's PID 1: the container
    /// stops as soon as it starts, and the orchestrator restarts it in a
    /// loop.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["supervisord", "-c", "/etc/supervisor/supervisord.conf"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["supervisord", "-n", "-c", "/etc/supervisor/supervisord.conf"]
    /// ```
    /// or `nodaemon=true` in the `[supervisord]` section.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [supervisord: nodaemon](https://supervisord.org/configuration.html#supervisord-section-values)
    pub struct SupervisorDaemonizesInContainer {
        code: "PM026",
        name: "supervisor-daemonizes-in-container",
        severity: Warning,
        fix: None,
        summary: "supervisord started by a Dockerfile forks into the background and the container exits",
    }
}

/// Does a RUN of the final image write `nodaemon=true` into a
/// configuration (`echo "nodaemon=true" >> /etc/supervisord.conf`, a
/// heredoc, `sed -i`)?
fn written_nodaemon(
    df: &crate::parse::dockerfile::Dockerfile,
    file: &crate::source::SourceFile,
) -> bool {
    df.final_instructions()
        .filter(|i| i.keyword == crate::parse::dockerfile::Keyword::Run)
        .any(|i| {
            file.slice(i.span)
                .replace([' ', '\t'], "")
                .to_ascii_lowercase()
                .contains("nodaemon=true")
        })
}

/// The file of the build context (`dir`) that a `COPY` of the final image
/// puts at `target`: `COPY supervisord.conf /etc/supervisord.conf`, or a
/// file copied into the target's folder (`COPY conf/ /etc/supervisor/`).
fn copied_to(
    df: &crate::parse::dockerfile::Dockerfile,
    target: &str,
    dir: &std::path::Path,
) -> Option<std::path::PathBuf> {
    let target = std::path::Path::new(target);
    let name = target.fast_file_name()?;
    df.final_instructions()
        .filter(|i| {
            matches!(
                i.keyword,
                crate::parse::dockerfile::Keyword::Copy | crate::parse::dockerfile::Keyword::Add
            ) && i.flag("from").is_none()
        })
        .filter_map(|i| {
            let words: Vec<&str> = i.words().iter().map(|w| w.text.as_str()).collect();
            let (dest, sources) = words.split_last()?;
            let source = sources.first().filter(|_| sources.len() == 1)?;
            let dest_path = std::path::Path::new(dest);
            if dest_path == target {
                return Some(dir.join(source));
            }
            // Into the target's folder: the file of that name, or the
            // folder's file of that name.
            let into = dest.ends_with('/') || dest_path.fast_file_name() != Some(name);
            (into && Some(dest_path) == target.fast_parent().or(Some(target))).then(|| {
                let src = dir.join(source);
                if source.ends_with('/')
                    || std::path::Path::new(source).fast_file_name() != Some(name)
                {
                    src.join(name)
                } else {
                    src
                }
            })
        })
        .last()
}

impl Rule for SupervisorDaemonizesInContainer {
    impl_meta!();

    fn dockerfile_servers(&self, cx: &DockerContext<'_>, launches: &[Launch], out: &mut Findings) {
        for l in launches {
            let c = &l.command;
            if c.server != Server::Supervisord || c.has("nodaemon") {
                continue;
            }
            let named = c.get("configuration").and_then(Opt::value_text);
            let dir = crate::project::dir_of(&cx.file.path);
            // A configuration the build writes itself (`RUN echo … > …`).
            if written_nodaemon(cx.dockerfile, cx.file) {
                continue;
            }
            // The file a COPY puts at the `-c` path decides, when known.
            let copied = named
                .and_then(|n| copied_to(cx.dockerfile, n, &dir))
                .and_then(|p| Some((cx.project.supervisord_nodaemon(&p)?, p)));
            let why = match copied {
                Some((true, _)) => continue,
                Some((false, p)) => format!(
                    "`{}`, copied to `{}`, does not set `nodaemon=true`",
                    p.fast_file_name().unwrap_or_default().to_string_lossy(),
                    named.unwrap_or_default()
                ),
                None => {
                    let found = cx.project.supervisord_for(&dir, named);
                    if found.iter().any(|(_, nodaemon)| *nodaemon) {
                        continue;
                    }
                    match found.first().and_then(|(p, _)| p.fast_file_name()) {
                        Some(n) => {
                            format!("`{}` does not set `nodaemon=true`", n.to_string_lossy())
                        }
                        None => {
                            "no configuration in the build context sets `nodaemon=true`".to_string()
                        }
                    }
                }
            };
            out.report(
                &Self::META,
                c.program.span,
                format!("supervisord forks into the background and the container exits: no `-n`, and {why}"),
            )
            .help("start it with `supervisord -n`, or set `nodaemon=true` under `[supervisord]`");
        }
    }
}
