//! Orchestration: load -> parse -> rules -> suppressions and selection ->
//! sorted findings, one file at a time, files in parallel.

use crate::config::{Config, PathBase, glob_set};
use crate::diagnostic::{Finding, Findings, Severity};
use crate::discover::{Candidate, FileKind};
use crate::hashing::FastMap;
use crate::parse::compose::Compose;
use crate::parse::dockerfile;
use crate::parse::dotenv;
use crate::parse::template;
use crate::parse::workflow::{Action, Workflow};
use crate::parse::yaml;
use crate::paths::FastPath;
use crate::project::Project;
use crate::purpose::Purpose;
use crate::rules::meta::{FileSkipped, InternalError, ParseError, TemplateNotLinted};
use crate::rules::{self, DockerContext, EnvContext, WorkflowContext};
use crate::select::{Selection, Selector};
use crate::source::{SourceFile, Span};
use crate::suppress;
use globset::GlobSet;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything the engine needs to know besides the files.
pub struct Settings {
    pub config: Config,
    pub selection: Selection,
    per_file: Vec<(GlobSet, Vec<Selector>)>,
    /// `[purposes]`: globs that decide a file's purpose.
    purposes: Vec<(GlobSet, Purpose)>,
    base: PathBase,
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

    /// What a file is for: `[purposes]` first, else the guess from the
    /// path below the folder the user named (`below`) and its text.
    pub fn purpose_of(
        &self,
        path: &Path,
        below: &Path,
        kind: Option<FileKind>,
        text: &str,
    ) -> Purpose {
        self.configured_purpose(path)
            .unwrap_or_else(|| crate::purpose::guess(below, kind, text))
    }

    /// The purpose the user gave the file: production for every file
    /// with `--purpose all`, else the first `[purposes]` glob it matches.
    /// `None`: prodlint guesses.
    pub fn configured_purpose(&self, path: &Path) -> Option<Purpose> {
        if self.config.purpose_all {
            return Some(Purpose::Production);
        }
        if self.purposes.is_empty() {
            return None;
        }
        let rel = self.base.relative(path);
        self.purposes
            .iter()
            .find(|(set, _)| set.is_match(&rel) || set.is_match(path))
            .map(|(_, p)| *p)
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
    loaded(crate::read::bytes(path, max_size), max_size)
}

/// [`load`] for a file the walk found: one the walk saw as a regular
/// file is opened without looking its path up first.
pub fn load_candidate(c: &Candidate, max_size: u64) -> Result<String, Unlintable> {
    if !c.regular {
        return load(&c.path, max_size);
    }
    loaded(crate::read::walked_bytes(&c.path, max_size), max_size)
}

/// The text of what was read, or why it is not lintable.
fn loaded(
    read: Result<Vec<u8>, crate::read::ReadError>,
    max_size: u64,
) -> Result<String, Unlintable> {
    read.map_err(|e| unlintable(e, max_size))
        .and_then(|bytes| decode(bytes, max_size))
}

/// Why a read failed, as the report says it.
fn unlintable(e: crate::read::ReadError, max_size: u64) -> Unlintable {
    match e {
        crate::read::ReadError::TooLarge(n) => Unlintable::content(format!(
            "the file is {n} bytes, over the {max_size}-byte limit (`max-file-size`)"
        )),
        e => Unlintable {
            reason: e.to_string(),
            io_error: true,
        },
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

/// Runs the rules for one file's text; no suppression or selection yet.
/// Returns the findings, the multi-line statements for suppressions, the
/// secrets no finding marks (see [`hide_secrets`]) and how many findings
/// of each rule were not kept (see `KEPT_PER_RULE`).
fn run_rules(
    source: &SourceFile,
    kind: FileKind,
    settings: &Settings,
    project: &Project,
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
    // A Python file is parsed once: the gunicorn rules and the secret
    // scan read the same parse.
    let is_python = matches!(kind, FileKind::Gunicorn | FileKind::Text)
        && source.path.fast_extension().is_some_and(|e| e == "py");
    // The project's parse of this module, when it made one.
    // (A gunicorn configuration's parse has its configuration view.)
    let mut python: Option<Arc<crate::parse::python::PyFile>> = if is_python {
        project
            .python(&source.path, &source.text)
            .filter(|p| kind != FileKind::Gunicorn || p.configured)
    } else {
        None
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
            // Parsed once: the project read it for its launches.
            let built = project.parsed_dockerfile(&source.path, &source.text);
            let fresh;
            let df = match &built {
                Some(b) => &b.dockerfile,
                None => {
                    fresh = dockerfile::parse(&source.text);
                    &fresh
                }
            };
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
            let ignore = project.dockerignore_for(&source.path);
            let cx = DockerContext {
                file: source,
                dockerfile: df,
                dockerignore: ignore.as_ref(),
                config: &settings.config,
                project,
                role: Default::default(),
                scripts: Default::default(),
            };
            for rule in rules::DOCKERFILE_RULES {
                if selection.is_enabled(rule.meta().code) {
                    rule.dockerfile(&cx, &mut out);
                }
            }
            rules::process::check_dockerfile(&cx, selection, &mut out);
        }
        FileKind::DockerIgnore | FileKind::Dependencies => {}
        // A shell script a launcher of the repository starts is where
        // the servers it starts are written.
        FileKind::Text => {
            if !project.launchers_of_script(&source.path).is_empty() {
                rules::process::check_script(source, &settings.config, project, selection, &mut out)
            }
        }
        FileKind::Gunicorn => {
            let module = python.get_or_insert_with(|| {
                Arc::new(crate::parse::python::parse_file(&source.text, true))
            });
            rules::process::check_gunicorn(
                source,
                &module.module,
                &settings.config,
                project,
                selection,
                &mut out,
            )
        }
        FileKind::Supervisor => {
            rules::process::check_supervisor(source, &settings.config, project, selection, &mut out)
        }
        FileKind::Systemd => {
            rules::process::check_systemd(source, &settings.config, project, selection, &mut out)
        }
        FileKind::Procfile => {
            rules::process::check_procfile(source, &settings.config, project, selection, &mut out)
        }
        FileKind::Compose => {
            let tree = Tree::of(project.parsed_compose(&source.path, &source.text), source);
            let tree = tree.get();
            report_yaml_errors(tree, &mut out);
            let root = tree.documents.first().and_then(Option::as_ref);
            let syntax_ok = tree
                .errors
                .iter()
                .all(|e| e.kind != yaml::ErrorKind::Syntax);
            if syntax_ok && let Some(compose) = root.and_then(Compose::from_root) {
                rules::compose::check(
                    source,
                    &compose,
                    &settings.config,
                    project,
                    selection,
                    &mut out,
                );
            }
        }
        FileKind::Kubernetes => {
            let tree = Tree::of(project.parsed_yaml(&source.path, &source.text), source);
            let tree = tree.get();
            report_yaml_errors(tree, &mut out);
            let syntax_ok = tree
                .errors
                .iter()
                .all(|e| e.kind != yaml::ErrorKind::Syntax);
            if syntax_ok {
                rules::kube::check(source, tree, project, &settings.config, selection, &mut out);
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
                .fast_file_name()
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
                .then(|| project.env_template_for(&source.path))
                .flatten();
            let cx = EnvContext {
                file: source,
                env: &env,
                environment,
                template: template.as_ref(),
                compose_loaded: project.loaded_by_env_file(&source.path),
                config: &settings.config,
            };
            for rule in rules::ENV_RULES {
                if selection.is_enabled(rule.meta().code) {
                    rule.env(&cx, &mut out);
                }
            }
        }
        FileKind::Workflow | FileKind::Action => {
            let tree = Tree::of(project.parsed_workflow(&source.path, &source.text), source);
            let tree = tree.get();
            report_yaml_errors(tree, &mut out);
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
                        rule.workflow(&cx, &mut out);
                    }
                }
            }
        }
    }
    // Every detector runs: a secret is masked in every report even when
    // the rule that would report it is off (its finding is dropped later).
    // The app rules that check a file of this purpose and may find
    // something in its text: a module none of them wants is not parsed
    // for them.
    let py_rules = if is_python {
        rules::python::wanted(&source.text, |r| {
            selection.is_enabled(r.code) && settings.checks(r, source.purpose)
        })
    } else {
        Vec::new()
    };
    if !py_rules.is_empty() {
        let py = python
            .get_or_insert_with(|| Arc::new(crate::parse::python::parse_file(&source.text, false)));
        // A module the parser did not read (nested past the depth guard,
        // or the parse failed) is said to be unchecked, as a gunicorn
        // configuration is (`check_gunicorn`), not passed over in silence.
        if kind == FileKind::Text
            && let Some(why) = &py.module.skipped
        {
            out.report(
                &FileSkipped::META,
                Span::empty(0),
                format!("the app rules did not check this module: {why}"),
            );
        }
        let cx = rules::python::PythonContext {
            py,
            project,
            file: source,
            calls: &py.calls,
            settings: &py.settings,
            served: project.served_apps(&source.path),
            config: &settings.config,
            shared: Default::default(),
        };
        rules::python::check(&cx, &py_rules, &mut out);
    }
    if is_python {
        // Parsed here only if the scan asks (and only once: the app
        // rules' parse is handed over).
        let mut held = python
            .take()
            .map(|p| Arc::try_unwrap(p).map_or_else(|p| p.literals.clone(), |p| p.literals));
        let mut parse = || match held.take() {
            Some(l) => l,
            None => crate::parse::python::parse_literals(&source.text),
        };
        // A generic secret in a module matters when SE004 reports in a
        // file of this purpose, or when some finding will show the
        // module's lines (it is masked there): in a test module with
        // nothing to show, looking for one is a parse for nothing.
        let generic_matters = settings.checks(&rules::secrets::GenericSecret::META, source.purpose)
            || !out.is_empty()
            || !project.rule_findings_in(&source.path).is_empty()
            || memchr::memmem::find(source.text.as_bytes(), b"prodlint:").is_some();
        rules::secrets::scan_in(
            source,
            Some(&mut parse),
            generic_matters,
            &Selection::every_rule(),
            &mut out,
        );
    } else {
        rules::secrets::scan(source, &Selection::every_rule(), &mut out);
    }
    let dropped = out.dropped();
    hidden.extend(out.take_dropped_secrets());
    (out.into_vec(), statements, hidden, dropped)
}

/// A YAML tree the project parsed already, or one parsed now.
enum Tree {
    Shared(crate::project::ParsedYaml),
    Own(yaml::YamlFile),
}

impl Tree {
    fn of(shared: Option<crate::project::ParsedYaml>, source: &SourceFile) -> Tree {
        match shared {
            Some(p) => Tree::Shared(p),
            None => Tree::Own(yaml::parse(&source.text)),
        }
    }

    fn get(&self) -> &yaml::YamlFile {
        match self {
            Tree::Shared(p) => &p.1,
            Tree::Own(t) => t,
        }
    }
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
pub fn lint_source(
    source: &SourceFile,
    kind: FileKind,
    settings: &Settings,
    project: &Project,
) -> Vec<Finding> {
    lint_source_keeping(source, kind, settings, project, None, false).0
}

/// [`lint_source`] of a text fixes made from the one the project read:
/// the project's findings in it are moved through `moved` (see
/// [`crate::edit_map`]).
pub fn lint_fixed(
    source: &SourceFile,
    kind: FileKind,
    settings: &Settings,
    project: &Project,
    moved: &crate::edit_map::EditMap,
) -> Vec<Finding> {
    lint_source_keeping(source, kind, settings, project, Some(moved), false).0
}

/// What a file's own rules found, before the project's findings in it
/// are added and the lot is judged (selection, purposes, suppressions).
type Raw = Box<RuleOutput>;

/// [`lint_source`], also returning (when `keep`) what the file's own
/// rules found: a file linted before the project was built is judged
/// again with the project's findings from that, its rules not run twice
/// (see [`judge_again_where_found`]).
fn lint_source_keeping(
    source: &SourceFile,
    kind: FileKind,
    settings: &Settings,
    project: &Project,
    moved: Option<&crate::edit_map::EditMap>,
    keep: bool,
) -> (Vec<Finding>, Option<Raw>) {
    let selection = settings.selection_for(&source.path);
    let mut kept = None;
    let result = crate::panics::catching(|| {
        let raw = run_rules(source, kind, settings, project, &selection);
        if keep {
            kept = Some(Box::new(raw.clone()));
        }
        judge(source, settings, project, moved, &selection, raw)
    });
    (finish(source, settings, result), kept)
}

/// Judges again, with the project's findings in the file, what its own
/// rules found ([`lint_source_keeping`]): the findings `lint_source`
/// gives with this project.
fn judge_again(
    source: &SourceFile,
    settings: &Settings,
    project: &Project,
    raw: Raw,
) -> Vec<Finding> {
    let selection = settings.selection_for(&source.path);
    let result =
        crate::panics::catching(|| judge(source, settings, project, None, &selection, *raw));
    finish(source, settings, result)
}

type Judged = (Vec<Finding>, Vec<Span>, Vec<(&'static str, usize)>);

/// The rules' findings with the project's in the file, kept where the
/// selection, the file's purpose and its suppressions let them be. The
/// project's were found in the text the run read: `moved` carries them
/// into a text fixes have changed since.
fn judge(
    source: &SourceFile,
    settings: &Settings,
    project: &Project,
    moved: Option<&crate::edit_map::EditMap>,
    selection: &Selection,
    raw: RuleOutput,
) -> Judged {
    let (mut findings, statements, mut hidden, dropped) = raw;
    // What the project hooks found here is judged here, like the rest.
    let found = project.rule_findings_in(&source.path);
    match moved.filter(|m| !m.is_empty()) {
        Some(m) => findings.extend(found.iter().map(|f| m.finding(f, &source.path))),
        None => findings.extend(found.iter().cloned()),
    }
    hidden.extend(findings.iter().flat_map(|f| f.secrets.iter().copied()));
    // Purposes apply at the finding's own location (its file).
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| selection.is_enabled(f.code()))
        .filter(|f| f.any_purpose || settings.checks(f.rule, source.purpose))
        .collect();
    let kept = suppress::apply(source, &statements, findings, selection);
    (kept, hidden, dropped)
}

/// The judged findings with their configured severities, sorted, capped
/// per rule and their secrets masked; a panic is one PL004 finding.
fn finish(
    source: &SourceFile,
    settings: &Settings,
    result: std::thread::Result<Judged>,
) -> Vec<Finding> {
    let (mut findings, hidden, dropped) = match result {
        Ok(f) => f,
        Err(_) => {
            let why = crate::panics::take_last().unwrap_or_else(|| "unknown panic".to_string());
            let crashed = Finding::new(
                &InternalError::META,
                Span::empty(0),
                format!("prodlint crashed while checking this file ({why}); please report it"),
            );
            // The report shows the top of the file: its secrets are still
            // masked, found by a scan of their own (or, should that fail
            // too, the whole text is).
            let hidden = crate::panics::catching(|| {
                let mut scratch = Findings::new();
                rules::secrets::scan(source, &Selection::every_rule(), &mut scratch);
                let mut spans = scratch.secret_spans();
                spans.extend(scratch.take_dropped_secrets());
                spans
            })
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
    // Messages that quote the file quote its secrets masked.
    crate::report::mask_messages(source, &mut findings);
    findings
}

/// More findings of one rule in one file than anyone will read: the rest
/// are counted on the last one kept, which bounds memory and output.
pub const MAX_FINDINGS_PER_RULE: usize = 100;

fn cap_per_rule(findings: Vec<Finding>, dropped: &[(&'static str, usize)]) -> Vec<Finding> {
    let mut counts: FastMap<&'static str, usize> = FastMap::default();
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
    let mut seen: FastMap<&'static str, usize> = FastMap::default();
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
    project: &Project,
) -> FileReport {
    let rel = settings.base.relative(path);
    let below = if rel.is_absolute() {
        PathBuf::from(path.fast_file_name().unwrap_or_default())
    } else {
        rel
    };
    lint_text_below(
        path,
        &below,
        kind,
        text.map(crate::source::SharedText::from),
        settings,
        project,
    )
}

/// Lints a file's text, its purpose judged on `below`: its path below
/// the folder the user named.
pub fn lint_text_below(
    path: &Path,
    below: &Path,
    kind: Option<FileKind>,
    text: Result<crate::source::SharedText, Unlintable>,
    settings: &Settings,
    project: &Project,
) -> FileReport {
    lint_text_keeping(
        &Arc::from(path),
        below,
        kind,
        text,
        settings,
        project,
        false,
    )
    .0
}

/// A file's report, and (when `keep`) what its own rules found, for
/// [`judge_again`].
fn lint_text_keeping(
    // The walk's path, shared with the report (not copied).
    path: &Arc<Path>,
    below: &Path,
    kind: Option<FileKind>,
    text: Result<crate::source::SharedText, Unlintable>,
    settings: &Settings,
    project: &Project,
    keep: bool,
) -> (FileReport, Option<Raw>) {
    let text = match (kind, text) {
        (_, Err(why)) => return (skipped(path, kind, why, settings), None),
        (None, Ok(_)) => {
            let why = Unlintable::content(
                "prodlint does not know what kind of file this is (map it in `[file-kinds]`)"
                    .to_string(),
            );
            return (skipped(path, kind, why, settings), None);
        }
        (Some(_), Ok(t)) => t,
    };
    let kind = kind.map(|k| k.refine(path, &text));
    // A Python file a server command names with `-c` is a gunicorn
    // configuration, whatever its name (on the command line, on standard
    // input and in the editor alike).
    let kind = match kind {
        Some(FileKind::Text)
            if path.fast_extension().is_some_and(|e| e == "py")
                && project.is_named_config(path) =>
        {
            Some(FileKind::Gunicorn)
        }
        k => k,
    };
    let mut purpose = settings.purpose_of(path, below, kind, &text);
    // A Dockerfile only development setups of the repository build
    // (compose services that build a development stage, or run a build
    // stage with the checkout mounted) is a development image.
    if purpose == Purpose::Production
        && kind == Some(FileKind::Dockerfile)
        && settings.configured_purpose(path).is_none()
        && project.built_for_development_only(path)
    {
        purpose = Purpose::Development;
    }
    let mut source = SourceFile::new(Arc::clone(path), text);
    source.purpose = purpose;
    let (findings, raw) = kind
        .map(|k| lint_source_keeping(&source, k, settings, project, None, keep))
        .unwrap_or_default();
    let report = FileReport {
        source: Arc::new(source),
        kind,
        findings,
        skipped: None,
        unreadable: false,
    };
    (report, raw)
}

/// Lints one file's text read on its own (standard input, the editor)
/// as a whole-folder run would: the project is built from the files of
/// its repository (or its folder), with this text in place of the file's.
pub fn lint_alone(
    path: &Path,
    kind: Option<FileKind>,
    text: Result<String, Unlintable>,
    settings: &Settings,
) -> FileReport {
    let project = project_alone(path, kind, text.as_deref().ok(), settings);
    lint_text(path, kind, text, settings, &project)
}

/// The project around a file read on its own, holding `text` as its
/// content.
pub fn project_alone(
    path: &Path,
    kind: Option<FileKind>,
    text: Option<&str>,
    settings: &Settings,
) -> Project {
    let mut project = crate::project::load::project_around(path, &settings.config);
    if let (Some(k), Some(t)) = (kind, text) {
        project.replace(crate::project::Input {
            path: path.into(),
            kind: k.refine(path, t),
            text: crate::source::SharedText::from(t),
            root: None,
        });
    }
    for e in run_project_rules(&mut project, settings) {
        eprintln!("prodlint: {e}");
    }
    project
}

/// Runs the rules' project hooks on a built (or changed) project and
/// keeps their findings in it for the lint of each file; returns what
/// went wrong (a crashed rule).
pub fn run_project_rules(project: &mut Project, settings: &Settings) -> Vec<String> {
    let (found, errors) = rules::project_pass::run(
        &rules::project_pass::PROJECT_RULES,
        project,
        &settings.config,
        &settings.selection,
    );
    project.set_rule_findings(found);
    errors
}

/// Lints every candidate, in parallel, once the project of all of them is
/// built; the result is sorted by path. The tests and the editor's folder
/// runs call it with the files they have; the command line walks first
/// (`lint_paths`); both end in [`lint_walked`].
pub fn lint_files(candidates: &[Candidate], settings: &Settings) -> Vec<FileReport> {
    lint_project(candidates, settings).0
}

/// `lint_files`, also returning the project (fixes lint again with it).
pub fn lint_project(candidates: &[Candidate], settings: &Settings) -> (Vec<FileReport>, Project) {
    let max = settings.config.max_file_size;
    let budget = crate::project::load::ParseBudget::default();
    let facts: Vec<Box<crate::project::FileFacts>> = candidates
        .par_iter()
        .filter(|c| crate::project::load::may_feed(c))
        .filter_map(|c| crate::project::load::feed(c, max, &budget))
        .collect();
    let mut all = candidates.to_vec();
    sort_by_path(&mut all, |c| &c.path);
    all.dedup_by(|a, b| a.path == b.path);
    let (reports, errors, project) = lint_walked(&all, facts, Texts::default(), None, settings);
    for e in errors {
        eprintln!("prodlint: {e}");
    }
    (reports, project)
}

/// Texts the walk read for facts that hold none, by path, for the lints
/// of those files to take rather than read them again.
#[derive(Default)]
struct Texts {
    /// Of files that stand alone (linted beside the project's build).
    alone: Vec<(PathBuf, crate::source::SharedText)>,
    /// Of the other files (linted once the project is built).
    later: Vec<(PathBuf, crate::source::SharedText)>,
}

/// The one scheduler, once the files are known and those with facts are
/// read and parsed (`facts`): the project is built while the files that
/// stand alone are linted, then the files that need it are linted, and
/// files a project hook reported in are judged again with its findings
/// if they were linted without it. `all` is sorted by path, one candidate
/// per path.
#[allow(clippy::vec_box)]
// Boxed facts: the list moves 1 KB values as pointers (see `Project::parse`).
fn lint_walked(
    all: &[Candidate],
    facts: Vec<Box<crate::project::FileFacts>>,
    texts: Texts,
    above: Option<crate::project::load::Above>,
    settings: &Settings,
) -> (Vec<FileReport>, Vec<String>, Project) {
    let max = settings.config.max_file_size;
    let mut facts = facts;
    // Which of the two lists each file of `all` goes to, in its order:
    // the reports are put back in that order at the end.
    let from_alone: Vec<bool> = all.iter().map(stands_alone).collect();
    let (mut alone, mut linked) = (Vec::new(), Vec::new());
    for (c, &a) in all.iter().zip(&from_alone) {
        if a { alone.push(c) } else { linked.push(c) }
    }
    // The workflows and actions read for their facts are linted beside the
    // project's build: their parses (and texts) go to those lints.
    let handed: Vec<_> = facts
        .iter_mut()
        .filter_map(|f| Some((f.path().to_path_buf(), f.take_workflow_parse()?)))
        .collect();
    // Building the project is mostly one core's work: the files that
    // stand alone are linted beside it.
    let ((project, errors), reports) = rayon::join(
        || {
            let mut project = crate::project::load::finish(facts, all, above, max);
            project.hand_texts(texts.later);
            crate::phases::report(|| "project linked".to_string());
            let errors = run_project_rules(&mut project, settings);
            crate::phases::report(|| "project rules run".to_string());
            (project, errors)
        },
        || {
            let nothing = Project::handing(handed, texts.alone);
            alone
                .par_iter()
                // A project hook reports only where the project read
                // facts: the other files keep nothing for a second look.
                .map(|c| {
                    let keep = crate::project::load::may_feed(c);
                    lint_candidate_keeping(c, &nothing, settings, keep)
                })
                .collect::<Vec<(FileReport, Option<Kept>)>>()
        },
    );
    let reports = judge_again_where_found(reports, &alone, &project, settings);
    crate::phases::report(|| format!("project built, {} files alone linted", reports.len()));
    // With room for the reports of the files that stood alone: they are
    // merged in (see `interleave`).
    let mut merged: Vec<Option<FileReport>> = Vec::with_capacity(all.len());
    merged.par_extend(
        linked
            .par_iter()
            .map(|c| Some(lint_candidate(c, &project, settings))),
    );
    let reports = interleave(reports, merged, &from_alone);
    (reports, errors, project)
}

/// A file linted while the project was built (it stands alone) is
/// judged again when a project hook reported in it: what its rules found
/// with the project's findings (a file whose rules crashed, or that kept
/// nothing, is linted again whole). The texts kept for this are let go.
fn judge_again_where_found(
    linted: Vec<(FileReport, Option<Kept>)>,
    alone: &[&Candidate],
    project: &Project,
    settings: &Settings,
) -> Vec<FileReport> {
    if !project.has_rule_findings() {
        return linted.into_iter().map(|(r, _)| r).collect();
    }
    let again: crate::hashing::FastMap<&Path, &Candidate> = alone
        .iter()
        .filter(|c| !project.rule_findings_in(&c.path).is_empty())
        .map(|c| (&*c.path, *c))
        .collect();
    linted
        .into_par_iter()
        .map(|(mut report, kept)| {
            let Some(c) = again.get(&*report.source.path) else {
                return report;
            };
            match kept {
                Some(Kept { source, raw }) => {
                    report.findings = judge_again(&source, settings, project, raw);
                    report.source = source;
                    forget_text_without_findings(&mut report);
                    report
                }
                None => lint_candidate(c, project, settings),
            }
        })
        .collect()
}

/// The items of `first` and `second` (each in order) merged as `which`
/// says: `true` takes the next of `first`, `false` the next of `second`.
/// The reports come back in the path order of the files they were made
/// from without sorting them again (a sort by path would build a key per
/// file at the run's peak of memory). `second` is merged into in place,
/// from its end: given room for both lists (its capacity), no third list
/// is made at the peak.
fn interleave<T>(first: Vec<T>, second: Vec<Option<T>>, which: &[bool]) -> Vec<T> {
    let (firsts, seconds) = (first.len(), second.len());
    let counted = which.iter().filter(|&&f| f).count();
    let mut out = second;
    if counted == firsts && which.len() == firsts + seconds {
        out.resize_with(which.len(), || None);
        let mut first = first.into_iter().rev();
        // The items of `second` not yet placed are `out[..left]`; every
        // slot from `at` on is placed. `at + 1` items remain, so
        // `left <= at`: a slot written is never one still to be read.
        let mut left = seconds;
        for (at, &from_first) in which.iter().enumerate().rev() {
            let next = if from_first {
                first.next()
            } else {
                left = left.saturating_sub(1);
                out.get_mut(left).and_then(Option::take)
            };
            if let Some(slot) = out.get_mut(at) {
                *slot = next;
            }
        }
    } else {
        // `which` does not count both lists: followed as far as it goes,
        // then what is left of each, in order.
        let (mut first, mut second) = (first.into_iter(), out.into_iter().flatten());
        let mut merged = Vec::with_capacity(firsts + seconds);
        for &from_first in which {
            let next = if from_first {
                first.next()
            } else {
                second.next()
            };
            merged.extend(next);
        }
        merged.extend(first);
        merged.extend(second);
        return merged;
    }
    // Collected in place (the same allocation): an option of a report
    // takes no more room than the report.
    #[allow(clippy::filter_map_identity)]
    out.into_iter().filter_map(|item| item).collect()
}

/// Sorts by path in `Path`'s order (component by component), splitting
/// each path once: comparing paths splits both on every comparison.
fn sort_by_path<T>(items: &mut Vec<T>, path: impl Fn(&T) -> &Path) {
    let order: Vec<usize> = {
        let keys: Vec<Vec<u8>> = items
            .iter()
            .map(|i| crate::paths::sort_key(path(i)))
            .collect();
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by(|&a, &b| keys.get(a).cmp(&keys.get(b)));
        order
    };
    let mut taken: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&i| taken.get_mut(i).and_then(Option::take)),
    );
}

/// A file whose checks read no fact of another file: workflows, actions, ignore files, dependency files, and text scanned
/// for secrets only (not YAML that may be a manifest, not Python that a
/// command may name, not a `.conf` that may be supervisord's, not a
/// shell script a launcher may start).
fn stands_alone(c: &Candidate) -> bool {
    match c.kind {
        // An env file reads its template from the project.
        Some(
            FileKind::Workflow | FileKind::Action | FileKind::DockerIgnore | FileKind::Dependencies,
        ) => true,
        // Nor a shell script, which a launcher may start (its servers are
        // linted as the launcher runs them).
        Some(FileKind::Text) => {
            !c.path.fast_extension().is_some_and(|e| {
                ["py", "yml", "yaml", "conf", "ini"]
                    .iter()
                    .any(|x| e.eq_ignore_ascii_case(x))
            }) && !c.path.fast_file_name().is_some_and(|n| {
                crate::project::facts::entrypoint::names_script(&n.to_string_lossy())
            })
        }
        _ => false,
    }
}

/// Walks `paths` and lints what it finds. Returns the reports, sorted by
/// path, and the walk's errors.
pub fn lint_paths(
    paths: &[PathBuf],
    settings: &Settings,
) -> (Vec<FileReport>, Vec<String>, Project) {
    lint_paths_with(paths, settings, None)
}

/// [`lint_paths`], and `other` gets the files of the walk that are not
/// linted (see [`crate::discover::walk_with`]).
pub fn lint_paths_with(
    paths: &[PathBuf],
    settings: &Settings,
    other: Option<&(dyn Fn(&Path) + Sync)>,
) -> (Vec<FileReport>, Vec<String>, Project) {
    let max = settings.config.max_file_size;
    let t0 = std::time::Instant::now();
    let seen = std::sync::Mutex::new(crate::hashing::FastSet::default());
    let all = std::sync::Mutex::new(Vec::new());
    let facts = std::sync::Mutex::new(Vec::new());
    let budget = crate::project::load::ParseBudget::default();
    // Texts read for facts and holding none, kept for the lints of files
    // that stand alone; bounded as parses are.
    let texts = std::sync::Mutex::new(Vec::new());
    // (`PRODLINT_PARSE_BUDGET=0` makes every such file read again, as
    // the tests do to show the findings are the same.)
    let text_budget = crate::project::load::ParseBudget::default();
    let above = std::sync::Mutex::new(None);
    // As the walk finds files, those with facts are read and parsed for
    // the project.
    let mut errors = rayon::scope(|scope| {
        scope.spawn(|_| crate::rules::secrets::prepare(&settings.selection));
        let errors = crate::discover::walk_with(
            paths,
            &settings.config,
            &|c: Candidate| {
                // One path walked yields each file once (links are not
                // followed into folders): only paths named together can
                // meet the same file twice.
                let first =
                    paths.len() == 1 || seen.lock().is_ok_and(|mut s| s.insert(c.path.clone()));
                if !first {
                    return;
                }
                if crate::project::load::may_feed(&c) {
                    let (facts, texts, budget, text_budget, c) =
                        (&facts, &texts, &budget, &text_budget, c.clone());
                    scope.spawn(move |_| {
                        use crate::project::load::Fed;
                        match crate::project::load::feed_keeping_text(&c, max, budget) {
                            Fed::Facts(f) => {
                                if let Ok(mut v) = facts.lock() {
                                    v.push(f);
                                }
                            }
                            // Its lint takes this text rather than reading
                            // the file again: beside the project's build
                            // for a file that stands alone, after it for
                            // the others.
                            Fed::Text(t) if text_budget.take(t.len()) => {
                                if let Ok(mut v) = texts.lock() {
                                    v.push((c.path.to_path_buf(), t, stands_alone(&c)));
                                }
                            }
                            Fed::Text(_) | Fed::Nothing => {}
                        }
                    });
                }
                if let Ok(mut v) = all.lock() {
                    v.push(c);
                }
            },
            other,
        );
        // The folders above the files found are listed while the files
        // are parsed (the system's time, not a core's).
        let (all, above) = (&all, &above);
        scope.spawn(move |_| {
            if let (Ok(found), Ok(mut slot)) = (all.lock(), above.lock()) {
                *slot = Some(crate::project::load::above(&found));
            }
        });
        errors
    });
    let above = above.into_inner().ok().flatten();
    let mut all = all.into_inner().unwrap_or_default();
    // One path per candidate (the walk saw each once).
    sort_by_path(&mut all, |c| &c.path);
    let facts = facts.into_inner().unwrap_or_default();
    let mut texts_of = Texts::default();
    for (path, text, alone) in texts.into_inner().unwrap_or_default() {
        let list = if alone {
            &mut texts_of.alone
        } else {
            &mut texts_of.later
        };
        list.push((path, text));
    }
    let walked = t0.elapsed();
    crate::phases::report(|| format!("walked: {} files with facts", facts.len()));
    let (reports, more, project) = lint_walked(&all, facts, texts_of, above, settings);
    errors.extend(more);
    crate::phases::report(|| {
        format!(
            "walk (reading and parsing the files with facts) {walked:?}, project and lint {:?}",
            t0.elapsed() - walked
        )
    });
    (reports, errors, project)
}

/// Reads and lints one candidate; a Python file that a server command
/// names with `-c` is a gunicorn configuration. A file the project read
/// is not read again.
fn lint_candidate(c: &Candidate, project: &Project, settings: &Settings) -> FileReport {
    lint_candidate_keeping(c, project, settings, false).0
}

/// What a file linted before the project was built needs to be judged
/// again with the project's findings in it: its text (with its kind and
/// purpose) and what its own rules found.
struct Kept {
    source: Arc<SourceFile>,
    raw: Raw,
}

/// [`lint_candidate`], keeping (when `keep`) what [`judge_again`] needs.
fn lint_candidate_keeping(
    c: &Candidate,
    project: &Project,
    settings: &Settings,
    keep: bool,
) -> (FileReport, Option<Kept>) {
    // Only a file that may hold facts can be in the project.
    let held = crate::project::load::may_feed(c)
        .then(|| project.own_text(&c.path))
        .flatten();
    let text = match held {
        Some(t) => Ok(t),
        None => {
            load_candidate(c, settings.config.max_file_size).map(crate::source::SharedText::from)
        }
    };
    let kind = c.kind;
    // A file named on its own is judged by its name.
    let below = crate::purpose::below(&c.path, c.root.as_deref());
    let (mut report, raw) = lint_text_keeping(&c.path, &below, kind, text, settings, project, keep);
    let kept = raw.map(|raw| Kept {
        source: Arc::clone(&report.source),
        raw,
    });
    forget_text_without_findings(&mut report);
    (report, kept)
}

/// What is kept of a file without findings is its name: its text is not
/// shown, and holding every source until the report would make memory
/// grow with the tree rather than with the findings.
fn forget_text_without_findings(report: &mut FileReport) {
    if report.findings.is_empty() && report.skipped.is_none() {
        let mut empty = SourceFile::new(
            Arc::clone(&report.source.path),
            crate::source::SharedText::empty(),
        );
        empty.purpose = report.source.purpose;
        report.source = Arc::new(empty);
    }
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

#[cfg(test)]
mod tests {
    use super::interleave;

    #[test]
    fn interleave_follows_the_flags_and_keeps_leftovers() {
        let which = [true, false, false, true, false];
        assert_eq!(
            interleave(vec![1, 4], vec![Some(2), Some(3), Some(5)], &which),
            vec![1, 2, 3, 4, 5]
        );
        let all_second = [false, false];
        assert_eq!(
            interleave(Vec::new(), vec![Some(1), Some(2)], &all_second),
            vec![1, 2]
        );
        assert_eq!(
            interleave(vec![1, 2], Vec::new(), &[true, true]),
            vec![1, 2]
        );
        assert_eq!(
            interleave(vec![1, 2], vec![Some(3)], &[true]),
            vec![1, 2, 3]
        );
        assert_eq!(
            interleave(vec![1, 2], vec![Some(3)], &[false, true]),
            vec![3, 1, 2]
        );
        assert_eq!(interleave(Vec::<u8>::new(), vec![], &[]), Vec::<u8>::new());
        // Merged in the room the second list was given: no new list.
        let mut room: Vec<Option<String>> = Vec::with_capacity(4);
        room.extend([Some("b".to_string()), Some("d".to_string())]);
        let at = room.as_ptr() as usize;
        let merged = interleave(
            vec!["a".to_string(), "c".to_string()],
            room,
            &[true, false, true, false],
        );
        assert_eq!(merged, ["a", "b", "c", "d"]);
        assert_eq!(merged.as_ptr() as usize, at);
    }
}
