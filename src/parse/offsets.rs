//! Maps offsets in a text assembled from pieces of a file (continuation
//! lines joined, comments dropped) back to byte offsets in the file.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    logical: usize,
    source: usize,
    len: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

impl OffsetMap {
    /// A map for text that is one contiguous piece of the file at `source`.
    pub fn contiguous(source: usize, len: usize) -> Self {
        Self {
            segments: vec![Segment {
                logical: 0,
                source,
                len,
            }],
        }
    }

    pub fn push(&mut self, logical: usize, source: usize, len: usize) {
        self.segments.push(Segment {
            logical,
            source,
            len,
        });
    }

    /// Source offset of the character that starts at logical offset `l`.
    pub fn start(&self, l: usize) -> usize {
        let idx = self.segments.partition_point(|s| s.logical + s.len <= l);
        match self.segments.get(idx) {
            Some(s) => s.source + l.saturating_sub(s.logical),
            None => self.segments.last().map_or(l, |s| s.source + s.len),
        }
    }

    /// Source offset just after the character that ends at logical offset `l`.
    pub fn end(&self, l: usize) -> usize {
        let idx = self.segments.partition_point(|s| s.logical + s.len < l);
        match self.segments.get(idx) {
            Some(s) => s.source + l.saturating_sub(s.logical).min(s.len),
            None => self.segments.last().map_or(l, |s| s.source + s.len),
        }
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        if start >= end {
            let at = self.start(start);
            return Span::new(at, at);
        }
        Span::new(self.start(start), self.end(end))
    }

    /// A map for `self`'s text shifted by `by` logical bytes (a sub-slice).
    pub fn slice_from(&self, by: usize) -> OffsetMap {
        let mut out = OffsetMap::default();
        for s in &self.segments {
            let end = s.logical + s.len;
            if end <= by {
                continue;
            }
            let skip = by.saturating_sub(s.logical);
            out.push(s.logical + skip - by, s.source + skip, s.len - skip);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_across_joined_lines() {
        // "RUN a \\\n  b" joined to "RUN a   b"
        let mut m = OffsetMap::default();
        m.push(0, 0, 6);
        m.push(6, 8, 3);
        assert_eq!(m.start(4), 4);
        assert_eq!(m.start(6), 8);
        assert_eq!(m.end(6), 6);
        assert_eq!(m.span(8, 9), Span::new(10, 11));
        let s = m.slice_from(4);
        assert_eq!(s.start(0), 4);
        assert_eq!(s.start(2), 8);
    }
}
