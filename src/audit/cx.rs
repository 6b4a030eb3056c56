//! What the audit's items read: the findings of the check by rule, the
//! project's facts, the files walked with their purposes, and the few
//! documents (READMEs, runbooks, alert rules) no rule reads.

use super::Evidence;
use crate::discover::FileKind;
use crate::engine::FileReport;
use crate::hashing::FastMap;
use crate::paths::FastPath;
use crate::project::Project;
use crate::project::facts::Loc;
use crate::project::facts::app::{AppDef, Signal};
use crate::purpose::Purpose;
use std::path::{Path, PathBuf};

/// A file the walk found.
#[derive(Debug, Clone)]
pub struct Walked {
    pub path: PathBuf,
    pub kind: Option<FileKind>,
    pub purpose: Purpose,
}

pub struct Cx<'a> {
    pub project: &'a Project,
    /// Findings by rule code, as evidence, in report order.
    findings: FastMap<&'static str, Vec<Evidence>>,
    /// The files linted and the other files walked, in path order.
    pub files: Vec<Walked>,
    /// Documents read for the items no rule covers: (path, text).
    pub documents: Vec<(PathBuf, crate::source::SharedText)>,
    /// The folders the audit was named (project keys): a path is judged
    /// below them.
    roots: Vec<PathBuf>,
}

/// The purpose of a file no lint judged, by its path below the folder the
/// audit was named (a folder above it, `~/old/app` or `~/docs/app`, says
/// nothing of it), as the check judges the files it lints.
pub fn guess_below(roots: &[PathBuf], path: &Path) -> Purpose {
    let k = crate::project::key(path);
    let root = roots
        .iter()
        .filter(|r| k.starts_with(r) && k != **r)
        .max_by_key(|r| r.as_os_str().len());
    crate::purpose::guess(
        &crate::purpose::below(&k, root.map(PathBuf::as_path)),
        None,
        "",
    )
}

/// Files read again for a mention, at most this large.
const MAX_REREAD: u64 = 1 << 20;

/// The position of byte `offset` in `text`: 1-based line and column,
/// counted as the reports count them (lines end at LF, CRLF or a lone
/// CR; columns in characters). Only the text before the offset is read:
/// evidence is found once per item, not worth a line index of the file.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = &text.as_bytes()[..offset];
    let (mut line, mut start) = (1, 0);
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        let crlf = bytes[i] == b'\r' && text.as_bytes().get(i + 1) == Some(&b'\n');
        if !crlf {
            line += 1;
            start = i + 1;
        }
    }
    let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

impl<'a> Cx<'a> {
    pub fn new(
        project: &'a Project,
        reports: &[FileReport],
        mut others: Vec<Walked>,
        documents: Vec<(PathBuf, crate::source::SharedText)>,
        roots: Vec<PathBuf>,
    ) -> Self {
        let mut findings: FastMap<&'static str, Vec<Evidence>> = FastMap::default();
        let mut files = Vec::with_capacity(reports.len() + others.len());
        for r in reports {
            files.push(Walked {
                path: crate::project::key(&r.source.path),
                kind: r.kind,
                purpose: r.source.purpose,
            });
            for f in &r.findings {
                let start = r.source.region(f.span).start;
                findings.entry(f.code()).or_default().push(Evidence {
                    file: crate::report::report_path(&r.source.path),
                    line: start.line,
                    column: start.column,
                    message: f.message.clone(),
                    rule: Some(f.code()),
                });
            }
        }
        for o in &mut others {
            o.path = crate::project::key(&o.path);
        }
        files.append(&mut others);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Cx {
            project,
            findings,
            files,
            documents,
            roots,
        }
    }

    pub fn findings_of(&self, code: &str) -> &[Evidence] {
        self.findings.get(code).map_or(&[], Vec::as_slice)
    }

    /// Evidence at a byte offset of a file the project holds (line 1 when
    /// it does not hold the text).
    pub fn at(&self, file: &Path, offset: usize, message: impl Into<String>) -> Evidence {
        let (line, column) = self
            .project
            .text(file)
            .map_or((1, 1), |t| position(&t, offset));
        Evidence {
            file: crate::report::report_path(file),
            line,
            column,
            message: message.into(),
            rule: None,
        }
    }

    pub fn at_loc(&self, loc: &Loc, message: impl Into<String>) -> Evidence {
        self.at(&loc.file, loc.span.start, message)
    }

    /// Evidence at the first occurrence of `needle` in `text` (of `file`).
    pub fn at_text(
        file: &Path,
        text: &str,
        needle: &str,
        message: impl Into<String>,
    ) -> Option<Evidence> {
        let at = find_ignore_case(text, needle)?;
        let (line, column) = position(text, at);
        Some(Evidence {
            file: crate::report::report_path(file),
            line,
            column,
            message: message.into(),
            rule: None,
        })
    }

    /// The file is meant for production (the check's judgement; a path
    /// it did not lint is judged by its name).
    pub fn production(&self, path: &Path) -> bool {
        let key = crate::project::key(path);
        match self.files.binary_search_by(|w| w.path.cmp(&key)) {
            Ok(i) => self.files[i].purpose == Purpose::Production,
            Err(_) => guess_below(&self.roots, path) == Purpose::Production,
        }
    }

    /// Production files of a kind, in path order.
    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = &Walked> {
        self.files
            .iter()
            .filter(move |w| w.kind == Some(kind) && w.purpose == Purpose::Production)
    }

    pub fn has(&self, kind: FileKind) -> bool {
        self.files_of(kind).next().is_some()
    }

    /// The apps production code makes: (module key, definition), in
    /// path order.
    pub fn apps(&self) -> impl Iterator<Item = (&PathBuf, &AppDef)> {
        self.project
            .app_model()
            .apps()
            .filter(|(k, _)| self.production(k))
    }

    /// Where the first production app is made, and its name.
    pub fn first_app(&self) -> Option<(Loc, String)> {
        self.apps()
            .next()
            .map(|(k, a)| (Loc::new(k, a.at), a.name.clone()))
    }

    /// The first place production code does this set-up.
    pub fn signal(&self, signal: Signal) -> Option<Loc> {
        self.project
            .app_model()
            .modules()
            .filter(|(k, _)| self.production(k))
            .find_map(|(k, m)| {
                m.signals
                    .iter()
                    .find(|(s, _)| *s == signal)
                    .map(|(_, at)| Loc::new(k, *at))
            })
    }

    /// The first dependency file line declaring one of these
    /// distributions (PEP 503 names).
    pub fn dependency(&self, names: &[&str]) -> Option<Evidence> {
        let d = self
            .project
            .all_dependencies()
            .filter(|d| self.production(&d.file))
            .find(|d| names.contains(&d.requirement.name.as_str()))?;
        let name = &d.requirement.name;
        let message = format!("`{name}` is a dependency");
        match self.project.text(&d.file) {
            Some(t) => Self::at_text(&d.file, &t, name, message.clone())
                .or_else(|| Self::at_text(&d.file, &t, &name.replace('-', "_"), message.clone())),
            None => None,
        }
        .or_else(|| Some(self.at(&d.file, 0, message)))
    }

    /// The first dependency file of production code: where an absence is
    /// shown.
    pub fn dependency_file(&self) -> Option<Evidence> {
        // The app's own (the nearest above its module), else the first.
        let near = self.apps().find_map(|(k, _)| {
            let dir = crate::project::dir_of(k);
            Some(self.project.dependencies(&dir)?.first()?.file.clone())
        });
        let file = match near {
            Some(f) => f,
            None => self
                .project
                .all_dependencies()
                .find(|d| self.production(&d.file))?
                .file
                .clone(),
        };
        Some(self.at(&file, 0, "the dependencies declared"))
    }

    /// The first production file of these kinds holding `needle`, in
    /// path order. The project keeps only files with facts: the others
    /// are read again (bounded like any file of the run).
    pub fn mention(
        &self,
        kinds: &[FileKind],
        needle: &str,
        message: impl Into<String> + Clone,
    ) -> Option<Evidence> {
        self.mention_where(kinds, |t| find_ignore_case(t, needle), message)
    }

    /// [`Cx::mention`] with the offset found by `find`.
    pub fn mention_where(
        &self,
        kinds: &[FileKind],
        find: impl Fn(&str) -> Option<usize>,
        message: impl Into<String> + Clone,
    ) -> Option<Evidence> {
        self.files
            .iter()
            .filter(|w| {
                w.purpose == Purpose::Production && w.kind.is_some_and(|k| kinds.contains(&k))
            })
            .find_map(|w| {
                let text: crate::source::SharedText = match self.project.text_of_file(&w.path) {
                    Some(t) => t,
                    None => crate::source::SharedText::from(
                        crate::engine::load(&w.path, MAX_REREAD).ok()?,
                    ),
                };
                let at = find(&text)?;
                let (line, column) = position(&text, at);
                Some(Evidence {
                    file: crate::report::report_path(&w.path),
                    line,
                    column,
                    message: message.clone().into(),
                    rule: None,
                })
            })
    }

    /// The first production Python module holding `needle`.
    pub fn mention_in_code(
        &self,
        needle: &str,
        message: impl Into<String> + Clone,
    ) -> Option<Evidence> {
        self.project
            .texts_of(&[FileKind::Text, FileKind::Gunicorn])
            .filter(|(p, _)| p.fast_extension().is_some_and(|e| e == "py") && self.production(p))
            .find_map(|(p, t)| Self::at_text(p, t, needle, message.clone()))
    }
}

/// The byte offset of `needle` in `text`, ASCII case ignored: as
/// written first (a vectorised search), else byte by byte.
pub fn find_ignore_case(text: &str, needle: &str) -> Option<usize> {
    let (h, n) = (text.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    if let Some(at) = memchr::memmem::find(h, n) {
        return Some(at);
    }
    // Only a different case can still match: the first byte in either
    // case starts a candidate.
    let (lower, upper) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, &h[..=h.len() - n.len()])
        .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder above the one the audit was named says nothing of a file.
    #[test]
    fn purposes_are_judged_below_the_audited_folder() {
        let roots = vec![PathBuf::from("/home/me/old/app")];
        let guess = |p: &str| guess_below(&roots, Path::new(p));
        assert_eq!(guess("/home/me/old/app/README.md"), Purpose::Production);
        assert_eq!(guess("/home/me/old/app/docs/alerts.yml"), Purpose::Example);
        assert_eq!(
            guess("/home/me/old/app/deploy/old/compose.yml"),
            Purpose::Example
        );
    }

    #[test]
    fn positions_count_lines_as_the_reports_do() {
        let text = "a\r\nbé\rc\nd";
        let index = crate::source::LineIndex::new(text);
        for offset in 0..=text.len() {
            if text.is_char_boundary(offset) {
                let p = index.position(text, offset);
                assert_eq!(position(text, offset), (p.line, p.column), "{offset}");
            }
        }
    }

    #[test]
    fn needles_are_found_in_any_case() {
        assert_eq!(
            find_ignore_case("x Kubectl Rollout Undo", "kubectl rollout undo"),
            Some(2)
        );
        assert_eq!(find_ignore_case("pytest", "PYTEST"), Some(0));
        assert_eq!(find_ignore_case("py", "pytest"), None);
    }
}
