//! Dependency files: `requirements*.txt`, `pyproject.toml` (PEP 621,
//! dependency groups, Poetry, uv), `Pipfile` and `setup.cfg`. What the
//! project declares it installs, with where each name is written. Never
//! resolves anything: an `-r other.txt` include is left to that file's own
//! parse (it is in the project too when it is in the tree).

use crate::source::Span;
use toml::de::{DeTable, DeValue};

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The distribution name, normalised as PEP 503 says (lower case,
    /// runs of `-`, `_`, `.` as one `-`).
    pub name: String,
    /// The version constraint as written (`>=0.110,<1`, `^0.110`), empty
    /// when there is none.
    pub version: String,
    /// Where the name is written.
    pub span: Span,
    /// Declared for development only (Poetry's `dev` group, Pipfile's
    /// `dev-packages`, a `dev` dependency group, `requirements-dev.txt`).
    pub dev: bool,
}

/// Which kind of dependency file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Requirements,
    Pyproject,
    Pipfile,
    SetupCfg,
}

impl Format {
    /// The format a file name says, if it is a dependency file.
    pub fn of(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        if lower == "pyproject.toml" {
            Some(Format::Pyproject)
        } else if lower == "pipfile" {
            Some(Format::Pipfile)
        } else if lower == "setup.cfg" {
            Some(Format::SetupCfg)
        } else if (lower.starts_with("requirements") || lower.starts_with("constraints"))
            && (lower.ends_with(".txt") || lower.ends_with(".in"))
        {
            Some(Format::Requirements)
        } else {
            None
        }
    }
}

/// PEP 503 normalisation.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            dash = true;
            continue;
        }
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The dependencies a file declares. A file that does not parse declares
/// nothing (its own linting reports why, if anything does).
pub fn parse(format: Format, file_name: &str, text: &str) -> Vec<Requirement> {
    let dev_file = {
        let lower = file_name.to_ascii_lowercase();
        ["dev", "test", "lint", "docs"]
            .iter()
            .any(|w| lower.contains(w))
    };
    match format {
        Format::Requirements => requirements(text, 0, dev_file),
        Format::SetupCfg => setup_cfg(text),
        Format::Pyproject | Format::Pipfile => match DeTable::parse(text) {
            Ok(root) => {
                let mut out = Vec::new();
                toml_dependencies(format, root.get_ref(), &mut out);
                out
            }
            Err(_) => Vec::new(),
        },
    }
}

/// A PEP 508 line's name and constraint: `fastapi[standard]>=0.110 ; python_version>"3.8"`.
fn pep508(line: &str, offset: usize, dev: bool) -> Option<Requirement> {
    let start = line.len() - line.trim_start().len();
    let rest = &line[start..];
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(rest.len());
    if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let name = &rest[..name_len];
    let mut after = &rest[name_len..];
    if let Some(extras) = after.trim_start().strip_prefix('[') {
        after = extras.split_once(']').map_or("", |(_, a)| a);
    }
    let version = after
        .split([';', '#', '@'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim()
        .to_string();
    Some(Requirement {
        name: normalise(name),
        version,
        span: Span::new(offset + start, offset + start + name_len),
        dev,
    })
}

/// `requirements.txt`: one requirement a line; options (`-r`, `-e`,
/// `--hash`), URLs and comments are not names.
fn requirements(text: &str, base: usize, dev: bool) -> Vec<Requirement> {
    let mut out = Vec::new();
    let mut offset = base;
    for raw in text.split_inclusive('\n') {
        let line = raw.split(" #").next().unwrap_or("");
        let trimmed = line.trim_start();
        if !(trimmed.is_empty() || trimmed.starts_with(['#', '-']) || trimmed.contains("://"))
            && let Some(r) = pep508(line.trim_end_matches(['\r', '\n', '\\']), offset, dev)
        {
            out.push(r);
        }
        offset += raw.len();
    }
    out
}

/// `setup.cfg`: the `install_requires` of `[options]` and the lists of
/// `[options.extras_require]`.
fn setup_cfg(text: &str) -> Vec<Requirement> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut in_list = false;
    let mut dev = false;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\r', '\n']);
        let trimmed = line.trim();
        let indented = line.starts_with([' ', '\t']);
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_ascii_lowercase();
            in_list = false;
        } else if !indented && !trimmed.is_empty() {
            // Without a separator the value is the empty end of the line
            // (still a slice of it, for the offset below).
            let (key, value) = trimmed
                .split_once(['=', ':'])
                .unwrap_or((trimmed, &trimmed[trimmed.len()..]));
            let key = key.trim().to_ascii_lowercase();
            in_list = (section == "options" && key == "install_requires")
                || section == "options.extras_require";
            dev = section == "options.extras_require"
                && ["dev", "test", "lint", "docs"]
                    .iter()
                    .any(|w| key.contains(w));
            // `install_requires = fastapi` on the key's own line: `value`
            // is a slice of `line`, so its offset is their distance.
            let value_at =
                offset + (value.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
            if in_list && let Some(r) = pep508(value, value_at, dev) {
                out.push(r);
            }
        } else if in_list
            && !trimmed.starts_with(['#', ';'])
            && let Some(r) = pep508(line, offset, dev)
        {
            out.push(r);
        }
        offset += raw.len();
    }
    out
}

fn table<'a>(t: &'a DeTable<'a>, key: &str) -> Option<&'a DeTable<'a>> {
    t.get(key).and_then(|v| v.get_ref().as_table())
}

/// The TOML formats: PEP 621 and PEP 735 lists of PEP 508 strings, and
/// Poetry's and Pipfile's tables of names.
fn toml_dependencies(format: Format, root: &DeTable<'_>, out: &mut Vec<Requirement>) {
    let strings = |v: &DeValue<'_>, dev: bool, out: &mut Vec<Requirement>| {
        let Some(items) = v.as_array() else {
            return;
        };
        for item in items {
            if let Some(s) = item.get_ref().as_str() {
                // The string's span includes its quote.
                let at = item.span().start + 1;
                if let Some(r) = pep508(s, at, dev) {
                    out.push(r);
                }
            }
        }
    };
    let names = |t: &DeTable<'_>, dev: bool, out: &mut Vec<Requirement>| {
        for (k, v) in t {
            let name = k.get_ref().as_ref();
            if name.eq_ignore_ascii_case("python") {
                continue;
            }
            let version = match v.get_ref() {
                DeValue::String(s) => s.to_string(),
                DeValue::Table(t) => t
                    .get("version")
                    .and_then(|v| v.get_ref().as_str())
                    .unwrap_or("")
                    .to_string(),
                _ => String::new(),
            };
            out.push(Requirement {
                name: normalise(name),
                version: if version == "*" {
                    String::new()
                } else {
                    version
                },
                span: Span::new(k.span().start, k.span().end),
                dev,
            });
        }
    };
    let is_dev = |group: &str| {
        let g = group.to_ascii_lowercase();
        ["dev", "test", "lint", "docs", "typing"]
            .iter()
            .any(|w| g.contains(w))
    };
    match format {
        Format::Pipfile => {
            if let Some(t) = table(root, "packages") {
                names(t, false, out);
            }
            if let Some(t) = table(root, "dev-packages") {
                names(t, true, out);
            }
        }
        _ => {
            if let Some(project) = table(root, "project") {
                if let Some(v) = project.get("dependencies") {
                    strings(v.get_ref(), false, out);
                }
                if let Some(extras) = table(project, "optional-dependencies") {
                    for (k, v) in extras {
                        strings(v.get_ref(), is_dev(k.get_ref()), out);
                    }
                }
            }
            if let Some(groups) = table(root, "dependency-groups") {
                for (k, v) in groups {
                    strings(v.get_ref(), is_dev(k.get_ref()), out);
                }
            }
            let tool = table(root, "tool");
            if let Some(uv) = tool.and_then(|t| table(t, "uv"))
                && let Some(v) = uv.get("dev-dependencies")
            {
                strings(v.get_ref(), true, out);
            }
            if let Some(poetry) = tool.and_then(|t| table(t, "poetry")) {
                if let Some(t) = table(poetry, "dependencies") {
                    names(t, false, out);
                }
                if let Some(t) = table(poetry, "dev-dependencies") {
                    names(t, true, out);
                }
                if let Some(groups) = table(poetry, "group") {
                    for (k, g) in groups {
                        if let Some(t) = g
                            .get_ref()
                            .as_table()
                            .and_then(|g| table(g, "dependencies"))
                        {
                            names(t, is_dev(k.get_ref()), out);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(format: Format, file: &str, text: &str) -> Vec<(String, String, String, bool)> {
        parse(format, file, text)
            .into_iter()
            .map(|r| {
                let written = text[r.span.start..r.span.end].to_string();
                (r.name, r.version, written, r.dev)
            })
            .collect()
    }

    #[test]
    fn requirements_lines() {
        let text = "# app\nFastAPI[standard]>=0.110 ; python_version>'3.8'\n-r base.txt\n-e .\ngunicorn==22.0 # server\nuvicorn_worker\nhttps://x/y.whl\n";
        assert_eq!(
            names(Format::Requirements, "requirements.txt", text),
            vec![
                ("fastapi".into(), ">=0.110".into(), "FastAPI".into(), false),
                ("gunicorn".into(), "==22.0".into(), "gunicorn".into(), false),
                (
                    "uvicorn-worker".into(),
                    "".into(),
                    "uvicorn_worker".into(),
                    false
                ),
            ]
        );
        assert!(
            names(Format::Requirements, "requirements-dev.txt", "pytest\n")
                .iter()
                .all(|r| r.3)
        );
    }

    #[test]
    fn pyproject_tables() {
        let text = r#"[project]
dependencies = ["fastapi>=0.110", "pydantic-settings"]
[project.optional-dependencies]
test = ["pytest"]
[dependency-groups]
dev = ["ruff"]
[tool.poetry.dependencies]
python = "^3.12"
starlette = { version = "^0.37" }
[tool.poetry.group.dev.dependencies]
mypy = "*"
"#;
        let got = names(Format::Pyproject, "pyproject.toml", text);
        assert_eq!(
            got,
            vec![
                ("fastapi".into(), ">=0.110".into(), "fastapi".into(), false),
                (
                    "pydantic-settings".into(),
                    "".into(),
                    "pydantic-settings".into(),
                    false
                ),
                ("pytest".into(), "".into(), "pytest".into(), true),
                ("ruff".into(), "".into(), "ruff".into(), true),
                (
                    "starlette".into(),
                    "^0.37".into(),
                    "starlette".into(),
                    false
                ),
                ("mypy".into(), "".into(), "mypy".into(), true),
            ]
        );
        assert!(names(Format::Pyproject, "pyproject.toml", "[[[").is_empty());
    }

    #[test]
    fn pipfile_and_setup_cfg() {
        let pip = "[packages]\nfastapi = \"*\"\n[dev-packages]\npytest = \"*\"\n";
        assert_eq!(
            names(Format::Pipfile, "Pipfile", pip),
            vec![
                ("fastapi".into(), "".into(), "fastapi".into(), false),
                ("pytest".into(), "".into(), "pytest".into(), true),
            ]
        );
        let cfg = "[metadata]\nname = x\nbare\n[options]\ninstall_requires =\n    starlette>=0.30\n    httpx\npython_requires = >=3.9\n[\n]\n";
        assert_eq!(
            names(Format::SetupCfg, "setup.cfg", cfg),
            vec![
                (
                    "starlette".into(),
                    ">=0.30".into(),
                    "starlette".into(),
                    false
                ),
                ("httpx".into(), "".into(), "httpx".into(), false),
            ]
        );
    }

    /// Every cut of hostile text parses without a panic, in every format.
    #[test]
    fn cuts_never_panic() {
        let samples = [
            "[options]\ninstall_requires = fästapi[ß]>=1 ; x\n  é\n[options.extras_require]\ndev =\n  ruff\n[",
            "fastapi[standard\n-r\n \\\né==1 #x\nhttps://x\n",
            "[project]\ndependencies = [\"é\", 3, \"fastapi (>=1)\"]\n[tool.poetry.group.x.dependencies]\n\"ü\" = {version=\"1\"}\n",
        ];
        for text in samples {
            for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
                for format in [
                    Format::Requirements,
                    Format::Pyproject,
                    Format::Pipfile,
                    Format::SetupCfg,
                ] {
                    let _ = parse(format, "requirements.txt", &text[..end]);
                }
            }
        }
    }
}
