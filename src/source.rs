//! Source text with a line index, and spans that locate findings in it.

use std::path::Path;

/// A half-open byte range into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A 1-based line and column; columns count Unicode code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Start and end positions of a span; `end` is exclusive (the column just
/// after the last character), as SARIF expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Region {
    pub start: Position,
    pub end: Position,
}

/// Byte offsets at which each line starts: found when first asked for
/// (most files a run reads report nothing and never need them).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: std::sync::OnceLock<Starts>,
    /// The text the starts are found in, until they are.
    text: Option<SharedText>,
}

/// Line starts, four bytes each when the text is under 4 GiB (always,
/// but for a raised `max-file-size`): the index of every file with a
/// finding is held until the report, one entry per line.
#[derive(Debug, Clone)]
enum Starts {
    Narrow(Box<[u32]>),
    Wide(Box<[usize]>),
}

impl Starts {
    fn len(&self) -> usize {
        match self {
            Starts::Narrow(s) => s.len(),
            Starts::Wide(s) => s.len(),
        }
    }

    fn get(&self, line: usize) -> Option<usize> {
        match self {
            Starts::Narrow(s) => s.get(line).map(|&o| o as usize),
            Starts::Wide(s) => s.get(line).copied(),
        }
    }

    /// The last line starting at or before `offset` (0 when none does).
    fn line_of(&self, offset: usize) -> usize {
        let after = match self {
            Starts::Narrow(s) => match u32::try_from(offset) {
                Ok(o) => s.partition_point(|&x| x <= o),
                Err(_) => s.len(),
            },
            Starts::Wide(s) => s.partition_point(|&x| x <= offset),
        };
        after.saturating_sub(1)
    }

    #[cfg(test)]
    fn to_vec(&self) -> Vec<usize> {
        (0..self.len()).filter_map(|i| self.get(i)).collect()
    }
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        Self {
            starts: std::sync::OnceLock::from(line_starts(text)),
            text: None,
        }
    }

    /// The index of a shared text, built on first use.
    pub fn lazy(text: SharedText) -> Self {
        Self {
            starts: std::sync::OnceLock::new(),
            text: Some(text),
        }
    }

    fn starts(&self) -> &Starts {
        self.starts
            .get_or_init(|| line_starts(self.text.as_deref().unwrap_or("")))
    }

    pub fn line_count(&self) -> usize {
        self.starts().len()
    }

    /// Byte offset where a 0-based line starts (the text length past the end).
    pub fn line_start(&self, line: usize, text: &str) -> usize {
        self.starts().get(line).unwrap_or(text.len())
    }

    /// 0-based line number that holds the byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts().line_of(offset)
    }

    /// Byte range of a 0-based line, without its line terminator.
    pub fn line_span(&self, line: usize, text: &str) -> Span {
        let start = self.starts().get(line).unwrap_or(text.len());
        let mut end = self.starts().get(line + 1).unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.starts().get(line).unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

/// Where each line starts: 0, then after every line terminator.
fn line_starts(text: &str) -> Starts {
    starts_of(text, u32::try_from(text.len()).is_ok())
}

/// [`line_starts`], four bytes each if `narrow` (the text must then be
/// under 4 GiB).
fn starts_of(text: &str, narrow: bool) -> Starts {
    if narrow {
        // Under 4 GiB (the caller's check): every offset fits.
        Starts::Narrow(collect_starts(text, |i| i as u32))
    } else {
        Starts::Wide(collect_starts(text, |i| i))
    }
}

/// Every line start of `text`, each as `store` keeps it.
fn collect_starts<T>(text: &str, store: impl Fn(usize) -> T) -> Box<[T]> {
    let bytes = text.as_bytes();
    // Room for lines of some 40 bytes: most files then never regrow.
    let mut starts = Vec::with_capacity(text.len() / 40 + 1);
    starts.push(store(0));
    // Most files end their lines with LF alone: one search for a CR
    // lets them use the one-byte search, which is much faster per line.
    if memchr::memchr(b'\r', bytes).is_none() {
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| store(i + 1)));
    } else {
        starts.extend(memchr_newlines(bytes).map(&store));
    }
    starts.into_boxed_slice()
}

/// Where lines start after the first: after every LF, CRLF and lone CR,
/// as YAML, Python and the editors count lines.
fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(|i| {
        let crlf = bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n');
        (!crlf).then_some(i + 1)
    })
}

/// `str::lines`, each newline found with the memchr crate's vector
/// search (core's finds them a machine word at a time, with a call per
/// line): split after every `\n`, a `\r` before it dropped, no empty
/// line after a final `\n`; a `\r` ending the text stays, as there.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(Some)
        .chain(std::iter::once(None))
        .filter_map(move |end| {
            let start = from;
            match end {
                Some(end) => {
                    from = end + 1;
                    let line = text.get(start..end).unwrap_or_default();
                    Some(line.strip_suffix('\r').unwrap_or(line))
                }
                None if start < text.len() => {
                    from = text.len();
                    text.get(start..)
                }
                None => None,
            }
        })
}

/// `str::trim_start`, with the ASCII blanks that start most lines
/// skipped a byte at a time (std decodes every character and asks
/// Unicode); past them a non-ASCII character is left to std.
pub fn trim_start(line: &str) -> &str {
    let blanks = line
        .bytes()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
        .count();
    let rest = line.get(blanks..).unwrap_or_default();
    if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) {
        rest.trim_start()
    } else {
        rest
    }
}

/// The line ending a file uses (its first one; LF when it has none), for
/// text that fixes insert.
pub fn line_ending(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    match memchr::memchr2(b'\n', b'\r', bytes) {
        Some(i) if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') => "\r\n",
        Some(i) if bytes[i] == b'\r' => "\r",
        _ => "\n",
    }
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A file's text, shared by the project, the lint and the report: the
/// `String` the file was read into moves into the shared allocation as
/// it is (an `Arc<str>` is made by copying every byte, 2 % of a run
/// over the apps).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct SharedText(std::sync::Arc<String>);

impl std::ops::Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        self
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        self
    }
}

impl SharedText {
    /// The empty text, one allocation shared by every holder (the
    /// reports of files without findings keep no text).
    pub fn empty() -> SharedText {
        static EMPTY: std::sync::OnceLock<SharedText> = std::sync::OnceLock::new();
        EMPTY.get_or_init(SharedText::default).clone()
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> Self {
        SharedText(std::sync::Arc::new(text))
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> Self {
        SharedText(std::sync::Arc::new(text.to_string()))
    }
}

impl std::fmt::Debug for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.0.as_str(), f)
    }
}

/// One file as prodlint read it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user sees it (relative to the working directory when possible).
    /// Shared with the walk's candidate and the project's facts (one
    /// copy of each path, held to the report).
    pub path: std::sync::Arc<Path>,
    /// Shared with the project when it read the file first (one copy).
    pub text: SharedText,
    pub lines: LineIndex,
    /// What the file is for (production unless the engine judged otherwise).
    pub purpose: crate::purpose::Purpose,
}

impl SourceFile {
    /// `path` as given: pass the walk's `Arc<Path>` (cloned) to share it.
    pub fn new(path: impl Into<std::sync::Arc<Path>>, text: impl Into<SharedText>) -> Self {
        let text = text.into();
        let lines = LineIndex::lazy(text.clone());
        Self {
            path: path.into(),
            text,
            lines,
            purpose: crate::purpose::Purpose::Production,
        }
    }

    /// The path with forward slashes, as reports print it.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    pub fn region(&self, span: Span) -> Region {
        Region {
            start: self.lines.position(&self.text, span.start),
            end: self.lines.position(&self.text, span.end),
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// Text of a 0-based line without its terminator.
    pub fn line_text(&self, line: usize) -> &str {
        self.slice(self.lines.line_span(line, &self.text))
    }
}

pub fn display_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The bounds of the lines offsets asked in text order fall on (a scan's
/// hits), found from the offsets themselves: each line is searched once
/// for its ends (back to the line before, forward to its terminator), so
/// a file with few hits is not indexed line by line. Lines end as
/// [`LineIndex`] ends them: after an LF, a CRLF or a lone CR.
#[derive(Default)]
pub struct LineCursor {
    /// The last line found: its start and the next line's start.
    last: Option<(usize, usize)>,
}

impl LineCursor {
    /// The line holding `at`: its start and the next line's start.
    pub fn around(&mut self, bytes: &[u8], at: usize) -> (usize, usize) {
        let seen_to = match self.last {
            Some((from, next)) if at >= from && at < next => return (from, next),
            Some((_, next)) if at >= next => next,
            _ => 0,
        };
        // The LF of a CRLF is on the CR's line.
        let crlf_end = at > 0 && bytes.get(at) == Some(&b'\n') && bytes.get(at - 1) == Some(&b'\r');
        let back_to = if crlf_end { at - 1 } else { at };
        let before = bytes.get(seen_to..back_to.max(seen_to)).unwrap_or_default();
        let from = memchr::memrchr2(b'\n', b'\r', before).map_or(seen_to, |i| seen_to + i + 1);
        let after = bytes.get(at..).unwrap_or_default();
        let next = match memchr::memchr2(b'\n', b'\r', after) {
            Some(i) if after.get(i) == Some(&b'\r') && after.get(i + 1) == Some(&b'\n') => {
                at + i + 2
            }
            Some(i) => at + i + 1,
            None => bytes.len(),
        };
        self.last = Some((from, next));
        (from, next)
    }
}

#[cfg(test)]
mod lines_tests {
    /// Every text of up to five pieces drawn from line breaks, blanks and
    /// letters (Unicode blanks among them) splits and trims as std does.
    #[test]
    fn lines_and_trims_as_std_does() {
        let pieces = [
            "\n", "\r", "\r\n", " ", "\t", "\u{b}", "\u{a0}", "\u{85}", "\u{3000}", "a", "é",
        ];
        let texts = crate::test_texts::concatenations(&pieces, 5);
        assert!(texts.len() > 100_000, "{}", texts.len());
        for t in &texts {
            assert!(super::lines(t).eq(t.lines()), "{t:?}");
            assert_eq!(super::trim_start(t), t.trim_start(), "{t:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    /// A hit's line bounds are the line index's at every offset (the
    /// terminators' own included), for LF, CRLF and lone CR endings, at
    /// the first and last line, and for hits in order on one line and on
    /// later lines.
    #[test]
    fn hit_lines_are_the_line_index_lines() {
        let text = "ab\r\ncd\ref\n\ngh";
        let index = super::SourceFile::new(std::path::Path::new("t"), text.to_string());
        let mut lines = super::LineCursor::default();
        for at in 0..text.len() {
            let line = index.lines.line_of(at);
            let want = (
                index.lines.line_start(line, text),
                index.lines.line_start(line + 1, text),
            );
            assert_eq!(lines.around(text.as_bytes(), at), want, "hit at {at}");
        }
        assert_eq!(super::LineCursor::default().around(b"no end", 3), (0, 6));
    }

    use super::*;

    /// A file made from the walk's shared path holds that path, not a
    /// copy; from any other path, a copy of it.
    #[test]
    fn a_shared_path_is_held_not_copied() {
        let walked: std::sync::Arc<Path> = std::sync::Arc::from(Path::new("/r/Dockerfile"));
        let f = SourceFile::new(std::sync::Arc::clone(&walked), "FROM x\n");
        assert!(std::sync::Arc::ptr_eq(&f.path, &walked));
        let g = SourceFile::new(Path::new("/r/Dockerfile"), "FROM x\n");
        assert!(!std::sync::Arc::ptr_eq(&g.path, &walked) && g.path == walked);
    }

    #[test]
    fn positions_count_code_points() {
        let f = SourceFile::new(Path::new("x"), "ab\néé=x\n".to_string());
        let eq = f.text.find('=').unwrap_or(0);
        assert_eq!(
            f.lines.position(&f.text, eq),
            Position { line: 2, column: 3 }
        );
        assert_eq!(
            f.lines.position(&f.text, 0),
            Position { line: 1, column: 1 }
        );
        assert_eq!(f.line_text(1), "éé=x");
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let f = SourceFile::new(Path::new("x"), "a\r\nb".to_string());
        assert_eq!(
            f.lines.position(&f.text, 99),
            Position { line: 2, column: 2 }
        );
        assert_eq!(f.line_text(0), "a");
    }

    #[test]
    fn files_with_and_without_carriage_returns_index_alike() {
        // The LF-only search and the general one agree where both apply.
        for text in ["", "\n", "a", "a\n", "a\nb", "\n\nx\n\n", "é\nü\n"] {
            let general: Vec<usize> = std::iter::once(0)
                .chain(memchr_newlines(text.as_bytes()))
                .collect();
            assert_eq!(LineIndex::new(text).starts().to_vec(), general, "{text:?}");
        }
        // A CR at the very end ends a line too.
        assert_eq!(LineIndex::new("a\r").starts().to_vec(), [0, 2]);
        assert_eq!(LineIndex::new("a\r\n").starts().to_vec(), [0, 3]);
    }

    #[test]
    fn narrow_and_wide_starts_agree() {
        for text in crate::test_texts::concatenations(&["a", "\n", "\r", "é", "bc"], 5) {
            let (narrow, wide) = (starts_of(&text, true), starts_of(&text, false));
            assert!(matches!(narrow, Starts::Narrow(_)) && matches!(wide, Starts::Wide(_)));
            assert_eq!(narrow.to_vec(), wide.to_vec(), "{text:?}");
            for offset in 0..text.len() + 3 {
                assert_eq!(
                    narrow.line_of(offset),
                    wide.line_of(offset),
                    "{text:?} {offset}"
                );
                let starts = wide.to_vec();
                let expected = match starts.binary_search(&offset) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                assert_eq!(wide.line_of(offset), expected, "{text:?} {offset}");
            }
        }
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let f = SourceFile::new(Path::new("x"), "a\rb\r\nc\nd".to_string());
        assert_eq!(f.lines.line_count(), 4);
        assert_eq!(
            (
                f.line_text(0),
                f.line_text(1),
                f.line_text(2),
                f.line_text(3)
            ),
            ("a", "b", "c", "d")
        );
        assert_eq!(line_ending("a\rb"), "\r");
        assert_eq!(line_ending("a\r\nb\n"), "\r\n");
        assert_eq!(line_ending("ab"), "\n");
    }
}
