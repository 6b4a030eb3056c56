//! Procfile: one `name: command` per line (Heroku, Dokku, foreman,
//! honcho). The command is run by a shell.

use crate::parse::offsets::OffsetMap;
use crate::parse::shell::{self, Script};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub name: String,
    pub name_span: Span,
    pub command: Script,
    pub command_span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcfileError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Procfile {
    pub processes: Vec<Process>,
    pub errors: Vec<ProcfileError>,
}

pub fn parse(text: &str) -> Procfile {
    let mut out = Procfile::default();
    let mut at = 0;
    for raw in text.split_inclusive('\n') {
        let start = at;
        at += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = line.len() - trimmed.len();
        let valid_name = |n: &str| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        match trimmed.split_once(':') {
            Some((name, cmd)) if valid_name(name) => {
                let cmd_lead = cmd.len() - cmd.trim_start().len();
                let cmd = cmd.trim();
                let cmd_start = start + lead + name.len() + 1 + cmd_lead;
                let map = OffsetMap::contiguous(cmd_start, cmd.len());
                out.processes.push(Process {
                    name: name.to_string(),
                    name_span: Span::new(start + lead, start + lead + name.len()),
                    command: shell::parse(cmd, &map),
                    command_span: Span::new(cmd_start, cmd_start + cmd.len()),
                });
            }
            _ => out.errors.push(ProcfileError {
                span: Span::new(start + lead, start + line.len()),
                message:
                    "a Procfile line is `name: command` (letters, digits, `-` and `_` in the name)"
                        .to_string(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_with_spans() {
        let text = "# comment\nweb: gunicorn app:app\nworker:celery -A app worker\nbad line\n";
        let p = parse(text);
        assert_eq!(p.processes.len(), 2);
        assert_eq!(p.processes[0].name, "web");
        let w = &p.processes[0].command.commands[0].argv[0];
        assert_eq!(&text[w.span.start..w.span.end], "gunicorn");
        assert_eq!(p.errors.len(), 1);
    }
}
