use super::*;

declare_rule! {
    /// ## What it checks
    /// A service that builds its image and bind-mounts a folder of the
    /// project over it (`.:/app`, `./src:/app/src`), in a file that is not
    /// for development. Mounts of single files (`./nginx.conf:…`) are fine.
    ///
    /// ## Why it matters in production
    /// The container then runs whatever is in the checkout on the host, not
    /// the image that was built, tested and scanned: a deploy is no longer
    /// reproducible, and the image's own files (installed packages in
    /// `/app`, compiled assets) are hidden by the mount.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .
    ///     volumes: [".:/app"]
    /// ```
    ///
    /// ## Use instead
    /// No source mount in the production file; keep it in
    /// `docker-compose.override.yml` for development.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Docker: use compose in production](https://docs.docker.com/compose/how-tos/production/)
    pub struct SourceBindMounted {
        code: "DC012",
        name: "source-bind-mounted",
        severity: Info,
        fix: None,
        summary: "the project's source is bind-mounted over the built image",
    }
}

fn is_source_folder(source: &str) -> bool {
    let s = source.trim_end_matches('/');
    if s == "." || s == ".." {
        return true;
    }
    let Some(rest) = s.strip_prefix("./") else {
        return false;
    };
    // A folder: no extension on its last segment.
    !rest.is_empty() && !rest.rsplit('/').next().unwrap_or(rest).contains('.')
}

impl Rule for SourceBindMounted {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        if cx.dev {
            return;
        }
        for (s, _, _) in cx.services() {
            if s.get("build").is_none() {
                continue;
            }
            for v in s.volumes() {
                if v.bind && v.source.as_deref().is_some_and(is_source_folder) {
                    out.report(
                        &Self::META,
                        v.span,
                        format!("service `{}` mounts the project's source over its image: it runs the checkout, not the built image", s.name.text),
                    )
                    .help("keep source mounts in `docker-compose.override.yml`");
                }
            }
        }
    }
}
