use super::*;

declare_rule! {
    /// ## What it checks
    /// `COPY . …` (or `ADD . …`) copies the whole build context while there
    /// is no `.dockerignore` (nor `<Dockerfile>.dockerignore`) beside the
    /// Dockerfile, or the one there does not exclude `.env` files, and
    /// `.git` where the build context holds one (a Dockerfile at the
    /// repository root; a subfolder's context has no `.git` to copy).
    ///
    /// The build context is the one the project's builds of the Dockerfile
    /// name (compose `build.context`, a workflow's `context:` or `docker
    /// build` argument) when they agree, else the Dockerfile's folder; the
    /// ignore file read is `<Dockerfile>.dockerignore` beside the
    /// Dockerfile, else `.dockerignore` at the root of that context. Only
    /// a copy whose files reach the final image counts: a builder stage's
    /// `COPY . .` whose output alone the final image copies out
    /// (`COPY --from=build /app/dist …`) is not reported.
    ///
    /// Patterns match as Docker matches them: from the context's root, `*`
    /// and `?` within one folder (`*.env` leaves out the root's `.env`
    /// files only; `**/*.env` every folder's), `**` across folders, a
    /// pattern matching a folder leaves out what is inside, the last
    /// matching line wins (`!` brings a path back).
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
        // The first copy of the whole context whose files reach the final
        // image (a builder stage's stay behind unless copied out).
        let df = cx.dockerfile;
        let dirs = crate::parse::dockerfile::paths::workdirs(df);
        // Bounded: a crafted file of thousands of whole-context copies in
        // builder stages costs a few walks, not one per copy.
        let mut budget = 64usize;
        let copy_all = df.instructions.iter().enumerate().find_map(|(at, i)| {
            if !matches!(i.keyword, Keyword::Copy | Keyword::Add) || i.flag("from").is_some() {
                return None;
            }
            let (dest, sources) = i.words().split_last()?;
            let src = sources.iter().find(|w| is_whole_context(&w.text))?;
            let dir = dirs.get(at).map_or("/", String::as_str);
            let landed = crate::parse::dockerfile::paths::join(dir, &dest.text);
            budget = budget.checked_sub(1)?;
            crate::parse::dockerfile::paths::reaches_final_with(df, &dirs, at, &landed)
                .then_some(src)
        });
        let Some(src) = copy_all else { return };
        // `.git` matters only where the build context holds one: the
        // context of a Dockerfile in a subfolder of the repository does not.
        let context = cx.project.build_context(&cx.file.path);
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
                            crate::report::report_path(path)
                        ),
                    )
                    .help(format!("add {list} to the .dockerignore"));
                }
            }
        }
    }
}
