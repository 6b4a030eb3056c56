//! Walking the paths the user gave and deciding what kind each file is.

use crate::config::{Config, PathBase, glob_set};
use crate::paths::FastPath;
use globset::GlobSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Dockerfile,
    DockerIgnore,
    /// `.github/workflows/*.yml`
    Workflow,
    /// `action.yml`: action metadata (composite, JavaScript, Docker).
    Action,
    /// `.env`, `.env.*`, `*.env`
    Env,
    /// `gunicorn.conf.py`, `gunicorn_conf.py`, `gunicorn*.py`
    Gunicorn,
    /// `supervisord*.conf`, or a `.conf`/`.ini` with a `[program:…]` section.
    Supervisor,
    /// systemd `*.service` units.
    Systemd,
    /// `Procfile`, `Procfile.*`
    Procfile,
    /// `docker-compose*.yml`, `compose*.yaml`, `docker-stack*.yml`
    Compose,
    /// YAML with `apiVersion` and `kind`: Kubernetes manifests.
    Kubernetes,
    /// `requirements*.txt`, `constraints*.txt`, `pyproject.toml`,
    /// `Pipfile`, `setup.cfg`: what the project installs (a fact of the
    /// project; scanned for secrets like text).
    Dependencies,
    /// Other text files where secrets leak (`*.json`, `*.toml`, `*.sh`,
    /// YAML of other kinds, keys): scanned for secrets only.
    Text,
}

impl FileKind {
    pub const ALL: &'static [FileKind] = &[
        FileKind::Dockerfile,
        FileKind::DockerIgnore,
        FileKind::Workflow,
        FileKind::Action,
        FileKind::Env,
        FileKind::Gunicorn,
        FileKind::Supervisor,
        FileKind::Systemd,
        FileKind::Procfile,
        FileKind::Compose,
        FileKind::Kubernetes,
        FileKind::Dependencies,
        FileKind::Text,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "dockerfile",
            FileKind::DockerIgnore => "dockerignore",
            FileKind::Workflow => "workflow",
            FileKind::Action => "action",
            FileKind::Env => "env",
            FileKind::Gunicorn => "gunicorn",
            FileKind::Supervisor => "supervisord",
            FileKind::Systemd => "systemd",
            FileKind::Procfile => "procfile",
            FileKind::Compose => "compose",
            FileKind::Kubernetes => "kubernetes",
            FileKind::Dependencies => "dependencies",
            FileKind::Text => "text",
        }
    }

    pub fn from_name(s: &str) -> Option<FileKind> {
        Self::ALL.iter().copied().find(|k| k.name() == s)
    }

    /// Kind from the name, refined by the contents: a `.conf` or `.ini`
    /// file with supervisord sections is a supervisord configuration.
    pub fn refine(self, path: &Path, text: &str) -> FileKind {
        let ini = path
            .fast_extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("conf") || e.eq_ignore_ascii_case("ini"));
        if self == FileKind::Text
            && ini
            && (text.contains("[program:") || text.contains("[supervisord]"))
        {
            return FileKind::Supervisor;
        }
        let yaml = path
            .fast_extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"));
        if self == FileKind::Text && yaml && crate::parse::kube::looks_like_manifest(text) {
            return FileKind::Kubernetes;
        }
        self
    }

    /// Kind from the file name alone.
    pub fn detect(path: &Path) -> Option<FileKind> {
        let name = path.fast_file_name()?.to_str()?;
        let lower = name.to_ascii_lowercase();
        if lower == ".dockerignore" || lower.ends_with(".dockerignore") {
            return Some(FileKind::DockerIgnore);
        }
        if lower == "dockerfile"
            || lower == "containerfile"
            || lower.starts_with("dockerfile.")
            || lower.starts_with("containerfile.")
            || lower.ends_with(".dockerfile")
            || lower.ends_with(".containerfile")
        {
            return Some(FileKind::Dockerfile);
        }
        // A patch, a diff or a merge leftover is never an env file; a
        // `.orig` copy may still hold secrets.
        if [".patch", ".diff", ".rej"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            return None;
        }
        if lower.ends_with(".orig") {
            return Some(FileKind::Text);
        }
        // `.envrc` (direnv) is a shell script, not an env file.
        if lower == ".env"
            || (lower.starts_with(".env.") && lower != ".envrc")
            || (lower.ends_with(".env") && lower.len() > 4)
        {
            return Some(FileKind::Env);
        }
        if lower.starts_with("gunicorn") && lower.ends_with(".py") {
            return Some(FileKind::Gunicorn);
        }
        if lower == "procfile" || lower.starts_with("procfile.") {
            return Some(FileKind::Procfile);
        }
        if lower.ends_with(".service") {
            return Some(FileKind::Systemd);
        }
        let in_supervisor_dir = path
            .fast_parent()
            .and_then(|p| p.fast_file_name())
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("supervisor"));
        if (lower.starts_with("supervisor") || in_supervisor_dir)
            && (lower.ends_with(".conf") || lower.ends_with(".ini"))
        {
            return Some(FileKind::Supervisor);
        }
        let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
        if lower == "action.yml" || lower == "action.yaml" {
            return Some(FileKind::Action);
        }
        let parent = path.fast_parent();
        let in_workflows = parent
            .and_then(|p| p.fast_file_name())
            .is_some_and(|n| n == "workflows")
            && parent
                .and_then(Path::parent)
                .and_then(|p| p.fast_file_name())
                .is_some_and(|n| n == ".github");
        if yaml && in_workflows {
            return Some(FileKind::Workflow);
        }
        if yaml
            && (lower.contains("docker-compose")
                || lower.starts_with("compose.")
                || lower.starts_with("compose-")
                || lower.starts_with("docker-stack"))
        {
            return Some(FileKind::Compose);
        }
        if crate::parse::dependencies::Format::of(&lower).is_some() {
            return Some(FileKind::Dependencies);
        }
        let ext = lower.rsplit_once('.').map(|(_, e)| e);
        let text_ext = ext.is_some_and(|e| TEXT_EXTENSIONS.contains(&e));
        if text_ext
            || lower.starts_with("id_rsa")
            || lower.starts_with("id_ed25519")
            || lower.starts_with("id_ecdsa")
        {
            return Some(FileKind::Text);
        }
        None
    }
}

/// Extensions of the other files scanned for secrets.
const TEXT_EXTENSIONS: &[&str] = &[
    "py",
    "yml",
    "yaml",
    "json",
    "toml",
    "ini",
    "cfg",
    "conf",
    "properties",
    "sh",
    "tf",
    "tfvars",
    "pem",
    "key",
];

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Shared with the file's facts and report (see `SourceFile::path`).
    pub path: std::sync::Arc<Path>,
    pub kind: Option<FileKind>,
    /// Named on the command line: linted even when ignored.
    pub explicit: bool,
    /// The folder named on the command line that the walk found it in:
    /// its purpose is judged on the path below it. Shared by every file
    /// the walk of that folder finds.
    pub root: Option<std::sync::Arc<Path>>,
    /// The walk saw a regular file here, not a link: it is read without
    /// looking its path up twice (see [`crate::read::walked_bytes`]).
    pub regular: bool,
}

/// How deep the walk goes below a folder named on the command line.
const MAX_DEPTH: usize = 64;

/// Folders never worth reading.
const SKIP_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hg",
    ".svn",
];

pub struct Classifier {
    mapped: Vec<(GlobSet, FileKind)>,
    exclude: GlobSet,
    base: PathBase,
}

impl Classifier {
    pub fn new(config: &Config) -> Self {
        let mapped = config
            .file_kinds
            .iter()
            .map(|(g, k)| (glob_set([g]), *k))
            .collect();
        Self {
            mapped,
            exclude: glob_set(&config.exclude),
            base: PathBase::new(config),
        }
    }

    pub fn kind(&self, path: &Path) -> Option<FileKind> {
        if self.mapped.is_empty() {
            return FileKind::detect(path);
        }
        let rel = self.base.relative(path);
        self.mapped
            .iter()
            .find(|(set, _)| set.is_match(&rel) || set.is_match(path))
            .map(|(_, k)| *k)
            .or_else(|| FileKind::detect(path))
    }

    pub fn excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let rel = self.base.relative(path);
        self.exclude.is_match(&rel)
            || rel
                .ancestors()
                .any(|a| !a.as_os_str().is_empty() && self.exclude.is_match(a))
    }
}

fn is_virtualenv(dir: &Path) -> bool {
    dir.join("pyvenv.cfg").is_file()
}

/// Files to lint under `paths`, sorted; errors for paths that do not exist.
pub fn discover(paths: &[PathBuf], config: &Config) -> (Vec<Candidate>, Vec<String>) {
    let found = std::sync::Mutex::new(Vec::new());
    let errors = walk(paths, config, &|c| {
        if let Ok(mut f) = found.lock() {
            f.push(c);
        }
    });
    let mut out = found.into_inner().unwrap_or_default();
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    (out, errors)
}

/// Calls `found` for every file to lint under `paths` as the walk finds it
/// (from several threads, in no order; a file named twice comes twice).
/// Returns the errors, sorted; special files met on the way are skipped
/// with a note on standard error.
pub fn walk(paths: &[PathBuf], config: &Config, found: &(dyn Fn(Candidate) + Sync)) -> Vec<String> {
    walk_with(paths, config, found, None)
}

/// [`walk`], and `other` gets every regular file of the folders walked
/// that is not linted (a README, a runbook: what the audit reads), with
/// the same ignore files applied.
pub fn walk_with(
    paths: &[PathBuf],
    config: &Config,
    found: &(dyn Fn(Candidate) + Sync),
    other: Option<&(dyn Fn(&Path) + Sync)>,
) -> Vec<String> {
    let classifier = Classifier::new(config);
    let errors = std::sync::Mutex::new(Vec::new());
    let notes = std::sync::Mutex::new(Vec::new());
    let error = |e: String| {
        if let Ok(mut v) = errors.lock() {
            v.push(e);
        }
    };
    let note = |e: String| {
        if let Ok(mut v) = notes.lock() {
            v.push(e);
        }
    };
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {
                found(Candidate {
                    path: path.as_path().into(),
                    kind: classifier.kind(path),
                    explicit: true,
                    root: None,
                    regular: false,
                });
                continue;
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                error(format!(
                    "{}: not a regular file (a FIFO, socket or device is never read)",
                    path.display()
                ));
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                error(format!("{}: no such file or directory", path.display()));
                continue;
            }
            Err(e) => {
                error(format!("{}: cannot be read: {e}", path.display()));
                continue;
            }
        }
        walk_folder(path, &classifier, found, other, &error, &note);
    }
    let mut notes = notes.into_inner().unwrap_or_default();
    notes.sort();
    for n in notes {
        // Paths come from the scanned tree: no control character reaches
        // the terminal.
        eprintln!(
            "prodlint: note: {}",
            crate::report::excerpt::terminal_safe(&n)
        );
    }
    let mut errors = errors.into_inner().unwrap_or_default();
    errors.sort();
    errors
}

/// Walks one folder. Ignore files are read by [`IgnoreFiles`], never by
/// the walker (see there why). A symbolic link is followed only to a
/// regular file inside the folder walked.
fn walk_folder(
    root: &Path,
    classifier: &Classifier,
    found: &(dyn Fn(Candidate) + Sync),
    other: Option<&(dyn Fn(&Path) + Sync)>,
    error: &(dyn Fn(String) + Sync),
    note: &(dyn Fn(String) + Sync),
) {
    let Ok(abs_root) = std::fs::canonicalize(root) else {
        error(format!("{}: cannot be read", root.display()));
        return;
    };
    // Ignore files count up to the repository's root; outside a
    // repository, only those of the folder checked and below (git reads
    // none there, and a `/tmp/.gitignore` is anyone's).
    let repo = crate::git::repo_root(&abs_root.join("x"));
    let stop = repo.clone().or_else(|| Some(abs_root.clone()));
    // Files git tracks are read even when an ignore file matches them: a
    // `.env` committed before it was ignored is exactly the leaked one.
    let tracked = repo.as_deref().and_then(crate::git::tracked_set);
    let ignores = std::sync::Arc::new(crate::ignore_files::IgnoreFiles::default());
    let absolute = {
        let (root, abs_root) = (root.to_path_buf(), abs_root.clone());
        move |p: &Path| {
            p.fast_strip_prefix(&root)
                .map_or_else(|| p.to_path_buf(), |rel| abs_root.join(rel))
        }
    };
    let filter = {
        let (ignores, absolute, stop) = (ignores.clone(), absolute.clone(), stop.clone());
        let tracked = tracked.clone();
        move |e: &ignore::DirEntry| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if e.depth() == 0 {
                return true;
            }
            let skipped_dir = is_dir
                && (e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIP_DIRS.contains(&n))
                    || is_virtualenv(e.path()));
            if skipped_dir {
                return false;
            }
            let abs = absolute(e.path());
            !ignores.is_ignored(&abs, is_dir, stop.as_deref(), true)
                || tracked
                    .as_ref()
                    .is_some_and(|t| crate::git::holds(t, &abs, is_dir))
        }
    };
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .ignore(false)
        .parents(false)
        .follow_links(false)
        // Deeper than any real project: bounds the ignore checks, which
        // cost the depth for each entry.
        .max_depth(Some(MAX_DEPTH))
        .filter_entry(filter)
        .build_parallel();
    let shared_root: std::sync::Arc<Path> = std::sync::Arc::from(root);
    walker.run(|| {
        let (abs_root, shared_root) = (&abs_root, &shared_root);
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    error(e.to_string());
                    return ignore::WalkState::Continue;
                }
            };
            let p = entry.path();
            let Some(t) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if t.is_dir() || classifier.excluded(p) {
                return ignore::WalkState::Continue;
            }
            let Some(kind) = classifier.kind(p) else {
                if let Some(other) = other
                    && t.is_file()
                {
                    other(p);
                }
                return ignore::WalkState::Continue;
            };
            if t.is_symlink() {
                let inside = std::fs::canonicalize(p)
                    .ok()
                    .filter(|target| target.starts_with(abs_root) && crate::read::is_regular(target));
                if inside.is_none() {
                    note(format!(
                        "{}: skipped, a symbolic link to something other than a regular file in the folder checked",
                        p.display()
                    ));
                    return ignore::WalkState::Continue;
                }
            } else if !t.is_file() {
                note(format!(
                    "{}: skipped, not a regular file (a FIFO, socket or device)",
                    p.display()
                ));
                return ignore::WalkState::Continue;
            }
            found(Candidate {
                path: p.into(),
                kind: Some(kind),
                explicit: false,
                root: Some(std::sync::Arc::clone(shared_root)),
                regular: !t.is_symlink(),
            });
            ignore::WalkState::Continue
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_dockerfile_names() {
        for n in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "x.dockerfile",
            "Containerfile",
        ] {
            assert_eq!(
                FileKind::detect(Path::new(n)),
                Some(FileKind::Dockerfile),
                "{n}"
            );
        }
        assert_eq!(
            FileKind::detect(Path::new(".dockerignore")),
            Some(FileKind::DockerIgnore)
        );
        assert_eq!(
            FileKind::detect(Path::new("Dockerfile.dockerignore")),
            Some(FileKind::DockerIgnore)
        );
        assert_eq!(
            FileKind::detect(Path::new("docker-compose.yml")),
            Some(FileKind::Compose)
        );
        for name in [
            "compose.yaml",
            "docker-compose.prod.yml",
            "compose.override.yml",
        ] {
            assert_eq!(
                FileKind::detect(Path::new(name)),
                Some(FileKind::Compose),
                "{name}"
            );
        }
        assert_eq!(
            FileKind::Text.refine(Path::new("k8s/app.yaml"), "apiVersion: v1\nkind: Pod\n"),
            FileKind::Kubernetes
        );
        assert_eq!(
            FileKind::detect(Path::new("deploy/id_rsa")),
            Some(FileKind::Text)
        );
        assert_eq!(FileKind::detect(Path::new("main.py")), Some(FileKind::Text));
        for (name, kind) in [
            ("gunicorn.conf.py", FileKind::Gunicorn),
            ("deploy/gunicorn_config.py", FileKind::Gunicorn),
            ("supervisord.conf", FileKind::Supervisor),
            ("docker/supervisor/app.conf", FileKind::Supervisor),
            ("etc/nginx/conf.d/app.conf", FileKind::Text),
            ("deploy/api.service", FileKind::Systemd),
            ("Procfile", FileKind::Procfile),
            ("Procfile.dev", FileKind::Procfile),
        ] {
            assert_eq!(FileKind::detect(Path::new(name)), Some(kind), "{name}");
        }
        assert_eq!(FileKind::detect(Path::new("README.md")), None);
        assert_eq!(
            FileKind::detect(Path::new("repo/.github/workflows/ci.yml")),
            Some(FileKind::Workflow)
        );
        assert_eq!(
            FileKind::detect(Path::new(".github/workflows/release.yaml")),
            Some(FileKind::Workflow)
        );
        assert_eq!(
            FileKind::detect(Path::new("workflows/ci.yml")),
            Some(FileKind::Text)
        );
        assert_eq!(
            FileKind::detect(Path::new("action.yml")),
            Some(FileKind::Action)
        );
    }
}
