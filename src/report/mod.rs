//! Renderers: pure functions of (file reports, registry, options).

pub mod excerpt;
pub mod github;
pub mod human;
pub mod json;
mod line_breaks;
pub mod markdown;
mod mask;
pub mod sarif;
pub mod uri;

use crate::diagnostic::Finding;
use crate::engine::FileReport;
use crate::source::display_path;
pub use mask::{SecretTexts, mask_messages, mask_secrets, masked_text, secret_texts};
use std::path::Path;

/// Files whose findings are rendered together (in parallel) and written
/// before the next ones are rendered: the report of a large tree never
/// stands whole in memory beside its findings.
pub(crate) const FILES_PER_BATCH: usize = 256;

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

/// A path relative to the working directory with `/` separators: what
/// SARIF, annotations and JSON print.
pub fn report_path(path: &Path) -> String {
    if path.is_absolute()
        && let Some(cwd) = crate::paths::working_dir()
        && let Ok(rel) = path.strip_prefix(cwd)
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

/// How many files were judged other than production, by purpose, and how
/// to lint them as production; `None` when every file is production.
pub fn purposes_line(input: &ReportInput<'_>) -> Option<String> {
    use crate::purpose::Purpose;
    let mut counts = std::collections::BTreeMap::new();
    for r in input.reports.iter().filter(|r| r.skipped.is_none()) {
        if r.source.purpose != Purpose::Production {
            *counts.entry(r.source.purpose).or_insert(0usize) += 1;
        }
    }
    let n: usize = counts.values().sum();
    if n == 0 {
        return None;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(p, k)| format!("{k} {}", p.as_str()))
        .collect();
    Some(format!(
        "{n} {} judged non-production ({}): only what is dangerous anywhere was checked there; `--purpose all` checks them as production",
        plural(n, "file", "files"),
        parts.join(", ")
    ))
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The related locations of a finding that are in other files, as
/// `path:line: message` items, for the formats without snippets.
pub fn see_also(f: &crate::diagnostic::Finding) -> Vec<String> {
    f.related
        .iter()
        .filter_map(|r| {
            let other = &r.file.as_ref()?.0;
            let line = other.region(r.span).start.line;
            Some(format!(
                "{}:{line}: {}",
                report_path(&other.path),
                r.message
            ))
        })
        .collect()
}

/// Reports of more files than two batches hold, one finding (`finding
/// {i}`) in each file `f{i:04}` but every third: what the streamed
/// renderers' tests write.
#[cfg(test)]
pub(crate) fn reports_over_batches() -> Vec<FileReport> {
    (0..FILES_PER_BATCH * 2 + 7)
        .map(|i| {
            let source = crate::source::SourceFile::new(
                std::path::PathBuf::from(format!("f{i:04}")),
                "text\n",
            );
            let findings = (i % 3 != 1)
                .then(|| {
                    Finding::new(
                        &crate::rules::meta::InternalError::META,
                        crate::source::Span::new(0, 4),
                        format!("finding {i}"),
                    )
                })
                .into_iter()
                .collect();
            FileReport {
                source: std::sync::Arc::new(source),
                kind: None,
                findings,
                skipped: None,
                unreadable: false,
            }
        })
        .collect()
}

/// The messages of [`reports_over_batches`], in the files' order.
#[cfg(test)]
pub(crate) fn messages_over_batches() -> Vec<String> {
    (0..FILES_PER_BATCH * 2 + 7)
        .filter(|i| i % 3 != 1)
        .map(|i| format!("finding {i}"))
        .collect()
}
