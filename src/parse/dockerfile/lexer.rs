//! Physical lines to logical instructions, following BuildKit: parser
//! directives at the top, escape-character line continuations (with blank
//! and comment lines inside them skipped), and heredoc bodies.

use crate::parse::offsets::OffsetMap;
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from the body.
    pub strip_tabs: bool,
    /// A quoted delimiter: no expansion happens in the body.
    pub quoted: bool,
    /// The `<<EOF` marker in the instruction line.
    pub marker_span: Span,
    pub body: String,
    pub body_span: Span,
    pub terminated: bool,
}

/// One instruction with its continuation lines joined.
#[derive(Debug, Clone, Default)]
pub struct RawInstruction {
    pub text: String,
    pub map: OffsetMap,
    /// From the first character of the keyword to the end of the last line.
    pub span: Span,
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Default)]
pub struct Lexed {
    pub escape: char,
    pub directives: Vec<Directive>,
    pub comments: Vec<Span>,
    pub instructions: Vec<RawInstruction>,
    pub errors: Vec<(Span, String)>,
}

const KNOWN_DIRECTIVES: &[&str] = &["syntax", "escape", "check"];
const HEREDOC_KEYWORDS: &[&str] = &["RUN", "COPY", "ADD"];

struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    /// The next physical line: (start offset, content without terminator).
    fn next_line(&mut self) -> Option<(usize, &'a str)> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        // A byte search: `\n` is one byte in UTF-8, and `str::find` with a
        // `char` costs several times more per line.
        let (line, advance) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((start, line.strip_suffix('\r').unwrap_or(line)))
    }

    fn peek_line(&self) -> Option<(usize, &'a str)> {
        let mut copy = Lines {
            text: self.text,
            pos: self.pos,
        };
        copy.next_line()
    }
}

/// Yields instructions one at a time, so that a huge file is never held
/// as a list of raw instructions. Directives are read when it is created.
pub struct Lexer<'a> {
    lines: Lines<'a>,
    pub escape: char,
    pub directives: Vec<Directive>,
    pub comments: Vec<Span>,
    pub errors: Vec<(Span, String)>,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut lx = Lexer {
            lines: Lines { text, pos: 0 },
            escape: '\\',
            directives: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
        };
        // A UTF-8 byte order mark is not part of the first line.
        if text.starts_with('\u{feff}') {
            lx.lines.pos = '\u{feff}'.len_utf8();
        }
        lx.read_directives();
        lx
    }

    fn read_directives(&mut self) {
        while let Some((start, line)) = self.lines.peek_line() {
            let trimmed = line.trim_start();
            let lead = line.len() - trimmed.len();
            let Some(d) = directive(trimmed, start + lead) else {
                return;
            };
            self.lines.next_line();
            if d.name == "escape" {
                match d.value.as_str() {
                    "\\" | "`" => self.escape = d.value.chars().next().unwrap_or('\\'),
                    _ => self.errors.push((
                        d.span,
                        format!(
                            "invalid escape character `{}`: use `\\` or a backtick",
                            d.value
                        ),
                    )),
                }
            }
            if self.directives.iter().any(|x| x.name == d.name) {
                self.errors
                    .push((d.span, format!("the `{}` directive is given twice", d.name)));
            }
            self.directives.push(d);
        }
    }

    /// The next instruction, skipping blank and comment lines.
    pub fn next_instruction(&mut self) -> Option<RawInstruction> {
        while let Some((start, line)) = self.lines.next_line() {
            let trimmed = line.trim_start();
            let lead = line.len() - trimmed.len();
            if trimmed.is_empty() {
                continue;
            }
            if trimmed.starts_with('#') {
                self.comments
                    .push(Span::new(start + lead, start + line.len()));
                continue;
            }
            let mut raw = instruction(
                &mut self.lines,
                start + lead,
                trimmed,
                self.escape,
                &mut self.comments,
            );
            let keyword = raw.text.split_whitespace().next().unwrap_or("");
            if HEREDOC_KEYWORDS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(keyword))
            {
                read_heredocs(&mut self.lines, &mut raw, &mut self.errors);
            }
            return Some(raw);
        }
        None
    }
}

/// Lexes a whole file at once (tests and tools; the parser streams).
pub fn lex(text: &str) -> Lexed {
    let mut lx = Lexer::new(text);
    let mut instructions = Vec::new();
    while let Some(raw) = lx.next_instruction() {
        instructions.push(raw);
    }
    Lexed {
        escape: lx.escape,
        directives: lx.directives,
        comments: lx.comments,
        instructions,
        errors: lx.errors,
    }
}

/// `# name=value` at the top of the file.
fn directive(trimmed: &str, at: usize) -> Option<Directive> {
    let body = trimmed.strip_prefix('#')?;
    let (name, value) = body.split_once('=')?;
    let name = name.trim().to_ascii_lowercase();
    if !KNOWN_DIRECTIVES.contains(&name.as_str()) {
        return None;
    }
    Some(Directive {
        name,
        value: value.trim().to_string(),
        span: Span::new(at, at + trimmed.len()),
    })
}

/// Strips a continuation escape (and the blanks after it) from the end of a line.
fn continued(line: &str, escape: char) -> Option<&str> {
    let t = line.trim_end_matches([' ', '\t']);
    t.strip_suffix(escape)
}

fn instruction(
    lines: &mut Lines<'_>,
    start: usize,
    first: &str,
    escape: char,
    comments: &mut Vec<Span>,
) -> RawInstruction {
    let mut raw = RawInstruction::default();
    let mut end = start + first.trim_end().len();
    let mut piece = (start, first);
    loop {
        let (at, line) = piece;
        match continued(line, escape) {
            Some(body) => {
                raw.map.push(raw.text.len(), at, body.len());
                raw.text.push_str(body);
                end = at + line.trim_end().len();
                // Blank and comment lines inside a continuation are dropped.
                let next = loop {
                    match lines.next_line() {
                        None => break None,
                        Some((s, l)) => {
                            let t = l.trim_start();
                            if t.is_empty() {
                                continue;
                            }
                            if t.starts_with('#') {
                                let lead = l.len() - t.len();
                                comments.push(Span::new(s + lead, s + l.len()));
                                continue;
                            }
                            break Some((s, l));
                        }
                    }
                };
                match next {
                    Some(n) => piece = n,
                    None => break,
                }
            }
            None => {
                let body = line.trim_end();
                raw.map.push(raw.text.len(), at, body.len());
                raw.text.push_str(body);
                if !body.is_empty() {
                    end = at + body.len();
                }
                break;
            }
        }
    }
    raw.span = Span::new(start, end.max(start));
    raw
}

/// Heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`) in an instruction line,
/// outside quotes: (logical start, logical end, delimiter, strip, quoted).
pub fn heredoc_markers(text: &str) -> Vec<(usize, usize, String, bool, bool)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Most instructions have no `<<` at all: one vector search answers.
    if memchr::memmem::find(bytes, b"<<").is_none() {
        return out;
    }
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == q {
                quote = None;
            } else if b == b'\\' && q == b'"' {
                i += 1;
            }
            i += 1;
            continue;
        }
        match b {
            b'\'' | b'"' => quote = Some(b),
            b'\\' => i += 1,
            b'<' if bytes.get(i + 1) == Some(&b'<')
                && bytes.get(i + 2) != Some(&b'<')
                && (i == 0 || bytes[i - 1] != b'<') =>
            {
                let start = i;
                let mut j = i + 2;
                let strip = bytes.get(j) == Some(&b'-');
                if strip {
                    j += 1;
                }
                let q = match bytes.get(j) {
                    Some(&c @ (b'\'' | b'"')) => {
                        j += 1;
                        Some(c)
                    }
                    _ => None,
                };
                let word_start = j;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                let word = &text[word_start..j];
                if let Some(q) = q {
                    if bytes.get(j) != Some(&q) {
                        i += 2;
                        continue;
                    }
                    j += 1;
                }
                if !word.is_empty() {
                    out.push((start, j, word.to_string(), strip, q.is_some()));
                    i = j;
                    continue;
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn read_heredocs(
    lines: &mut Lines<'_>,
    raw: &mut RawInstruction,
    errors: &mut Vec<(Span, String)>,
) {
    for (start, end, delimiter, strip_tabs, quoted) in heredoc_markers(&raw.text) {
        let marker_span = raw.map.span(start, end);
        let body_start = lines.pos;
        let mut body = String::new();
        let mut body_end = body_start;
        let mut terminated = false;
        while let Some((at, line)) = lines.peek_line() {
            lines.next_line();
            let cmp = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if cmp == delimiter {
                terminated = true;
                raw.span = raw.span.cover(Span::new(at, at + line.len()));
                break;
            }
            body.push_str(cmp);
            body.push('\n');
            body_end = at + line.len();
        }
        if !terminated {
            errors.push((
                marker_span,
                format!("heredoc `{delimiter}` is never terminated: no line reads `{delimiter}`"),
            ));
            raw.span = raw.span.cover(Span::new(body_end, body_end));
        }
        raw.heredocs.push(Heredoc {
            delimiter,
            strip_tabs,
            quoted,
            marker_span,
            body,
            body_span: Span::new(body_start.min(body_end), body_end),
            terminated,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_skipping_comments_and_blanks() {
        let text = "RUN a \\\n# note\n\n    && b\nCMD x\n";
        let l = lex(text);
        assert_eq!(l.instructions.len(), 2);
        assert_eq!(l.instructions[0].text, "RUN a     && b");
        assert_eq!(l.comments.len(), 1);
        let b = l.instructions[0].text.find('b').unwrap_or(0);
        assert_eq!(
            l.instructions[0].map.start(b),
            text.find("b\n").unwrap_or(0)
        );
    }

    #[test]
    fn escape_directive_switches_the_continuation_character() {
        let text = "# escape=`\nRUN dir c:\\ `\n  /b\n";
        let l = lex(text);
        assert_eq!(l.escape, '`');
        assert_eq!(l.instructions[0].text, "RUN dir c:\\   /b");
    }

    #[test]
    fn directives_only_at_the_top() {
        let l = lex("FROM x\n# escape=`\n");
        assert!(l.directives.is_empty());
        assert_eq!(l.comments.len(), 1);
    }

    #[test]
    fn reads_several_heredocs() {
        let text = "COPY <<A <<-\"B\" /d/\na1\nA\n\tb1\n\tB\nRUN x\n";
        let l = lex(text);
        assert_eq!(l.instructions.len(), 2);
        let h = &l.instructions[0].heredocs;
        assert_eq!(h[0].body, "a1\n");
        assert_eq!(h[1].body, "b1\n");
        assert!(h[1].strip_tabs && h[1].quoted);
    }

    #[test]
    fn unterminated_heredoc_is_an_error() {
        let l = lex("RUN <<EOF\necho\n");
        assert_eq!(l.errors.len(), 1);
    }
}
