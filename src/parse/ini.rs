//! INI-style files with spans: supervisord's configparser dialect and
//! systemd unit files. A line lexer: sections, `key=value` entries,
//! continuation lines, comments.

use crate::parse::offsets::OffsetMap;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Python configparser as supervisord reads it: `key=value` or
    /// `key: value`, indented continuation lines, `;` and `#` comments
    /// (`;` also after whitespace at the end of a line), keys folded to
    /// lower case.
    Supervisor,
    /// systemd: `Key=Value`, a trailing `\` continues the line, `#` and `;`
    /// comments at the start of a line, keys case-sensitive.
    Systemd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    /// The value with continuations joined and comments removed.
    pub value: String,
    pub value_span: Span,
    /// Logical offsets in `value` to file offsets.
    pub map: OffsetMap,
    /// From the key through the end of the last line of the value, without
    /// the line break.
    pub line_span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub header_span: Span,
    pub entries: Vec<Entry>,
    /// The end of the section's last non-blank line.
    pub end: usize,
}

impl Section {
    /// The entry that takes effect for `key` (the last one).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|e| e.value.as_str())
    }

    /// A boolean in either dialect's spellings.
    pub fn flag(&self, key: &str) -> Option<bool> {
        match self.value(key)?.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Some(true),
            "false" | "no" | "off" | "0" => Some(false),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ini {
    pub sections: Vec<Section>,
    pub errors: Vec<IniError>,
}

impl Ini {
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

/// Lines of `text` with their start offsets, without line breaks.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |l| {
        let at = start;
        start += l.len();
        (at, l.trim_end_matches(['\n', '\r']))
    })
}

pub fn parse(text: &str, dialect: Dialect) -> Ini {
    let mut ini = Ini::default();
    let mut pending_systemd: Option<Entry> = None;
    for (at, line) in lines(text) {
        // systemd: a value continued from the previous line.
        if let Some(mut e) = pending_systemd.take() {
            let (piece, more) = match line.strip_suffix('\\') {
                Some(p) => (p, true),
                None => (line, false),
            };
            let trimmed = piece.trim_start();
            let lead = piece.len() - trimmed.len();
            if !(trimmed.starts_with('#') || trimmed.starts_with(';')) {
                e.value.push(' ');
                e.map.push(e.value.len(), at + lead, trimmed.len());
                e.value.push_str(trimmed);
                e.value_span = e.value_span.cover(Span::new(at + lead, at + piece.len()));
                e.line_span = e.line_span.cover(Span::new(at, at + line.len()));
            }
            if more {
                pending_systemd = Some(e);
            } else {
                push_entry(&mut ini, e);
            }
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        // configparser: an indented line continues the previous value.
        if dialect == Dialect::Supervisor
            && indent > 0
            && let Some(e) = ini.sections.last_mut().and_then(|s| s.entries.last_mut())
        {
            let piece = strip_inline_comment(trimmed);
            e.value.push('\n');
            e.map.push(e.value.len(), at + indent, piece.len());
            e.value.push_str(piece);
            e.value_span = e
                .value_span
                .cover(Span::new(at + indent, at + indent + piece.len()));
            e.line_span = e.line_span.cover(Span::new(at, at + line.len()));
            if let Some(s) = ini.sections.last_mut() {
                s.end = at + line.len();
            }
            continue;
        }
        if trimmed.starts_with('[') {
            let Some(close) = trimmed.find(']') else {
                ini.errors.push(IniError {
                    span: Span::new(at + indent, at + line.len()),
                    message: "a section header without its closing `]`".to_string(),
                });
                continue;
            };
            let name = trimmed[1..close].trim().to_string();
            ini.sections.push(Section {
                name,
                header_span: Span::new(at + indent, at + indent + close + 1),
                entries: Vec::new(),
                end: at + line.len(),
            });
            continue;
        }
        let sep = match dialect {
            Dialect::Supervisor => trimmed.find(['=', ':']),
            Dialect::Systemd => trimmed.find('='),
        };
        let Some(sep) = sep else {
            ini.errors.push(IniError {
                span: Span::new(at + indent, at + line.len()),
                message: "a line that is neither a section, a `key = value` entry nor a comment"
                    .to_string(),
            });
            continue;
        };
        let raw_key = trimmed[..sep].trim_end();
        let key = match dialect {
            Dialect::Supervisor => raw_key.to_ascii_lowercase(),
            Dialect::Systemd => raw_key.to_string(),
        };
        let key_span = Span::new(at + indent, at + indent + raw_key.len());
        let after = &trimmed[sep + 1..];
        let value_start = at + indent + sep + 1 + (after.len() - after.trim_start().len());
        let mut value = after.trim_start();
        let mut continued = false;
        match dialect {
            Dialect::Supervisor => value = strip_inline_comment(value),
            Dialect::Systemd => {
                if let Some(v) = value.strip_suffix('\\') {
                    value = v;
                    continued = true;
                }
            }
        }
        let value = value.trim_end();
        let entry = Entry {
            key,
            key_span,
            value: value.to_string(),
            value_span: Span::new(value_start, value_start + value.len()),
            map: OffsetMap::contiguous(value_start, value.len()),
            line_span: Span::new(at + indent, at + line.len()),
        };
        if continued {
            pending_systemd = Some(entry);
        } else {
            push_entry(&mut ini, entry);
        }
    }
    if let Some(e) = pending_systemd {
        push_entry(&mut ini, e);
    }
    ini
}

fn push_entry(ini: &mut Ini, entry: Entry) {
    if ini.sections.is_empty() {
        ini.errors.push(IniError {
            span: entry.key_span,
            message: "an entry before any `[section]` header".to_string(),
        });
        return;
    }
    if let Some(s) = ini.sections.last_mut() {
        s.end = s.end.max(entry.line_span.end);
        s.entries.push(entry);
    }
}

/// configparser with `inline_comment_prefixes=(';',)` as supervisord sets
/// it: a `;` after whitespace starts a comment.
fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b';' && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            return value[..i].trim_end();
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supervisor_sections_continuations_comments() {
        let text = "; top\n[program:web]\ncommand = gunicorn\n  -w 4 app:app ; trailing\nUser: app\n\n[supervisord]\nnodaemon=true\n";
        let ini = parse(text, Dialect::Supervisor);
        assert!(ini.errors.is_empty(), "{:?}", ini.errors);
        let web = ini.section("program:web").cloned();
        let web = web.unwrap_or_else(|| panic!("no section"));
        assert_eq!(web.value("command"), Some("gunicorn\n-w 4 app:app"));
        assert_eq!(web.value("user"), Some("app"));
        let cmd = web.get("command").map(|e| e.map.span(9, 11));
        let s = cmd.unwrap_or_default();
        assert_eq!(&text[s.start..s.end], "-w");
        assert_eq!(
            ini.section("supervisord").and_then(|s| s.flag("nodaemon")),
            Some(true)
        );
    }

    #[test]
    fn systemd_continuations_and_repeats() {
        let text = "[Service]\nExecStart=/usr/bin/gunicorn \\\n    -w 4 app:app\nRestart=always\nRestart=no\n";
        let ini = parse(text, Dialect::Systemd);
        let svc = ini
            .section("Service")
            .cloned()
            .unwrap_or_else(|| panic!("no section"));
        assert_eq!(
            svc.value("ExecStart"),
            Some("/usr/bin/gunicorn -w 4 app:app")
        );
        assert_eq!(svc.value("Restart"), Some("no"));
        let e = svc
            .get("ExecStart")
            .map(|e| e.map.span(18, 20))
            .unwrap_or_default();
        assert_eq!(&text[e.start..e.end], "-w");
    }

    #[test]
    fn errors_are_located() {
        let ini = parse("orphan=1\n[broken\njunk\n", Dialect::Supervisor);
        assert_eq!(ini.errors.len(), 3);
    }
}
