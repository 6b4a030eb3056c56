//! What the walk reads: files git tracks even when an ignore file matches
//! them, and never a patch as an env file.

mod common;

use std::process::Command;

fn git(dir: &std::path::Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn tracked_files_are_read_even_when_ignored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    if !git(dir.path(), &["init", "-q"]) {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let secret = format!("SECRET_KEY={}\n", "hX7pQ2vN9kLm4RtZ8wYc3BfD6gJs1A");
    common::write(dir.path(), ".env", &secret);
    common::write(dir.path(), "deploy/prod/.env", &secret);
    common::write(dir.path(), "scratch/.env", &secret);
    assert!(git(dir.path(), &["add", ".env", "deploy/prod/.env"]));
    // Ignored after the fact: the committed files are the leaked ones.
    common::write(dir.path(), ".gitignore", ".env\ndeploy/\nscratch/\n");
    let found = common::findings(dir.path(), "EN024");
    assert_eq!(found, [".env:1:1 EN024", "deploy/prod/.env:1:1 EN024"]);
}

#[test]
fn patches_and_merge_leftovers_are_not_env_files() {
    use prodlint::discover::FileKind;
    use std::path::Path;
    for name in [".env.patch", ".env.diff", ".env.rej"] {
        assert_eq!(FileKind::detect(Path::new(name)), None, "{name}");
    }
    assert_eq!(
        FileKind::detect(Path::new(".env.orig")),
        Some(FileKind::Text)
    );
}

/// Two paths of the command line that name one file by name but two by
/// the system (`d/lnk/../run.sh` goes through a link): each is linted
/// with its own text, whichever is read first.
#[cfg(unix)]
#[test]
fn a_path_through_a_link_is_linted_with_its_own_text() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    common::write(root, "d/run.sh", "#!/bin/sh\necho hello\n");
    common::write(root, "t/sub/keep", "");
    common::write(
        root,
        "t/run.sh",
        "#!/bin/sh\nAWS_KEY=AKIAABCDEFGHIJKLMNOP\n",
    );
    std::os::unix::fs::symlink(root.join("t/sub"), root.join("d/lnk"))
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..8 {
        let out = Command::new(env!("CARGO_BIN_EXE_prodlint"))
            .args([
                "check",
                "--no-config",
                "--format",
                "json",
                "--select",
                "SE001",
            ])
            .args(["d/lnk/../run.sh", "d/run.sh"])
            .current_dir(root)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.matches("\"SE001\"").count(), 1, "{text}");
        assert!(text.contains("\"d/lnk/../run.sh\""), "{text}");
    }
}

/// Two files of one key through a link (`d/lnk/../x`, lnk a link to
/// `t/sub`: the file is `t/x`; and `d/x`): the project keeps the facts
/// of `d/x`, whichever is read first, and a project hook's finding for
/// the other file is not reported in `d/x` with the other file's lines.
#[cfg(unix)]
#[test]
fn what_a_project_hook_finds_in_a_file_stays_in_that_file_through_a_link() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let plain = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo hi\n";
    let called = "on: workflow_call\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo hi\n";
    common::write(root, "d/.github/workflows/ci.yml", plain);
    common::write(root, "t/.github/workflows/ci.yml", called);
    common::write(root, "t/sub/keep", "");
    std::os::unix::fs::symlink(root.join("t/sub"), root.join("d/lnk"))
        .unwrap_or_else(|e| panic!("{e}"));
    let through = "d/lnk/../.github/workflows/ci.yml";
    let direct = "d/.github/workflows/ci.yml";
    let mut outputs = Vec::new();
    for order in [[through, direct], [direct, through]] {
        for _ in 0..3 {
            let out = Command::new(env!("CARGO_BIN_EXE_prodlint"))
                .args(["check", "--no-config", "--format", "json"])
                .args(["--select", "GH004"])
                .args(order)
                .current_dir(root)
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let report: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            let in_direct = report["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| f["file"].as_str() == Some(direct))
                .count();
            assert_eq!(in_direct, 0, "{order:?}: {text}");
            outputs.push(text);
        }
    }
    // The same report whatever the order the paths are named in and the
    // files are read in.
    assert!(outputs.windows(2).all(|w| w[0] == w[1]), "{outputs:#?}");
}

/// The same for files the project reads facts from (a Dockerfile) and
/// workflows, whose texts and parses the project holds for their lints:
/// the secret of the file through the link is reported there, at its
/// line, and nowhere else.
#[cfg(unix)]
#[test]
fn files_with_facts_through_a_link_are_linted_with_their_own_text() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let clean = "FROM python:3.12-slim\nUSER app\nCMD [\"python\", \"app.py\"]\n";
    let leaky = "FROM python:3.12-slim\nENV AWS_KEY=AKIAABCDEFGHIJKLMNOP\nUSER app\n";
    common::write(root, "d/Dockerfile", clean);
    common::write(root, "t/Dockerfile", leaky);
    let workflow =
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo hi\n";
    let leaky_workflow = workflow.replace("echo hi", "echo AKIAABCDEFGHIJKLMNOP");
    common::write(root, "d/.github/workflows/ci.yml", workflow);
    common::write(root, "t/.github/workflows/ci.yml", &leaky_workflow);
    common::write(root, "t/sub/keep", "");
    std::os::unix::fs::symlink(root.join("t/sub"), root.join("d/lnk"))
        .unwrap_or_else(|e| panic!("{e}"));
    for (through, direct, line) in [
        ("d/lnk/../Dockerfile", "d/Dockerfile", 2),
        (
            "d/lnk/../.github/workflows/ci.yml",
            "d/.github/workflows/ci.yml",
            6,
        ),
    ] {
        for order in [[through, direct], [direct, through]] {
            let out = Command::new(env!("CARGO_BIN_EXE_prodlint"))
                .args(["check", "--no-config", "--format", "json"])
                .args(["--select", "SE001"])
                .args(order)
                .current_dir(root)
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            let text = String::from_utf8_lossy(&out.stdout);
            let report: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            let found: Vec<(String, u64)> = report["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    (
                        f["file"].as_str().unwrap_or_default().to_string(),
                        f["start"]["line"].as_u64().unwrap_or_default(),
                    )
                })
                .collect();
            assert_eq!(found, [(through.to_string(), line)], "{order:?}: {text}");
        }
    }
}
