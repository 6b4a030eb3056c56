//! `prodlint audit`: a check with every rule, the documents no rule
//! reads, the catalogue decided over both, a report and the gates.

use super::cx::{Cx, Walked};
use super::render::Scorecard;
use crate::cli::{AuditArgs, AuditFormat, LevelArg};
use crate::engine::{self, Settings};
use crate::paths::FastPath;
use crate::run::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, fail};
use crate::select::Selector;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Documents read at most, and their size: a README or runbook is small;
/// a tree of thousands of Markdown files is documentation of something
/// else.
const MAX_DOCUMENTS: usize = 2000;
const MAX_DOCUMENT_SIZE: u64 = 1 << 20;
/// And all of them together: what is held stays small whatever the tree.
const MAX_DOCUMENTS_TOTAL: usize = 32 << 20;

/// READMEs, runbooks and docs pages (a rollback procedure), and YAML
/// that may hold alert rules: the files the audit reads beyond the
/// linted ones.
fn is_document(path: &Path) -> bool {
    let Some(name) = path
        .fast_file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    let ext = path
        .fast_extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let prose = matches!(ext.as_str(), "md" | "rst" | "txt" | "adoc" | "");
    let named = [
        "readme",
        "runbook",
        "rollback",
        "deploy",
        "operations",
        "playbook",
    ]
    .iter()
    .any(|n| name.starts_with(n));
    let in_docs = path.components().any(|c| {
        matches!(
            c.as_os_str()
                .to_string_lossy()
                .to_ascii_lowercase()
                .as_str(),
            "docs" | "doc" | "runbooks" | "runbook" | "ops"
        )
    });
    let alerts = matches!(ext.as_str(), "yml" | "yaml")
        && ["alert", "rule", "prometheus", "grafana", "sentry"]
            .iter()
            .any(|n| name.contains(n));
    (prose && (named || in_docs)) || alerts
}

/// The repository's name: the one a workflow names, else the audited
/// folder's.
fn repository_name(paths: &[PathBuf]) -> String {
    if let Ok(r) = std::env::var("GITHUB_REPOSITORY")
        && !r.is_empty()
    {
        return r;
    }
    paths
        .first()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.fast_file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default()
}

pub fn run(args: AuditArgs) -> i32 {
    if let Some(crate::cli::AuditCommand::Merge(m)) = args.command {
        return super::merge::run(m);
    }
    let mut config = match crate::run::config_from(args.no_config, args.config.as_ref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if let Some(s) = args.min_score
        && !(0.0..=100.0).contains(&s)
    {
        return fail(format!("`--min-score` is {s}: give a score from 0 to 100"));
    }
    // Every rule: an item fails on whatever contradicts it, whatever the
    // check's own selection.
    config.select = match Selector::parse("ALL") {
        Ok(s) => Some(vec![s]),
        Err(e) => return fail(e),
    };
    config.ignore.clear();
    config.extend_select.clear();
    let waivers = std::mem::take(&mut config.waivers);
    let settings = Settings::from_config(config);
    crate::run::build_pool(args.jobs);
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    // Every match is kept (paths only) and the first ones in path order
    // read: the walk's threads find them in any order.
    let collect = |p: &Path| {
        if is_document(p)
            && let Ok(mut v) = found.lock()
        {
            v.push(p.to_path_buf());
        }
    };
    let (reports, errors, project) = engine::lint_paths_with(&paths, &settings, Some(&collect));
    let mut found = found.into_inner().unwrap_or_default();
    // Alert rules and docs the check reads as plain text (for secrets)
    // are documents too.
    found.extend(
        reports
            .iter()
            .filter(|r| {
                r.kind == Some(crate::discover::FileKind::Text) && is_document(&r.source.path)
            })
            .map(|r| r.source.path.to_path_buf()),
    );
    found.sort();
    found.dedup();
    found.truncate(MAX_DOCUMENTS);
    let max = settings.config.max_file_size.min(MAX_DOCUMENT_SIZE);
    let mut total = 0;
    let documents: Vec<(PathBuf, crate::source::SharedText)> = found
        .iter()
        .filter_map(|p| {
            Some((
                p.clone(),
                crate::source::SharedText::from(engine::load(p, max).ok()?),
            ))
        })
        .take_while(|(_, t): &(PathBuf, crate::source::SharedText)| {
            total += t.len();
            total <= MAX_DOCUMENTS_TOTAL
        })
        .collect();
    let roots: Vec<PathBuf> = paths.iter().map(|p| crate::project::key(p)).collect();
    let others: Vec<Walked> = found
        .into_iter()
        .map(|path| Walked {
            purpose: super::cx::guess_below(&roots, &path),
            path,
            kind: None,
        })
        .collect();
    let cx = Cx::new(&project, &reports, others, documents, roots);
    let mut card = Scorecard::new(repository_name(&paths), super::evaluate(&cx, &waivers));
    if let Some(prev) = &args.compare {
        let text = match crate::read::bytes(prev, 64 << 20) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => return fail(format!("{}: {e}", prev.display())),
        };
        match super::render::compare::compare(&card, &text) {
            Ok(c) => card.compare = Some(c),
            Err(e) => return fail(format!("{}: {e}", prev.display())),
        }
    }
    let text = match args.format {
        AuditFormat::Human => super::render::human::render(&card, args.verbose),
        AuditFormat::Json => super::render::json::render(&card),
        AuditFormat::Markdown => super::render::markdown::render(&card),
        AuditFormat::Html => {
            super::render::html::render(&card, &super::render::html::Links::from_env())
        }
    };
    if let Err(e) = crate::run::write_output(args.output.as_ref(), &[text.as_bytes()]) {
        return fail(e);
    }
    for e in &errors {
        eprintln!(
            "prodlint: error: {}",
            crate::report::excerpt::terminal_safe(e)
        );
    }
    if !errors.is_empty() {
        return EXIT_ERROR;
    }
    let min_level = args.min_level.map(|l| match l {
        LevelArg::Bronze => super::Level::Bronze,
        LevelArg::Silver => super::Level::Silver,
        LevelArg::Gold => super::Level::Gold,
    });
    let below_level = min_level.is_some_and(|m| card.summary.level < m);
    let below_score = args.min_score.is_some_and(|m| card.summary.score < m);
    if below_level || below_score {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
