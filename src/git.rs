//! What git knows about a file: whether it is tracked, whether
//! `.gitignore` ignores it. Asked once per repository and cached.

use ignore::gitignore::GitignoreBuilder;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

type Tracked = Option<HashSet<PathBuf>>;

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
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        out.stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| root.join(String::from_utf8_lossy(p).as_ref()))
            .collect(),
    )
}

/// `Some(true)` when git tracks the file, `None` outside a repository or
/// when git cannot be run.
pub fn is_tracked(path: &Path) -> Option<bool> {
    let root = repo_root(path)?;
    let abs = std::fs::canonicalize(path).ok()?;
    let mut cache = cache().lock().ok()?;
    let tracked = cache
        .entry(root.clone())
        .or_insert_with(|| tracked_files(&root));
    tracked.as_ref().map(|set| set.contains(&abs))
}

/// The canonical path of a file, also of one not yet saved (an editor's
/// new buffer) when its folder exists.
fn absolute(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok().or_else(|| {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
        Some(std::fs::canonicalize(dir).ok()?.join(path.file_name()?))
    })
}

/// Whether the `.gitignore` files from the file's folder up to the
/// repository root (or the file-system root) ignore it.
pub fn is_ignored(path: &Path) -> bool {
    let Some(abs) = absolute(path) else {
        return false;
    };
    let stop = repo_root(path);
    for dir in abs.ancestors().skip(1) {
        let file = dir.join(".gitignore");
        if file.is_file() {
            let mut b = GitignoreBuilder::new(dir);
            if b.add(&file).is_none()
                && let Ok(gi) = b.build()
                && gi.matched_path_or_any_parents(&abs, false).is_ignore()
            {
                return true;
            }
        }
        if stop.as_deref() == Some(dir) {
            break;
        }
    }
    false
}
