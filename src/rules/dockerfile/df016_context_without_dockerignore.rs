use super::*;

declare_rule! {
    /// ## What it checks
    /// `COPY . …` (or `ADD . …`) copies the whole build context while there
    /// is no `.dockerignore` (nor `<Dockerfile>.dockerignore`) beside the
    /// Dockerfile, or the one there does not exclude `.env` files, and
    /// `.git` where the build context holds one (a Dockerfile at the
    /// repository root; a subfolder's context has no `.git` to copy).
    ///
    /// ## Why it matters in production
    /// The whole folder goes into the image: local `.env` files with real
    /// credentials, the `.git` history, virtualenvs and caches. The image
    /// grows, every change busts the layer cache, and secrets ship.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . /app
    /// ```
    /// with no `.dockerignore`.
    ///
    /// ## Use instead
    /// A `.dockerignore` beside the Dockerfile:
    /// ```text
    /// .git
    /// .env*
    /// !.env.example
    /// .venv
    /// __pycache__
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    pub struct ContextCopiedWithoutDockerignore {
        code: "DF016",
        name: "context-copied-without-dockerignore",
        severity: Warning,
        tags: ["security"],
        security_severity: "5.0",
        fix: None,
        summary: "the whole build context is copied without a `.dockerignore` that excludes secrets",
    }
}

fn is_whole_context(src: &str) -> bool {
    matches!(src, "." | "./" | "*" | "./*" | "./.")
}

impl Rule for ContextCopiedWithoutDockerignore {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let copy_all = cx.dockerfile.instructions.iter().find_map(|i| {
            if !matches!(i.keyword, Keyword::Copy | Keyword::Add) || i.flag("from").is_some() {
                return None;
            }
            let (_, sources) = i.words().split_last()?;
            sources.iter().find(|w| is_whole_context(&w.text))
        });
        let Some(src) = copy_all else { return };
        // `.git` matters only where the build context holds one: the
        // context of a Dockerfile in a subfolder of the repository does not.
        let context = crate::project::dir_of(&cx.file.path);
        let has_git = crate::git::holds_git(&context);
        let wanted: &[&str] = if has_git {
            &[".env", ".git"]
        } else {
            &[".env"]
        };
        match cx.dockerignore {
            None => {
                out.report(
                    &Self::META,
                    src.span,
                    "the whole build context is copied and there is no `.dockerignore`",
                )
                .help(if has_git {
                    "add a `.dockerignore` that excludes at least `.git` and `.env*`"
                } else {
                    "add a `.dockerignore` that excludes at least `.env*`"
                });
            }
            Some((path, ignore)) => {
                let missing: Vec<&str> = wanted
                    .iter()
                    .copied()
                    .filter(|p| !ignore.excludes(p))
                    .collect();
                if !missing.is_empty() {
                    let list = missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(" and ");
                    out.report(
                        &Self::META,
                        src.span,
                        format!(
                            "the whole build context is copied and `{}` does not exclude {list}",
                            crate::source::display_path(path)
                        ),
                    )
                    .help(format!("add {list} to the .dockerignore"));
                }
            }
        }
    }
}
