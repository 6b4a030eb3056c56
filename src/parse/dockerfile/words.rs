//! Dockerfile-level words: whitespace splitting with quotes and the escape
//! character, `$VAR` substitution, and the JSON exec form.

use crate::hashing::FastMap;
use crate::parse::offsets::OffsetMap;
use crate::parse::shell::Word;
use std::cell::Cell;

/// Build-time variables in scope: `None` for an `ARG` without a value.
pub type Vars = FastMap<String, Option<String>>;

/// How many bytes of variable values one file's substitutions may copy,
/// in all. `ENV A=${A}${A}` doubles `A`; thirty of them in a 500-byte
/// Dockerfile would build gigabytes. Real files copy a few kilobytes.
pub const SUBSTITUTION_BUDGET: usize = 4 << 20;

/// What substitution may still copy in one file. Once a copy does not fit
/// the budget is spent for good: every later value is unknown, so nothing
/// past that point depends on which copies happened to be small.
#[derive(Debug)]
pub struct Budget {
    left: Cell<usize>,
    spent: Cell<bool>,
}

impl Budget {
    pub fn new(bytes: usize) -> Self {
        Self {
            left: Cell::new(bytes),
            spent: Cell::new(false),
        }
    }

    /// Takes `n` bytes; `false` when the budget is (or is now) spent.
    pub fn take(&self, n: usize) -> bool {
        if self.spent.get() {
            return false;
        }
        match self.left.get().checked_sub(n) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.spent.set(true);
                false
            }
        }
    }

    pub fn is_spent(&self) -> bool {
        self.spent.get()
    }
}

impl Default for Budget {
    fn default() -> Self {
        Self::new(SUBSTITUTION_BUDGET)
    }
}

/// The variables a substitution reads and the budget it copies them from.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub vars: &'a Vars,
    pub budget: &'a Budget,
}

/// Splits `text` into words as Docker does for FROM, COPY, USER and the like.
/// With a scope, `$VAR` references are substituted; a word that references
/// an unknown variable keeps its text and is marked dynamic.
pub fn split(text: &str, map: &OffsetMap, escape: char, scope: Option<Scope<'_>>) -> Vec<Word> {
    split_inner(text, map, escape, scope, false)
}

/// Like [`split`] without substitution, but a literal (escaped or
/// single-quoted) `$` stays marked with a `\0` before it, for [`expand`].
pub fn split_keeping_literal_dollars(text: &str, map: &OffsetMap, escape: char) -> Vec<Word> {
    split_inner(text, map, escape, None, true)
}

fn split_inner(
    text: &str,
    map: &OffsetMap,
    escape: char,
    scope: Option<Scope<'_>>,
    keep_markers: bool,
) -> Vec<Word> {
    let mut out = Vec::new();
    let char_at = |i: usize| text.get(i..).and_then(|t| t.chars().next());
    let mut i = 0;
    while let Some(c) = char_at(i) {
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let mut word = String::new();
        let mut quoted = false;
        let mut dynamic = false;
        let mut end = start;
        let mut quote: Option<char> = None;
        while let Some(c) = char_at(i) {
            // Most of a word is characters that stand for themselves:
            // copied as one run rather than one character at a time.
            let run = plain_run(text.as_bytes().get(i..).unwrap_or_default(), quote, escape);
            if run > 0 {
                word.push_str(text.get(i..i + run).unwrap_or_default());
                i += run;
                end = i;
                continue;
            }
            if quote.is_none() && c.is_whitespace() {
                break;
            }
            i += c.len_utf8();
            end = i;
            match (quote, c) {
                (None, '"' | '\'') => {
                    quote = Some(c);
                    quoted = true;
                }
                (Some(q), c) if c == q => quote = None,
                (q, c) if c == escape && q != Some('\'') => {
                    if let Some(n) = char_at(i) {
                        i += n.len_utf8();
                        end = i;
                        if n == '$' {
                            // An escaped dollar is never substituted.
                            word.push('\u{0}');
                        }
                        if !(q == Some('"') && n != '"' && n != escape && n != '$') {
                            word.push(n);
                        } else {
                            word.push(escape);
                            word.push(n);
                        }
                    }
                }
                (Some('\''), c) => {
                    if c == '$' {
                        word.push('\u{0}');
                    }
                    word.push(c);
                }
                (_, c) => word.push(c),
            }
        }
        // Most words hold neither a `$` nor a marker: nothing to expand
        // or strip, and no copy to make.
        let plain = !word.contains(['$', '\u{0}']);
        if let Some(scope) = scope
            && !plain
        {
            match expand(&word, scope) {
                Some(v) => word = v,
                None => {
                    dynamic = true;
                    word = word.replace('\u{0}', "");
                }
            }
        } else if !plain {
            if word.contains('$') {
                dynamic = true;
            }
            if !keep_markers {
                word = word.replace('\u{0}', "");
            }
        }
        out.push(Word {
            text: word,
            span: map.span(start, end),
            quoted,
            dynamic,
        });
    }
    out
}

/// How many bytes at the start of `rest` are ASCII characters that stand
/// for themselves inside a word in `quote`: not a blank (outside quotes),
/// a quote that opens or closes, the escape character, nor (inside single
/// quotes) a `$`, which gets a marker. Anything else, and every character
/// outside ASCII, goes through [`split_inner`]'s rules one at a time.
fn plain_run(rest: &[u8], quote: Option<char>, escape: char) -> usize {
    // A non-ASCII escape character never equals an ASCII byte.
    let esc = u8::try_from(escape).ok().filter(u8::is_ascii);
    rest.iter()
        .take_while(|&&b| {
            b.is_ascii()
                && Some(b) != esc
                && match quote {
                    // `char::is_whitespace` in ASCII: tab, line feed,
                    // vertical tab, form feed, carriage return, space.
                    None => !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b'"' | b'\''),
                    Some('"') => b != b'"',
                    Some('\'') => b != b'\'' && b != b'$',
                    Some(_) => false,
                }
        })
        .count()
}

/// Substitutes `$NAME`, `${NAME}`, `${NAME:-x}`, `${NAME:+x}` (and the
/// forms without a colon). `None` when a referenced variable has no known
/// value and no default applies, or when copying a value would overrun the
/// scope's budget. A `\0` marks a literal `$`.
pub fn expand(text: &str, scope: Scope<'_>) -> Option<String> {
    expand_at(text, scope, 0)
}

/// Nesting deeper than this (`${a:-${b:-${c:-…}}}`) is left unresolved:
/// the recursion must stay far from the 2 MiB worker stack.
const MAX_EXPANSION_DEPTH: usize = 32;

fn expand_at(text: &str, scope: Scope<'_>, depth: usize) -> Option<String> {
    if depth > MAX_EXPANSION_DEPTH {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['$', '\u{0}']) {
        out.push_str(&rest[..i]);
        if rest[i..].starts_with('\u{0}') {
            // The `$` after the marker is literal.
            rest = &rest[i + 1..];
            if let Some(stripped) = rest.strip_prefix('$') {
                out.push('$');
                rest = stripped;
            }
            continue;
        }
        let after = &rest[i + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let close = matching_brace(inner)?;
            let body = &inner[..close];
            out.push_str(&expand_braced(body, scope, depth)?);
            rest = &inner[close + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(copied(lookup(&after[..len], scope.vars)?, scope)?);
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Offset of the `}` that closes a `${`, counting nested `${...}`.
fn matching_brace(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn lookup<'a>(name: &str, vars: &'a Vars) -> Option<&'a str> {
    vars.get(name).and_then(|v| v.as_deref())
}

/// A variable's value, if the budget pays for copying it (only values
/// are charged: literal text is bounded by the file itself).
fn copied<'a>(value: &'a str, scope: Scope<'_>) -> Option<&'a str> {
    scope.budget.take(value.len()).then_some(value)
}

fn expand_braced(body: &str, scope: Scope<'_>, depth: usize) -> Option<String> {
    let vars = scope.vars;
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (name, op) = body.split_at(name_len);
    let value = lookup(name, vars);
    let set_and_nonempty = value.is_some_and(|v| !v.is_empty());
    let (colon, op) = match op.strip_prefix(':') {
        Some(o) => (true, o),
        None => (false, op),
    };
    let present = if colon {
        set_and_nonempty
    } else {
        value.is_some()
    };
    if let Some(word) = op.strip_prefix('-') {
        return if present {
            value.and_then(|v| copied(v, scope)).map(str::to_string)
        } else {
            expand_at(word, scope, depth + 1)
        };
    }
    if let Some(word) = op.strip_prefix('+') {
        return if present {
            expand_at(word, scope, depth + 1)
        } else if vars.contains_key(name) && value.is_none() {
            // An ARG without a value: whether it is set is unknown.
            None
        } else {
            Some(String::new())
        };
    }
    if !op.is_empty() {
        // Pattern operators (`${x#y}`, `${x%y}`) need the value.
        return None;
    }
    value.and_then(|v| copied(v, scope)).map(str::to_string)
}

/// The JSON exec form `["a", "b"]`: strings with their spans, or `None`
/// when the text is not a JSON array of strings (Docker then falls back to
/// the shell form).
pub fn exec_form(text: &str, map: &OffsetMap) -> Option<Vec<Word>> {
    let trimmed_start = text.len() - text.trim_start().len();
    let body = text.trim();
    let inner = body.strip_prefix('[')?.strip_suffix(']')?;
    let base = trimmed_start + 1;
    let mut out = Vec::new();
    let mut chars = inner.char_indices().peekable();
    let mut expect_value = true;
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let Some((i, c)) = chars.next() else {
            // `[]` is valid; `["a",]` is not.
            return if expect_value && !out.is_empty() {
                None
            } else {
                Some(out)
            };
        };
        match c {
            '"' if expect_value => {
                let mut s = String::new();
                let mut closed = None;
                while let Some((j, c)) = chars.next() {
                    match c {
                        '"' => {
                            closed = Some(j);
                            break;
                        }
                        '\\' => {
                            let (_, e) = chars.next()?;
                            match e {
                                '"' | '\\' | '/' => s.push(e),
                                'n' => s.push('\n'),
                                't' => s.push('\t'),
                                'r' => s.push('\r'),
                                'b' => s.push('\u{8}'),
                                'f' => s.push('\u{c}'),
                                'u' => {
                                    let hex: String =
                                        (0..4).filter_map(|_| chars.next().map(|x| x.1)).collect();
                                    let code = u32::from_str_radix(&hex, 16).ok()?;
                                    s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                }
                                _ => return None,
                            }
                        }
                        c if (c as u32) < 0x20 => return None,
                        c => s.push(c),
                    }
                }
                let j = closed?;
                out.push(Word {
                    text: s,
                    span: map.span(base + i, base + j + 1),
                    quoted: true,
                    dynamic: false,
                });
                expect_value = false;
            }
            ',' if !expect_value => expect_value = true,
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules one character at a time, as `split_inner` read words
    /// before it copied runs: the reference it must agree with.
    fn split_by_chars(text: &str, escape: char) -> Vec<(String, usize, usize, bool)> {
        let mut out = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some(&(start, c)) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            let mut word = String::new();
            let mut quoted = false;
            let mut end = start;
            let mut quote: Option<char> = None;
            while let Some(&(i, c)) = chars.peek() {
                if quote.is_none() && c.is_whitespace() {
                    break;
                }
                chars.next();
                end = i + c.len_utf8();
                match (quote, c) {
                    (None, '"' | '\'') => {
                        quote = Some(c);
                        quoted = true;
                    }
                    (Some(q), c) if c == q => quote = None,
                    (q, c) if c == escape && q != Some('\'') => {
                        if let Some((j, n)) = chars.next() {
                            end = j + n.len_utf8();
                            if n == '$' {
                                word.push('\u{0}');
                            }
                            if !(q == Some('"') && n != '"' && n != escape && n != '$') {
                                word.push(n);
                            } else {
                                word.push(escape);
                                word.push(n);
                            }
                        }
                    }
                    (Some('\''), c) => {
                        if c == '$' {
                            word.push('\u{0}');
                        }
                        word.push(c);
                    }
                    (_, c) => word.push(c),
                }
            }
            out.push((word, start, end, quoted));
        }
        out
    }

    #[test]
    fn words_read_in_runs_as_they_were_read_by_characters() {
        let pieces = [
            "a", "bc", " ", "\t", "\u{b}", "\u{a0}", "\u{3000}", "\"", "'", "\\", "`", "$", "${X}",
            "é", "\n", "\r", "=", "-",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for n in 0..40_000 {
            let mut text = String::new();
            for _ in 0..(1 + n % 12) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let map = OffsetMap::contiguous(0, text.len());
            for escape in ['\\', '`', '\u{a7}'] {
                let got: Vec<(String, usize, usize, bool)> =
                    split_inner(&text, &map, escape, None, true)
                        .into_iter()
                        .map(|w| (w.text, w.span.start, w.span.end, w.quoted))
                        .collect();
                assert_eq!(got, split_by_chars(&text, escape), "{text:?} {escape:?}");
            }
        }
    }

    fn vars(pairs: &[(&str, Option<&str>)]) -> Vars {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect()
    }

    #[test]
    fn expands_the_docker_forms() {
        let v = vars(&[("A", Some("1")), ("E", Some("")), ("U", None)]);
        let budget = Budget::default();
        let s = Scope {
            vars: &v,
            budget: &budget,
        };
        assert_eq!(expand("x$A-${A}", s).as_deref(), Some("x1-1"));
        assert_eq!(expand("${E:-d}${E-d}", s).as_deref(), Some("d"));
        assert_eq!(expand("${A:+yes}${Z:+no}", s).as_deref(), Some("yes"));
        assert_eq!(expand("${Z:-${A}}", s).as_deref(), Some("1"));
        assert_eq!(expand("$U", s), None);
        assert_eq!(expand("$Z", s), None);
    }

    #[test]
    fn a_spent_budget_leaves_values_unknown_for_good() {
        let v = vars(&[("A", Some("0123456789")), ("B", Some("x"))]);
        let budget = Budget::new(25);
        let s = Scope {
            vars: &v,
            budget: &budget,
        };
        assert_eq!(expand("$A$A", s).as_deref(), Some("01234567890123456789"));
        assert!(!budget.is_spent());
        // 10 more bytes do not fit in the 5 left: unknown, and spent.
        assert_eq!(expand("${A}", s), None);
        assert!(budget.is_spent());
        // Even a one-byte value is unknown now; literal text is not.
        assert_eq!(expand("$B", s), None);
        assert_eq!(expand("plain", s).as_deref(), Some("plain"));
    }

    #[test]
    fn splits_with_quotes_and_escaped_dollars() {
        let text = r#"a "b c" \$HOME 'x$y'"#;
        let w = split(
            text,
            &OffsetMap::contiguous(0, text.len()),
            '\\',
            Some(Scope {
                vars: &Vars::default(),
                budget: &Budget::default(),
            }),
        );
        let t: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(t, vec!["a", "b c", "$HOME", "x$y"]);
        assert_eq!(w[1].span, crate::source::Span::new(2, 7));
    }

    #[test]
    fn exec_form_parses_json_and_rejects_the_rest() {
        let text = r#" ["gunicorn", "-b", "0.0.0.0:80"]"#;
        let w = exec_form(text, &OffsetMap::contiguous(0, text.len()));
        let w = w.unwrap_or_default();
        assert_eq!(w.len(), 3);
        assert_eq!(w[1].span, crate::source::Span::new(14, 18));
        assert!(exec_form("['a']", &OffsetMap::default()).is_none());
        assert!(exec_form("[\"a\",]", &OffsetMap::default()).is_none());
        assert_eq!(exec_form("[]", &OffsetMap::default()), Some(vec![]));
    }
}
