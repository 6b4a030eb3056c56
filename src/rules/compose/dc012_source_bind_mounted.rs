use super::*;

declare_rule! {
    /// ## What it checks
    /// A service that builds its image and bind-mounts a folder of the
    /// project over the image's code (`.:/app`, `./src:/app/src`), in a
    /// file that is not for development. The image's code is where its
    /// Dockerfile puts it: the `WORKDIR` and the destinations of `COPY`/
    /// `ADD` from the build context; an image that keeps no code of its own
    /// (no `WORKDIR`, nothing copied from the context, as
    /// `FROM php:8.3-apache` alone) runs what is mounted from the folder it
    /// is built from (`build: site` with `./site:/var/www/html`). Mounts of single files
    /// (`./nginx.conf:…`), of folders named for data, logs, configuration
    /// or certificates (`./data`, `./logs`, `./config`), and onto a path
    /// the image declares as a `VOLUME` are not code. A mount shared
    /// through a YAML anchor is reported once, where it is written. A
    /// service built from a development stage (`build.target:
    /// development`, `dev`, `develop`) is
    /// a development set-up: not reported.
    ///
    /// A service that builds an intermediate stage of its Dockerfile
    /// (`target: builder`, not the last stage) with such a mount runs the
    /// build stage with live editing: the other production checks (health
    /// check, restart policy, resource limits, root user, pinned images…)
    /// treat it as a development set-up and skip it — and, when every
    /// service that builds an image is one, the whole file — so this
    /// finding is the one that says so.
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

impl Rule for SourceBindMounted {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        if cx.dev {
            return;
        }
        // An anchor's mounts come back with every alias: report each once.
        let mut seen = crate::hashing::FastSet::default();
        for (s, dockerfile, _) in cx.services() {
            if s.get("build").is_none() || s.builds_development_stage() {
                continue;
            }
            for v in super::source_mounts::over_code(s, dockerfile) {
                if !seen.insert(v.span) {
                    continue;
                }
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
