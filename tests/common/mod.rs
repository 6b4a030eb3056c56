//! Helpers shared by the integration tests.
#![allow(dead_code)]

use prodlint::config::Config;
use prodlint::diagnostic::Finding;
use prodlint::discover;
use prodlint::discover::FileKind;
use prodlint::engine::{self, FileReport, Settings};
use prodlint::select::{Selection, Selector};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Settings with the default rules plus `extra`. Every file is linted as
/// production: the rule fixtures live in `fixtures/`, which a guess would
/// take for test files (purposes have tests of their own).
pub fn settings(extra: &[&str]) -> Settings {
    let extend: Vec<Selector> = extra
        .iter()
        .filter_map(|s| Selector::parse(s).ok())
        .collect();
    let config = Config {
        root: root(),
        purpose_all: true,
        ..Config::default()
    };
    let selection = Selection::new(None, &extend, &[]);
    Settings::new(config, selection)
}

/// Lints one file with the default rules plus `extra`.
pub fn lint(path: &Path, extra: &[&str]) -> FileReport {
    let s = settings(extra);
    let kind = fixture_kind(path);
    // Linted as `prodlint check <file>` lints it: with the project of
    // that one file (and what its launches name beside it).
    let candidate = prodlint::discover::Candidate {
        path: path.into(),
        kind,
        explicit: true,
        root: None,
        regular: false,
    };
    let mut reports = engine::lint_files(&[candidate], &s);
    reports.pop().unwrap_or_else(|| {
        engine::lint_text(
            path,
            kind,
            engine::load(path, s.config.max_file_size),
            &s,
            &prodlint::project::Project::default(),
        )
    })
}

/// A fixture's kind: from its family folder (`fixtures/workflow/GH001.bad.yml`
/// is a workflow), else from its name.
pub fn fixture_kind(path: &Path) -> Option<FileKind> {
    let family = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str());
    if family == Some("process") {
        // Server fixtures span several kinds: the extension says which.
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        return match ext {
            "py" => Some(FileKind::Gunicorn),
            "conf" => Some(FileKind::Supervisor),
            "service" => Some(FileKind::Systemd),
            "Procfile" => Some(FileKind::Procfile),
            "Dockerfile" => Some(FileKind::Dockerfile),
            _ => None,
        };
    }
    family
        .and_then(FileKind::from_name)
        .or_else(|| FileKind::detect(path))
}

/// `line:col-line:col CODE message` per finding: what snapshots hold.
pub fn render(report: &FileReport) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&line(report, f));
        out.push('\n');
    }
    out
}

pub fn line(report: &FileReport, f: &Finding) -> String {
    let r = report.source.region(f.span);
    let fix = match &f.fix {
        Some(x) => format!(" [fix: {}]", x.message),
        None => String::new(),
    };
    format!(
        "{}:{}-{}:{} {} {}: {}{fix}",
        r.start.line,
        r.start.column,
        r.end.line,
        r.end.column,
        f.code(),
        f.severity.as_str(),
        f.message
    )
}

/// Every rule fixture: (code, bad path, good path).
pub fn fixture_pairs() -> Vec<(String, PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let fixtures = root().join("fixtures");
    let Ok(families) = std::fs::read_dir(&fixtures) else {
        return out;
    };
    let mut dirs: Vec<PathBuf> = families
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for bad in &files {
            let name = bad.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let Some((code, rest)) = name.split_once(".bad.") else {
                continue;
            };
            // Companion files (a .dockerignore, an env template) are not pairs.
            if rest.ends_with(".dockerignore") || rest.ends_with(".example") {
                continue;
            }
            let good = dir.join(format!("{code}.good.{rest}"));
            out.push((code.to_string(), bad.clone(), good));
        }
    }
    out
}

pub fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_default();
    }
    std::fs::write(p, text).unwrap_or_else(|e| panic!("write {rel}: {e}"));
}

/// Every file of `dir` linted with the default rules.
fn lint_dir(dir: &Path) -> Vec<FileReport> {
    let config = Config {
        root: dir.to_path_buf(),
        ..Config::default()
    };
    let settings = Settings::new(config.clone(), Selection::new(None, &[], &[]));
    let (candidates, errors) = discover::discover(&[dir.to_path_buf()], &config);
    assert!(errors.is_empty(), "{errors:?}");
    engine::lint_files(&candidates, &settings)
}

/// The messages of the findings of `code` in `dir`, in report order.
#[allow(dead_code)]
pub fn messages(dir: &Path, code: &str) -> Vec<String> {
    lint_dir(dir)
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.code() == code)
        .map(|f| f.message.clone())
        .collect()
}

/// `file:line:col CODE` for every finding whose code starts with `prefix`.
pub fn findings(dir: &Path, prefix: &str) -> Vec<String> {
    rows(dir, prefix, false)
}

/// `file:line:col CODE severity` for every finding whose code starts
/// with `prefix`.
#[allow(dead_code)]
pub fn graded(dir: &Path, prefix: &str) -> Vec<String> {
    rows(dir, prefix, true)
}

fn rows(dir: &Path, prefix: &str, severity: bool) -> Vec<String> {
    let mut out = Vec::new();
    for r in lint_dir(dir) {
        let rel = r
            .source
            .path
            .strip_prefix(dir)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        for f in r.findings.iter().filter(|f| f.code().starts_with(prefix)) {
            let p = r.source.region(f.span).start;
            let mut row = format!("{rel}:{}:{} {}", p.line, p.column, f.code());
            if severity {
                row.push(' ');
                row.push_str(f.severity.as_str());
            }
            out.push(row);
        }
    }
    out
}

/// Runs `prodlint check --fix --unsafe-fixes --select <codes>` in `dir`
/// and returns its exit code.
pub fn fix_all(dir: &Path, codes: &str) -> Option<i32> {
    std::process::Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .current_dir(dir)
        .args(["check", "--fix", "--unsafe-fixes", "--select", codes])
        .env("NO_COLOR", "1")
        .status()
        .unwrap_or_else(|e| panic!("run: {e}"))
        .code()
}

/// Where the tests that build prodlint in release mode (the pre-commit
/// hooks, the wheel, the action) build it: one folder, so each reuses what
/// the others compiled.
pub const RELEASE_TARGET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/hooks");

/// A real client program (pre-commit, Neovim, maturin): the one named by
/// the environment variable `var`, else `program` on the PATH, if it runs.
/// Without it the test is skipped, loudly; where `PRODLINT_REQUIRE_CLIENTS`
/// is set (CI) it fails instead.
pub fn client_program(var: &str, program: &str) -> Option<String> {
    let candidates = [std::env::var(var).unwrap_or_default(), program.to_string()];
    let found = candidates.into_iter().filter(|c| !c.is_empty()).find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("PRODLINT_REQUIRE_CLIENTS").is_none(),
            "{program} is required here but is not installed"
        );
        eprintln!("SKIPPED: {program} is not installed; a test that needs it did not run");
    }
    found
}

/// The findings of a JSON report as `file:line:column CODE`, the shape
/// `findings` gives.
pub fn json_rows(report: &[u8]) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(report)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(report)));
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    let file = f["file"].as_str().unwrap_or_default();
                    let mut row = format!(
                        "{}:{}:{} {}",
                        file,
                        f["start"]["line"],
                        f["start"]["column"],
                        f["code"].as_str().unwrap_or_default()
                    );
                    // Related locations in other files: ` -> file:line:column`.
                    for r in f["related"].as_array().into_iter().flatten() {
                        let other = r["file"].as_str().unwrap_or_default();
                        if other != file {
                            row.push_str(&format!(
                                " -> {}:{}:{}",
                                other, r["start"]["line"], r["start"]["column"]
                            ));
                        }
                    }
                    row
                })
                .collect()
        })
        .unwrap_or_default()
}
