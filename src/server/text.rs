//! Editor positions (line, character) against byte offsets, in the
//! encoding the client chose, and edits to an open document.

use crate::source::{LineIndex, Span};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// How the client counts characters in a line. LSP's default is UTF-16
/// code units; clients that offer UTF-8 get byte columns, which cost
/// nothing to convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
        }
    }
}

/// A document's text with its line starts, for conversions both ways.
pub struct Lines<'a> {
    text: &'a str,
    index: LineIndex,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        Self {
            text,
            index: LineIndex::new(text),
            encoding,
        }
    }

    /// The encoding positions are counted in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The byte offset of an editor position. Positions past the end of a
    /// line mean its end, past the last line the end of the text, as the
    /// protocol asks; a position inside a character means its start.
    pub fn offset(&self, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.index.line_count() {
            return self.text.len();
        }
        let span = self.index.line_span(line, self.text);
        let content = &self.text[span.start..span.end];
        let want = pos.character as usize;
        match self.encoding {
            Encoding::Utf8 => {
                let mut at = want.min(content.len());
                while !content.is_char_boundary(at) {
                    at -= 1;
                }
                span.start + at
            }
            Encoding::Utf16 => {
                let mut units = 0;
                for (i, c) in content.char_indices() {
                    if units + c.len_utf16() > want {
                        return span.start + i;
                    }
                    units += c.len_utf16();
                }
                span.end
            }
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line_of(offset);
        let start = self.index.line_start(line, self.text);
        let before = &self.text[start..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(saturate(line), saturate(character))
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        Span::new(start, end)
    }

    /// The line holding `offset`, without its line break.
    pub fn line_at(&self, offset: usize) -> Span {
        let line = self.index.line_of(offset.min(self.text.len()));
        self.index.line_span(line, self.text)
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Applies the changes of one `didChange`, in order: a change with a range
/// replaces that range, one without replaces the whole text.
pub fn apply_changes(
    text: &mut String,
    changes: Vec<TextDocumentContentChangeEvent>,
    encoding: Encoding,
) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let span = Lines::new(text, encoding).span(range);
                text.replace_range(span.start..span.end, &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a\u{e9}\u{1f600}b\nx";
        let lines = Lines::new(text, Encoding::Utf16);
        // a(1) é(1) 😀(2) b
        assert_eq!(
            lines.position(text.find('b').unwrap_or(0)),
            Position::new(0, 4)
        );
        assert_eq!(
            lines.offset(Position::new(0, 4)),
            text.find('b').unwrap_or(0)
        );
        // Inside the surrogate pair: the character's start.
        assert_eq!(lines.offset(Position::new(0, 3)), 3);
        // Past the line's end: the end of the line, not the next line.
        assert_eq!(
            lines.offset(Position::new(0, 99)),
            text.find('\n').unwrap_or(0)
        );
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn utf8_columns_are_bytes() {
        let text = "\u{e9}x\r\ny";
        let lines = Lines::new(text, Encoding::Utf8);
        assert_eq!(lines.position(2), Position::new(0, 2));
        assert_eq!(lines.offset(Position::new(0, 1)), 0);
        assert_eq!(lines.offset(Position::new(0, 9)), 3);
        assert_eq!(lines.position(5), Position::new(1, 0));
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut text = "FROM python\nUSER root\n".to_string();
        let change = |l0, c0, l1, c1, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: t.to_string(),
        };
        apply_changes(
            &mut text,
            vec![
                change(1, 5, 1, 9, "app"),
                change(0, 11, 0, 11, ":3.12-slim"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(text, "FROM python:3.12-slim\nUSER app\n");
    }
}
