//! The terminal report: miette's graphical diagnostics with source
//! snippets, then statistics or a summary line.

use super::excerpt::{Excerpt, terminal_safe};
use super::{ReportInput, masked_text, report_path, summary_line};
use crate::diagnostic::{Finding, Severity};
use crate::source::{LineIndex, Span};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::collections::BTreeMap;
use std::fmt;

pub struct HumanOptions {
    pub color: bool,
    pub quiet: bool,
    pub statistics: bool,
    pub width: usize,
}

/// The source as miette sees it, read through our line index: miette's own
/// reader scans from the start of the file for every finding, which is
/// quadratic on large files with many findings.
struct IndexedSource {
    name: String,
    /// The excerpt of the text with secrets masked: spans of the file go
    /// through it (`excerpt.span`) before miette sees them.
    excerpt: Excerpt,
    lines: LineIndex,
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &str = &self.excerpt.text;
        let lines = &self.lines;
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = lines.line_of(start);
        let last = lines.line_of(end.saturating_sub(1).max(start));
        if before == 0 && after == 0 {
            let column = text
                .get(lines.line_start(first, text)..start)
                .map_or(0, |s| s.chars().count());
            let data = text.get(start..end).unwrap_or("").as_bytes();
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                data,
                (start, end - start).into(),
                first,
                column,
                last + 1,
            )));
        }
        let lo = first.saturating_sub(before);
        let hi = (last + after).min(lines.line_count().saturating_sub(1));
        let (ws, we) = (lines.line_start(lo, text), lines.line_start(hi + 1, text));
        let data = text.get(ws..we).unwrap_or("").as_bytes();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            (ws, we - ws).into(),
            lo,
            0,
            hi + 1,
        )))
    }
}

struct Rendered<'a> {
    finding: &'a Finding,
    code: String,
    source: &'a IndexedSource,
    /// Related locations in other files, each with its own snippet.
    elsewhere: Vec<Elsewhere>,
}

/// A related location in another file, shown after the finding as a
/// snippet of that file.
struct Elsewhere {
    message: String,
    span: Span,
    source: IndexedSource,
}

impl fmt::Debug for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "see also {}", self.source.name)
    }
}

impl std::error::Error for Elsewhere {}

impl Diagnostic for Elsewhere {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.source.excerpt.span(self.span);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(terminal_safe(&self.message).into_owned()),
            (span.start, span.len()),
        ))))
    }
}

impl Elsewhere {
    fn new(r: &crate::diagnostic::Related, other: &crate::source::SourceFile) -> Self {
        let masked = super::mask::masked_elsewhere(other);
        let excerpt = Excerpt::new(&masked, &[r.span]);
        Self {
            message: r.message.clone(),
            span: r.span,
            source: IndexedSource {
                name: terminal_safe(&report_path(&other.path)).into_owned(),
                lines: LineIndex::new(&excerpt.text),
                excerpt,
            },
        }
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal_safe(&self.finding.message))
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal_safe(&self.finding.message))
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(terminal_safe(h)) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule.help_uri()))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.elsewhere.is_empty() {
            return None;
        }
        Some(Box::new(
            self.elsewhere.iter().map(|e| e as &dyn Diagnostic),
        ))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let ex = &self.source.excerpt;
        let span = ex.span(f.span);
        let primary = LabeledSpan::new_primary_with_span(
            Some(f.rule.summary.to_string()),
            (span.start, span.len()),
        );
        let related = f.related.iter().filter(|r| r.file.is_none()).map(|r| {
            let span = ex.span(r.span);
            LabeledSpan::new_with_span(
                Some(terminal_safe(&r.message).into_owned()),
                (span.start, span.len()),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// The report as one string (the bytes [`write_to`] writes).
pub fn render(input: &ReportInput<'_>, opts: &HumanOptions) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_to(input, opts, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes the report to `out`, a batch of files at a time: the files of
/// a batch are rendered on every core (miette's layout costs about as
/// much per finding as linting a small file), and the report of a large
/// tree never stands whole in memory.
pub fn write_to(
    input: &ReportInput<'_>,
    opts: &HumanOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(opts.width)
        .without_syntax_highlighting();
    if opts.width >= super::line_breaks::NARROWEST_REPORT {
        handler = handler.with_word_separator(super::line_breaks::separator());
    }
    for e in input.errors {
        out.write_all(format!("error: {}\n", terminal_safe(e)).as_bytes())?;
    }
    if opts.statistics {
        out.write_all(statistics(input).as_bytes())?;
    } else {
        let with_findings: Vec<&crate::engine::FileReport> = input
            .reports
            .iter()
            .filter(|r| !r.findings.is_empty())
            .collect();
        for batch in with_findings.chunks(super::FILES_PER_BATCH) {
            let blocks: Vec<String> = batch
                .par_iter()
                .map(|report| file_block(report, &handler))
                .collect();
            for block in blocks {
                out.write_all(block.as_bytes())?;
            }
        }
    }
    if !opts.quiet {
        let mut tail = summary_line(input);
        tail.push('\n');
        if let Some(line) = super::purposes_line(input) {
            tail.push_str(&line);
            tail.push('\n');
        }
        out.write_all(tail.as_bytes())?;
    }
    Ok(())
}

/// The findings of one file, each with its snippet, as the report shows
/// them.
fn file_block(report: &crate::engine::FileReport, handler: &GraphicalReportHandler) -> String {
    let mut out = String::new();
    let name = terminal_safe(&report_path(&report.source.path)).into_owned();
    let places: Vec<Span> = report
        .findings
        .iter()
        .flat_map(|f| {
            std::iter::once(f.span).chain(
                f.related
                    .iter()
                    .filter(|r| r.file.is_none())
                    .map(|r| r.span),
            )
        })
        .collect();
    let secrets = super::secret_texts(&report.source, &report.findings);
    let masked = masked_text(&report.source, &report.findings, &secrets);
    let excerpt = Excerpt::new(&masked, &places);
    let source = IndexedSource {
        name: name.clone(),
        lines: LineIndex::new(&excerpt.text),
        excerpt,
    };
    for f in &report.findings {
        let r = Rendered {
            finding: f,
            code: format!("{} {}", f.code(), f.rule.name),
            source: &source,
            elsewhere: f
                .related
                .iter()
                .filter_map(|r| Some(Elsewhere::new(r, &r.file.as_ref()?.0)))
                .collect(),
        };
        if handler.render_report(&mut out, &r).is_err() {
            let pos = report.source.region(f.span).start;
            out.push_str(&format!(
                "{name}:{}:{}: {} {}\n",
                pos.line,
                pos.column,
                f.code(),
                terminal_safe(&f.message)
            ));
        }
        out.push('\n');
    }
    out
}

/// One line per rule: count, code, name, sorted by count then code.
fn statistics(input: &ReportInput<'_>) -> String {
    let mut counts: BTreeMap<&str, (usize, &str, Severity)> = BTreeMap::new();
    for (_, f) in input.findings() {
        let e = counts
            .entry(f.code())
            .or_insert((0, f.rule.name, f.severity));
        e.0 += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (code, (n, name, sev)) in rows {
        out.push_str(&format!("{n:>5}  {code:<6} {:<8} {name}\n", sev.as_str()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// More files than one batch holds, some without findings: every
    /// finding once, in the files' order, then the summary.
    #[test]
    fn a_report_of_many_batches_keeps_the_files_order() {
        let reports = super::super::reports_over_batches();
        let input = ReportInput {
            reports: &reports,
            errors: &[],
        };
        let opts = HumanOptions {
            color: false,
            quiet: false,
            statistics: false,
            width: 100,
        };
        let text = render(&input, &opts);
        // The message's line: `finding N` and nothing after the number.
        let found: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                let at = l.find("finding ")?;
                let rest = l.get(at..)?;
                let digits = rest
                    .get(8..)?
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .count();
                rest.get(..8 + digits)
            })
            .collect();
        let want = super::super::messages_over_batches();
        assert_eq!(found, want);
        assert!(text.ends_with(&format!("{}\n", summary_line(&input))));
        let mut written = Vec::new();
        assert!(write_to(&input, &opts, &mut written).is_ok());
        assert_eq!(written, text.into_bytes());
    }
}
