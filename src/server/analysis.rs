//! A document's findings and fixes, with the configuration found for it.

use crate::config::{self, Config};
use crate::diagnostic::Finding;
use crate::discover::{Classifier, FileKind};
use crate::engine::{self, Settings};
use crate::fix;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

/// What linting one document needs.
struct Prepared {
    settings: Settings,
    /// The files around the document, with the document's text in place
    /// of what is on disk.
    project: crate::project::Project,
    /// `None`: a file prodlint does not read, or one the configuration
    /// excludes.
    kind: Option<FileKind>,
    /// A configuration error to show (the defaults are used then).
    error: Option<String>,
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
    let project = match kind {
        Some(k) => engine::project_alone(path, Some(k), Some(text), &settings),
        None => crate::project::Project::default(),
    };
    Prepared {
        settings,
        project,
        kind,
        error,
    }
}

fn folder(path: &Path) -> PathBuf {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Lints a document's text; also returns a configuration error to show.
pub fn analyse(
    path: &Path,
    text: &str,
    config_path: Option<&Path>,
) -> (Vec<Finding>, Option<String>) {
    let p = prepare(path, text, config_path);
    let Some(kind) = p.kind else {
        return (Vec::new(), p.error);
    };
    let report = engine::lint_text(
        path,
        Some(kind),
        engine::decode(text.as_bytes().to_vec(), p.settings.config.max_file_size),
        &p.settings,
        &p.project,
    );
    (report.findings, p.error)
}

/// The text with every safe fix applied, when at least one applies.
pub fn fix_all(path: &Path, text: &str, config_path: Option<&Path>) -> Option<String> {
    let p = prepare(path, text, config_path);
    let kind = p.kind?;
    let source = SourceFile::new(path, text.to_string());
    let (fixed, applied) = fix::fix_source(&source, kind, &p.settings, &p.project, false);
    (applied > 0 && fixed != text).then_some(fixed)
}
