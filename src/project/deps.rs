//! What the project installs: the dependency files of each folder, parsed
//! once. A question about a file is answered by the nearest folder at or
//! above it that declares dependencies.

use crate::parse::dependencies::{self, Format, Requirement};
use crate::paths::FastPath;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A dependency and the file that declares it.
#[derive(Debug, Clone)]
pub struct Declared {
    pub file: PathBuf,
    pub requirement: Requirement,
}

#[derive(Debug, Default)]
pub struct Dependencies {
    /// Folder → what its dependency files declare (files in name order).
    by_folder: BTreeMap<PathBuf, Vec<Declared>>,
}

/// Frameworks that serve ASGI apps.
const ASGI: &[&str] = &["fastapi", "starlette"];

/// What one dependency file declares.
#[derive(Debug, Clone)]
pub struct FileDeps {
    pub requirements: Vec<Requirement>,
}

impl FileDeps {
    /// Reads one dependency file (or `setup.py`) at the key `path`.
    pub fn read(path: &Path, text: &str) -> Option<FileDeps> {
        let name = path
            .fast_file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let requirements = match Format::of(&name) {
            Some(format) => dependencies::parse(format, &name, text),
            None if name == "setup.py" => setup_py(text),
            None => return None,
        };
        Some(FileDeps { requirements })
    }
}

impl Dependencies {
    /// Adds what the file at the key `path` declares.
    pub fn add(&mut self, path: &Path, found: FileDeps) {
        let folder = super::dir_of(path);
        let entry = self.by_folder.entry(folder).or_default();
        // Present even when empty: a folder with dependency files that
        // name no framework answers "no", not "unknown".
        entry.extend(found.requirements.into_iter().map(|requirement| Declared {
            file: path.to_path_buf(),
            requirement,
        }));
    }

    /// Every dependency every dependency file declares, by folder.
    pub fn all(&self) -> impl Iterator<Item = &Declared> {
        self.by_folder.values().flatten()
    }

    /// What the nearest folder at or above `dir` with dependency files
    /// declares.
    pub fn nearest(&self, dir: &Path) -> Option<&[Declared]> {
        dir.ancestors()
            .find_map(|d| self.by_folder.get(d))
            .map(Vec::as_slice)
    }

    /// Whether the nearest dependency files name FastAPI or Starlette.
    pub fn asgi(&self, dir: &Path) -> Option<bool> {
        self.nearest(dir).map(|found| {
            found
                .iter()
                .any(|d| ASGI.contains(&d.requirement.name.as_str()))
        })
    }
}

/// `setup.py`: the string literals of its `install_requires=[…]` list,
/// read as text (the file is never run).
fn setup_py(text: &str) -> Vec<Requirement> {
    let Some(at) = text.find("install_requires") else {
        return Vec::new();
    };
    let rest = &text[at..];
    let Some(open) = rest.find('[') else {
        return Vec::new();
    };
    let close = rest[open..].find(']').map_or(rest.len(), |c| open + c);
    let list = &rest[open + 1..close];
    let base = at + open + 1;
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = list.as_bytes();
    while i < bytes.len() {
        let q = bytes[i];
        if q == b'"' || q == b'\'' {
            if let Some(end) = list[i + 1..].find(q as char) {
                let s = &list[i + 1..i + 1 + end];
                out.extend(
                    dependencies::parse(Format::Requirements, "setup.py", &format!("{s}\n"))
                        .into_iter()
                        .map(|mut r| {
                            r.span = crate::source::Span::new(
                                base + i + 1 + r.span.start,
                                base + i + 1 + r.span.end,
                            );
                            r
                        }),
                );
                i += end + 2;
                continue;
            }
            break;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_folder_answers() {
        let mut d = Dependencies::default();
        for (path, text) in [
            (
                "/r/pyproject.toml",
                "[project]\ndependencies = [\"fastapi\"]\n",
            ),
            ("/r/worker/requirements.txt", "celery\n"),
            (
                "/r/legacy/setup.py",
                "setup(name='x', install_requires=['starlette>=0.30', \"httpx\"])\n",
            ),
        ] {
            let found = FileDeps::read(Path::new(path), text);
            d.add(Path::new(path), found.unwrap_or_else(|| panic!("{path}")));
        }
        assert_eq!(d.asgi(Path::new("/r/app/api")), Some(true));
        assert_eq!(d.asgi(Path::new("/r/worker/jobs")), Some(false));
        assert_eq!(d.asgi(Path::new("/r/legacy")), Some(true));
        assert_eq!(d.asgi(Path::new("/elsewhere")), None);
    }
}
