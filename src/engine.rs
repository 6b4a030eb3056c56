//! Orchestration: load -> parse -> rules -> suppressions and selection ->
//! sorted findings, one file at a time, files in parallel.

use crate::config::{Config, PathBase, glob_set};
use crate::diagnostic::{Finding, Findings, Severity};
use crate::discover::{Candidate, FileKind};
use crate::parse::compose::Compose;
use crate::parse::dockerfile;
use crate::parse::dockerignore::{self, DockerIgnore};
use crate::parse::dotenv;
use crate::parse::kube;
use crate::parse::template;
use crate::parse::workflow::{Action, Workflow};
use crate::parse::yaml;
use crate::purpose::Purpose;
use crate::rules::meta::{FileSkipped, InternalError, ParseError, TemplateNotLinted};
use crate::rules::{self, DockerContext, EnvContext, WorkflowContext};
use crate::select::{Selection, Selector};
use crate::source::{SourceFile, Span};
use crate::suppress;
use globset::GlobSet;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A manifest's text and its YAML tree, read once.
type Parsed = Arc<(String, yaml::YamlFile)>;

/// Everything the engine needs to know besides the files.
pub struct Settings {
    pub config: Config,
    pub selection: Selection,
    per_file: Vec<(GlobSet, Vec<Selector>)>,
    /// `[purposes]`: globs that decide a file's purpose.
    purposes: Vec<(GlobSet, Purpose)>,
    base: PathBase,
    /// Services, autoscalers and disruption budgets of every manifest of
    /// the run, for rules that look across files.
    kube: std::sync::RwLock<Arc<kube::Index>>,
    /// Manifests the index read, with their parse, so the lint does not
    /// read and parse them twice.
    parsed: std::sync::RwLock<HashMap<PathBuf, Parsed>>,
}

impl Settings {
    pub fn new(config: Config, selection: Selection) -> Self {
        let per_file = config
            .per_file_ignores
            .iter()
            .map(|(g, sels)| (glob_set([g]), sels.clone()))
            .collect();
        crate::read::set_context_limit(config.max_file_size);
        let purposes = config
            .purposes
            .iter()
            .map(|(g, p)| (glob_set([g]), *p))
            .collect();
        Self {
            purposes,
            base: PathBase::new(&config),
            config,
            selection,
            per_file,
            kube: std::sync::RwLock::new(Arc::new(kube::Index::default())),
            parsed: std::sync::RwLock::new(HashMap::new()),
        }
    }

    /// Settings whose rules are the configuration's own `select`,
    /// `extend-select` and `ignore`.
    pub fn from_config(config: Config) -> Self {
        let selection = Selection::new(
            config.select.as_deref(),
            &config.extend_select,
            &config.ignore,
        );
        Self::new(config, selection)
    }

    /// The cross-file index of Kubernetes objects of this run.
    pub fn kube_index(&self) -> Arc<kube::Index> {
        self.kube.read().map(|i| Arc::clone(&i)).unwrap_or_default()
    }

    /// The parse of `path` made while indexing, if it was of this text.
    fn parsed_yaml(&self, path: &Path, text: &str) -> Option<Parsed> {
        let map = self.parsed.read().ok()?;
        map.get(path).filter(|p| p.0 == text).cloned()
    }

    fn set_kube_index(&self, index: kube::Index) {
        if let Ok(mut i) = self.kube.write() {
            *i = Arc::new(index);
        }
    }

    /// What a file is for: `[purposes]` first, else the guess from the
    /// path below the folder the user named (`below`) and its text.
    pub fn purpose_of(
        &self,
        path: &Path,
        below: &Path,
        kind: Option<FileKind>,
        text: &str,
    ) -> Purpose {
        if self.config.purpose_all {
            return Purpose::Production;
        }
        if !self.purposes.is_empty() {
            let rel = self.base.relative(path);
            if let Some((_, p)) = self
                .purposes
                .iter()
                .find(|(set, _)| set.is_match(&rel) || set.is_match(path))
            {
                return *p;
            }
        }
        crate::purpose::guess(below, kind, text)
    }

    /// Whether a rule checks a file of this purpose (with `--purpose all`
    /// every file is production).
    fn checks(&self, rule: &crate::registry::RuleMeta, purpose: Purpose) -> bool {
        rule.purposes.contains(&purpose)
    }

    /// The selection for one file, after `per-file-ignores`.
    fn selection_for(&self, path: &Path) -> Selection {
        if self.per_file.is_empty() {
            return self.selection.clone();
        }
        let rel = self.base.relative(path);
        let ignored: Vec<Selector> = self
            .per_file
            .iter()
            .filter(|(set, _)| set.is_match(&rel) || set.is_match(path))
            .flat_map(|(_, s)| s.iter().cloned())
            .collect();
        if ignored.is_empty() {
            self.selection.clone()
        } else {
            self.selection.without(&ignored)
        }
    }
}

/// The findings of one file, with the source they point into.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub kind: Option<FileKind>,
    pub findings: Vec<Finding>,
    /// Why the file was not linted, when it was not.
    pub skipped: Option<String>,
    /// The file could not be read at all (an I/O error: exit code 2).
    pub unreadable: bool,
}

/// Why a file's bytes are not lintable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlintable {
    pub reason: String,
    /// Reading failed (permissions, a vanished file), as opposed to the
    /// content being too large, binary or not UTF-8.
    pub io_error: bool,
}

impl Unlintable {
    fn content(reason: String) -> Self {
        Self {
            reason,
            io_error: false,
        }
    }
}

/// Reads a file with the loading guards: size, binary content, UTF-8.
pub fn load(path: &Path, max_size: u64) -> Result<String, Unlintable> {
    use crate::read::ReadError;
    match crate::read::bytes(path, max_size) {
        Ok(bytes) => decode(bytes, max_size),
        Err(ReadError::TooLarge(n)) => Err(Unlintable::content(format!(
            "the file is {n} bytes, over the {max_size}-byte limit (`max-file-size`)"
        ))),
        Err(e) => Err(Unlintable {
            reason: e.to_string(),
            io_error: true,
        }),
    }
}

/// Turns bytes into text, or says why they are not lintable text.
pub fn decode(bytes: Vec<u8>, max_size: u64) -> Result<String, Unlintable> {
    if bytes.len() as u64 > max_size {
        return Err(Unlintable::content(format!(
            "the input is {} bytes, over the {max_size}-byte limit (`max-file-size`)",
            bytes.len()
        )));
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return Err(Unlintable::content(
            "the file looks binary (it contains NUL bytes)".to_string(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        Unlintable::content(format!(
            "the file is not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic printer: a panic inside a rule becomes a
/// PL004 finding, with the message and location recorded here.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        if std::env::var_os("PRODLINT_DEBUG").is_some()
            && let Some(l) = info.location()
        {
            eprintln!("prodlint: panic at {}:{}: {msg}", l.file(), l.line());
        }
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
    }));
}

/// The first existing companion of `path` among `names` (built from the
/// file's own name), read as text: `Dockerfile.dockerignore`,
/// `.env.example`, …
fn companion(path: &Path, names: impl Fn(&str) -> Vec<String>) -> Option<(PathBuf, String)> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name()?.to_string_lossy().to_string();
    names(&name)
        .into_iter()
        .map(|n| dir.join(n))
        .find(|p| crate::read::is_regular(p))
        .and_then(|p| Some((p.clone(), crate::read::context(&p)?)))
}

/// The build-context ignore file for a Dockerfile: `<name>.dockerignore`
/// beside it, else `.dockerignore`.
fn dockerignore_for(path: &Path) -> Option<(PathBuf, DockerIgnore)> {
    let (p, text) = companion(path, |name| {
        vec![format!("{name}.dockerignore"), ".dockerignore".to_string()]
    })?;
    Some((p, dockerignore::parse(&text)))
}

/// The template that documents an env file's keys: `<file>.example` (or
/// `.sample`, `.template`, `.dist`) beside it, else `.env.example` (…) in
/// the same folder.
fn env_template_for(path: &Path) -> Option<(PathBuf, dotenv::EnvFile)> {
    const SUFFIXES: [&str; 4] = ["example", "sample", "template", "dist"];
    let (p, text) = companion(path, |name| {
        SUFFIXES
            .iter()
            .map(|s| format!("{name}.{s}"))
            .chain(SUFFIXES.iter().map(|s| format!(".env.{s}")))
            .collect()
    })?;
    Some((p, dotenv::parse(&text)))
}

/// Runs the rules for one file's text; no suppression or selection yet.
/// Returns the findings, the multi-line statements for suppressions, the
/// secrets no finding marks (see [`hide_secrets`]) and how many findings
/// of each rule were not kept (see `KEPT_PER_RULE`).
fn run_rules(
    source: &SourceFile,
    kind: FileKind,
    settings: &Settings,
    selection: &Selection,
) -> RuleOutput {
    let mut out = Findings::new();
    let mut statements = Vec::new();
    let mut hidden = Vec::new();
    // Lets the test suite prove that a crash in one file is contained.
    if std::env::var_os("PRODLINT_TEST_PANIC").is_some()
        && source.text.contains("prodlint-test: panic")
    {
        panic!("test panic requested by the file");
    }
    // A template is not what will run: one note, nothing else (its
    // secrets are still masked wherever its lines are shown).
    let template_at = match kind {
        FileKind::Dockerfile => template::first_directive(&source.text, false),
        FileKind::Compose | FileKind::Kubernetes => template::first_directive(&source.text, true),
        _ => None,
    };
    if let Some(at) = template_at {
        // Secrets are reported in templates too (a live token is a leak
        // wherever it is committed); the selection and purposes decide.
        rules::secrets::scan(source, &Selection::every_rule(), &mut out);
        hidden.extend(out.take_dropped_secrets());
        out.report(
            &TemplateNotLinted::META,
            Span::new(at, (at + 2).min(source.text.len())),
            "not linted: a template (`{{ … }}`, `{% … %}`: Helm, Jinja, cookiecutter) is not the file that runs until it is rendered; lint the rendered output",
        );
        return (out.into_vec(), statements, hidden, Vec::new());
    }
    match kind {
        FileKind::Dockerfile => {
            let df = dockerfile::parse(&source.text);
            for e in &df.errors {
                out.report(&ParseError::META, e.span, e.message.clone());
            }
            for l in &df.limits {
                out.report(&FileSkipped::META, l.span, l.message.clone());
            }
            for i in &df.instructions {
                let a = source.lines.line_of(i.span.start);
                let b = source
                    .lines
                    .line_of(i.span.end.saturating_sub(1).max(i.span.start));
                if b > a {
                    statements.push((a, b));
                }
            }
            let ignore = dockerignore_for(&source.path);
            let cx = DockerContext {
                file: source,
                dockerfile: &df,
                dockerignore: ignore.as_ref(),
                config: &settings.config,
            };
            for rule in rules::DOCKERFILE_RULES {
                if selection.is_enabled(rule.meta().code) {
                    rule.check(&cx, &mut out);
                }
            }
            rules::process::check_dockerfile(&cx, selection, &mut out);
        }
        FileKind::DockerIgnore | FileKind::Text => {}
        FileKind::Gunicorn => {
            rules::process::check_gunicorn(source, &settings.config, selection, &mut out)
        }
        FileKind::Supervisor => {
            rules::process::check_supervisor(source, &settings.config, selection, &mut out)
        }
        FileKind::Systemd => {
            rules::process::check_systemd(source, &settings.config, selection, &mut out)
        }
        FileKind::Procfile => {
            rules::process::check_procfile(source, &settings.config, selection, &mut out)
        }
        FileKind::Compose => {
            let tree = yaml::parse(&source.text);
            report_yaml_errors(&tree, &mut out);
            let root = tree.documents.first().and_then(Option::as_ref);
            let syntax_ok = tree
                .errors
                .iter()
                .all(|e| e.kind != yaml::ErrorKind::Syntax);
            if syntax_ok && let Some(compose) = root.and_then(Compose::from_root) {
                rules::compose::check(source, &compose, &settings.config, selection, &mut out);
            }
        }
        FileKind::Kubernetes => {
            let cached = settings.parsed_yaml(&source.path, &source.text);
            let fresh;
            let tree = match &cached {
                Some(c) => &c.1,
                None => {
                    fresh = yaml::parse(&source.text);
                    &fresh
                }
            };
            report_yaml_errors(tree, &mut out);
            let syntax_ok = tree
                .errors
                .iter()
                .all(|e| e.kind != yaml::ErrorKind::Syntax);
            if syntax_ok {
                let index = settings.kube_index();
                rules::kube::check(source, tree, &index, &settings.config, selection, &mut out);
            }
        }
        FileKind::Env => {
            let env = dotenv::parse(&source.text);
            for e in &env.entries {
                let a = source.lines.line_of(e.line_span.start);
                let b = source.lines.line_of(e.line_span.end);
                if b > a {
                    statements.push((a, b));
                }
            }
            let name = source
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let environment = env.environment(&name);
            // The engine's verdict, whichever EN rule shows the line.
            hidden.extend(
                env.entries
                    .iter()
                    .filter(|e| rules::secrets::is_secret_assignment(&e.key, &e.value, &[]))
                    .map(|e| e.value_span),
            );
            let template = (environment != dotenv::Environment::Template)
                .then(|| env_template_for(&source.path))
                .flatten();
            let cx = EnvContext {
                file: source,
                env: &env,
                environment,
                template: template.as_ref(),
                config: &settings.config,
            };
            for rule in rules::ENV_RULES {
                if selection.is_enabled(rule.meta().code) {
                    rule.check(&cx, &mut out);
                }
            }
        }
        FileKind::Workflow | FileKind::Action => {
            let tree = yaml::parse(&source.text);
            report_yaml_errors(&tree, &mut out);
            // GitHub reads the first document only.
            let root = tree.documents.first().and_then(Option::as_ref);
            let workflow = root
                .filter(|_| kind == FileKind::Workflow)
                .and_then(Workflow::from_root);
            let action = root
                .filter(|_| kind == FileKind::Action)
                .and_then(Action::from_root);
            let cx = WorkflowContext {
                file: source,
                workflow: workflow.as_ref(),
                action: action.as_ref(),
                config: &settings.config,
            };
            if tree
                .errors
                .iter()
                .all(|e| e.kind != yaml::ErrorKind::Syntax)
            {
                for rule in rules::WORKFLOW_RULES {
                    if selection.is_enabled(rule.meta().code) {
                        rule.check(&cx, &mut out);
                    }
                }
            }
        }
    }
    // Every detector runs: a secret is masked in every report even when
    // the rule that would report it is off (its finding is dropped later).
    rules::secrets::scan(source, &Selection::every_rule(), &mut out);
    let dropped = out.dropped();
    hidden.extend(out.take_dropped_secrets());
    (out.into_vec(), statements, hidden, dropped)
}

type RuleOutput = (
    Vec<Finding>,
    Vec<(usize, usize)>,
    Vec<Span>,
    Vec<(&'static str, usize)>,
);

/// Every secret of the file is masked wherever the file is shown, also
/// when the finding that marked it was dropped (rule off, suppressed,
/// over the cap) and when only the engine's verdict knows it (a secret
/// value on a line an EN rule prints): the first finding kept carries
/// them, and the reports mask the secrets of all findings of a file.
fn hide_secrets(findings: &mut [Finding], mut hidden: Vec<Span>) {
    let Some(first) = findings.first_mut() else {
        return;
    };
    hidden.sort();
    hidden.dedup();
    hidden.retain(|s| !s.is_empty() && !first.secrets.contains(s));
    first.secrets.extend(hidden);
}

/// YAML syntax errors and duplicate keys are PL001; a limit that stopped
/// the read is PL003 (the rest of the file was not linted; the documents
/// read before the limit are, so no finding before it is lost).
fn report_yaml_errors(tree: &yaml::YamlFile, out: &mut Findings) {
    for e in &tree.errors {
        match e.kind {
            yaml::ErrorKind::Syntax => {
                out.report(&ParseError::META, e.span, e.message.clone());
            }
            yaml::ErrorKind::DuplicateKey => {
                let b = out.report(&ParseError::META, e.span, e.message.clone());
                if let Some(first) = e.first {
                    b.related(first, "first set here");
                }
            }
            yaml::ErrorKind::Limit => {
                out.report(
                    &FileSkipped::META,
                    e.span,
                    format!("not linted past this point: {}", e.message),
                );
            }
        }
    }
}

/// Lints one file's text as `kind`: rules, suppressions, selection,
/// severity overrides, sorted. A panic becomes a PL004 finding.
pub fn lint_source(source: &SourceFile, kind: FileKind, settings: &Settings) -> Vec<Finding> {
    let selection = settings.selection_for(&source.path);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let (findings, statements, mut hidden, dropped) =
            run_rules(source, kind, settings, &selection);
        hidden.extend(findings.iter().flat_map(|f| f.secrets.iter().copied()));
        // Purposes apply at the finding's own location (its file).
        let findings: Vec<Finding> = findings
            .into_iter()
            .filter(|f| selection.is_enabled(f.code()))
            .filter(|f| settings.checks(f.rule, source.purpose))
            .collect();
        let kept = suppress::apply(source, &statements, findings, &selection);
        (kept, hidden, dropped)
    }));
    let (mut findings, hidden, dropped) = match result {
        Ok(f) => f,
        Err(_) => {
            let why = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "unknown panic".to_string());
            let crashed = Finding::new(
                &InternalError::META,
                Span::empty(0),
                format!("prodlint crashed while checking this file ({why}); please report it"),
            );
            // The report shows the top of the file: its secrets are still
            // masked, found by a scan of their own (or, should that fail
            // too, the whole text is).
            let hidden = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut scratch = Findings::new();
                rules::secrets::scan(source, &Selection::every_rule(), &mut scratch);
                let mut spans = scratch.secret_spans();
                spans.extend(scratch.take_dropped_secrets());
                spans
            }))
            .unwrap_or_else(|_| vec![Span::new(0, source.text.len())]);
            (vec![crashed], hidden, Vec::new())
        }
    };
    for f in &mut findings {
        if let Some(sev) = settings.config.severity.get(f.code()) {
            f.severity = *sev;
        }
        // Spans must stay inside the text and on character boundaries.
        f.span.end = f.span.end.min(source.text.len());
        f.span.start = f.span.start.min(f.span.end);
    }
    sort_findings(&mut findings);
    let mut findings = cap_per_rule(findings, &dropped);
    hide_secrets(&mut findings, hidden);
    findings
}

/// More findings of one rule in one file than anyone will read: the rest
/// are counted on the last one kept, which bounds memory and output.
pub const MAX_FINDINGS_PER_RULE: usize = 100;

fn cap_per_rule(findings: Vec<Finding>, dropped: &[(&'static str, usize)]) -> Vec<Finding> {
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for f in &findings {
        *counts.entry(f.code()).or_default() += 1;
    }
    for (code, n) in dropped {
        if let Some(c) = counts.get_mut(code) {
            *c += n;
        }
    }
    if counts.values().all(|n| *n <= MAX_FINDINGS_PER_RULE) {
        return findings;
    }
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    let mut out = Vec::new();
    for mut f in findings {
        let n = seen.entry(f.code()).or_default();
        *n += 1;
        if *n > MAX_FINDINGS_PER_RULE {
            continue;
        }
        let total = counts.get(f.code()).copied().unwrap_or(0);
        if *n == MAX_FINDINGS_PER_RULE && total > MAX_FINDINGS_PER_RULE {
            f.message.push_str(&format!(
                " ({} more {} findings in this file are not shown)",
                total - MAX_FINDINGS_PER_RULE,
                f.code()
            ));
        }
        out.push(f);
    }
    out
}

pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code(), &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.code(),
            &b.message,
        ))
    });
}

fn skipped(
    path: &Path,
    kind: Option<FileKind>,
    why: Unlintable,
    settings: &Settings,
) -> FileReport {
    let Unlintable {
        reason: why,
        io_error,
    } = why;
    let source = SourceFile::new(path, String::new());
    let findings = if settings.selection.is_enabled(FileSkipped::META.code) {
        vec![Finding::new(
            &FileSkipped::META,
            Span::empty(0),
            format!("not linted: {why}"),
        )]
    } else {
        Vec::new()
    };
    FileReport {
        source: Arc::new(source),
        kind,
        findings,
        skipped: Some(why),
        unreadable: io_error,
    }
}

/// Lints text that did not come from the walk (standard input, the
/// editor): its purpose is judged on its path below the configuration's
/// folder (or its name alone outside it).
pub fn lint_text(
    path: &Path,
    kind: Option<FileKind>,
    text: Result<String, Unlintable>,
    settings: &Settings,
) -> FileReport {
    let rel = settings.base.relative(path);
    let below = if rel.is_absolute() {
        PathBuf::from(path.file_name().unwrap_or_default())
    } else {
        rel
    };
    lint_text_below(path, &below, kind, text, settings)
}

/// Lints a file's text, its purpose judged on `below`: its path below
/// the folder the user named.
pub fn lint_text_below(
    path: &Path,
    below: &Path,
    kind: Option<FileKind>,
    text: Result<String, Unlintable>,
    settings: &Settings,
) -> FileReport {
    let text = match (kind, text) {
        (_, Err(why)) => return skipped(path, kind, why, settings),
        (None, Ok(_)) => {
            return skipped(
                path,
                kind,
                Unlintable::content(
                    "prodlint does not know what kind of file this is (map it in `[file-kinds]`)"
                        .to_string(),
                ),
                settings,
            );
        }
        (Some(_), Ok(t)) => t,
    };
    let kind = kind.map(|k| k.refine(path, &text));
    let purpose = settings.purpose_of(path, below, kind, &text);
    let mut source = SourceFile::new(path, text);
    source.purpose = purpose;
    let findings = kind
        .map(|k| lint_source(&source, k, settings))
        .unwrap_or_default();
    FileReport {
        source: Arc::new(source),
        kind,
        findings,
        skipped: None,
        unreadable: false,
    }
}

/// Prepares `settings` for a file of `kind` (already refined) linted on
/// its own (standard input, the editor) as a whole-folder run would: a
/// manifest gets the index of the manifests beside it, so that Services,
/// autoscalers and disruption budgets in neighbouring files count.
pub fn read_neighbours(path: &Path, kind: FileKind, settings: &Settings) {
    if kind != FileKind::Kubernetes {
        return;
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (candidates, _) = crate::discover::discover(&[dir.to_path_buf()], &settings.config);
    settings.set_kube_index(kube_index(&candidates, settings));
}

/// Lints every candidate, in parallel; the result is sorted by path.
pub fn lint_files(candidates: &[Candidate], settings: &Settings) -> Vec<FileReport> {
    let configs = rules::process::named_configs(candidates);
    let (index, mut reports) = rayon::join(
        || kube_index(candidates, settings),
        || {
            candidates
                .par_iter()
                .filter(|c| !deferred(c))
                .map(|c| lint_candidate(c, &configs, settings))
                .collect::<Vec<FileReport>>()
        },
    );
    settings.set_kube_index(index);
    reports.par_extend(
        candidates
            .par_iter()
            .filter(|c| deferred(c))
            .map(|c| lint_candidate(c, &configs, settings)),
    );
    reports.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    reports
}

/// Walks `paths` and lints what it finds as it finds it; files whose
/// checks need every other file (manifests, Python files a command may
/// name as a gunicorn configuration) wait for the walk to end. Returns the
/// reports, sorted by path, and the walk's errors.
pub fn lint_paths(paths: &[PathBuf], settings: &Settings) -> (Vec<FileReport>, Vec<String>) {
    let seen = std::sync::Mutex::new(std::collections::HashSet::new());
    let all = std::sync::Mutex::new(Vec::new());
    let reports = std::sync::Mutex::new(Vec::new());
    let no_configs = std::collections::HashSet::new();
    let errors = rayon::scope(|scope| {
        crate::discover::walk(paths, &settings.config, &|c: Candidate| {
            let first = seen.lock().is_ok_and(|mut s| s.insert(c.path.clone()));
            if !first {
                return;
            }
            if !deferred(&c) {
                let (reports, no_configs) = (&reports, &no_configs);
                let c2 = c.clone();
                scope.spawn(move |_| {
                    let r = lint_candidate(&c2, no_configs, settings);
                    if let Ok(mut v) = reports.lock() {
                        v.push(r);
                    }
                });
            }
            if let Ok(mut v) = all.lock() {
                v.push(c);
            }
        })
    });
    let mut all = all.into_inner().unwrap_or_default();
    all.sort();
    let configs = rules::process::named_configs(&all);
    settings.set_kube_index(kube_index(&all, settings));
    let mut reports = reports.into_inner().unwrap_or_default();
    reports.par_extend(
        all.par_iter()
            .filter(|c| deferred(c))
            .map(|c| lint_candidate(c, &configs, settings)),
    );
    reports.sort_by(|a, b| a.source.path.cmp(&b.source.path));
    (reports, errors)
}

/// Reads and lints one candidate; a Python file that a server command
/// names with `-c` is a gunicorn configuration.
fn lint_candidate(
    c: &Candidate,
    configs: &std::collections::HashSet<PathBuf>,
    settings: &Settings,
) -> FileReport {
    let text = load(&c.path, settings.config.max_file_size);
    let named = !configs.is_empty()
        && c.kind == Some(FileKind::Text)
        && std::fs::canonicalize(&c.path).is_ok_and(|p| configs.contains(&p));
    let kind = if named {
        Some(FileKind::Gunicorn)
    } else {
        c.kind
    };
    // A file named on its own is judged by its name.
    let below = c
        .root
        .as_ref()
        .and_then(|r| c.path.strip_prefix(r).ok())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(c.path.file_name().unwrap_or_default()));
    lint_text_below(&c.path, &below, kind, text, settings)
}

/// Linted after every other file: manifests (their checks read the index
/// of all manifests; any YAML may be one) and Python files (a command may
/// name one as a gunicorn configuration).
fn deferred(c: &Candidate) -> bool {
    may_be_manifest(c)
        || (c.kind == Some(FileKind::Text) && c.path.extension().is_some_and(|e| e == "py"))
}

/// A candidate that may be a Kubernetes manifest (its kind is decided by
/// its contents).
fn may_be_manifest(c: &Candidate) -> bool {
    matches!(c.kind, Some(FileKind::Text | FileKind::Kubernetes))
        && c.path
            .extension()
            .is_some_and(|e| e == "yml" || e == "yaml")
}

/// Reads every manifest among the candidates once, for the cross-file
/// facts (a Service selecting a Deployment, an autoscaler, a budget).
fn kube_index(candidates: &[Candidate], settings: &Settings) -> kube::Index {
    // Each folder's application folder, found once: manifests share them.
    let folders: std::sync::Mutex<HashMap<PathBuf, Option<PathBuf>>> = Default::default();
    let app_folder = |c: &Candidate| -> Option<PathBuf> {
        let dir = crate::rules::process::project::dir_of(&c.path);
        if let Ok(map) = folders.lock()
            && let Some(found) = map.get(&dir)
        {
            return found.clone();
        }
        // Absolute without resolving links (no system call per folder
        // level), as the manifests' own folders are when matched.
        let top = c.root.as_ref().and_then(|r| std::path::absolute(r).ok());
        let found = std::path::absolute(&dir)
            .ok()
            .map(|d| kube::app_folder(&d, top.as_deref()));
        if let Ok(mut map) = folders.lock() {
            map.insert(dir, found.clone());
        }
        found
    };
    let parts: Vec<(PathBuf, Parsed, kube::Index)> = candidates
        .par_iter()
        .filter(|c| may_be_manifest(c))
        .filter_map(|c| {
            let text = load(&c.path, settings.config.max_file_size).ok()?;
            // Only these kinds feed the index: skip the parse otherwise.
            let indexed = [
                "Service",
                "HorizontalPodAutoscaler",
                "PodDisruptionBudget",
                "ScaledObject",
            ]
            .iter()
            .any(|k| text.contains(k));
            let template = template::first_directive(&text, true).is_some();
            if !indexed || !kube::looks_like_manifest(&text) || template {
                return None;
            }
            let tree = yaml::parse(&text);
            let mut index = kube::Index::default();
            index.add_in(&kube::objects(&tree), app_folder(c));
            Some((c.path.clone(), Arc::new((text, tree)), index))
        })
        .collect();
    let mut all = kube::Index::default();
    let mut parsed = HashMap::new();
    for (path, tree, p) in parts {
        all.services.extend(p.services);
        all.autoscalers.extend(p.autoscalers);
        all.budgets.extend(p.budgets);
        parsed.insert(path, tree);
    }
    if let Ok(mut map) = settings.parsed.write() {
        *map = parsed;
    }
    all
}

/// Counts by severity over all reports.
pub fn counts(reports: &[FileReport]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for f in reports.iter().flat_map(|r| &r.findings) {
        match f.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
            Severity::Info => c.2 += 1,
        }
    }
    c
}
