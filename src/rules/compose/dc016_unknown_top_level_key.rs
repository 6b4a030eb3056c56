use super::*;

declare_rule! {
    /// ## What it checks
    /// A top-level key the Compose file format does not have: anything but
    /// `version`, `name`, `include`, `services`, `networks`, `volumes`,
    /// `secrets`, `configs`, `models` and extension keys (`x-…`). Services
    /// written at the top level with no `services:` (a key whose value
    /// names an `image` or a `build`) are the legacy file format 1, said
    /// once per file; any other unknown key (a misspelt `sevices:`) is
    /// reported where it is written.
    ///
    /// ## Why it matters in production
    /// `docker compose` (Compose v2, the only Compose Docker still ships)
    /// validates the file against the Compose Specification and refuses
    /// it: nothing in it starts. The format-1 layout was only read by the
    /// Python `docker-compose` 1.x, end-of-life since 2023. prodlint's
    /// other compose rules see no services in such a file, so none of
    /// them reports on it either.
    ///
    /// ## Example
    /// ```yaml
    /// web:
    ///   image: nginx:1.27
    ///   ports: ["8080:80"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports: ["8080:80"]
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [Compose Specification: top-level elements](https://docs.docker.com/reference/compose-file/)
    /// - [Docker: migrate to Compose v2](https://docs.docker.com/compose/releases/migrate/)
    pub struct UnknownTopLevelKey {
        code: "DC016",
        name: "unknown-top-level-key",
        severity: Error,
        purposes: PRODUCTION_AND_DEVELOPMENT,
        fix: None,
        summary: "a top-level key `docker compose` does not accept (the legacy format 1, a misspelt `services:`)",
    }
}

/// The top-level elements of the Compose Specification.
const TOP_LEVEL: &[&str] = &[
    "version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models",
];

impl Rule for UnknownTopLevelKey {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        let root = cx.compose.root;
        // Without `services:`, entries that describe containers are the
        // format-1 services; every other unknown key is reported alone.
        let legacy = root.get("services").is_none();
        let (services, others): (Vec<_>, Vec<_>) = root
            .unknown_keys(TOP_LEVEL)
            .filter(|(k, _)| !k.starts_with("x-"))
            .partition(|(_, e)| legacy && crate::parse::compose::is_legacy_service(&e.value));
        if let Some((first, e)) = services.first() {
            let more = match services.len() {
                1 => String::new(),
                2 => " and 1 more service".to_string(),
                n => format!(" and {} more services", n - 1),
            };
            out.report(
                &Self::META,
                e.key.span,
                format!(
                    "service `{first}`{more} written at the top level: the legacy Compose file format 1, which `docker compose` refuses"
                ),
            )
            .help("move the services under a top-level `services:` key");
        }
        for (k, e) in others {
            out.report(
                &Self::META,
                e.key.span,
                format!(
                    "`{k}` is not a top-level key of the Compose file format: `docker compose` refuses the file{}",
                    crate::config::suggestion(k, TOP_LEVEL)
                ),
            )
            .help(format!(
                "top-level keys are {}, and extension keys `x-…`",
                TOP_LEVEL
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
}
