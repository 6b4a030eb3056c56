//! Companions: files another file's rules read beside it. A Dockerfile's
//! build-context ignore file (`<name>.dockerignore`, else `.dockerignore`)
//! and the template that documents an env file's keys (`<file>.example`,
//! `.sample`, `.template` or `.dist` beside it, else `.env.example` and
//! its kin in the same folder). The project holds them parsed, like any
//! other fact: the lint reads no file itself, and an edit in the editor
//! counts before it is saved.

use super::{Project, dir_of, key};
use crate::discover::FileKind;
use crate::parse::{dockerignore::DockerIgnore, dotenv::EnvFile};
use crate::paths::FastPath;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a companion file holds, parsed.
#[derive(Debug, Clone)]
pub enum Companion {
    DockerIgnore(Arc<DockerIgnore>),
    EnvTemplate(Arc<EnvFile>),
}

const TEMPLATE_SUFFIXES: [&str; 4] = ["example", "sample", "template", "dist"];

/// The names a Dockerfile's ignore file may have, first match wins.
fn dockerignore_names(name: &str) -> Vec<String> {
    vec![format!("{name}.dockerignore"), ".dockerignore".to_string()]
}

/// The names an env file's template may have, first match wins.
fn template_names(name: &str) -> Vec<String> {
    TEMPLATE_SUFFIXES
        .iter()
        .map(|s| format!("{name}.{s}"))
        .chain(TEMPLATE_SUFFIXES.iter().map(|s| format!(".env.{s}")))
        .collect()
}

/// The paths of `path`'s companions by `names`, beside it and spelt as
/// the user gave `path`.
fn beside(path: &Path, names: fn(&str) -> Vec<String>) -> Vec<PathBuf> {
    let dir = path
        .fast_parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(name) = path.fast_file_name() else {
        return Vec::new();
    };
    names(&name.to_string_lossy())
        .into_iter()
        .map(|n| dir.join(n))
        .collect()
}

/// The companion a file of this kind and name is, parsed (`None`: the
/// file is no companion).
pub fn parse(kind: FileKind, name: &str, text: &str) -> Option<Companion> {
    match kind {
        FileKind::DockerIgnore => Some(Companion::DockerIgnore(Arc::new(
            crate::parse::dockerignore::parse(text),
        ))),
        FileKind::Env if crate::parse::dotenv::is_template_name(name) => Some(
            Companion::EnvTemplate(Arc::new(crate::parse::dotenv::parse(text))),
        ),
        _ => None,
    }
}

impl Project {
    fn companion_of(&self, path: &Path) -> Option<&Companion> {
        self.files.get(super::b(&key(path)))?.companion.as_ref()
    }

    /// The first of `path`'s companions by `names` that the project holds
    /// as `pick` reads it, with its path.
    fn first_companion<T>(
        &self,
        path: &Path,
        names: fn(&str) -> Vec<String>,
        pick: fn(&Companion) -> Option<&Arc<T>>,
    ) -> Option<(PathBuf, Arc<T>)> {
        beside(path, names)
            .into_iter()
            .find_map(|p| pick(self.companion_of(&p)?).map(|c| (p, Arc::clone(c))))
    }

    /// The build context of a Dockerfile (a project key): the one every
    /// build of it in the project names (compose `build.context`, a
    /// workflow's `context:` or `docker build` argument), else its folder.
    pub fn build_context(&self, dockerfile: &Path) -> PathBuf {
        self.context_of_key(&key(dockerfile))
    }

    /// [`Project::build_context`] of a Dockerfile's project key.
    pub(super) fn context_of_key(&self, k: &Path) -> PathBuf {
        match self.build_contexts.get(super::b(k)) {
            Some(c) => c.clone(),
            None => dir_of(k),
        }
    }

    /// The ignore file of a Dockerfile's build context, with its path:
    /// `<name>.dockerignore` beside the Dockerfile, else `.dockerignore`
    /// at the root of the context its builds use.
    pub fn dockerignore_for(&self, dockerfile: &Path) -> Option<(PathBuf, Arc<DockerIgnore>)> {
        fn pick(c: &Companion) -> Option<&Arc<DockerIgnore>> {
            match c {
                Companion::DockerIgnore(d) => Some(d),
                Companion::EnvTemplate(_) => None,
            }
        }
        let k = key(dockerfile);
        let context = self.context_of_key(&k);
        if context == dir_of(&k) {
            return self.first_companion(dockerfile, dockerignore_names, pick);
        }
        let own = beside(dockerfile, dockerignore_names).into_iter().next()?;
        if let Some(d) = self.companion_of(&own).and_then(pick) {
            return Some((own, Arc::clone(d)));
        }
        let at = context.join(".dockerignore");
        let f = self.files.get(super::b(&at))?;
        let d = f.companion.as_ref().and_then(pick)?;
        Some((f.input.path.to_path_buf(), Arc::clone(d)))
    }

    /// Build contexts named by the project's builds, by Dockerfile, where
    /// every build of that Dockerfile names the same one.
    pub(super) fn contexts_of_builds(&self) -> std::collections::BTreeMap<super::Key, PathBuf> {
        let mut seen: std::collections::BTreeMap<super::Key, Option<PathBuf>> = Default::default();
        for f in self.files.values() {
            for b in &f.stated.builds {
                seen.entry(super::Key::new(b.dockerfile.as_path()))
                    .and_modify(|c| {
                        if c.as_ref() != Some(&b.context) {
                            *c = None;
                        }
                    })
                    .or_insert_with(|| Some(b.context.clone()));
            }
        }
        seen.into_iter()
            .filter_map(|(k, c)| Some((k, c?)))
            .collect()
    }

    /// The template that documents an env file's keys, with its path.
    pub fn env_template_for(&self, env_file: &Path) -> Option<(PathBuf, Arc<EnvFile>)> {
        self.first_companion(env_file, template_names, |c| match c {
            Companion::EnvTemplate(t) => Some(t),
            Companion::DockerIgnore(_) => None,
        })
    }

    /// The companions of the project's Dockerfiles and env files that it
    /// did not read (the loader reads those that exist), with the kind to
    /// read them as.
    pub(super) fn wanted_companions(&self) -> Vec<(PathBuf, FileKind)> {
        let mut out = Vec::new();
        for (fk, f) in &self.files {
            let (names, kind): (fn(&str) -> Vec<String>, FileKind) = match f.input.kind {
                FileKind::Dockerfile => (dockerignore_names, FileKind::DockerIgnore),
                FileKind::Env if f.companion.is_none() => (template_names, FileKind::Env),
                _ => continue,
            };
            let dir = dir_of(&fk.0);
            let Some(name) = f.input.path.fast_file_name() else {
                continue;
            };
            for n in names(&name.to_string_lossy()) {
                let p = dir.join(n);
                if !self.files.contains_key(super::b(&p)) {
                    out.push((p, kind));
                }
            }
            // The ignore file of the context its builds use.
            if f.input.kind == FileKind::Dockerfile {
                let context = self.context_of_key(&fk.0);
                let p = context.join(".dockerignore");
                if context != dir && !self.files.contains_key(super::b(&p)) {
                    out.push((p, FileKind::DockerIgnore));
                }
            }
        }
        out
    }
}
