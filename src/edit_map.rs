//! Where the positions of a text go when fixes edit it.
//!
//! The project's findings in a file (GH004's and GH007's callers, GH013,
//! the cross-file rules) are found once, in the text the run read. When
//! `--fix` rewrites the file, the lint that follows reads the fixed text:
//! those findings are carried into it through the edits that were made,
//! or they would point a line or a column away from what they name.

use crate::diagnostic::{Finding, Related};
use crate::source::Span;

/// The edits of each pass of fixes, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditMap {
    passes: Vec<Pass>,
}

/// One pass's edits, positions in the text that pass started from,
/// sorted and apart, with how far each moves the text after it: a
/// position is moved with one binary search, not a walk over the edits
/// (a file of thousands of fixes and findings stays n log n).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Pass {
    edits: Vec<Replaced>,
    /// `shift[i]`: how far the edits before `edits[i]` move the text.
    shift: Vec<isize>,
}

/// `start..end` of the text before the pass became `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaced {
    pub start: usize,
    pub end: usize,
    pub len: usize,
}

impl EditMap {
    /// Adds a pass: `edits` in any order (they do not overlap).
    pub fn push_pass(&mut self, mut edits: Vec<Replaced>) {
        edits.sort_by_key(|e| (e.start, e.end));
        let mut shift = Vec::with_capacity(edits.len() + 1);
        let mut total: isize = 0;
        shift.push(total);
        for e in &edits {
            total += e.len as isize - e.end.saturating_sub(e.start) as isize;
            shift.push(total);
        }
        self.passes.push(Pass { edits, shift });
    }

    pub fn is_empty(&self) -> bool {
        self.passes.iter().all(|p| p.edits.is_empty())
    }

    /// Where a span of the text before every pass is in the text after
    /// them: its ends move with the text around them; an end inside a
    /// replaced range goes to that range's replacement (the start to its
    /// beginning, the end to its end), and text inserted right at a span
    /// is left outside it.
    pub fn span(&self, span: Span) -> Span {
        let (mut start, mut end) = (span.start, span.end.max(span.start));
        for pass in &self.passes {
            start = moved(pass, start, true);
            end = moved(pass, end, false).max(start);
        }
        Span::new(start, end)
    }

    /// A finding of the text before the fixes, in the text after them.
    /// Its related locations in its own file move too (as the file's own:
    /// the text they were found in is gone); those in other files stay.
    pub fn finding(&self, finding: &Finding, own: &std::path::Path) -> Finding {
        let mut f = finding.clone();
        f.span = self.span(f.span);
        for s in &mut f.secrets {
            *s = self.span(*s);
        }
        let own_key = crate::project::key(own);
        for r in &mut f.related {
            let here = match &r.file {
                None => true,
                Some(e) => crate::project::key(&e.0.path) == own_key,
            };
            if here {
                *r = Related {
                    span: self.span(r.span),
                    message: std::mem::take(&mut r.message),
                    file: None,
                };
            }
        }
        if let Some(fix) = &mut f.fix {
            for e in &mut fix.edits {
                e.span = self.span(e.span);
            }
        }
        f
    }
}

/// `at` through one pass. `start`: an insertion right at `at` goes before
/// it (the text at `at` moves on); otherwise after it.
fn moved(pass: &Pass, at: usize, start: bool) -> usize {
    // The edits wholly before `at` come first (sorted and apart, their
    // ends rise; an insertion at `at` follows a range ending there).
    let before = pass.edits.partition_point(|e| {
        if start {
            e.end <= at
        } else {
            e.end < at || (e.end == at && e.start < e.end)
        }
    });
    let shift = pass.shift.get(before).copied().unwrap_or(0);
    match pass.edits.get(before) {
        // Inside a replaced range: to its replacement's start or end.
        Some(e) if e.start < at => {
            let base = e.start.saturating_add_signed(shift);
            if start { base } else { base + e.len }
        }
        _ => at.saturating_add_signed(shift),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(passes: &[&[(usize, usize, usize)]]) -> EditMap {
        let mut m = EditMap::default();
        for p in passes {
            m.push_pass(
                p.iter()
                    .map(|&(start, end, len)| Replaced { start, end, len })
                    .collect(),
            );
        }
        m
    }

    #[test]
    fn spans_move_with_the_text_around_them() {
        // "aaXXbb" -> "aaYYYbb": XX (2..4) became 3 bytes.
        let m = map(&[&[(2, 4, 3)]]);
        assert_eq!(m.span(Span::new(0, 2)), Span::new(0, 2));
        assert_eq!(m.span(Span::new(4, 6)), Span::new(5, 7));
        // A span over the replaced range covers its replacement.
        assert_eq!(m.span(Span::new(2, 4)), Span::new(2, 5));
        // Ends inside it go to its ends.
        assert_eq!(m.span(Span::new(3, 5)), Span::new(2, 6));
        assert_eq!(m.span(Span::new(1, 3)), Span::new(1, 5));
    }

    #[test]
    fn an_insertion_at_a_span_stays_outside_it() {
        // Four bytes inserted at 3.
        let m = map(&[&[(3, 3, 4)]]);
        assert_eq!(m.span(Span::new(3, 5)), Span::new(7, 9));
        assert_eq!(m.span(Span::new(1, 3)), Span::new(1, 3));
        assert_eq!(m.span(Span::empty(3)), Span::empty(7));
    }

    #[test]
    fn deletions_and_passes_compose() {
        // Pass one deletes 0..2; pass two inserts 5 bytes at 0 (of its text).
        let m = map(&[&[(0, 2, 0)], &[(0, 0, 5)]]);
        assert_eq!(m.span(Span::new(4, 6)), Span::new(7, 9));
        // A span inside the deleted range shrinks to where it was.
        assert_eq!(m.span(Span::new(0, 1)), Span::empty(5));
        assert!(EditMap::default().is_empty());
        assert!(!m.is_empty());
    }

    #[test]
    fn a_pass_of_many_edits_moves_each_position_by_those_before_it() {
        // "ab|cd|ef|gh": 2..4 grows by 3, 4..4 gets 1 inserted (at the end
        // of the first), 6..8 is deleted.
        let m = map(&[&[(6, 8, 0), (2, 4, 5), (4, 4, 1)]]);
        assert_eq!(m.span(Span::new(0, 2)), Span::new(0, 2));
        assert_eq!(m.span(Span::new(4, 6)), Span::new(8, 10));
        assert_eq!(m.span(Span::new(8, 10)), Span::new(10, 12));
        assert_eq!(m.span(Span::new(2, 4)), Span::new(2, 7));
        assert_eq!(m.span(Span::new(7, 9)), Span::new(10, 11));
    }

    #[test]
    fn positions_past_the_edits_never_underflow() {
        let m = map(&[&[(0, 10, 0)]]);
        assert_eq!(m.span(Span::new(10, 12)), Span::new(0, 2));
        assert_eq!(m.span(Span::new(5, 12)), Span::new(0, 2));
    }
}
