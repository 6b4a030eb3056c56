//! `.gitignore`, `.ignore` and `.git/info/exclude`, read by prodlint
//! itself rather than by the walker library: the library opens whatever
//! is named `.gitignore` (a FIFO blocks the run forever, a symlink to
//! `/dev/zero` never ends). Here every ignore file is read through
//! [`crate::read`]: regular files within the size limit only; git itself
//! does not follow a `.gitignore` that is a symbolic link, nor do we.

use crate::hashing::FastMap;
use crate::paths::FastPath;
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The ignore rules of the folders met so far, each read once. Keyed by
/// the folder's bytes (std hashes and compares a path component by
/// component, several hundred instructions a lookup): the walk names a
/// folder the same way each time, and a folder written two ways would
/// only be read twice, to the same rules.
#[derive(Default)]
pub struct IgnoreFiles {
    folders: RwLock<FastMap<Vec<u8>, Option<Arc<Gitignore>>>>,
    stacks: RwLock<FastMap<Vec<u8>, Stack>>,
}

/// A folder as a key of the maps above.
fn bytes(dir: &Path) -> &[u8] {
    dir.as_os_str().as_encoded_bytes()
}

/// The text of an ignore file that is a regular file (not a symlink).
fn ignore_text(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        if !meta.file_type().is_symlink() && !meta.is_dir() {
            eprintln!(
                "prodlint: note: {}: skipped, not a regular file",
                crate::report::excerpt::terminal_safe(&path.to_string_lossy())
            );
        }
        return None;
    }
    crate::read::context(path)
}

/// The rules one folder's files add, `None` when it has none. The
/// repository's own exclude file is read at its root (`top`) only.
fn read_folder(dir: &Path, top: bool) -> Option<Arc<Gitignore>> {
    let mut builder = GitignoreBuilder::new(dir);
    let mut any = false;
    // Lowest precedence first: later lines win.
    let mut files = Vec::with_capacity(3);
    if top {
        files.push(dir.join(".git").join("info").join("exclude"));
    }
    files.push(dir.join(".gitignore"));
    files.push(dir.join(".ignore"));
    for file in files {
        let Some(text) = ignore_text(&file) else {
            continue;
        };
        for line in text.lines() {
            // A malformed line is skipped, as git skips it.
            let _ = builder.add_line(Some(file.clone()), line);
            any = true;
        }
    }
    if !any {
        return None;
    }
    builder.build().ok().map(Arc::new)
}

/// The rules that apply in one folder: its own, then its parents',
/// nearest first.
type Stack = Arc<Vec<Arc<Gitignore>>>;

impl IgnoreFiles {
    fn folder(&self, dir: &Path, top: bool) -> Option<Arc<Gitignore>> {
        if let Ok(map) = self.folders.read()
            && let Some(found) = map.get(bytes(dir))
        {
            return found.clone();
        }
        let rules = read_folder(dir, top);
        if let Ok(mut map) = self.folders.write() {
            map.insert(bytes(dir).to_vec(), rules.clone());
        }
        rules
    }

    /// The rules of `dir` and the folders above it up to `stop` (or the
    /// file-system root), built once per folder from its parent's: an
    /// entry costs one lookup, not one per folder above it.
    fn stack(&self, dir: &Path, stop: Option<&Path>) -> Stack {
        if let Ok(map) = self.stacks.read()
            && let Some(found) = map.get(bytes(dir))
        {
            return found.clone();
        }
        let parent = dir
            .fast_parent()
            .filter(|_| stop != Some(dir))
            .map(|p| self.stack(p, stop));
        let top = stop == Some(dir);
        let mut rules: Vec<Arc<Gitignore>> = self.folder(dir, top).into_iter().collect();
        if let Some(p) = parent {
            rules.extend(p.iter().cloned());
        }
        let stack = Arc::new(rules);
        if let Ok(mut map) = self.stacks.write() {
            map.insert(bytes(dir).to_vec(), stack.clone());
        }
        stack
    }

    /// Whether the ignore files of the folders above `path` (an absolute
    /// path), up to `stop` or the file-system root, ignore it: the
    /// nearest folder that says something decides. `parents_checked`: the
    /// walk already knows no folder above is ignored.
    pub fn is_ignored(
        &self,
        path: &Path,
        is_dir: bool,
        stop: Option<&Path>,
        parents_checked: bool,
    ) -> bool {
        let Some(dir) = path.fast_parent() else {
            return false;
        };
        for rules in self.stack(dir, stop).iter() {
            let found = if parents_checked {
                rules.matched(path, is_dir)
            } else {
                rules.matched_path_or_any_parents(path, is_dir)
            };
            match found {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.folders.write() {
            map.clear();
        }
        if let Ok(mut map) = self.stacks.write() {
            map.clear();
        }
    }
}
