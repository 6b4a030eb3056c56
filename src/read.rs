//! Every file prodlint reads goes through here: only regular files, never
//! more than the size limit, whatever the file claims to be.
//!
//! A scanned repository can hold a FIFO named `.gitignore` (opening it
//! blocks forever), a symlink to `/dev/zero` (reading it never ends) or a
//! 9 MB `.dockerignore`: each is refused before a byte is read, and the
//! read itself stops at the limit in case the file grew meanwhile.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest file read as context (ignore files, templates, the
/// configuration a command names): the run's `max-file-size`.
static CONTEXT_LIMIT: AtomicU64 = AtomicU64::new(crate::config::DEFAULT_MAX_FILE_SIZE);

/// Sets the limit for files read as context (from `max-file-size`).
pub fn set_context_limit(max: u64) {
    CONTEXT_LIMIT.store(max, Ordering::Relaxed);
}

pub fn context_limit() -> u64 {
    CONTEXT_LIMIT.load(Ordering::Relaxed)
}

/// Why a path could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not there, or the system refused (permissions, a failing device).
    Io(String),
    /// A FIFO, socket, device or folder: never opened.
    NotRegular,
    /// Over the limit, in bytes.
    TooLarge(u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read the file: {e}"),
            ReadError::NotRegular => write!(f, "not a regular file"),
            ReadError::TooLarge(n) => write!(f, "the file is {n} bytes"),
        }
    }
}

/// Whether `path` (symlinks followed) is a regular file.
pub fn is_regular(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The bytes of a regular file of at most `max` bytes.
pub fn bytes(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(e.to_string());
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge(meta.len()));
    }
    // Opened without blocking: a path swapped for a FIFO after the check
    // above must not hang the run.
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    // The path may have been replaced between the two calls. Where the
    // open cannot block (Linux), the file opened is not looked at again:
    // a FIFO put in its place reads as empty or as what it holds at once,
    // a device or a larger file as at most the limit below. Elsewhere the
    // file opened is looked at again.
    #[cfg(not(target_os = "linux"))]
    if !file.metadata().map_err(io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    read_within(file, meta.len(), max)
}

/// [`bytes`] for a path the walk saw as a regular file (not a link):
/// opened first, then looked at through the open file, so its path is
/// resolved once rather than twice (a `statx`, then an `open`: a fifth of
/// the lookups of a run). The open does not follow a link in the last
/// place (`O_NOFOLLOW`) and does not block; a file that cannot be opened
/// so (a link swapped in since the walk, a socket, no permission) is read
/// as [`bytes`] reads it, with its checks and messages. The walk left
/// device nodes out; as with [`bytes`], a folder swapped for a link
/// between the walk and the read is another process at work on the
/// tree, not something a repository's bytes can do.
pub fn walked_bytes(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let io = |e: std::io::Error| ReadError::Io(e.to_string());
        let mut options = std::fs::OpenOptions::new();
        options
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
        let Ok(file) = options.open(path) else {
            return bytes(path, max);
        };
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular);
        }
        if meta.len() > max {
            return Err(ReadError::TooLarge(meta.len()));
        }
        read_within(file, meta.len(), max)
    }
    #[cfg(not(target_os = "linux"))]
    bytes(path, max)
}

/// Reads an open file to its end, not to the size seen: a file that grew
/// since, or whose size the file system reports late (NFS) or not at all
/// (the kernel's own files), is read whole within the limit.
fn read_within(file: std::fs::File, seen: u64, max: u64) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::with_capacity(usize::try_from(seen.min(max)).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if out.len() as u64 > max {
        return Err(ReadError::TooLarge(out.len() as u64));
    }
    Ok(out)
}

/// The text of a file read as context for another (an ignore file, an
/// env template, a configuration a command names): `None` unless it is a
/// regular UTF-8 file within the limit.
pub fn context(path: &Path) -> Option<String> {
    match bytes(path, context_limit()) {
        Ok(bytes) => String::from_utf8(bytes).ok(),
        Err(ReadError::NotRegular) => {
            eprintln!(
                "prodlint: note: {}: skipped, not a regular file",
                crate::report::excerpt::terminal_safe(&path.to_string_lossy())
            );
            None
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        assert_eq!(
            bytes(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular)
        );
        assert_eq!(bytes(Path::new("/"), 10), Err(ReadError::NotRegular));
        let dir = std::env::temp_dir().join(format!("prodlint-read-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let f = dir.join("f");
        let _ = std::fs::write(&f, "12345");
        assert_eq!(bytes(&f, 4), Err(ReadError::TooLarge(5)));
        assert_eq!(bytes(&f, 5).ok(), Some(b"12345".to_vec()));
        let empty = dir.join("empty");
        let _ = std::fs::write(&empty, "");
        assert_eq!(bytes(&empty, 5).ok(), Some(Vec::new()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// What the walk saw as a regular file may be something else when it
    /// is read: a link is read as `bytes` reads it (its target checked
    /// before opening), a FIFO is refused without blocking.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_walked_file_swapped_since_is_read_as_what_it_is_now() {
        let dir = std::env::temp_dir().join(format!("prodlint-walked-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let f = dir.join("f");
        let _ = std::fs::write(&f, "12345");
        assert_eq!(walked_bytes(&f, 5).ok(), Some(b"12345".to_vec()));
        assert_eq!(walked_bytes(&f, 4), Err(ReadError::TooLarge(5)));
        let to_file = dir.join("to-file");
        let to_zero = dir.join("to-zero");
        let _ = std::os::unix::fs::symlink(&f, &to_file);
        let _ = std::os::unix::fs::symlink("/dev/zero", &to_zero);
        assert_eq!(walked_bytes(&to_file, 5).ok(), Some(b"12345".to_vec()));
        assert_eq!(walked_bytes(&to_zero, 5), Err(ReadError::NotRegular));
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(walked_bytes(&fifo, 5), Err(ReadError::NotRegular));
        }
        assert!(matches!(
            walked_bytes(&dir.join("missing"), 5),
            Err(ReadError::Io(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file that says it is empty but is not (the kernel's own files)
    /// is read to its end, within the limit.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_says_it_is_empty_is_read_to_its_end() {
        let status = Path::new("/proc/self/status");
        assert_eq!(std::fs::metadata(status).map(|m| m.len()).ok(), Some(0));
        assert!(bytes(status, 1 << 20).is_ok_and(|b| b.starts_with(b"Name:")));
        assert!(matches!(bytes(status, 4), Err(ReadError::TooLarge(5))));
    }
}
