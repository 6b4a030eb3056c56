//! Block YAML of the everyday shape, read straight into the tree
//! builder's events.
//!
//! saphyr reads YAML a character at a time through a token queue: about
//! 150 instructions a byte, half the time of a workflow's whole check.
//! Most files the checker reads (workflows, compose files, manifests)
//! are block mappings and sequences of one-line scalars, literal and
//! folded blocks and short flow lists. This reader takes that shape a
//! line at a time and hands the builder the very events saphyr would
//! (same texts, styles and spans, saphyr's quirks included). Anything
//! else (anchors, tags, flow mappings, multi-line plain or quoted
//! scalars, tabs in the layout, complex keys, anything invalid) gives
//! up ([`Bail`]), and saphyr reads the whole file as before: the subset
//! only ever changes how fast a tree is built, never the tree. The tests
//! hold the two readers to the same events on every sample and on
//! generated and mutated files.

use crate::source::Span;
use saphyr_parser::{Event, ScalarStyle};
use std::borrow::Cow;

/// The text leaves the subset: saphyr reads it.
#[derive(Debug)]
pub struct Bail;

type Step<T> = Result<T, Bail>;

/// Nesting read here; deeper files are saphyr's (and the builder's
/// limit's).
const MAX_DEPTH: usize = 64;

/// YAML bounds an implicit key to 1024 characters.
const MAX_KEY: usize = 1024;

/// Reads `text` into `sink` (which answers false to stop: a limit of the
/// builder). `Err` when the text leaves the subset or the sink stops:
/// the caller then throws away what the sink built.
pub fn read<'a>(text: &'a str, sink: impl FnMut(Event<'a>, Span) -> bool) -> Step<()> {
    if !plain_bytes(text) {
        return Err(Bail);
    }
    Reader {
        text,
        b: text.as_bytes(),
        sink,
        depth: 0,
    }
    .stream()
}

/// No control character but the line feed and the tab, no byte order
/// mark: saphyr reads `\0` as the end, `\r` as a break, and skips marks.
fn plain_bytes(text: &str) -> bool {
    let ok = text
        .bytes()
        .all(|c| (c >= 0x20 && c != 0x7f) || c == b'\n' || c == b'\t');
    ok && (text.is_ascii() || !text.contains('\u{feff}'))
}

/// Where the next token is and its column; the column is `None` at the
/// end of the text or at a document marker (every collection ends).
type Next = (usize, Option<usize>);

/// A mapping key read from a line.
struct Key<'a> {
    text: Cow<'a, str>,
    style: ScalarStyle,
    span: Span,
    /// The `:` after it.
    colon: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Chomp {
    Clip,
    Strip,
    Keep,
}

struct Reader<'a, F> {
    text: &'a str,
    b: &'a [u8],
    sink: F,
    depth: usize,
}

impl<'a, F: FnMut(Event<'a>, Span) -> bool> Reader<'a, F> {
    fn emit(&mut self, ev: Event<'a>, span: Span) -> Step<()> {
        if (self.sink)(ev, span) {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    fn scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle, span: Span) -> Step<()> {
        self.emit(Event::Scalar(text, style, 0, None), span)
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    /// The end of the line holding `i` (its `\n`, or the end of the text).
    fn eol(&self, i: usize) -> usize {
        let rest = self.b.get(i..).unwrap_or(&[]);
        memchr::memchr(b'\n', rest).map_or(self.b.len(), |n| i + n)
    }

    fn column(&self, i: usize) -> usize {
        let head = self.b.get(..i).unwrap_or(&[]);
        i - memchr::memrchr(b'\n', head).map_or(0, |n| n + 1)
    }

    fn slice(&self, from: usize, to: usize) -> Step<&'a str> {
        self.text.get(from..to).ok_or(Bail)
    }

    /// `---` or `...` at the start of a line, alone or before a blank.
    fn document_marker(&self, i: usize) -> bool {
        let three = self.b.get(i..i + 3);
        (three == Some(b"---") || three == Some(b"..."))
            && self.column(i) == 0
            && matches!(self.at(i + 3), None | Some(b' ' | b'\n' | b'\t'))
    }

    /// Skips blanks, line breaks and comments from `i` (just after a
    /// token's line, or at a line's start).
    fn next(&self, mut i: usize) -> Step<Next> {
        loop {
            match self.at(i) {
                None => return Ok((i, None)),
                Some(b' ' | b'\n') => i += 1,
                Some(b'#') => i = self.eol(i),
                Some(b'\t') => return Err(Bail),
                Some(_) if self.document_marker(i) => return Ok((i, None)),
                Some(_) => return Ok((i, Some(self.column(i)))),
            }
        }
    }

    /// What is left of the line from `i` is blanks and perhaps a comment
    /// after a blank: the end of the line.
    fn rest_of_line(&self, mut i: usize) -> Step<usize> {
        let start = i;
        while self.at(i) == Some(b' ') {
            i += 1;
        }
        match self.at(i) {
            None | Some(b'\n') => Ok(i),
            Some(b'#') if i > start => Ok(self.eol(i)),
            _ => Err(Bail),
        }
    }

    /// Where saphyr ends a quoted scalar's or a flow list's span that
    /// ends at `end`: past the blanks after it and the comment they lead
    /// to, if one does (the builder trims the blanks; a comment stays).
    fn comment_end(&self, end: usize) -> usize {
        let mut i = end;
        while self.at(i) == Some(b' ') {
            i += 1;
        }
        if i > end && self.at(i) == Some(b'#') {
            self.eol(i)
        } else {
            end
        }
    }

    /// `-` followed by a blank or a break: a sequence entry.
    fn is_entry(&self, i: usize) -> Step<bool> {
        if self.at(i) != Some(b'-') {
            return Ok(false);
        }
        match self.at(i + 1) {
            None | Some(b' ' | b'\n') => Ok(true),
            Some(b'\t') => Err(Bail),
            Some(_) => Ok(false),
        }
    }

    fn stream(&mut self) -> Step<()> {
        self.emit(Event::StreamStart, Span::empty(0))?;
        let (mut p, _) = self.next(0)?;
        let mut first = true;
        loop {
            let explicit = self.b.get(p..p + 3) == Some(b"---") && self.document_marker(p);
            if p >= self.b.len() {
                if first {
                    return Err(Bail);
                }
                break;
            }
            if explicit {
                self.emit(Event::DocumentStart(true), Span::new(p, p + 3))?;
                let end = self.rest_of_line(p + 3)?;
                p = self.next(end)?.0;
            } else if first {
                self.emit(Event::DocumentStart(false), Span::empty(0))?;
            } else {
                // `...`, or a document that did not end at a marker.
                return Err(Bail);
            }
            let (at, Some(col)) = self.next(p)? else {
                // An empty document.
                return Err(Bail);
            };
            let (after, col_after) = self.node(at, col, None)?;
            if col_after.is_some() {
                return Err(Bail);
            }
            self.emit(Event::DocumentEnd, Span::empty(after))?;
            p = after;
            first = false;
        }
        self.emit(Event::StreamEnd, Span::empty(self.b.len()))
    }

    /// A block node starting at `p`, the first token of its line, at
    /// column `col` (deeper than `parent`, the enclosing collection's).
    fn node(&mut self, p: usize, col: usize, parent: Option<usize>) -> Step<Next> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        let next = if self.is_entry(p)? {
            self.sequence(p, col, false)
        } else if let Some(key) = self.key(p)? {
            self.mapping(p, col, key)
        } else {
            self.value(p, parent)
        };
        self.depth -= 1;
        next
    }

    /// A block mapping whose first key (already read) is at `p`.
    fn mapping(&mut self, p: usize, col: usize, first: Key<'a>) -> Step<Next> {
        self.emit(Event::MappingStart(0, None), Span::empty(p))?;
        let mut key = first;
        loop {
            let colon = key.colon;
            self.scalar(key.text, key.style, key.span)?;
            let (at, next_col) = self.entry_value(colon, col)?;
            match next_col {
                Some(c) if c == col => {}
                Some(c) if c > col => return Err(Bail),
                _ => {
                    self.emit(Event::MappingEnd, Span::empty(at))?;
                    return Ok((at, next_col));
                }
            }
            key = self.key(at)?.ok_or(Bail)?;
        }
    }

    /// The value of the mapping entry whose `:` is at `colon`, in a
    /// mapping at column `col`.
    fn entry_value(&mut self, colon: usize, col: usize) -> Step<Next> {
        let mut v = colon + 1;
        while self.at(v) == Some(b' ') {
            v += 1;
        }
        match self.at(v) {
            None | Some(b'\n' | b'#') => {}
            Some(_) => return self.value(v, Some(col)),
        }
        let (at, next_col) = self.next(self.eol(v))?;
        match next_col {
            Some(c) if c > col => self.node(at, c, Some(col)),
            Some(c) if c == col && self.is_entry(at)? => self.sequence(at, col, true),
            _ => {
                self.scalar(Cow::Borrowed(""), ScalarStyle::Plain, Span::empty(colon))?;
                Ok((at, next_col))
            }
        }
    }

    /// A block sequence whose first `-` is at `p`; `indentless` when it
    /// is a mapping's value at the mapping's own column.
    fn sequence(&mut self, p: usize, col: usize, indentless: bool) -> Step<Next> {
        if !indentless {
            self.emit(Event::SequenceStart(0, None), Span::empty(p))?;
        }
        let mut dash = p;
        let mut first = true;
        loop {
            let mut q = dash + 1;
            while self.at(q) == Some(b' ') {
                q += 1;
            }
            let empty = match self.at(q) {
                None | Some(b'\n') => Some(q),
                Some(b'#') => Some(self.eol(q)),
                Some(_) => None,
            };
            // saphyr starts an indentless sequence at its first entry's
            // content (or at the end of the `-` line when it has none).
            if first && indentless {
                self.emit(
                    Event::SequenceStart(0, None),
                    Span::empty(empty.unwrap_or(q)),
                )?;
            }
            first = false;
            let (at, next_col) = match empty {
                Some(e) => {
                    let (at, next_col) = self.next(e)?;
                    match next_col {
                        Some(c) if c > col => self.node(at, c, Some(col))?,
                        _ => {
                            self.scalar(Cow::Borrowed(""), ScalarStyle::Plain, Span::empty(e))?;
                            (at, next_col)
                        }
                    }
                }
                None => {
                    if self.is_entry(q)? {
                        return Err(Bail);
                    }
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(Bail);
                    }
                    let next = match self.key(q)? {
                        Some(key) => self.mapping(q, col + (q - dash), key)?,
                        None => self.value(q, Some(col))?,
                    };
                    self.depth -= 1;
                    next
                }
            };
            match next_col {
                Some(c) if c == col && self.is_entry(at)? => dash = at,
                Some(c) if c > col || (c == col && !indentless) => return Err(Bail),
                _ => {
                    self.emit(Event::SequenceEnd, Span::empty(at))?;
                    return Ok((at, next_col));
                }
            }
        }
    }

    /// A scalar or a flow list starting at `v` on its line, in a
    /// collection at column `parent` (none at the root).
    fn value(&mut self, v: usize, parent: Option<usize>) -> Step<Next> {
        let Some(parent) = parent else {
            // A document that is a scalar.
            return Err(Bail);
        };
        let end = match self.at(v) {
            Some(b'|' | b'>') => return self.block_scalar(v, parent),
            Some(b'"' | b'\'') => {
                let (text, style, end) = self.quoted(v)?;
                self.scalar(text, style, Span::new(v, self.comment_end(end)))?;
                end
            }
            Some(b'[') => self.flow_sequence(v)?,
            Some(b'{') => {
                if self.at(v + 1) != Some(b'}') {
                    return Err(Bail);
                }
                self.emit(Event::MappingStart(0, None), Span::new(v, v + 1))?;
                let end = self.comment_end(v + 2);
                self.emit(Event::MappingEnd, Span::new(v + 1, end))?;
                v + 2
            }
            _ => {
                let (end, colon) = self.plain(v, false)?;
                if colon.is_some() {
                    return Err(Bail);
                }
                let text = self.slice(v, end)?;
                self.scalar(Cow::Borrowed(text), ScalarStyle::Plain, Span::new(v, end))?;
                end
            }
        };
        let eol = self.rest_of_line(end)?;
        self.next(eol)
    }

    /// A mapping key at `p`, if the line holds one there: a plain or
    /// one-line quoted scalar followed by `:` and a blank or the end of
    /// the line.
    fn key(&self, p: usize) -> Step<Option<Key<'a>>> {
        let first = self.at(p).ok_or(Bail)?;
        if !matches!(first, b'"' | b'\'') && !plain_start(first, self.at(p + 1), false) {
            // A block scalar, a flow list, an anchor…: no key; the value
            // reader takes it or gives up.
            return Ok(None);
        }
        let (text, style, end, colon) = match self.at(p) {
            Some(b'"' | b'\'') => {
                let (text, style, end) = self.quoted(p)?;
                let colon = (self.at(end) == Some(b':')
                    && matches!(self.at(end + 1), None | Some(b' ' | b'\n')))
                .then_some(end);
                (text, style, end, colon)
            }
            _ => {
                let (end, colon) = self.plain(p, true)?;
                (
                    Cow::Borrowed(self.slice(p, end)?),
                    ScalarStyle::Plain,
                    end,
                    colon,
                )
            }
        };
        let Some(colon) = colon else {
            return Ok(None);
        };
        // saphyr measures a key up to its `:`, blanks before it included
        // (in characters: bytes count at least as many).
        if colon - p > MAX_KEY {
            return Err(Bail);
        }
        Ok(Some(Key {
            text,
            style,
            span: Span::new(p, end),
            colon,
        }))
    }

    /// A one-line plain scalar in block context from `p`: where its text
    /// ends (trailing blanks left out) and the `:` that makes it a key,
    /// if one does (`as_key`: the first `:` before a blank or the end;
    /// otherwise any such `:` leaves the subset, a mapping where a value
    /// was expected).
    fn plain(&self, p: usize, as_key: bool) -> Step<(usize, Option<usize>)> {
        let first = self.at(p).ok_or(Bail)?;
        if !plain_start(first, self.at(p + 1), false) {
            return Err(Bail);
        }
        let eol = self.eol(p);
        let mut i = p;
        let mut end = p;
        let mut colon = None;
        while i < eol {
            match self.b[i] {
                b':' if matches!(self.at(i + 1), None | Some(b' ' | b'\n')) => {
                    if !as_key {
                        return Err(Bail);
                    }
                    colon = Some(i);
                    break;
                }
                b'#' if i > p && self.b[i - 1] == b' ' => break,
                b'-' | b'?' | b':' if self.word_start_refused(i) => return Err(Bail),
                b'\t' => return Err(Bail),
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        // A multi-byte character's last byte ends `end` inside it only
        // if the text is not UTF-8; `slice` refuses that.
        Ok((end, colon))
    }

    /// A `-`, `?` or `:` after a blank inside a plain scalar, before a
    /// flow indicator: saphyr refuses it as the start of a plain scalar.
    fn word_start_refused(&self, i: usize) -> bool {
        i > 0
            && self.b[i - 1] == b' '
            && matches!(self.at(i + 1), Some(b',' | b'[' | b']' | b'{' | b'}'))
    }

    /// A one-line quoted scalar at `p`: its text, style and the end after
    /// its closing quote.
    fn quoted(&self, p: usize) -> Step<(Cow<'a, str>, ScalarStyle, usize)> {
        let quote = self.at(p).ok_or(Bail)?;
        let mut i = p + 1;
        let mut owned: Option<String> = None;
        let mut run = i;
        loop {
            let c = self.at(i).ok_or(Bail)?;
            match c {
                b'\n' | b'\t' => return Err(Bail),
                b'\'' if quote == b'\'' => {
                    if self.at(i + 1) == Some(b'\'') {
                        owned
                            .get_or_insert_with(String::new)
                            .push_str(self.slice(run, i + 1)?);
                        i += 2;
                        run = i;
                        continue;
                    }
                    break;
                }
                b'"' if quote == b'"' => break,
                b'\\' if quote == b'"' => {
                    let out = owned.get_or_insert_with(String::new);
                    out.push_str(self.slice(run, i)?);
                    out.push(match self.at(i + 1) {
                        Some(b'\\') => '\\',
                        Some(b'"') => '"',
                        Some(b'/') => '/',
                        Some(b' ') => ' ',
                        Some(b'n') => '\n',
                        Some(b't') => '\t',
                        Some(b'r') => '\r',
                        Some(b'0') => '\0',
                        Some(b'a') => '\x07',
                        Some(b'b') => '\x08',
                        Some(b'e') => '\x1b',
                        Some(b'f') => '\x0c',
                        Some(b'v') => '\x0b',
                        _ => return Err(Bail),
                    });
                    i += 2;
                    run = i;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        let last = self.slice(run, i)?;
        let text = match owned {
            Some(mut s) => {
                s.push_str(last);
                Cow::Owned(s)
            }
            None => Cow::Borrowed(last),
        };
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        Ok((text, style, i + 1))
    }

    /// A one-line flow sequence of scalars at `p`: the end after its `]`.
    fn flow_sequence(&mut self, p: usize) -> Step<usize> {
        self.emit(Event::SequenceStart(0, None), Span::new(p, p + 1))?;
        let mut i = p + 1;
        while self.at(i) == Some(b' ') {
            i += 1;
        }
        if self.at(i) != Some(b']') {
            loop {
                let end = match self.at(i) {
                    Some(b'"' | b'\'') => {
                        let (text, style, end) = self.quoted(i)?;
                        self.scalar(text, style, Span::new(i, end))?;
                        end
                    }
                    Some(c) => {
                        if !plain_start(c, self.at(i + 1), true) {
                            return Err(Bail);
                        }
                        let (end, stop) = self.flow_plain(i)?;
                        let text = self.slice(i, end)?;
                        self.scalar(Cow::Borrowed(text), ScalarStyle::Plain, Span::new(i, end))?;
                        stop
                    }
                    None => return Err(Bail),
                };
                i = end;
                while self.at(i) == Some(b' ') {
                    i += 1;
                }
                match self.at(i) {
                    Some(b']') => break,
                    Some(b',') => {
                        i += 1;
                        while self.at(i) == Some(b' ') {
                            i += 1;
                        }
                        if self.at(i) == Some(b']') {
                            return Err(Bail);
                        }
                    }
                    _ => return Err(Bail),
                }
            }
        }
        let end = self.comment_end(i + 1);
        self.emit(Event::SequenceEnd, Span::new(i, end))?;
        Ok(i + 1)
    }

    /// A plain scalar inside a flow list from `p`: the end of its text
    /// and where the scan stopped (`,` or `]`, after blanks).
    fn flow_plain(&self, p: usize) -> Step<(usize, usize)> {
        let mut i = p;
        let mut end = p;
        loop {
            match self.at(i).ok_or(Bail)? {
                b',' | b']' => return Ok((end, i)),
                b'\n' | b'\t' | b'[' | b'{' | b'}' => return Err(Bail),
                b':' if matches!(self.at(i + 1), None | Some(b' ' | b'\n' | b',' | b']')) => {
                    return Err(Bail);
                }
                b'#' if self.b[i - 1] == b' ' => return Err(Bail),
                b'-' | b'?' | b':' if self.word_start_refused(i) => return Err(Bail),
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
    }

    /// A literal or folded block scalar whose indicator is at `v`, in a
    /// collection at column `parent`.
    fn block_scalar(&mut self, v: usize, parent: usize) -> Step<Next> {
        let literal = self.at(v) == Some(b'|');
        let mut i = v + 1;
        let chomp = match self.at(i) {
            Some(b'-') => Chomp::Strip,
            Some(b'+') => Chomp::Keep,
            _ => Chomp::Clip,
        };
        if chomp != Chomp::Clip {
            i += 1;
        }
        if matches!(self.at(i), Some(b'0'..=b'9' | b'+' | b'-')) {
            return Err(Bail);
        }
        let header_end = self.rest_of_line(i)?;
        if header_end >= self.b.len() {
            return Err(Bail);
        }
        // The block's indentation: its first line's, which has content
        // (leading empty lines are left to saphyr).
        let first_line = header_end + 1;
        let indent = self.spaces(first_line);
        match self.at(first_line + indent) {
            None | Some(b'\n' | b'\t') => return Err(Bail),
            Some(_) => {}
        }
        if indent <= parent {
            return Err(Bail);
        }
        let mut out = String::new();
        let mut pending = 0usize;
        let mut line = first_line;
        let end = loop {
            if line >= self.b.len() {
                break self.b.len();
            }
            let s = self.spaces(line);
            match self.at(line + s) {
                // Blanks to the end of the text, no line break.
                None => return Err(Bail),
                Some(b'\n') => {
                    // An empty line; one with more blanks than the
                    // indentation is content in some readers.
                    if s > indent {
                        return Err(Bail);
                    }
                    pending += 1;
                    line += s + 1;
                    continue;
                }
                Some(b'\t') if s < indent => return Err(Bail),
                Some(_) if s < indent => break line + s,
                Some(_) => {}
            }
            let eol = self.eol(line);
            if eol >= self.b.len() {
                // The last line has no line break.
                return Err(Bail);
            }
            let content = self.slice(line + indent, eol)?;
            if literal {
                for _ in 0..pending {
                    out.push('\n');
                }
                out.push_str(content);
                out.push('\n');
            } else {
                if content.starts_with([' ', '\t']) {
                    // A more-indented line keeps its breaks: saphyr's.
                    return Err(Bail);
                }
                if !out.is_empty() {
                    if pending == 0 {
                        out.push(' ');
                    }
                    for _ in 0..pending {
                        out.push('\n');
                    }
                }
                out.push_str(content);
            }
            pending = 0;
            line = eol + 1;
        };
        match (literal, chomp) {
            (true, Chomp::Strip) => {
                out.pop();
            }
            (true, Chomp::Clip) | (false, Chomp::Strip) => {}
            (false, Chomp::Clip) => out.push('\n'),
            (true, Chomp::Keep) | (false, Chomp::Keep) => {
                if !literal {
                    out.push('\n');
                }
                for _ in 0..pending {
                    out.push('\n');
                }
            }
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.scalar(Cow::Owned(out), style, Span::new(first_line + indent, end))?;
        self.next(end)
    }

    /// Blanks (spaces) at the start of the line beginning at `line`.
    fn spaces(&self, line: usize) -> usize {
        self.b
            .get(line..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&c| c == b' ')
            .count()
    }
}

/// Whether a plain scalar may start with `c` (followed by `next`): not
/// an indicator, and `-`, `?`, `:` only before a character that is not
/// a blank (nor, in a flow list, a flow indicator).
fn plain_start(c: u8, next: Option<u8>, flow: bool) -> bool {
    match c {
        b'-' | b'?' | b':' => match next {
            None | Some(b' ' | b'\n' | b'\t') => false,
            Some(b',' | b'[' | b']' | b'{' | b'}') => !flow,
            Some(_) => true,
        },
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' | b'\t' => false,
        _ => true,
    }
}

#[cfg(test)]
#[path = "yaml_block_tests.rs"]
mod tests;
