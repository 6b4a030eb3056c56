//! Python scripts a Dockerfile runs outside the service: while the image
//! is built (`RUN python scripts/download_model.py`) and as its health
//! check (`HEALTHCHECK CMD python app/scripts/healthcheck.py`). Code
//! there is bounded by the build or by the health check's own timeout,
//! not by a request: rules about the running service (PY010's timeouts)
//! do not apply to it.

use crate::parse::dockerfile::{Args, Command, Dockerfile, Keyword};
use crate::parse::shell::Word;
use crate::paths::FastPath;
use crate::source::Span;

/// Where a Dockerfile runs a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptRun {
    /// A `RUN` instruction: while the image is built.
    Build,
    /// `HEALTHCHECK CMD`: Docker stops it after the check's timeout.
    Healthcheck,
}

impl ScriptRun {
    pub fn describe(self) -> &'static str {
        match self {
            ScriptRun::Build => "run while the image is built",
            ScriptRun::Healthcheck => "the image's health check",
        }
    }
}

/// A script path as a Dockerfile names it: the components that can be
/// matched against the repository's files (variables and the image's
/// absolute prefix dropped, `$APP_HOME/app/scripts/x.py` ->
/// `app/scripts/x.py`), how it is run, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedScript {
    pub tail: Vec<String>,
    pub run: ScriptRun,
    pub span: Span,
}

/// The Python scripts `RUN` and `HEALTHCHECK CMD` instructions run with
/// an interpreter (`python`, `python3`, `python3.12`, `uv run`, …).
pub fn named_in(df: &Dockerfile) -> Vec<NamedScript> {
    let mut out = Vec::new();
    for i in &df.instructions {
        let run = match (i.keyword, &i.args) {
            (Keyword::Run, Args::Command(_)) => ScriptRun::Build,
            (Keyword::Healthcheck, Args::Healthcheck(Some(_))) => ScriptRun::Healthcheck,
            _ => continue,
        };
        let Some(command) = i.command() else { continue };
        match command {
            Command::Exec { argv, .. } => scripts_of(argv, run, &mut out),
            Command::Shell { script, .. } => {
                for c in &script.commands {
                    scripts_of(&c.argv, run, &mut out);
                }
            }
        }
    }
    out
}

/// The `.py` words after an interpreter in one command.
fn scripts_of(argv: &[Word], run: ScriptRun, out: &mut Vec<NamedScript>) {
    let Some(at) = argv
        .iter()
        .position(|w| crate::parse::command::is_python(&w.text))
    else {
        return;
    };
    for w in argv.iter().skip(at + 1) {
        if !w.text.ends_with(".py") {
            continue;
        }
        let tail: Vec<String> = w
            .text
            .split('/')
            .filter(|c| !c.is_empty() && *c != "." && !c.contains('$'))
            .map(str::to_string)
            .collect();
        // `..` cannot be matched by name.
        if tail.is_empty() || tail.iter().any(|c| c == "..") {
            continue;
        }
        out.push(NamedScript {
            tail,
            run,
            span: w.span,
        });
    }
}

/// The repository file a script tail names: the longest tail (two
/// components or more, or the bare name within the Dockerfile's folder)
/// that ends exactly one of `files`. `files` are project keys.
pub fn resolve<'a>(
    tail: &[String],
    dockerfile_dir: &std::path::Path,
    files: impl Iterator<Item = &'a std::path::Path> + Clone,
) -> Option<&'a std::path::Path> {
    for from in 0..tail.len() {
        let suffix = tail.get(from..).unwrap_or_default();
        let bare = suffix.len() == 1;
        let mut found = files
            .clone()
            .filter(|f| ends_with(f, suffix) && (!bare || f.fast_parent() == Some(dockerfile_dir)));
        match (found.next(), found.next()) {
            (Some(f), None) => return Some(f),
            // Several files end with this tail: a shorter one cannot tell
            // them apart either.
            (Some(_), Some(_)) => return None,
            // None: the tail may start with the image's own folders.
            _ => {}
        }
    }
    None
}

fn ends_with(path: &std::path::Path, suffix: &[String]) -> bool {
    let mut parts = path.iter().rev();
    suffix
        .iter()
        .rev()
        .all(|s| parts.next().is_some_and(|p| p == s.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn tails(dockerfile: &str) -> Vec<(String, ScriptRun)> {
        let df = crate::parse::dockerfile::parse(dockerfile);
        named_in(&df)
            .into_iter()
            .map(|s| (s.tail.join("/"), s.run))
            .collect()
    }

    #[test]
    fn scripts_run_at_build_and_as_the_health_check_are_named() {
        let df = "FROM python:3.12-slim\nENV HOME_DIR=/app\n\
                  RUN pip install -r requirements.txt && python3 $HOME_DIR/app/scripts/fetch.py --all\n\
                  HEALTHCHECK CMD [\"python\", \"/app/app/scripts/healthcheck.py\"]\n\
                  CMD [\"python\", \"serve.py\"]\n";
        assert_eq!(
            tails(df),
            [
                ("app/scripts/fetch.py".to_string(), ScriptRun::Build),
                (
                    "app/app/scripts/healthcheck.py".to_string(),
                    ScriptRun::Healthcheck
                ),
            ]
        );
    }

    #[test]
    fn a_tail_names_the_one_file_it_ends() {
        let files = [
            Path::new("/r/app/scripts/healthcheck.py"),
            Path::new("/r/tools/healthcheck.py"),
            Path::new("/r/docker/fetch.py"),
        ];
        let tail = |s: &str| s.split('/').map(str::to_string).collect::<Vec<_>>();
        let dir = Path::new("/r/docker");
        assert_eq!(
            resolve(
                &tail("app/app/scripts/healthcheck.py"),
                dir,
                files.iter().copied()
            ),
            Some(Path::new("/r/app/scripts/healthcheck.py"))
        );
        // Two files are named `healthcheck.py`, neither in the folder.
        assert_eq!(
            resolve(&tail("healthcheck.py"), dir, files.iter().copied()),
            None
        );
        assert_eq!(
            resolve(&tail("fetch.py"), dir, files.iter().copied()),
            Some(Path::new("/r/docker/fetch.py"))
        );
    }
}
