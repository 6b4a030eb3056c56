//! Inline suppressions: `# prodlint: ignore[CODE,...] reason` on the
//! finding's line or the line before, `# prodlint: ignore-file[CODE]`
//! anywhere in the file.

use crate::diagnostic::{Finding, Findings};
use crate::hashing::{FastMap, FastSet};
use crate::registry::RuleMeta;
use crate::rules;
use crate::rules::meta::{InvalidSuppression, UnusedSuppression};
use crate::select::Selection;
use crate::source::{SourceFile, Span};

#[derive(Debug)]
struct Code {
    text: String,
    span: Span,
    rule: Option<&'static RuleMeta>,
    used: bool,
}

#[derive(Debug)]
struct Suppression {
    span: Span,
    file_level: bool,
    /// 0-based inclusive line range whose findings it covers.
    lines: (usize, usize),
    /// Empty: every code.
    codes: Vec<Code>,
    used: bool,
}

impl Suppression {
    fn covers(&mut self, finding: &Finding, line: usize) -> bool {
        if !self.file_level && (line < self.lines.0 || line > self.lines.1) {
            return false;
        }
        if self.codes.is_empty() {
            self.used = true;
            return true;
        }
        for c in &mut self.codes {
            if c.rule.is_some_and(|r| r.code == finding.code()) {
                c.used = true;
                return true;
            }
        }
        false
    }
}

const MARKER: &str = "prodlint:";

/// A suppression above a statement covers at most this many of its lines.
const MAX_COVERED_LINES: usize = 10_000;

/// Reads the suppression comments of `file`. `statements` gives the
/// 0-based line ranges of multi-line statements (a Dockerfile instruction
/// with continuations), so that a comment above one covers all its lines.
fn parse(
    file: &SourceFile,
    statements: &[(usize, usize)],
    errors: &mut Findings,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    // Only a line holding the marker can hold a suppression: the lines
    // are found from the marker's occurrences (one pass over the text)
    // rather than by reading every line's comments.
    let mut lines: Vec<usize> = memchr::memmem::find_iter(file.text.as_bytes(), MARKER.as_bytes())
        .map(|at| file.lines.line_of(at))
        .collect();
    lines.dedup();
    for line_no in lines {
        let span = file.lines.line_span(line_no, &file.text);
        let line = file.slice(span);
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let comment = &line[hash..];
        let body = comment.trim_start_matches('#').trim_start();
        let Some(rest) = body.strip_prefix(MARKER) else {
            continue;
        };
        let body_off = span.start + hash + (comment.len() - body.len()) + MARKER.len();
        let rest_trim = rest.trim_start();
        let directive_off = body_off + (rest.len() - rest_trim.len());
        let comment_span = Span::new(span.start + hash, span.end);
        let (file_level, after) = if let Some(a) = rest_trim.strip_prefix("ignore-file") {
            (true, a)
        } else if let Some(a) = rest_trim.strip_prefix("ignore") {
            (false, a)
        } else {
            errors.report(
                &InvalidSuppression::META,
                comment_span,
                "not a prodlint suppression: write `prodlint: ignore[CODE]` or `prodlint: ignore-file[CODE]`",
            );
            continue;
        };
        let list_off = directive_off + (rest_trim.len() - after.len());
        let mut codes = Vec::new();
        if let Some(list) = after.strip_prefix('[') {
            let Some(close) = list.find(']') else {
                errors.report(
                    &InvalidSuppression::META,
                    comment_span,
                    "the code list has no closing `]`",
                );
                continue;
            };
            let mut off = list_off + 1;
            for part in list[..close].split(',') {
                let t = part.trim();
                let lead = part.len() - part.trim_start().len();
                let cspan = Span::new(off + lead, off + lead + t.len());
                off += part.len() + 1;
                if t.is_empty() {
                    continue;
                }
                let rule = rules::find(t);
                if rule.is_none() {
                    errors.report(
                        &InvalidSuppression::META,
                        cspan,
                        format!("`{t}` is not a prodlint rule code or name"),
                    );
                }
                codes.push(Code {
                    text: t.to_string(),
                    span: cspan,
                    rule,
                    used: false,
                });
            }
        } else if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
            errors.report(
                &InvalidSuppression::META,
                comment_span,
                "expected `[CODE,...]` after the directive",
            );
            continue;
        }
        let own_line = line[..hash].trim().is_empty();
        // Statements are sorted and disjoint: binary search them.
        let containing = statements
            .partition_point(|(a, _)| *a <= line_no)
            .checked_sub(1)
            .map(|i| statements[i])
            .filter(|(_, b)| line_no <= *b);
        let lines = if own_line {
            let next = line_no + 1;
            let end = statements
                .binary_search_by_key(&next, |(a, _)| *a)
                .map_or(next, |i| statements[i].1);
            (line_no, end)
        } else {
            containing.unwrap_or((line_no, line_no))
        };
        out.push(Suppression {
            span: comment_span,
            file_level,
            lines,
            codes,
            used: false,
        });
    }
    out
}

/// The own-line comment that suppresses `code` on the line below it.
pub fn comment_for(code: &str) -> String {
    format!("# {MARKER} ignore[{code}]")
}

/// In a line that holds only a `# prodlint: ignore[...]` comment (not
/// `ignore-file`), the offset of the list's `]`: where another code goes.
pub fn own_line_list_end(line: &str) -> Option<usize> {
    let hash = comment_start(line)?;
    if !line[..hash].trim().is_empty() {
        return None;
    }
    let body = line[hash..].trim_start_matches('#').trim_start();
    let list = body
        .strip_prefix(MARKER)?
        .trim_start()
        .strip_prefix("ignore[")?;
    let close = list.find(']')?;
    Some(line.len() - list.len() + close)
}

/// Where a `#` comment that mentions prodlint starts in a line.
fn comment_start(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = line[from..].find('#') {
        let at = from + i;
        let after = line[at..].trim_start_matches('#').trim_start();
        if after.starts_with(MARKER) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Drops suppressed findings and adds PL002/PL005 findings about the
/// suppressions themselves.
pub fn apply(
    file: &SourceFile,
    statements: &[(usize, usize)],
    findings: Vec<Finding>,
    selection: &Selection,
) -> Vec<Finding> {
    let mut meta = Findings::new();
    let mut sups = parse(file, statements, &mut meta);
    // Which suppressions can cover a line: file-level ones cover all.
    let mut by_line: FastMap<usize, Vec<usize>> = FastMap::default();
    let mut file_level = Vec::new();
    for (i, s) in sups.iter().enumerate() {
        if s.file_level {
            file_level.push(i);
            continue;
        }
        let end = s.lines.1.min(s.lines.0 + MAX_COVERED_LINES);
        for line in s.lines.0..=end {
            by_line.entry(line).or_default().push(i);
        }
    }
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        let line = file.lines.line_of(f.span.start);
        let candidates = by_line.get(&line).map_or(&[][..], Vec::as_slice);
        let suppressed = candidates
            .iter()
            .chain(&file_level)
            .any(|i| sups[*i].covers(&f, line));
        if !suppressed {
            kept.push(f);
        }
    }
    for s in &sups {
        if s.codes.is_empty() {
            if !s.used && !s.file_level {
                meta.report(
                    &UnusedSuppression::META,
                    s.span,
                    "this suppression matches no finding",
                );
            }
            continue;
        }
        for c in &s.codes {
            if let Some(rule) = c.rule
                && !c.used
                && selection.is_enabled(rule.code)
            {
                meta.report(
                    &UnusedSuppression::META,
                    c.span,
                    format!("`{}` is suppressed here but reports nothing", c.text),
                );
            }
        }
    }
    // Findings about suppressions obey file-level suppressions too.
    let file_wide: FastSet<&str> = file_level
        .iter()
        .flat_map(|i| sups[*i].codes.iter().filter_map(|c| c.rule.map(|r| r.code)))
        .collect();
    for f in meta.into_vec() {
        if !file_wide.contains(f.code()) && selection.is_enabled(f.code()) {
            kept.push(f);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::{comment_for, own_line_list_end};

    #[test]
    fn finds_the_code_list_of_an_own_line_suppression() {
        let line = "  # prodlint: ignore[DF001] reason\n";
        assert_eq!(own_line_list_end(line), line.find(']'));
        assert_eq!(own_line_list_end(&comment_for("EN001")), Some(24));
        assert_eq!(own_line_list_end("RUN x # prodlint: ignore[DF001]\n"), None);
        assert_eq!(own_line_list_end("# prodlint: ignore-file[DF001]\n"), None);
    }
}
