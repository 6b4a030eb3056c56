use super::*;

declare_rule! {
    /// ## What it checks
    /// A service that builds its image and bind-mounts a folder of the
    /// project over the image's code (`.:/app`, `./src:/app/src`), in a
    /// file that is not for development. The image's code is where its
    /// Dockerfile puts it: the `WORKDIR` and the destinations of `COPY`/
    /// `ADD` from the build context. Mounts of single files
    /// (`./nginx.conf:…`), of folders named for data, logs, configuration
    /// or certificates (`./data`, `./logs`, `./config`), and onto a path
    /// the image declares as a `VOLUME` are not code. A mount shared
    /// through a YAML anchor is reported once, where it is written. A
    /// service built from a development stage (`build.target: dev…`) is
    /// a development set-up: not reported.
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

/// A service built from a development stage (`build.target: dev…`): a
/// development set-up, whatever the file's name.
fn builds_dev_target(s: &crate::parse::compose::Service<'_>) -> bool {
    s.get("build")
        .and_then(|b| b.get("target"))
        .and_then(crate::parse::yaml::Node::as_str)
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("dev"))
}

/// Folder names that hold what the app reads or writes, not its code.
const DATA_NAMES: &[&str] = &[
    "data",
    "db",
    "database",
    "databases",
    "logs",
    "log",
    "storage",
    "media",
    "uploads",
    "config",
    "configs",
    "conf",
    "certs",
    "cert",
    "ssl",
    "tls",
    "secrets",
    "backups",
    "backup",
    "var",
    "tmp",
    "cache",
    "volumes",
    "models",
    "output",
    "outputs",
    "downloads",
    "files",
    "keys",
    "dumps",
    "init",
    "initdb",
    "docker-entrypoint-initdb.d",
    "letsencrypt",
    "acme",
];

/// Does a mount source name a data folder (its last segment)?
fn data_folder(source: &str) -> bool {
    let s = source.trim_end_matches('/');
    let leaf = s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
    DATA_NAMES.contains(&leaf.as_str())
}

/// Where the image keeps its code (WORKDIR, COPY/ADD destinations from
/// the build context) and its data (VOLUME), as absolute paths.
fn code_and_data(df: &Dockerfile) -> (Vec<String>, Vec<String>) {
    let mut workdir = String::from("/");
    let mut code = Vec::new();
    let mut data = Vec::new();
    let resolve = |dir: &str, p: &str| -> String {
        let joined = if p.starts_with('/') {
            p.to_string()
        } else if p == "." || p == "./" {
            dir.to_string()
        } else {
            format!(
                "{}/{}",
                dir.trim_end_matches('/'),
                p.trim_start_matches("./")
            )
        };
        let t = joined.trim_end_matches('/');
        if t.is_empty() {
            "/".to_string()
        } else {
            t.to_string()
        }
    };
    for i in df.final_instructions() {
        let words: Vec<&str> = i.words().iter().map(|w| w.text.as_str()).collect();
        match i.keyword {
            Keyword::Workdir => {
                if let Some(w) = words.first() {
                    workdir = resolve(&workdir, w);
                    code.push(workdir.clone());
                }
            }
            Keyword::Copy | Keyword::Add if i.flag("from").is_none() => {
                if let Some(dest) = words.last().filter(|_| words.len() >= 2) {
                    code.push(resolve(&workdir, dest));
                }
            }
            Keyword::Volume => {
                data.extend(words.iter().map(|w| {
                    resolve(
                        &workdir,
                        w.trim_matches(|c| matches!(c, '[' | ']' | '"' | ',')),
                    )
                }));
            }
            _ => {}
        }
    }
    code.retain(|c| c != "/");
    (code, data)
}

/// Is `path` the folder `dir` or inside it?
fn within(path: &str, dir: &str) -> bool {
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

impl Rule for SourceBindMounted {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        if cx.dev {
            return;
        }
        // An anchor's mounts come back with every alias: report each once.
        let mut seen = std::collections::HashSet::new();
        for (s, dockerfile, _) in cx.services() {
            if s.get("build").is_none() || builds_dev_target(s) {
                continue;
            }
            let layout = dockerfile.map(code_and_data);
            for v in s.volumes() {
                let Some(source) = v.source.as_deref() else {
                    continue;
                };
                if !v.bind || !is_source_folder(source) || data_folder(source) {
                    continue;
                }
                let target = v.target.trim_end_matches('/');
                let over_code = match &layout {
                    // The Dockerfile says where its code is.
                    Some((code, data)) => {
                        !data.iter().any(|d| within(target, d))
                            && code.iter().any(|c| within(c, target) || within(target, c))
                    }
                    None => true,
                };
                if !over_code || !seen.insert(v.span) {
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
