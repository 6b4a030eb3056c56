//! The project hook's findings join the lint of the file they are in:
//! selection, suppression comments and purposes apply there as to any
//! finding of that file.

use prodlint::config::Config;
use prodlint::diagnostic::Finding;
use prodlint::discover::FileKind;
use prodlint::engine::{Settings, lint_text};
use prodlint::project::Project;
use prodlint::source::Span;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DOCKERFILE: &str =
    "FROM python:3.12-slim\n# prodlint: ignore[DF001]\nUSER app\nCMD [\"app\"]\n";

fn with_findings(path: &Path, spans: &[(usize, usize)]) -> Project {
    let meta = prodlint::rules::find("DF001").unwrap_or_else(|| panic!("DF001 is registered"));
    let findings = spans
        .iter()
        .map(|(a, b)| Finding::new(meta, Span::new(*a, *b), "found by a project hook"))
        .collect();
    let mut found = BTreeMap::new();
    found.insert(prodlint::project::key(path), findings);
    let mut project = Project::default();
    project.set_rule_findings(found);
    project
}

fn lint(path: &Path, project: &Project, config: Config) -> Vec<(usize, &'static str)> {
    let settings = Settings::from_config(config);
    let report = lint_text(
        path,
        Some(FileKind::Dockerfile),
        Ok(DOCKERFILE.to_string()),
        &settings,
        project,
    );
    report
        .findings
        .iter()
        .filter(|f| f.code() == "DF001")
        .map(|f| (report.source.lines.line_of(f.span.start) + 1, f.code()))
        .collect()
}

#[test]
fn a_project_finding_is_suppressed_where_it_is() {
    let path = PathBuf::from("/hook/Dockerfile");
    // Line 1 (the FROM) and line 3 (the USER, under the comment).
    let project = with_findings(&path, &[(0, 4), (48, 52)]);
    assert_eq!(lint(&path, &project, Config::default()), vec![(1, "DF001")]);
}

#[test]
fn a_project_finding_goes_only_to_its_own_file() {
    let project = with_findings(Path::new("/hook/Dockerfile"), &[(0, 4)]);
    let other = PathBuf::from("/hook/other/Dockerfile");
    assert!(lint(&other, &project, Config::default()).is_empty());
}

#[test]
fn a_project_finding_follows_the_selection() {
    let path = PathBuf::from("/hook/Dockerfile");
    let project = with_findings(&path, &[(0, 4)]);
    let config = Config {
        ignore: vec![prodlint::select::Selector::parse("DF001").unwrap_or_else(|e| panic!("{e}"))],
        ..Config::default()
    };
    assert!(lint(&path, &project, config).is_empty());
}
