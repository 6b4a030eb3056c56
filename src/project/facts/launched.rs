//! What a shell script that a launcher of the repository runs (a
//! systemd unit's `ExecStart=`, a supervisord program's `command=`, an
//! image's entrypoint) says about the servers it starts: the servers'
//! command lines, the variables it sets before them, and whether it
//! starts a reverse proxy too. Read by the project once per launched
//! script, at the link that finds its launchers; the process rules and
//! the server index read it from there.

use crate::parse::command::ServerCommand;
use crate::parse::offsets::OffsetMap;
use crate::parse::shell::{self, Script};
use crate::rules::process::launch::EnvVar;
use crate::source::Span;

/// How many servers of one script are read, and how many of its
/// variable assignments: real start scripts start a few and set a few
/// dozen; a crafted one costs no more than that.
const MAX_SERVERS: usize = 16;
const MAX_ASSIGNMENTS: usize = 256;

/// The servers a launched script starts and what it sets before them.
#[derive(Debug, Default)]
pub struct ScriptServers {
    /// The servers it starts (the first [`MAX_SERVERS`]).
    pub servers: Vec<ServerCommand>,
    /// The variables it sets, in order (the first [`MAX_ASSIGNMENTS`]):
    /// where the command setting each starts, its name and its value.
    pub assignments: Vec<(usize, String, EnvVar)>,
    /// It starts a reverse proxy too.
    pub proxy: bool,
}

impl ScriptServers {
    /// Reads a script's text (never runs it).
    pub fn read(text: &str) -> ScriptServers {
        let map = OffsetMap::contiguous(0, text.len());
        let parsed = shell::parse(text, &map);
        let raw = |s: Span| text.get(s.start..s.end).unwrap_or("").to_string();
        let servers = crate::parse::command::in_script(&parsed, &raw)
            .into_iter()
            .take(MAX_SERVERS)
            .collect();
        let proxy = parsed.commands.iter().any(|c| {
            c.argv
                .iter()
                .any(|w| crate::rules::process::launch::is_proxy(&w.text))
        });
        ScriptServers {
            assignments: assignments(&parsed),
            servers,
            proxy,
        }
    }

    /// The variables set before the command that starts at `offset`.
    pub fn set_before(&self, offset: usize) -> impl Iterator<Item = &(usize, String, EnvVar)> {
        self.assignments
            .iter()
            .take_while(move |(at, ..)| *at < offset)
    }
}

/// The variables the script sets (`NAME=value` on a line of its own,
/// `export NAME=value`), in order, each with where its command starts and
/// its value's span.
fn assignments(script: &Script) -> Vec<(usize, String, EnvVar)> {
    let mut out = Vec::new();
    for c in &script.commands {
        let words: Vec<&shell::Word> = match c.argv.first().map(|w| w.text.as_str()) {
            None => c.assignments.iter().collect(),
            Some("export") => c.argv.iter().skip(1).collect(),
            Some(_) => continue,
        };
        for w in words {
            if let Some((name, value, own)) = w.assignment() {
                // A quoted value (`X="a b"`) points at the rest of the word,
                // its quotes included: `GUNICORN_CMD_ARGS` is read from it.
                let rest = w.span.start + name.len() + 1;
                let span =
                    own.or_else(|| (rest <= w.span.end).then(|| Span::new(rest, w.span.end)));
                out.push((
                    c.span.start,
                    name.to_string(),
                    EnvVar {
                        value: value.to_string(),
                        span,
                    },
                ));
                if out.len() >= MAX_ASSIGNMENTS {
                    return out;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_and_the_variables_set_before_them_are_read() {
        let text =
            "#!/bin/sh\nexport WORKERS=4\nnginx &\nexec gunicorn app:app -w \"$WORKERS\"\nLATE=1\n";
        let s = ScriptServers::read(text);
        assert_eq!(s.servers.len(), 1);
        assert_eq!(s.servers[0].program.text, "gunicorn");
        assert!(s.proxy);
        let at = s.servers[0].program.span.start;
        let names: Vec<&str> = s.set_before(at).map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(names, ["WORKERS"]);
        let (_, _, v) = &s.assignments[0];
        assert_eq!(v.value, "4");
        assert_eq!(v.span.map(|sp| &text[sp.start..sp.end]), Some("4"));
        assert_eq!(s.assignments.len(), 2);
    }

    #[test]
    fn a_crafted_script_is_read_within_bounds() {
        let mut text = String::from("#!/bin/sh\n");
        for i in 0..1000 {
            text.push_str(&format!("export V{i}=x\nuvicorn app:app &\n"));
        }
        let s = ScriptServers::read(&text);
        assert_eq!(s.servers.len(), MAX_SERVERS);
        assert_eq!(s.assignments.len(), MAX_ASSIGNMENTS);
        assert!(!s.proxy);
    }
}
