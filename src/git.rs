//! What git knows about a file: whether it is tracked, whether
//! `.gitignore` ignores it. Read once per repository and cached; no
//! program is ever run (see `git_index`).

use crate::paths::FastPath;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

type Tracked = Option<Arc<BTreeSet<PathBuf>>>;

fn cache() -> &'static Mutex<HashMap<PathBuf, Tracked>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Tracked>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Forgets what git said: a long-lived process (the editor server) asks
/// again after files were saved or added.
pub fn forget() {
    if let Ok(mut c) = cache().lock() {
        c.clear();
    }
    ignores().clear();
}

/// Whether `dir` itself holds a `.git` (a repository's root, where a
/// build context copies the history along).
pub fn holds_git(dir: &Path) -> bool {
    dir.join(".git").exists()
}

/// The folder holding `.git` above `path`, if any.
pub fn repo_root(path: &Path) -> Option<PathBuf> {
    let abs = absolute(path)?;
    abs.ancestors()
        .skip(1)
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

fn tracked_files(root: &Path) -> Tracked {
    Some(Arc::new(
        crate::git_index::tracked_paths(root)?.into_iter().collect(),
    ))
}

/// The files git tracks in the repository at `root` (a canonical path),
/// read once.
pub fn tracked_set(root: &Path) -> Tracked {
    let mut cache = cache().lock().ok()?;
    cache
        .entry(root.to_path_buf())
        .or_insert_with(|| tracked_files(root))
        .clone()
}

/// Whether `path` is tracked or, for a folder, holds a tracked file.
pub fn holds(tracked: &BTreeSet<PathBuf>, path: &Path, is_dir: bool) -> bool {
    if !is_dir {
        return tracked.contains(path);
    }
    tracked
        .range(path.to_path_buf()..)
        .next()
        .is_some_and(|t| t.starts_with(path) && t != path)
}

/// `Some(true)` when git tracks the file, `None` outside a repository or
/// when its index cannot be read.
pub fn is_tracked(path: &Path) -> Option<bool> {
    let root = repo_root(path)?;
    let abs = std::fs::canonicalize(path).ok()?;
    tracked_set(&root).map(|set| set.contains(&abs))
}

/// The canonical path of a file, also of one not yet saved (an editor's
/// new buffer) when its folder exists.
fn absolute(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok().or_else(|| {
        let dir = path.fast_parent().filter(|d| !d.as_os_str().is_empty())?;
        Some(
            std::fs::canonicalize(dir)
                .ok()?
                .join(path.fast_file_name()?),
        )
    })
}

/// The ignore files read so far, for `is_ignored`.
fn ignores() -> &'static crate::ignore_files::IgnoreFiles {
    static FILES: OnceLock<crate::ignore_files::IgnoreFiles> = OnceLock::new();
    FILES.get_or_init(Default::default)
}

/// Whether the `.gitignore` files from the file's folder up to the
/// repository root (or the file-system root) ignore it.
pub fn is_ignored(path: &Path) -> bool {
    let Some(abs) = absolute(path) else {
        return false;
    };
    ignores().is_ignored(&abs, false, repo_root(path).as_deref(), false)
}
