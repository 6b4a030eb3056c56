//! `pip install prodlint`: the wheel maturin builds holds the binary and
//! works in a fresh virtualenv, with no Rust toolchain involved. Skipped,
//! loudly, when maturin is not installed; CI installs it and sets
//! `PRODLINT_REQUIRE_CLIENTS`, which turns the skip into a failure.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn run(program: impl AsRef<std::ffi::OsStr>, args: &[&str], dir: &Path) -> Output {
    let program = program.as_ref();
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        // The pre-commit hook tests build in release mode here too.
        .env("CARGO_TARGET_DIR", common::RELEASE_TARGET)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.to_string_lossy()));
    assert!(
        out.status.code().is_some(),
        "{} was killed",
        program.to_string_lossy()
    );
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_wheel_installs_and_runs_in_a_fresh_virtualenv() {
    let Some(maturin) = common::client_program("MATURIN", "maturin") else {
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let wheels = dir.path().join("wheels");
    let wheels_arg = wheels.to_string_lossy().to_string();
    let out = run(
        &maturin,
        &["build", "--release", "--out", &wheels_arg],
        repo,
    );
    assert!(
        out.status.success(),
        "maturin build failed:\n{}",
        text(&out)
    );
    let built: Vec<_> = std::fs::read_dir(&wheels)
        .unwrap_or_else(|e| panic!("no wheels folder: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(built.len(), 1, "{built:?}");
    let wheel = built[0].to_string_lossy().to_string();
    let name = built[0]
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    // A binary wheel: any Python 3, this platform.
    assert!(
        name.starts_with(&format!("prodlint-{}-py3-none-", env!("CARGO_PKG_VERSION"))),
        "{name}"
    );

    let venv = dir.path().join("venv");
    let venv_arg = venv.to_string_lossy().to_string();
    let out = run("python3", &["-m", "venv", &venv_arg], dir.path());
    assert!(out.status.success(), "venv: {}", text(&out));
    let bin = if cfg!(windows) { "Scripts" } else { "bin" };
    let pip = venv.join(bin).join("pip");
    let out = run(
        &pip,
        &["install", "--no-index", "--quiet", &wheel],
        dir.path(),
    );
    assert!(out.status.success(), "pip install: {}", text(&out));

    let prodlint = venv.join(bin).join("prodlint");
    let out = run(&prodlint, &["--version"], dir.path());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("prodlint {}\n", env!("CARGO_PKG_VERSION"))
    );
    let demo = repo.join("fixtures/demo");
    let out = run(
        &prodlint,
        &["check", "--no-config", "--quiet", "--select", "DF012", "."],
        &demo,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = text(&out);
    assert!(report.contains("DF012 shell-form-entrypoint"), "{report}");
    assert!(report.contains("[Dockerfile:16:5]"), "{report}");
}
