//! `Path::file_name`, `extension`, `parent`, `strip_prefix` and a
//! path's components (as a sort key) without std's component parser in
//! the common case. std finds a path's last component by parsing
//! components from the back (about 250 instructions a call);
//! prodlint asks for names, extensions and folders of every file several
//! times (classification, purpose, ignore files, the project's indexes),
//! hundreds of thousands of calls on a large tree. When the bytes after
//! the last `/` are an ordinary name, the answer can be read off the
//! bytes; every other shape (a trailing `/` or `.`, `..`, repeated
//! separators before the name, a bare `.`) goes to std, so the results
//! are std's exactly (tested against std below).

use std::ffi::OsStr;
use std::path::Path;

/// The working folder, asked of the system once: `std::env::current_dir`
/// is a system call, and every path a report prints and every key the
/// project makes is relative to it (a thousand calls on the corpus).
/// prodlint never changes its working folder. `None`: the system could
/// not say (the folder was removed).
pub fn working_dir() -> Option<&'static Path> {
    static CWD: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().ok()).as_deref()
}

/// `a` and `b` are one file on disk (the same device and inode: a link
/// or another spelling); `None` when either cannot be looked at. Links
/// are followed, as reading the file follows them.
pub fn same_file(a_path: &Path, b_path: &Path) -> Option<bool> {
    let (a, b) = (
        std::fs::metadata(a_path).ok()?,
        std::fs::metadata(b_path).ok()?,
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((a.dev(), a.ino()) == (b.dev(), b.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        Some(std::fs::canonicalize(a_path).ok()? == std::fs::canonicalize(b_path).ok()?)
    }
}

/// std's answers, found faster where the path ends in an ordinary name.
pub trait FastPath {
    /// [`Path::file_name`].
    fn fast_file_name(&self) -> Option<&OsStr>;
    /// [`Path::extension`].
    fn fast_extension(&self) -> Option<&OsStr>;
    /// [`Path::parent`].
    fn fast_parent(&self) -> Option<&Path>;
    /// [`Path::strip_prefix`], `None` where std gives an error.
    fn fast_strip_prefix(&self, base: &Path) -> Option<&Path>;
}

#[cfg(unix)]
mod unix {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// The bytes before the last `/` (`None` without one) and after it,
    /// when what follows is an ordinary name: not empty, `.` or `..`.
    pub(super) fn split_name(path: &Path) -> Option<(Option<&[u8]>, &[u8])> {
        let bytes = path.as_os_str().as_bytes();
        let (head, name) = match memchr::memrchr(b'/', bytes) {
            Some(i) => (Some(&bytes[..i]), &bytes[i + 1..]),
            None => (None, bytes),
        };
        match name {
            b"" | b"." | b".." => None,
            _ => Some((head, name)),
        }
    }

    pub(super) fn file_name(path: &Path) -> Option<&OsStr> {
        match split_name(path) {
            Some((_, name)) => Some(OsStr::from_bytes(name)),
            None => path.file_name(),
        }
    }

    pub(super) fn extension(path: &Path) -> Option<&OsStr> {
        let name = file_name(path)?.as_bytes();
        // std: no dot, or only a leading one (`.bashrc`), is no extension;
        // `..` is not a name here (`file_name` gives `None` for it).
        match memchr::memrchr(b'.', name) {
            None | Some(0) => None,
            Some(i) => Some(OsStr::from_bytes(&name[i + 1..])),
        }
    }

    pub(super) fn parent(path: &Path) -> Option<&Path> {
        let Some((head, _)) = split_name(path) else {
            return path.parent();
        };
        let Some(head) = head else {
            // `name`: the parent is the empty path.
            return Some(Path::new(""));
        };
        if head.is_empty() {
            // `/name`.
            return Some(Path::new("/"));
        }
        // std trims separators and `.` components from the end of what is
        // left (`a//b`, `a/./b`): only a head ending in an ordinary
        // component is itself the answer.
        let last = match memchr::memrchr(b'/', head) {
            Some(i) => &head[i + 1..],
            None => head,
        };
        match last {
            b"" | b"." => path.parent(),
            _ => Some(Path::new(OsStr::from_bytes(head))),
        }
    }

    /// Whether every component of `bytes` is written plainly: no empty
    /// one (`//`, a trailing `/`) and no `.`, so that equal components
    /// are equal bytes. (A leading `/` is the root's.)
    fn plain(bytes: &[u8]) -> bool {
        let body = bytes.strip_prefix(b"/").unwrap_or(bytes);
        !body.is_empty()
            && body
                .split(|b| *b == b'/')
                .all(|c| !c.is_empty() && c != b".")
    }

    pub(super) fn strip_prefix<'a>(path: &'a Path, base: &Path) -> Option<&'a Path> {
        let (bytes, head) = (path.as_os_str().as_bytes(), base.as_os_str().as_bytes());
        // `base/rest`, both written plainly: std's components of `path`
        // start with `base`'s and the rest is `rest` as written.
        if let Some(rest) = bytes.strip_prefix(head).and_then(|r| r.strip_prefix(b"/"))
            && plain(head)
            && !rest.starts_with(b"/")
            && plain(rest)
        {
            return Some(Path::new(OsStr::from_bytes(rest)));
        }
        path.strip_prefix(base).ok()
    }
}

#[cfg(unix)]
impl FastPath for Path {
    fn fast_file_name(&self) -> Option<&OsStr> {
        unix::file_name(self)
    }
    fn fast_extension(&self) -> Option<&OsStr> {
        unix::extension(self)
    }
    fn fast_parent(&self) -> Option<&Path> {
        unix::parent(self)
    }
    fn fast_strip_prefix(&self, base: &Path) -> Option<&Path> {
        unix::strip_prefix(self, base)
    }
}

// Elsewhere (prefixes, `\` separators) std answers.
#[cfg(not(unix))]
impl FastPath for Path {
    fn fast_file_name(&self) -> Option<&OsStr> {
        self.file_name()
    }
    fn fast_extension(&self) -> Option<&OsStr> {
        self.extension()
    }
    fn fast_parent(&self) -> Option<&Path> {
        self.parent()
    }
    fn fast_strip_prefix(&self, base: &Path) -> Option<&Path> {
        self.strip_prefix(base).ok()
    }
}

/// Bytes that sort as the path's components do (`Path`'s order): each
/// component tagged by its kind and followed by a 0 byte, which sorts
/// before any byte of a name, so `a/b` comes before `a-b` as `a` does
/// before `a-b`. One memcmp per comparison instead of a walk of both
/// paths' components.
#[cfg(unix)]
pub fn sort_key(path: &Path) -> Vec<u8> {
    // The components as std's parser finds them on Unix, read off the
    // bytes (std's iterator costs some 90 instructions a component, and
    // every file's path is keyed twice a run): a leading `/` is the
    // root; empty parts (repeated or trailing separators) and `.` are
    // no component, but for a `.` that opens a relative path.
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let mut key = Vec::with_capacity(bytes.len() + 8);
    let (rest, mut opening) = match bytes.split_first() {
        Some((b'/', rest)) => {
            key.extend_from_slice(&[2, 0]);
            (rest, false)
        }
        _ => (bytes, true),
    };
    for part in rest.split(|&b| b == b'/') {
        match part {
            b"" => {}
            b"." if opening => key.extend_from_slice(&[3, 0]),
            b"." => {}
            b".." => key.extend_from_slice(&[4, 0]),
            name => {
                key.push(5);
                key.extend_from_slice(name);
                key.push(0);
            }
        }
        opening = false;
    }
    key
}

#[cfg(not(unix))]
pub fn sort_key(path: &Path) -> Vec<u8> {
    sort_key_by_std(path)
}

/// [`sort_key`] from std's component parser.
#[cfg(any(not(unix), test))]
fn sort_key_by_std(path: &Path) -> Vec<u8> {
    use std::path::Component;
    let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
    for c in path.components() {
        match c {
            Component::Prefix(p) => {
                key.push(1);
                key.extend_from_slice(p.as_os_str().as_encoded_bytes());
            }
            Component::RootDir => key.push(2),
            Component::CurDir => key.push(3),
            Component::ParentDir => key.push(4),
            Component::Normal(n) => {
                key.push(5);
                key.extend_from_slice(n.as_encoded_bytes());
            }
        }
        key.push(0);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::FastPath;
    use std::path::Path;

    /// Every path of up to `n` parts, each joined to the one before it
    /// directly or with a `/`.
    fn joined(parts: &[&str], n: usize) -> Vec<String> {
        let slashed: Vec<String> = parts.iter().map(|p| format!("/{p}")).collect();
        let pieces: Vec<&str> = parts
            .iter()
            .copied()
            .chain(slashed.iter().map(String::as_str))
            .collect();
        crate::test_texts::concatenations(&pieces, n)
    }

    /// Every path of up to four parts drawn from names, dots, separators
    /// and extensions answers as std does.
    #[test]
    fn answers_as_std_does() {
        let paths = joined(
            &[
                "", "/", "//", ".", "..", "a", "a.b", ".a", "a.", "a..b", "...", ".a.b", "b c",
                "é.ü",
            ],
            4,
        );
        assert!(paths.len() > 10_000, "{}", paths.len());
        for p in &paths {
            let path = Path::new(p);
            assert_eq!(
                path.fast_file_name(),
                path.file_name(),
                "file_name of {p:?}"
            );
            assert_eq!(
                path.fast_extension(),
                path.extension(),
                "extension of {p:?}"
            );
            assert_eq!(path.fast_parent(), path.parent(), "parent of {p:?}");
        }
    }

    /// Every pair of paths of up to three parts strips as std strips.
    #[test]
    fn prefixes_strip_as_std_strips() {
        let paths = joined(&["", "/", "//", ".", "..", "a", "b", "ab", "a.b"], 3);
        assert!(paths.len() > 1_000, "{}", paths.len());
        for p in &paths {
            for base in &paths {
                let (p, base) = (Path::new(p), Path::new(base));
                assert_eq!(
                    p.fast_strip_prefix(base),
                    p.strip_prefix(base).ok(),
                    "{p:?} without {base:?}"
                );
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_answer_as_std_does() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        for bytes in [&b"a/\xff.\xfe"[..], b"\xff/b", b"/\xff", b"a/\xff\xff/."] {
            let path = Path::new(OsStr::from_bytes(bytes));
            assert_eq!(path.fast_file_name(), path.file_name());
            assert_eq!(path.fast_extension(), path.extension());
            assert_eq!(path.fast_parent(), path.parent());
        }
    }

    #[test]
    fn sort_keys_are_std_components() {
        let pieces = ["a", "/", ".", "..", "b c", "é"];
        for text in crate::test_texts::concatenations(&pieces, 6) {
            let path = std::path::Path::new(&text);
            assert_eq!(
                super::sort_key(path),
                super::sort_key_by_std(path),
                "{text:?}"
            );
        }
    }

    #[test]
    fn sort_keys_sort_as_paths_do() {
        let paths = [
            "/a/b", "/a-b", "/a/b/c", "/a", "a", "./a", "../a", "/a/bc", "/a/b-c", "/a/b/", "/",
            "a/b", "a b",
        ];
        for x in paths {
            for y in paths {
                let (px, py) = (std::path::Path::new(x), std::path::Path::new(y));
                assert_eq!(
                    super::sort_key(px).cmp(&super::sort_key(py)),
                    px.cmp(py),
                    "{x} {y}"
                );
            }
        }
    }
}

/// Of `sorted`, ordered by the bytes of each item's path (`bytes_of`),
/// the items at `folder` itself or inside it: two stretches found by
/// binary search, so that asking it for every folder of a tree costs
/// n log n, not n² (an empty `folder`, or `/`, holds everything).
pub fn within_folder<'s, T>(
    sorted: &'s [T],
    folder: &Path,
    bytes_of: impl Fn(&T) -> &[u8],
) -> impl Iterator<Item = &'s T> {
    let f = folder.as_os_str().as_encoded_bytes();
    let f = f.strip_suffix(b"/").unwrap_or(f);
    let (itself, inside): (&[T], &[T]) = if f.is_empty() {
        (&[], sorted)
    } else {
        let mut prefix = f.to_vec();
        prefix.push(b'/');
        let stretch = |starts: &[u8], exact: bool| {
            let from = sorted.partition_point(|t| bytes_of(t) < starts);
            let rest = sorted.get(from..).unwrap_or_default();
            let len = rest.partition_point(|t| {
                let b = bytes_of(t);
                if exact {
                    b == starts
                } else {
                    b.starts_with(starts)
                }
            });
            rest.get(..len).unwrap_or_default()
        };
        (stretch(f, true), stretch(&prefix, false))
    };
    itself.iter().chain(inside.iter())
}

/// A path's bytes: the order in which [`within_folder`] and [`nearest`]
/// read sorted lists.
pub fn path_bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

/// How many leading components two paths share.
pub fn shared_components(a: &Path, b: &Path) -> usize {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .count()
}

/// How near the nearest fitting items come (leading folders shared;
/// `None` when no item fits), and those items.
pub type Nearest<'l, T> = (Option<usize>, Vec<&'l T>);

/// Of `sorted`, ordered by the bytes of each item's path (`key_of`), the
/// items nearest `to` (the most leading folders shared) among those
/// `fits` accepts, with that nearness. The items are files (normalised
/// keys, none a folder of another) and `to` a file or a folder: then the
/// items sharing k folders with `to` are the items below those k, one
/// stretch of the list around where `to/` would sit, so the list is
/// scanned outward from there, one nearness at a time, stopping at the
/// first that holds an item `fits`, or after `budget` items.
pub fn nearest<'l, T>(
    sorted: &'l [T],
    key_of: impl Fn(&T) -> &Path,
    to: &Path,
    fits: impl Fn(&T) -> bool,
    budget: usize,
) -> Nearest<'l, T> {
    // Where `to/` would sit: the items below `to` as a folder follow it
    // (`to` alone would sort before a sibling `to-x/…` that comes before
    // them), and the items sharing fewer of its folders are around it.
    let mut target = path_bytes(to).to_vec();
    if !target.ends_with(b"/") {
        target.push(b'/');
    }
    let near = |t: &T| shared_components(to, key_of(t));
    let at =
        sorted.partition_point(|t| key_of(t).as_os_str().as_encoded_bytes() < target.as_slice());
    // `sorted[l..r]` has been scanned.
    let (mut l, mut r) = (at, at);
    let mut found = Vec::new();
    while r - l < budget {
        let before = l.checked_sub(1).and_then(|i| sorted.get(i));
        let Some(level) = before.map(near).max(sorted.get(r).map(near)) else {
            break;
        };
        while r - l < budget
            && let Some(t) = l.checked_sub(1).and_then(|i| sorted.get(i))
            && near(t) >= level
        {
            if fits(t) {
                found.push(t);
            }
            l -= 1;
        }
        while r - l < budget
            && let Some(t) = sorted.get(r)
            && near(t) >= level
        {
            if fits(t) {
                found.push(t);
            }
            r += 1;
        }
        if !found.is_empty() {
            return (Some(level), found);
        }
    }
    (None, found)
}

#[cfg(test)]
mod within_folder_tests {
    use super::*;

    fn under(paths: &[&str], folder: &str) -> Vec<String> {
        let mut sorted: Vec<&str> = paths.to_vec();
        sorted.sort();
        within_folder(&sorted, Path::new(folder), |p| p.as_bytes())
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn the_folder_and_what_it_holds() {
        let paths = ["/a", "/a-b/x", "/a/x", "/a/y/z", "/ab", "/b/a/x"];
        assert_eq!(under(&paths, "/a"), ["/a", "/a/x", "/a/y/z"]);
        assert_eq!(under(&paths, "/a/"), ["/a", "/a/x", "/a/y/z"]);
        assert_eq!(under(&paths, "/a/y"), ["/a/y/z"]);
        assert_eq!(under(&paths, "/c"), Vec::<String>::new());
        assert_eq!(under(&paths, "/").len(), 6);
        assert_eq!(under(&paths, "").len(), 6);
    }

    #[test]
    fn nearest_fitting_items() {
        let mut keys: Vec<std::path::PathBuf> =
            ["/r/a/x/f", "/r/a/y/g", "/r/b/h", "/s/i", "/r/a/x/z/j"]
                .iter()
                .map(std::path::PathBuf::from)
                .collect();
        keys.sort_by(|a, b| path_bytes(a).cmp(path_bytes(b)));
        fn key(p: &std::path::PathBuf) -> &Path {
            p
        }
        let near = |to: &str, fits: &dyn Fn(&std::path::PathBuf) -> bool, budget: usize| {
            let (level, found) = nearest(&keys, key, Path::new(to), fits, budget);
            let mut found: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
            found.sort();
            (level, found)
        };
        let all = usize::MAX;
        assert_eq!(
            near("/r/a/x/Dockerfile", &|_| true, all),
            (
                Some(4),
                vec!["/r/a/x/f".to_string(), "/r/a/x/z/j".to_string()]
            )
        );
        let g = |p: &std::path::PathBuf| p.ends_with("g");
        assert_eq!(
            near("/r/a/x/Dockerfile", &g, all),
            (Some(3), vec!["/r/a/y/g".to_string()])
        );
        let s = |p: &std::path::PathBuf| p.starts_with("/s");
        assert_eq!(near("/r/c", &s, all), (Some(1), vec!["/s/i".to_string()]));
        assert_eq!(near("/r/c", &|_| false, all), (None, vec![]));
        // The budget bounds what is looked at: `/s/i` is the fifth.
        assert_eq!(near("/r/c", &s, 4), (None, vec![]));
    }

    #[test]
    fn nearest_below_a_folder_past_its_dashed_sibling() {
        // `/x/deploy-old/…` sorts between `/x/deploy` and `/x/deploy/…`.
        let mut keys: Vec<std::path::PathBuf> = [
            "/x/deploy-old/main.py",
            "/x/deploy/app/main.py",
            "/x/main.py",
        ]
        .iter()
        .map(std::path::PathBuf::from)
        .collect();
        keys.sort_by(|a, b| path_bytes(a).cmp(path_bytes(b)));
        fn key(p: &std::path::PathBuf) -> &Path {
            p
        }
        let (level, found) = nearest(&keys, key, Path::new("/x/deploy"), |_| true, usize::MAX);
        let found: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            (level, found),
            (Some(3), vec!["/x/deploy/app/main.py".to_string()])
        );
    }
}
