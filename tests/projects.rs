//! Multi-file fixtures: each folder of `fixtures/project/` is a small
//! project, checked as `prodlint check .` checks it from inside (with its
//! own `prodlint.toml` when it has one), whose findings must be exactly
//! those of its `expected.txt` (`file:line:column CODE`), and those of
//! `expected-purpose-all.txt` with `--purpose all` when that file exists.

mod common;

use std::path::Path;
use std::process::Command;

fn check(dir: &Path, extra: &[&str]) -> Vec<String> {
    let config: Vec<&str> = if dir.join("prodlint.toml").is_file() {
        vec!["--config", "prodlint.toml"]
    } else {
        vec!["--no-config"]
    };
    let out = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .current_dir(dir)
        .args(["check", "--format", "json", "--fail-on", "never"])
        .args(config)
        .args(extra)
        .arg(".")
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::json_rows(&out.stdout)
}

fn expected(path: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().map(str::to_string).collect())
}

#[test]
fn project_fixtures_give_exactly_their_expected_findings() {
    let root = common::root().join("fixtures/project");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    cases.sort();
    assert!(cases.len() >= 4, "{cases:?}");
    for case in cases {
        let want = expected(&case.join("expected.txt"))
            .unwrap_or_else(|| panic!("{} has no expected.txt", case.display()));
        assert_eq!(check(&case, &[]), want, "{}", case.display());
        if let Some(all) = expected(&case.join("expected-purpose-all.txt")) {
            assert_eq!(
                check(&case, &["--purpose", "all"]),
                all,
                "{}",
                case.display()
            );
        }
    }
}
