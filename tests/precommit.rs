//! The pre-commit hook, run by pre-commit itself on a throwaway
//! repository. Skipped, loudly, when `pre-commit` is not installed (CI
//! installs it and sets `PRODLINT_REQUIRE_CLIENTS`, which turns the skip
//! into a failure).

mod common;

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // Both hooks build prodlint in release mode: one target folder lets
        // the second build reuse what the first compiled.
        .env("CARGO_TARGET_DIR", common::RELEASE_TARGET)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Both hooks build in `target/hooks`; one build at a time, or one
/// build's files vanish under the other's copy.
static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A throwaway repository with a bad Dockerfile: the hook must fail and
/// show the finding; with the Dockerfile fixed it must pass.
fn hook_fails_then_passes(hook: &str) {
    let _one_build = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let Some(pc) = common::client_program("PRE_COMMIT", "pre-commit") else {
        return;
    };
    let repo = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let d = dir.path();
    let git = |args: &[&str]| {
        let (ok, out) = run(d, "git", args);
        assert!(ok, "git {args:?}: {out}");
    };
    git(&["init", "-q"]);
    std::fs::write(
        d.join("Dockerfile"),
        "FROM python:3.12-slim\nUSER 10001\nCMD gunicorn app:app\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    std::fs::write(d.join("notes.md"), "not linted\n").unwrap_or_else(|e| panic!("write: {e}"));
    git(&["add", "."]);
    let (ok, out) = run(d, &pc, &["try-repo", repo, hook, "--all-files"]);
    assert!(!ok, "the hook passed a bad Dockerfile:\n{out}");
    assert!(out.contains("DF012 shell-form-entrypoint"), "{out}");
    assert!(out.contains("Dockerfile:3:5"), "{out}");
    std::fs::write(
        d.join("Dockerfile"),
        "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nUSER 10001\nHEALTHCHECK CMD [\"python\", \"-c\", \"print(1)\"]\nCMD [\"python\", \"-m\", \"app\"]\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    std::fs::write(d.join(".dockerignore"), ".git\n.env*\n")
        .unwrap_or_else(|e| panic!("write: {e}"));
    git(&["add", "."]);
    let (ok, out) = run(d, &pc, &["try-repo", repo, hook, "--all-files"]);
    assert!(ok, "the hook failed a good Dockerfile:\n{out}");
}

/// Built from source by pre-commit with cargo.
#[test]
fn the_rust_hook_checks_the_files_it_is_given() {
    hook_fails_then_passes("prodlint");
}

/// Installed with pip: the wheel the maturin build backend makes.
#[test]
fn the_python_hook_checks_the_files_it_is_given() {
    hook_fails_then_passes("prodlint-python");
}
