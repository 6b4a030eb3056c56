//! Facts about the project around a file that server rules need: does it
//! depend on an ASGI framework, is it built into a container image, is a
//! file meant for development. Looked up by walking up from the file's
//! folder to the repository root, cached per folder.

use regex::Regex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

/// How many folders up a walk goes when no repository root stops it.
const MAX_LEVELS: usize = 6;

/// The folder and its parents, up to the repository root (the folder
/// holding `.git`).
fn upwards(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let start = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let abs = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for d in abs.ancestors().take(MAX_LEVELS) {
        out.push(d.to_path_buf());
        if d.join(".git").exists() {
            break;
        }
    }
    out
}

const DEPENDENCY_FILES: &[&str] = &["pyproject.toml", "Pipfile", "setup.cfg", "setup.py"];

static ASGI_DEPENDENCY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?im)^\s*["']?(fastapi|starlette)(?:\[[^\]]*\])?(?:["'\s=<>~!;,@]|$)"#).ok()
});

type FolderCache<T> = LazyLock<Mutex<HashMap<PathBuf, T>>>;

/// What each folder's project depends on, and what its dependency files
/// say, and whether it runs in a container: read once per folder and run.
static ASGI: FolderCache<Option<bool>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static DEPENDENCIES: FolderCache<Option<bool>> = LazyLock::new(|| Mutex::new(HashMap::new()));
static CONTAINERIZED: FolderCache<bool> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Forgets what the folders said: a long-lived process (the editor
/// server) asks again after a dependency file or a Dockerfile changed.
pub fn forget() {
    for cache in [&ASGI, &DEPENDENCIES] {
        if let Ok(mut c) = cache.lock() {
            c.clear();
        }
    }
    if let Ok(mut c) = CONTAINERIZED.lock() {
        c.clear();
    }
}

/// Does the project depend on FastAPI or Starlette? `None` when no
/// dependency file was found: nothing is known.
pub fn asgi(dir: &Path) -> Option<bool> {
    if let Ok(c) = ASGI.lock()
        && let Some(v) = c.get(dir)
    {
        return *v;
    }
    let found = upwards(dir)
        .into_iter()
        .find_map(|d| dependencies_in_cached(&d));
    if let Ok(mut c) = ASGI.lock() {
        c.insert(dir.to_path_buf(), found);
    }
    found
}

/// `dependencies_in`, once per folder: many files share their parents.
fn dependencies_in_cached(dir: &Path) -> Option<bool> {
    if let Ok(c) = DEPENDENCIES.lock()
        && let Some(v) = c.get(dir)
    {
        return *v;
    }
    let found = dependencies_in(dir);
    if let Ok(mut c) = DEPENDENCIES.lock() {
        c.insert(dir.to_path_buf(), found);
    }
    found
}

/// In one folder: `Some(true)` if a dependency file names an ASGI
/// framework, `Some(false)` if dependency files exist without one.
fn dependencies_in(dir: &Path) -> Option<bool> {
    let mut files: Vec<PathBuf> = DEPENDENCY_FILES.iter().map(|f| dir.join(f)).collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut reqs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("requirements") && n.ends_with(".txt"))
            })
            .collect();
        reqs.sort();
        files.extend(reqs);
    }
    let re = ASGI_DEPENDENCY.as_ref()?;
    let mut any = false;
    for f in files {
        let Some(text) = crate::read::context(&f) else {
            continue;
        };
        any = true;
        if re.is_match(&text) {
            return Some(true);
        }
    }
    any.then_some(false)
}

/// Is there a Dockerfile (or Containerfile) beside the file or above it:
/// does the code run in a container?
pub fn containerized(dir: &Path) -> bool {
    if let Ok(c) = CONTAINERIZED.lock()
        && let Some(v) = c.get(dir)
    {
        return *v;
    }
    let found = upwards(dir).iter().any(|d| {
        ["Dockerfile", "Containerfile", "dockerfile"]
            .iter()
            .any(|n| d.join(n).is_file())
    });
    if let Ok(mut c) = CONTAINERIZED.lock() {
        c.insert(dir.to_path_buf(), found);
    }
    found
}

/// A file meant for development: `*.dev.*`, `*-local.*`, an override.
pub fn is_dev_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.split(['.', '-', '_'])
        .any(|part| matches!(part, "dev" | "development" | "local" | "override" | "debug"))
}

/// A Procfile process that is for development.
pub fn is_dev_process(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "dev" | "develop" | "development" | "local" | "debug"
    )
}

/// The folder of a file, for the walks above.
pub fn dir_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_lines() {
        let re = ASGI_DEPENDENCY.as_ref().map(|r| r.clone());
        let Some(re) = re else { panic!("regex") };
        for yes in [
            "fastapi==0.110\n",
            "fastapi[standard]>=0.112\n",
            "dependencies = [\n  \"fastapi>=0.100\",\n]\n",
            "fastapi = \"^0.110\"\n",
            "starlette\n",
        ] {
            assert!(re.is_match(yes), "{yes}");
        }
        for no in ["fastapi-users==1\n", "# uses fastapi\n", "flask\n"] {
            assert!(!re.is_match(no), "{no}");
        }
    }

    #[test]
    fn dev_files() {
        assert!(is_dev_file(Path::new("gunicorn.dev.conf.py")));
        assert!(is_dev_file(Path::new("Procfile.dev")));
        assert!(is_dev_file(Path::new("docker-compose.override.yml")));
        assert!(!is_dev_file(Path::new("gunicorn.conf.py")));
        assert!(!is_dev_file(Path::new("devices.service")));
    }
}
