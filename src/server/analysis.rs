//! A document's findings and fixes, with the configuration found for it.

use crate::config::{self, Config};
use crate::diagnostic::Finding;
use crate::discover::{Classifier, FileKind};
use crate::engine::{self, Settings};
use crate::fix;
use crate::paths::FastPath;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

/// What linting one document needs.
struct Prepared {
    settings: Settings,
    /// `None`: a file prodlint does not read, or one the configuration
    /// excludes.
    kind: Option<FileKind>,
    /// A configuration error to show (the defaults are used then).
    error: Option<String>,
}

/// The projects the editor built, by folder: built once from disk, then
/// kept up to date with the documents' texts; forgotten when a file is
/// saved or changes on disk.
#[derive(Default)]
pub struct Projects(std::collections::HashMap<PathBuf, Kept>);

/// A project and what the files it read looked like then.
struct Kept {
    project: crate::project::Project,
    built: std::time::Instant,
    /// Each file read: its modification time and length.
    stamps: Vec<(PathBuf, Option<(std::time::SystemTime, u64)>)>,
}

/// How long a project is kept across saves when no file it read changed:
/// files added meanwhile are seen after that (or at once with a client
/// that reports changed files).
const KEEP_FOR: std::time::Duration = std::time::Duration::from_secs(60);

fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl Projects {
    pub fn forget(&mut self) {
        self.0.clear();
    }

    /// After a save: keeps the projects whose files are as they were read
    /// (the open documents' texts come from the editor, not the disk).
    pub fn refresh(&mut self, open: &std::collections::HashSet<PathBuf>) {
        self.0.retain(|_, kept| {
            kept.built.elapsed() < KEEP_FOR
                && kept
                    .stamps
                    .iter()
                    .all(|(p, s)| open.contains(p) || stamp(p) == *s)
        });
    }

    /// The project around `path`, with `text` as its content.
    fn around(
        &mut self,
        path: &Path,
        kind: FileKind,
        text: &str,
        settings: &Settings,
    ) -> &crate::project::Project {
        // Bounded: a session that visits many folders keeps the latest.
        if self.0.len() > 16 {
            self.0.clear();
        }
        let kept = self.0.entry(folder(path)).or_insert_with(|| {
            let mut project = crate::project::load::project_around(path, &settings.config);
            project.keep_parses();
            let stamps = project
                .read_paths()
                .map(|p| (p.to_path_buf(), stamp(p)))
                .collect();
            Kept {
                project,
                built: std::time::Instant::now(),
                stamps,
            }
        });
        let project = &mut kept.project;
        project.replace(crate::project::Input {
            path: path.into(),
            kind: kind.refine(path, text),
            text: crate::source::SharedText::from(text),
            root: None,
        });
        // The hooks see the changed file (their errors have no document
        // to go to: the log has them).
        for e in crate::engine::run_project_rules(project, settings) {
            eprintln!("prodlint: {e}");
        }
        project
    }
}

fn prepare(path: &Path, text: &str, config_path: Option<&Path>) -> Prepared {
    let loaded = match config_path {
        Some(p) => config::load(p),
        None => config::discover(&folder(path)),
    };
    let (config, error) = match loaded {
        Ok(c) => (c, None),
        Err(e) => (Config::default(), Some(e.to_string())),
    };
    let settings = Settings::from_config(config);
    let classifier = Classifier::new(&settings.config);
    // Files prodlint does not read get no diagnostics (not even "unknown
    // kind"): the editor attaches the server by language, not by name.
    let kind = if classifier.excluded(path) {
        None
    } else {
        classifier.kind(path).map(|k| k.refine(path, text))
    };
    Prepared {
        settings,
        kind,
        error,
    }
}

fn folder(path: &Path) -> PathBuf {
    path.fast_parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Lints a document's text; also returns a configuration error to show.
pub fn analyse(
    path: &Path,
    text: &str,
    config_path: Option<&Path>,
    projects: &mut Projects,
) -> (Vec<Finding>, Option<String>) {
    let p = prepare(path, text, config_path);
    let Some(kind) = p.kind else {
        return (Vec::new(), p.error);
    };
    let project = projects.around(path, kind, text, &p.settings);
    let report = engine::lint_text(
        path,
        Some(kind),
        engine::decode(text.as_bytes().to_vec(), p.settings.config.max_file_size),
        &p.settings,
        project,
    );
    (report.findings, p.error)
}

/// The text with every safe fix applied, when at least one applies.
pub fn fix_all(
    path: &Path,
    text: &str,
    config_path: Option<&Path>,
    projects: &mut Projects,
) -> Option<String> {
    let p = prepare(path, text, config_path);
    let kind = p.kind?;
    let project = projects.around(path, kind, text, &p.settings);
    let source = SourceFile::new(path, text.to_string());
    let (fixed, applied) = fix::fix_source(&source, kind, &p.settings, project, false);
    (applied > 0 && fixed != text).then_some(fixed)
}
