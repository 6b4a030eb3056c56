//! Applying fixes: non-overlapping edits, safe ones unless unsafe fixes are
//! allowed, repeated until the file stops changing.

use crate::diagnostic::{Applicability, Finding};
use crate::discover::FileKind;
use crate::edit_map::{EditMap, Replaced};
use crate::engine::{Settings, lint_fixed};
use crate::paths::FastPath;
use crate::source::SourceFile;

/// Applies the fixes of `findings` to `text` once. Returns the new text,
/// how many fixes were applied (overlapping fixes wait for the next pass)
/// and the ranges of `text` they replaced.
pub fn apply_once(
    text: &str,
    findings: &[Finding],
    allow_unsafe: bool,
) -> (String, usize, Vec<Replaced>) {
    let mut fixes: Vec<_> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|f| allow_unsafe || f.applicability == Applicability::Safe)
        .filter(|f| !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| f.edits.iter().map(|e| e.span.start).min());
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut edits = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|(a, b)| {
                e.span.start < *b && *a < e.span.end || (e.span.start == *a && e.span.is_empty())
            })
        });
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        });
        if overlaps || !in_bounds {
            continue;
        }
        for e in &fix.edits {
            taken.push((e.span.start, e.span.end.max(e.span.start + 1)));
            edits.push(e.clone());
        }
        applied += 1;
    }
    edits.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
    let eol = crate::source::line_ending(text);
    let mut out = text.to_string();
    let mut replaced = Vec::with_capacity(edits.len());
    for e in edits {
        let with = with_line_ending(&e.replacement, eol);
        replaced.push(Replaced {
            start: e.span.start,
            end: e.span.end,
            len: with.len(),
        });
        out.replace_range(e.span.start..e.span.end, &with);
    }
    (out, applied, replaced)
}

/// A replacement whose line breaks are the file's own: a fix must not put
/// LF lines into a CRLF file, nor break a file whose lines end in CR.
fn with_line_ending(replacement: &str, eol: &str) -> String {
    if eol == "\n" || !replacement.contains(['\n', '\r']) {
        return replacement.to_string();
    }
    replacement
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', eol)
}

/// Writes `text` over the file at `path` without ever leaving it half
/// written: a temporary file in the same folder, with the original's
/// permissions, flushed to disk, then renamed over the original. On any
/// error the original is untouched and the temporary file removed. A
/// symbolic link is kept: its target is what gets replaced.
pub fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let target = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&target)?;
    let dir = target
        .fast_parent()
        .ok_or_else(|| std::io::Error::other("the file has no folder"))?;
    // A short name: the file's own may be near the file system's limit.
    let temp = dir.join(format!(".prodlint-{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.set_permissions(meta.permissions())?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// The maximum number of lint-and-fix passes over one file.
const MAX_PASSES: usize = 10;

/// Fixes a file until no fix applies. Returns the fixed text and the
/// number of fixes applied.
pub fn fix_source(
    source: &SourceFile,
    kind: FileKind,
    settings: &Settings,
    project: &crate::project::Project,
    allow_unsafe: bool,
) -> (String, usize) {
    let (text, total, _) = fix_source_mapped(source, kind, settings, project, allow_unsafe);
    (text, total)
}

/// [`fix_source`], also returning where the edits moved the text (for the
/// lint of the fixed text: see [`crate::engine::lint_fixed`]). Each pass
/// lints the text the last one left, with the project's findings in the
/// file moved there.
pub fn fix_source_mapped(
    source: &SourceFile,
    kind: FileKind,
    settings: &Settings,
    project: &crate::project::Project,
    allow_unsafe: bool,
) -> (String, usize, EditMap) {
    let mut text = source.text.to_string();
    let mut total = 0;
    let mut map = EditMap::default();
    for _ in 0..MAX_PASSES {
        let mut current = SourceFile::new(source.path.clone(), text.clone());
        current.purpose = source.purpose;
        let findings = lint_fixed(&current, kind, settings, project, &map);
        let (next, n, replaced) = apply_once(&text, &findings, allow_unsafe);
        if n == 0 || next == text {
            break;
        }
        total += n;
        text = next;
        map.push_pass(replaced);
    }
    (text, total, map)
}

/// A unified diff that shows no secret: every secret of `findings` (a byte
/// range of `old`) is masked wherever its text appears, in both versions.
pub fn masked_diff(
    path: &str,
    old: &str,
    new: &str,
    findings: &[crate::diagnostic::Finding],
) -> String {
    // Line by line: a fix may change the blanks around a multi-line secret.
    // The old text masked where the secrets are, then wherever their text
    // appears; the new one wherever their text appears.
    let source = SourceFile::new(std::path::Path::new(path), old.to_string());
    let secrets = crate::report::secret_texts(&source, findings);
    let old_masked = crate::report::masked_text(&source, findings, &secrets);
    let new_masked = crate::report::mask_secrets(new, &secrets);
    unified_diff(path, &old_masked, &new_masked)
}

/// A unified diff between two versions of a file.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
