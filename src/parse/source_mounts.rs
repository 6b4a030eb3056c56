//! Bind mounts of the checkout and where an image keeps its code: which
//! folders of a compose service's `volumes:` are the project's source
//! (`.`, `./app`; not `./data` or `./config`), and whether a container
//! path lies over the code of the image a build targets (its `WORKDIR`s
//! and `COPY` destinations, not its `VOLUME`s). The compose rules (DC012,
//! development services) and the project model (development images) read
//! the same answers.

use crate::parse::compose::Service;
use crate::parse::dockerfile::{Dockerfile, Keyword};

/// A folder of the project: `.`, `..` or `./name` with no extension.
pub fn is_source_folder(source: &str) -> bool {
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

/// Folder names that hold data, logs, configuration or certificates, not
/// code.
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

pub fn data_folder(source: &str) -> bool {
    let s = source.trim_end_matches('/');
    let leaf = s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
    DATA_NAMES.contains(&leaf.as_str())
}

/// Where the image a build targets keeps its code (its `WORKDIR`s and
/// the destinations of `COPY`/`ADD` from the build context) and its
/// declared `VOLUME`s: the stages of `target` (the final image when it
/// names none, or no stage of the file).
pub fn code_and_data(df: &Dockerfile, target: Option<&str>) -> (Vec<String>, Vec<String>) {
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
    let mut chain = df.target_chain(target);
    if chain.is_empty() {
        chain = df.final_chain();
    }
    for i in chain.into_iter().flat_map(|st| df.stage_instructions(st)) {
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

pub fn within(path: &str, dir: &str) -> bool {
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Where the service bind-mounts folders of the checkout that are not
/// named for data, logs or configuration (`.:/code` gives `/code`).
pub fn source_folder_targets(s: &Service<'_>) -> Vec<String> {
    s.volumes()
        .into_iter()
        .filter(|v| {
            v.bind
                && v.source
                    .as_deref()
                    .is_some_and(|src| is_source_folder(src) && !data_folder(src))
        })
        .map(|v| v.target.trim_end_matches('/').to_string())
        .collect()
}

/// Some of `targets` (container paths) lies over the code of the image a
/// build of `df` targets, and not in a `VOLUME` it declares; or the image
/// keeps no code of its own (no `WORKDIR`, nothing copied from the
/// context) and the build's whole context is mounted into it
/// (`mounts_context`): the container runs the checkout.
pub fn covers_code(
    df: &Dockerfile,
    target: Option<&str>,
    targets: &[String],
    mounts_context: bool,
) -> bool {
    let (code, data) = code_and_data(df, target);
    if code.is_empty() && mounts_context {
        return true;
    }
    targets.iter().any(|t| {
        !data.iter().any(|d| within(t, d)) && code.iter().any(|c| within(c, t) || within(t, c))
    })
}

/// `./app/` and `app` alike: no leading `./`, no trailing `/`, `.` for
/// the folder itself.
fn relative(path: &str) -> String {
    let mut p = path.trim_end_matches('/');
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    if p.is_empty() {
        ".".to_string()
    } else {
        p.to_string()
    }
}

/// The service bind-mounts the folder it builds from (`build: app` and
/// `./app:/var/www/html`): whatever the image copied, the container sees
/// the checkout there.
pub fn mounts_build_context(s: &Service<'_>) -> bool {
    // The same mounts DC012 counts: source folders, not data.
    s.volumes().into_iter().any(|v| {
        v.bind
            && v.source.as_deref().is_some_and(|src| {
                is_source_folder(src) && !data_folder(src) && is_build_context(s, src)
            })
    })
}

/// `source` (a bind mount's host path) is the folder the service builds
/// from.
pub fn is_build_context(s: &Service<'_>, source: &str) -> bool {
    source.starts_with('.')
        && s.build_context()
            .is_some_and(|c| relative(source) == relative(c))
}
