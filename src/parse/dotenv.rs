//! `.env` files: a line lexer with spans for keys, values and comments,
//! following python-dotenv and docker compose: `KEY=value`, `export KEY=`,
//! single- and double-quoted values (double-quoted ones may span lines and
//! hold escapes), inline comments after unquoted values, `${VAR}` and
//! `${VAR:-default}`, CRLF and a UTF-8 byte order mark.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
}

/// A `${...}` in a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitution {
    pub span: Span,
    pub name: String,
    /// Well formed: a closing brace and a valid variable name.
    pub valid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 0-based line where the entry starts.
    pub line: usize,
    /// The whole entry, from `export`/key to the end of its value (or comment).
    pub span: Span,
    /// The line(s) the entry occupies, terminators excluded.
    pub line_span: Span,
    pub export: Option<Span>,
    pub key: String,
    pub key_span: Span,
    pub eq_span: Span,
    /// Blanks between the key and `=`, and between `=` and the value.
    pub space_before_eq: Option<Span>,
    pub space_after_eq: Option<Span>,
    /// The value after quote removal and escapes.
    pub value: String,
    /// The value as written, quotes included (empty at the end of `KEY=`).
    pub value_span: Span,
    pub quote: Quote,
    /// A quoted value with no closing quote.
    pub unterminated: bool,
    pub comment: Option<Span>,
    pub substitutions: Vec<Substitution>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Blank,
    Comment(Span),
    /// Index into `EnvFile::entries`.
    Entry(usize),
    /// A non-blank, non-comment line without `=`.
    Invalid(Span),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFile {
    pub entries: Vec<Entry>,
    /// One item per statement (a multi-line value is one line here).
    pub lines: Vec<Line>,
    /// Blanks at the end of a physical line (spaces or tabs before the terminator).
    pub trailing_whitespace: Vec<Span>,
    /// The file is not empty and does not end with a line terminator.
    pub missing_final_newline: bool,
}

/// What an env file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// `.env.example`, `.env.sample`, `.env.template`, `.env.dist`:
    /// documents the keys; empty or placeholder values are expected.
    Template,
    /// `prod`, `production` or `prd` in the name, or `ENVIRONMENT=production` inside.
    Production,
    Other,
}

const TEMPLATE_MARKERS: &[&str] = &["example", "sample", "template", "dist", "tmpl", "defaults"];
const PRODUCTION_MARKERS: &[&str] = &["prod", "production", "prd"];
const ENVIRONMENT_KEYS: &[&str] = &["ENVIRONMENT", "APP_ENV", "ENV", "APP_ENVIRONMENT"];

/// `.env.example`, `env.sample`, `example.env`, `.env.template`…: a name
/// that says the file documents keys rather than setting them.
pub fn is_template_name(file_name: &str) -> bool {
    file_name
        .to_ascii_lowercase()
        .split(['.', '_', '-'])
        .any(|p| TEMPLATE_MARKERS.contains(&p))
}

impl EnvFile {
    /// The last entry with exactly this key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    /// Entries whose key is `name` or ends with `_name`: the
    /// pydantic-settings `env_prefix` convention (`APP_DEBUG` for `DEBUG`).
    pub fn by_suffix<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| {
            let k = e.key.to_ascii_uppercase();
            k == name || k.strip_suffix(name).is_some_and(|p| p.ends_with('_'))
        })
    }

    /// What the file at `file_name` is for.
    pub fn environment(&self, file_name: &str) -> Environment {
        let lower = file_name.to_ascii_lowercase();
        let parts: Vec<&str> = lower
            .split(['.', '_', '-'])
            .filter(|p| !p.is_empty())
            .collect();
        if is_template_name(file_name) {
            return Environment::Template;
        }
        if parts.iter().any(|p| PRODUCTION_MARKERS.contains(p)) {
            return Environment::Production;
        }
        let declared = ENVIRONMENT_KEYS
            .iter()
            .flat_map(|k| self.by_suffix(k))
            .any(|e| matches!(e.value.to_ascii_lowercase().as_str(), "production" | "prod"));
        if declared {
            Environment::Production
        } else {
            Environment::Other
        }
    }
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some('\n')) || self.text[self.pos..].starts_with("\r\n")
    }

    fn skip_blanks(&mut self) -> Option<Span> {
        let start = self.pos;
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        (self.pos > start).then(|| Span::new(start, self.pos))
    }

    /// To the end of the physical line (not past the terminator).
    fn line_end(&self) -> usize {
        self.text[self.pos..]
            .find('\n')
            .map_or(self.text.len(), |i| {
                let end = self.pos + i;
                if end > 0 && self.text.as_bytes()[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                }
            })
    }

    fn next_line(&mut self) {
        self.pos = self.text[self.pos..]
            .find('\n')
            .map_or(self.text.len(), |i| self.pos + i + 1);
    }
}

pub fn parse(text: &str) -> EnvFile {
    let mut out = EnvFile::default();
    let mut cur = Cursor { text, pos: 0 };
    if text.starts_with('\u{feff}') {
        cur.pos = '\u{feff}'.len_utf8();
    }
    out.missing_final_newline = !text.is_empty() && !text.ends_with(['\n', '\r']);
    let mut line_no = 0;
    let mut counted_to = 0;
    while cur.pos < text.len() {
        let line_start = cur.pos;
        line_no += text[counted_to..line_start].matches('\n').count();
        counted_to = line_start;
        cur.skip_blanks();
        if cur.at_line_end() {
            out.lines.push(Line::Blank);
        } else if cur.peek() == Some('#') {
            out.lines
                .push(Line::Comment(Span::new(cur.pos, cur.line_end())));
        } else if let Some(entry) = entry(&mut cur, line_start, line_no) {
            out.lines.push(Line::Entry(out.entries.len()));
            out.entries.push(entry);
        } else {
            out.lines
                .push(Line::Invalid(Span::new(cur.pos, cur.line_end())));
        }
        // Blanks before the terminator of the statement's last line.
        let end = cur.line_end();
        let last_line_start = text[line_start..end]
            .rfind('\n')
            .map_or(line_start, |i| line_start + i + 1);
        let kept = text[last_line_start..end]
            .trim_end_matches([' ', '\t'])
            .len();
        if last_line_start + kept < end {
            out.trailing_whitespace
                .push(Span::new(last_line_start + kept, end));
        }
        cur.next_line();
    }
    out
}

fn is_key_char(c: char) -> bool {
    !c.is_whitespace() && c != '=' && c != '#'
}

fn entry(cur: &mut Cursor<'_>, line_start: usize, line_no: usize) -> Option<Entry> {
    let start = cur.pos;
    let line_end = cur.line_end();
    if !cur.text[start..line_end].contains('=') {
        return None;
    }
    let mut export = None;
    if cur.text[cur.pos..].starts_with("export ") || cur.text[cur.pos..].starts_with("export\t") {
        export = Some(Span::new(cur.pos, cur.pos + 6));
        cur.pos += 6;
        cur.skip_blanks();
    }
    let key_start = cur.pos;
    while cur.peek().is_some_and(is_key_char) {
        cur.bump();
    }
    let key_span = Span::new(key_start, cur.pos);
    let space_before_eq = cur.skip_blanks();
    if cur.peek() != Some('=') {
        cur.pos = start;
        return None;
    }
    let eq_span = Span::new(cur.pos, cur.pos + 1);
    cur.pos += 1;
    let space_after_eq = if cur.at_line_end() {
        None
    } else {
        cur.skip_blanks()
    };
    let value_start = cur.pos;
    let (value, quote, unterminated) = match cur.peek() {
        Some('"') => quoted(cur, '"'),
        Some('\'') => quoted(cur, '\''),
        _ => {
            // Unquoted: up to ` #` or the end of the line, trailing blanks dropped.
            let end = cur.line_end();
            let raw = &cur.text[cur.pos..end];
            let cut = raw
                .char_indices()
                .find(|(i, c)| *c == '#' && *i > 0 && raw[..*i].ends_with([' ', '\t']))
                .map_or(raw.len(), |(i, _)| i);
            let value = raw[..cut].trim_end_matches([' ', '\t']);
            cur.pos += value.len();
            (value.to_string(), Quote::None, false)
        }
    };
    let value_span = Span::new(value_start, cur.pos);
    let substitutions = if quote == Quote::Single {
        Vec::new()
    } else {
        substitutions(cur.text, value_span)
    };
    cur.skip_blanks();
    let comment = (cur.peek() == Some('#')).then(|| Span::new(cur.pos, cur.line_end()));
    let end = comment.map_or(cur.pos, |c| c.end).max(value_span.end);
    // Leave the cursor on the statement's last physical line.
    let stmt_end_line = cur.line_end();
    cur.pos = end.min(stmt_end_line);
    Some(Entry {
        line: line_no,
        span: Span::new(export.map_or(key_start, |e| e.start), end),
        line_span: Span::new(line_start, stmt_end_line),
        export,
        key: cur.text[key_span.start..key_span.end].to_string(),
        key_span,
        eq_span,
        space_before_eq,
        space_after_eq,
        value,
        value_span,
        quote,
        unterminated,
        comment,
        substitutions,
    })
}

/// A quoted value; double quotes may span lines and hold escapes.
fn quoted(cur: &mut Cursor<'_>, q: char) -> (String, Quote, bool) {
    cur.bump();
    let mut value = String::new();
    let kind = if q == '"' {
        Quote::Double
    } else {
        Quote::Single
    };
    loop {
        let Some(c) = cur.bump() else {
            return (value, kind, true);
        };
        if c == q {
            return (value, kind, false);
        }
        if c == '\\' && q == '"' {
            match cur.bump() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('r') => value.push('\r'),
                Some(e) => value.push(e),
                None => return (value, kind, true),
            }
            continue;
        }
        if c == '\\' && q == '\'' && cur.peek() == Some('\'') {
            cur.bump();
            value.push('\'');
            continue;
        }
        value.push(c);
    }
}

fn substitutions(text: &str, span: Span) -> Vec<Substitution> {
    let raw = &text[span.start..span.end];
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = raw[from..].find("${") {
        let start = from + i;
        if start > 0 && raw.as_bytes()[start - 1] == b'\\' {
            from = start + 2;
            continue;
        }
        let body_start = start + 2;
        let close = raw[body_start..].find('}').map(|c| body_start + c);
        let end = close.map_or(raw.len(), |c| c + 1);
        let body = &raw[body_start..close.unwrap_or(raw.len())];
        let name_len = body.find([':', '-', '?', '+']).unwrap_or(body.len());
        let name = &body[..name_len];
        let name_ok = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let op_ok = matches!(&body[name_len..], "")
            || ["-", ":-", "?", ":?", "+", ":+"]
                .iter()
                .any(|op| body[name_len..].starts_with(op));
        out.push(Substitution {
            span: Span::new(span.start + start, span.start + end),
            name: name.to_string(),
            valid: close.is_some() && name_ok && op_ok,
        });
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, s: Span) -> &str {
        &text[s.start..s.end]
    }

    #[test]
    fn the_usual_forms() {
        let text = "\u{feff}# settings\nexport DEBUG=false\nSECRET_KEY = 'abc def'\nURL=\"postgres://u@h/db\" # prod\nEMPTY=\nNAME=hello world # comment\r\n";
        let f = parse(text);
        assert_eq!(f.entries.len(), 5);
        assert!(f.entries[0].export.is_some());
        assert_eq!(f.entries[1].value, "abc def");
        assert!(f.entries[1].space_before_eq.is_some() && f.entries[1].space_after_eq.is_some());
        assert_eq!(f.entries[2].quote, Quote::Double);
        assert_eq!(f.entries[2].comment.map(|c| slice(text, c)), Some("# prod"));
        assert_eq!(f.entries[3].value, "");
        assert_eq!(f.entries[4].value, "hello world");
        assert_eq!(slice(text, f.entries[4].value_span), "hello world");
        assert!(!f.missing_final_newline);
    }

    #[test]
    fn multiline_double_quotes_and_escapes() {
        let text = "KEY=\"line1\nline2 \\\"q\\\"\"\nNEXT=1";
        let f = parse(text);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[0].value, "line1\nline2 \"q\"");
        assert_eq!(f.entries[1].line, 2);
        assert!(f.missing_final_newline);
    }

    #[test]
    fn unterminated_and_invalid_lines() {
        let f = parse("A=\"open\nB=1\njust words\n");
        assert!(f.entries[0].unterminated);
        let f = parse("just words\nA=1\n");
        assert!(matches!(f.lines[0], Line::Invalid(_)));
    }

    #[test]
    fn substitutions_are_checked() {
        let f = parse("A=${HOME}/x ${B:-d} ${} ${C\nD='${not}'\n");
        let s = &f.entries[0].substitutions;
        assert_eq!(
            s.iter().map(|x| x.valid).collect::<Vec<_>>(),
            vec![true, true, false, false]
        );
        assert!(f.entries[1].substitutions.is_empty());
    }

    #[test]
    fn environments_from_name_and_content() {
        let empty = parse("");
        assert_eq!(empty.environment(".env.example"), Environment::Template);
        assert_eq!(
            empty.environment(".env.production"),
            Environment::Production
        );
        assert_eq!(empty.environment("prod.env"), Environment::Production);
        assert_eq!(empty.environment(".env"), Environment::Other);
        assert_eq!(
            parse("APP_ENV=production\n").environment(".env"),
            Environment::Production
        );
        let f = parse("APP_DEBUG=1\nDEBUGGER=x\n");
        assert_eq!(f.by_suffix("DEBUG").count(), 1);
    }

    #[test]
    fn trailing_whitespace_is_located() {
        let text = "A=1  \nB=2\t\n";
        let f = parse(text);
        assert_eq!(
            f.trailing_whitespace,
            vec![Span::new(3, 5), Span::new(9, 10)]
        );
    }
}
