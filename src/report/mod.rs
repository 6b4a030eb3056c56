//! Renderers: pure functions of (file reports, registry, options).

pub mod excerpt;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod uri;

use crate::diagnostic::Finding;
use crate::engine::FileReport;
use crate::redact::{mask_in_place, mask_in_place_fully};
use crate::source::{SourceFile, Span, display_path};
use std::path::Path;

/// What every renderer is given.
pub struct ReportInput<'a> {
    pub reports: &'a [FileReport],
    /// Errors outside any file (a path that does not exist, ...).
    pub errors: &'a [String],
}

impl ReportInput<'_> {
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.reports
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
    }

    pub fn finding_count(&self) -> usize {
        self.reports.iter().map(|r| r.findings.len()).sum()
    }
}

/// The file's text with every secret of its findings masked, so that no
/// snippet or fingerprint can carry one.
pub fn masked_text(source: &SourceFile, findings: &[Finding]) -> String {
    let mut text = source.text.clone();
    let mut spans: Vec<Span> = findings
        .iter()
        .flat_map(|f| f.secrets.iter().copied())
        .collect();
    spans.sort_unstable();
    // In order of start, each byte is masked once: a span inside one
    // already masked (the headers of a key block cut short all mask to the
    // end of the file) would otherwise mask it again, at the cost of the
    // file's length per span. Disjoint spans are masked as before.
    let mut masked_to = 0;
    for s in spans {
        if s.end <= masked_to {
            continue;
        }
        // A span that does not fall on character boundaries masks nothing
        // (as `mask_in_place` does) and so covers nothing for the next.
        if text.get(s.start.max(masked_to)..s.end).is_none() {
            continue;
        }
        if s.start < masked_to {
            // The rest of a masked region: nothing of it is shown.
            mask_in_place_fully(&mut text, masked_to, s.end);
        } else {
            mask_in_place(&mut text, s.start, s.end);
        }
        masked_to = s.end;
    }
    text
}

/// The texts of a file's secrets, one line of a multi-line secret at a
/// time, longest first: what fix replacements and diffs mask wherever it
/// appears (a fix that rewrites a line carries its secret along). Pieces
/// shorter than four characters would mask ordinary text and are left.
pub fn secret_texts(source: &SourceFile, findings: &[Finding]) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .flat_map(|f| f.secrets.iter())
        .filter_map(|s| source.text.get(s.start..s.end))
        .flat_map(|s| s.lines().map(str::trim))
        .filter(|s| s.len() >= 4)
        .map(str::to_string)
        .collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// `text` with every occurrence of each secret redacted.
pub fn mask_secrets<'a>(text: &'a str, secrets: &[String]) -> std::borrow::Cow<'a, str> {
    let mut out = std::borrow::Cow::Borrowed(text);
    for s in secrets {
        if out.contains(s.as_str()) {
            out = std::borrow::Cow::Owned(out.replace(s.as_str(), &crate::redact::redact(s)));
        }
    }
    out
}

/// A path relative to the working directory with `/` separators: what
/// SARIF, annotations and JSON print.
pub fn report_path(path: &Path) -> String {
    if path.is_absolute()
        && let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = path.strip_prefix(&cwd)
    {
        return display_path(rel);
    }
    display_path(path)
}

/// `N findings: E errors, W warnings, I info in F files`.
pub fn summary_line(input: &ReportInput<'_>) -> String {
    let (e, w, i) = crate::engine::counts(input.reports);
    let files = input
        .reports
        .iter()
        .filter(|r| !r.findings.is_empty())
        .count();
    let n = e + w + i;
    format!(
        "{n} {}: {e} {}, {w} {}, {i} info in {files} {} ({} checked)",
        plural(n, "finding", "findings"),
        plural(e, "error", "errors"),
        plural(w, "warning", "warnings"),
        plural(files, "file", "files"),
        input.reports.len()
    )
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
