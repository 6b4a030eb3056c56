//! The paths git tracks, read from the repository's index file itself.
//!
//! prodlint never runs `git` on a scanned repository: git obeys the
//! repository's own `.git/config`, which can name programs to run
//! (`core.fsmonitor`, filter drivers, hooks). Reading the index is enough
//! to know what is tracked, and runs nothing.
//!
//! Format: `Documentation/gitformat-index.txt` in git's sources. Versions
//! 2, 3 and 4 and both object formats (SHA-1, SHA-256) are read; a split
//! index (`link` extension) or anything unexpected gives `None`: unknown,
//! never a guess.

use std::path::{Path, PathBuf};

/// An index larger than this is not read (a real one holds about 100
/// bytes per tracked file: this is millions of files).
const MAX_INDEX_BYTES: u64 = 512 * 1024 * 1024;

/// The longest path name git writes (PATH_MAX).
const MAX_NAME: usize = 4096;

/// The folder holding the repository's metadata: `.git` itself, or the
/// folder a `.git` file (`gitdir: …`, worktrees and submodules) names.
fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot_git = root.join(".git");
    let meta = std::fs::symlink_metadata(&dot_git).ok()?;
    if meta.is_dir() {
        return Some(dot_git);
    }
    if !meta.is_file() || meta.len() > 4096 {
        return None;
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let target = text.trim().strip_prefix("gitdir:")?.trim();
    let dir = root.join(target);
    dir.is_dir().then_some(dir)
}

/// Whether the repository stores SHA-256 object names (its config says
/// `objectformat = sha256` under `[extensions]`).
fn uses_sha256(git_dir: &Path) -> bool {
    let config = git_dir.join("config");
    let small = std::fs::metadata(&config).is_ok_and(|m| m.is_file() && m.len() < 1 << 20);
    small
        && std::fs::read_to_string(&config).is_ok_and(|t| {
            t.lines().any(|l| {
                let l = l.trim().to_ascii_lowercase().replace(' ', "");
                l == "objectformat=sha256"
            })
        })
}

/// Every path the index of the repository at `root` holds, joined to
/// `root`; `None` when there is no readable index.
pub fn tracked_paths(root: &Path) -> Option<Vec<PathBuf>> {
    let dir = git_dir(root)?;
    let index = dir.join("index");
    // A repository with nothing added yet has no index: nothing is tracked.
    if !index.exists() && dir.join("HEAD").is_file() {
        return Some(Vec::new());
    }
    let bytes = crate::read::bytes(&index, MAX_INDEX_BYTES).ok()?;
    let hash_len = if uses_sha256(&dir) { 32 } else { 20 };
    let names = parse(&bytes, hash_len)?;
    Some(
        names
            .iter()
            .map(|n| root.join(String::from_utf8_lossy(n).as_ref()))
            .collect(),
    )
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let b: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_be_bytes(b))
}

/// The entry names of an index file's bytes.
pub fn parse(bytes: &[u8], hash_len: usize) -> Option<Vec<Vec<u8>>> {
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(bytes, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(bytes, 8)? as usize;
    // The fixed part of an entry: ten 32-bit stat fields, the object name
    // and the 16-bit flags.
    let fixed = 40 + hash_len + 2;
    let body_end = bytes.len().checked_sub(hash_len)?;
    // Version 4 names share prefixes: a crafted index could make them add
    // up to far more than the file. Real names stay under PATH_MAX, and
    // their total under the index's size (each entry also holds 62 bytes
    // of stat data): four times it is a generous bound.
    let budget = bytes.len().saturating_mul(4).saturating_add(1 << 20);
    let mut spent = 0usize;
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut previous: Vec<u8> = Vec::new();
    let mut at = 12;
    for _ in 0..count {
        let start = at;
        let flags = be16(bytes, start + 40 + hash_len)?;
        let mut name_at = start + fixed;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return None;
            }
            name_at += 2;
        }
        let name = if version == 4 {
            let (strip, used) = varint(bytes.get(name_at..)?)?;
            let suffix_at = name_at + used;
            let nul = memchr::memchr(0, bytes.get(suffix_at..body_end)?)?;
            let keep = previous.len().checked_sub(usize::try_from(strip).ok()?)?;
            let mut name = previous[..keep].to_vec();
            name.extend_from_slice(&bytes[suffix_at..suffix_at + nul]);
            at = suffix_at + nul + 1;
            name
        } else {
            let nul = memchr::memchr(0, bytes.get(name_at..body_end)?)?;
            let name = bytes[name_at..name_at + nul].to_vec();
            // 1 to 8 NULs pad the entry to a multiple of eight bytes.
            let len = name_at + nul - start;
            at = start + (len / 8 + 1) * 8;
            name
        };
        spent = spent.saturating_add(name.len());
        if at > body_end || name.len() > MAX_NAME || spent > budget {
            return None;
        }
        if version == 4 {
            previous.clone_from(&name);
        }
        names.push(name);
    }
    // A split index keeps most entries in another file: unknown.
    let mut ext = at;
    while ext + 8 <= body_end {
        let size = be32(bytes, ext + 4)? as usize;
        if bytes.get(ext..ext + 4)? == b"link" {
            return None;
        }
        ext = ext.checked_add(8)?.checked_add(size)?;
    }
    Some(names)
}

/// The offset-encoded integer of index version 4 (git's `varint.c`): the
/// value and how many bytes it took.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut it = bytes.iter().enumerate();
    let (_, first) = it.next()?;
    let mut value = u64::from(first & 0x7f);
    let mut more = first & 0x80 != 0;
    let mut used = 1;
    while more {
        let (i, c) = it.next()?;
        value = value.checked_add(1)?.checked_mul(128)? | u64::from(c & 0x7f);
        more = c & 0x80 != 0;
        used = i + 1;
    }
    Some((value, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_without_an_index_tracks_nothing() {
        let dir = std::env::temp_dir().join(format!("prodlint-noindex-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join(".git"));
        let _ = std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n");
        assert_eq!(tracked_paths(&dir), Some(Vec::new()));
        // No repository at all: unknown.
        let _ = std::fs::remove_dir_all(dir.join(".git"));
        assert_eq!(tracked_paths(&dir), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// One version-2 entry named `name`, with a SHA-1 object name.
    fn entry_v2(name: &[u8]) -> Vec<u8> {
        let mut e = vec![0u8; 40 + 20];
        e.extend_from_slice(&(name.len() as u16).to_be_bytes());
        e.extend_from_slice(name);
        let len = e.len();
        e.resize((len / 8 + 1) * 8, 0);
        e
    }

    /// One version-4 entry: strip `strip` bytes of the previous name, then
    /// add `suffix`.
    fn entry(strip: u8, suffix: &[u8]) -> Vec<u8> {
        let mut e = vec![0u8; 40 + 20];
        e.extend_from_slice(&0u16.to_be_bytes());
        e.push(strip);
        e.extend_from_slice(suffix);
        e.push(0);
        e
    }

    fn index(version: u32, entries: &[Vec<u8>]) -> Vec<u8> {
        let mut b = b"DIRC".to_vec();
        b.extend_from_slice(&version.to_be_bytes());
        b.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for e in entries {
            b.extend_from_slice(e);
        }
        b.extend_from_slice(&[0u8; 20]);
        b
    }

    #[test]
    fn version_2_names_are_read() {
        let b = index(2, &[entry_v2(b".env"), entry_v2(b"app/settings.py")]);
        assert_eq!(
            parse(&b, 20),
            Some(vec![b".env".to_vec(), b"app/settings.py".to_vec()])
        );
    }

    #[test]
    fn version_4_names_share_prefixes() {
        let b = index(4, &[entry(0, b"app/a.py"), entry(4, b"b.py")]);
        assert_eq!(
            parse(&b, 20),
            Some(vec![b"app/a.py".to_vec(), b"app/b.py".to_vec()])
        );
    }

    #[test]
    fn truncated_or_lying_indexes_are_unknown() {
        let b = index(2, &[entry_v2(b".env")]);
        for cut in 0..b.len() - 20 {
            let mut short = b[..cut].to_vec();
            short.extend_from_slice(&[0u8; 20]);
            assert!(parse(&short, 20).is_none_or(|n| n.len() <= 1));
        }
        let mut lying = b.clone();
        lying[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(parse(&lying, 20), None);
        assert_eq!(varint(&[0x80, 0x80]), None);
        assert_eq!(varint(&[0x81, 0x00]), Some((256, 2)));
    }

    #[test]
    fn shared_prefixes_cannot_blow_up() {
        // A long first name, then entries that keep all of it and add
        // nothing: each costs 63 bytes in the file and 4,000 in memory.
        let mut entries = vec![entry(0, &[b'a'; 4000])];
        entries.extend((0..20_000).map(|_| entry(0, b"")));
        assert_eq!(parse(&index(4, &entries), 20), None);
    }
}
