//! What the terminal report shows of a file: its text with control
//! characters escaped (an ESC sequence, an OSC title or a lone CR in a
//! scanned file could rewrite the reader's screen or hide findings) and
//! long lines cut to a window around the places findings point at (a 5 MB
//! line is not reprinted for each finding). Offsets into the file map to
//! offsets into the excerpt.

use crate::source::{LineIndex, Span};
use std::borrow::Cow;

/// Lines longer than this (in bytes) are cut around the findings.
const LONG_LINE: usize = 400;
/// How much is kept on each side of a place a finding points at.
const WINDOW: usize = 120;
const ELLIPSIS: &str = "…";

/// A character a terminal would act on rather than print, or that
/// reorders what it prints (bidirectional controls).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn escape(c: char) -> String {
    match c as u32 {
        n @ 0..=0xff => format!("\\x{n:02x}"),
        n => format!("\\u{{{n:x}}}"),
    }
}

/// `s` cut to at most `max` characters, an ellipsis where it was cut: a
/// name or message from the repository may be any length.
pub fn clipped(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((i, _)) => Cow::Owned(format!("{}{ELLIPSIS}", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// Text from a file (a message quoting it, a path) made safe to print.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if is_unsafe(c) {
                    escape(c)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

pub struct Excerpt {
    pub text: String,
    /// `(offset in the file, offset in the excerpt)` where each stretch
    /// starts; a stretch is copied as it is, escaped or cut.
    points: Vec<(usize, usize)>,
}

impl Excerpt {
    /// The excerpt of `text` for findings pointing at `places`.
    pub fn new(text: &str, places: &[Span]) -> Self {
        let lines = LineIndex::new(text);
        let mut marks: Vec<usize> = places.iter().flat_map(|s| [s.start, s.end]).collect();
        marks.sort_unstable();
        let mut ex = Excerpt {
            text: String::with_capacity(text.len().min(1 << 20)),
            points: vec![(0, 0)],
        };
        for line in 0..lines.line_count() {
            let span = lines.line_span(line, text);
            let next = lines.line_start(line + 1, text);
            if span.len() <= LONG_LINE {
                // Most lines: shown whole (no list of windows to make).
                ex.copy(text, span.start, span.end);
            } else {
                for (k, (a, b)) in kept(text, span, &marks).into_iter().enumerate() {
                    if k == 0 && a > span.start {
                        ex.replace(span.start, ELLIPSIS);
                    }
                    ex.copy(text, a, b);
                    if b < span.end {
                        ex.replace(b, ELLIPSIS);
                    }
                }
            }
            // Every terminator (LF, CRLF, a lone CR) becomes LF: what ends
            // a line for the report as for the line index, and no CR
            // reaches the terminal.
            if next > span.end {
                ex.replace(span.end, "\n");
                ex.points.push((next, ex.text.len()));
            }
        }
        ex
    }

    /// Starts a stretch copied as it is at file offset `at`.
    fn verbatim(&mut self, at: usize) {
        self.points.push((at, self.text.len()));
    }

    /// Shows `with` in place of what starts at file offset `at`.
    fn replace(&mut self, at: usize, with: &str) {
        self.points.push((at, self.text.len()));
        self.text.push_str(with);
    }

    /// Copies `text[a..b]`, escaping what a terminal would act on.
    fn copy(&mut self, text: &str, a: usize, b: usize) {
        let Some(part) = text.get(a..b) else { return };
        self.verbatim(a);
        // Plain ASCII with no control character but tabs (most lines):
        // nothing to escape, told from the bytes.
        if part
            .bytes()
            .all(|c| (0x20..0x7f).contains(&c) || c == b'\t')
        {
            self.text.push_str(part);
            return;
        }
        let mut from = 0;
        for (i, c) in part.char_indices().filter(|(_, c)| is_unsafe(*c)) {
            self.text.push_str(&part[from..i]);
            self.replace(a + i, &escape(c));
            from = i + c.len_utf8();
            self.verbatim(a + from);
        }
        self.text.push_str(&part[from..]);
    }

    /// The excerpt offset of a file offset (inside a cut, where the cut is).
    pub fn map(&self, offset: usize) -> usize {
        let i = self
            .points
            .partition_point(|p| p.0 <= offset)
            .saturating_sub(1);
        let Some(&(file, shown)) = self.points.get(i) else {
            return 0;
        };
        let stretch_end = self
            .points
            .get(i + 1)
            .map_or(self.text.len(), |p| p.1.max(shown));
        let mut at = (shown + (offset - file)).min(stretch_end);
        while at > 0 && !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    pub fn span(&self, span: Span) -> Span {
        let start = self.map(span.start);
        Span::new(start, self.map(span.end).max(start))
    }
}

/// The byte ranges of a long line to show (a short one is shown whole,
/// by the caller): a window around each place in it, merged where they
/// touch.
fn kept(text: &str, line: Span, marks: &[usize]) -> Vec<(usize, usize)> {
    let from = marks.partition_point(|m| *m < line.start);
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &m in marks[from..].iter().take_while(|m| **m <= line.end) {
        let a = floor(text, m.saturating_sub(WINDOW).max(line.start));
        let b = ceil(text, (m + WINDOW).min(line.end));
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    if out.is_empty() {
        out.push((line.start, ceil(text, line.start + WINDOW)));
    }
    out
}

fn floor(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cut at a character, not a byte; nothing added when nothing is cut.
    #[test]
    fn clipped_cuts_at_characters() {
        assert_eq!(clipped("héllo", 2), "hé…");
        assert!(matches!(clipped("hé", 2), Cow::Borrowed("hé")));
        assert_eq!(clipped("", 0), "");
    }

    #[test]
    fn control_characters_are_escaped_and_offsets_follow() {
        let text = "a\x1b]0;t\x07b=1\nc\rd\n";
        let ex = Excerpt::new(text, &[]);
        assert_eq!(ex.text, "a\\x1b]0;t\\x07b=1\nc\nd\n");
        let b = text.find('b').unwrap_or(0);
        assert_eq!(&ex.text[ex.map(b)..ex.map(b) + 3], "b=1");
        let d = text.find('d').unwrap_or(0);
        assert_eq!(&ex.text[ex.map(d)..ex.map(d) + 1], "d");
        assert_eq!(terminal_safe("x\u{202e}y"), "x\\u{202e}y");
    }

    #[test]
    fn long_lines_show_a_window_around_the_finding() {
        let text = format!("{}SECRET{}\nnext\n", "x".repeat(5000), "y".repeat(5000));
        let at = 5000;
        let ex = Excerpt::new(&text, &[Span::new(at, at + 6)]);
        assert!(ex.text.len() < 400, "{}", ex.text.len());
        let s = ex.span(Span::new(at, at + 6));
        assert_eq!(&ex.text[s.start..s.end], "SECRET");
        assert!(ex.text.starts_with(ELLIPSIS) && ex.text.ends_with("…\nnext\n"));
    }
}
