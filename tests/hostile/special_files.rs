//! FIFOs, devices, symbolic links, unreadable files, git configuration
//! that names programs, limits reached late, and `--jobs` out of range.

use crate::harness::{Limits, fifo, json_codes, run, run_ok, run_with, temp, write};
use std::process::Command;

const DOCKERFILE: &str = "FROM python:3.12-slim\nCMD python app.py\n";

#[test]
fn fifos_in_the_tree_or_as_configuration_never_block() {
    let dir = temp();
    write(dir.path(), "Dockerfile", DOCKERFILE);
    fifo(&dir.path().join(".gitignore"));
    fifo(&dir.path().join(".dockerignore"));
    fifo(&dir.path().join("compose.yaml"));
    fifo(&dir.path().join("conf.toml"));
    let r = run_ok(dir.path(), &["check", "."]);
    assert!(r.out().contains("DF001"), "{}", r.out());
    assert!(
        r.stderr
            .contains("compose.yaml: skipped, not a regular file"),
        "{}",
        r.stderr
    );
    let named = run(dir.path(), &["check", "compose.yaml"]);
    assert_eq!(named.code, Some(2));
    assert!(
        named.all().contains("compose.yaml: not a regular file"),
        "{}",
        named.all()
    );
    let config = run(
        dir.path(),
        &["check", "--config", "conf.toml", "Dockerfile"],
    );
    assert_eq!(config.code, Some(2));
    assert!(
        config.stderr.contains("not a regular file"),
        "{}",
        config.stderr
    );
}

#[test]
fn context_files_obey_the_size_limit_and_the_file_kind() {
    let dir = temp();
    write(dir.path(), "Dockerfile", DOCKERFILE);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join(".gitignore"))
        .unwrap_or_else(|e| panic!("{e}"));
    // Twice the limit set below: read whole, it would be the run's memory.
    write(dir.path(), ".dockerignore", "*.pyc\n".repeat(400_000));
    write(dir.path(), "prodlint.toml", "max-file-size = 1000000\n");
    let r = run_with(
        dir.path(),
        &["check", "."],
        b"",
        Limits {
            memory_kib: Some(1_500_000),
            ..Limits::default()
        },
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.out().contains("DF001"));
}

#[test]
fn symbolic_links_are_followed_inside_the_tree_only() {
    let dir = temp();
    write(dir.path(), "docker/Dockerfile.prod", DOCKERFILE);
    std::os::unix::fs::symlink("docker/Dockerfile.prod", dir.path().join("Dockerfile"))
        .unwrap_or_else(|e| panic!("{e}"));
    let outside = temp();
    write(outside.path(), "Dockerfile", DOCKERFILE);
    std::fs::create_dir_all(dir.path().join("ext")).unwrap_or_default();
    std::os::unix::fs::symlink(
        outside.path().join("Dockerfile"),
        dir.path().join("ext/Dockerfile"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("ext/Containerfile"))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = run_ok(
        dir.path(),
        &["check", "--format", "json", "--select", "DF001", "."],
    );
    assert_eq!(
        json_codes(&r.stdout),
        ["Dockerfile:1:1 DF001", "docker/Dockerfile.prod:1:1 DF001"]
    );
    assert!(r.stderr.contains("ext/Dockerfile: skipped"), "{}", r.stderr);
    assert!(
        r.stderr.contains("ext/Containerfile: skipped"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_named_file_that_fails_to_read_exits_2() {
    let dir = temp();
    // A regular file whose read fails (address 0 is not mapped), which
    // works as root too, where permissions stop nothing.
    let r = run(dir.path(), &["check", "/proc/self/mem"]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    let missing = run(dir.path(), &["check", "nothing-here"]);
    assert_eq!(missing.code, Some(2));
    assert!(missing.all().contains("no such file or directory"));
}

#[test]
fn the_repositorys_git_configuration_runs_nothing() {
    let dir = temp();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !git(&["init", "-q"]) {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    write(
        dir.path(),
        ".env",
        "SECRET_KEY=hX7pQ2vN9kLm4RtZ8wYc3BfD6gJs1A\n",
    );
    write(dir.path(), ".gitattributes", ".env filter=evil\n");
    assert!(git(&["add", ".env", ".gitattributes"]));
    let marker = dir.path().join("marker");
    let cmd = format!("touch {}; sleep 30", marker.display());
    for (key, value) in [
        ("core.fsmonitor", cmd.as_str()),
        ("filter.evil.clean", cmd.as_str()),
        ("filter.evil.smudge", cmd.as_str()),
        ("filter.evil.process", cmd.as_str()),
        ("core.hooksPath", "hooks"),
        ("diff.external", cmd.as_str()),
    ] {
        assert!(git(&["config", key, value]));
    }
    write(
        dir.path(),
        "hooks/post-index-change",
        format!("#!/bin/sh\n{cmd}\n"),
    );
    let r = run_ok(
        dir.path(),
        &["check", "--select", "EN024", "--format", "json", "."],
    );
    assert!(!marker.exists(), "a program named by .git/config ran");
    // What git tracks is still known: the committed env file is reported.
    assert_eq!(json_codes(&r.stdout), [".env:1:1 EN024"]);
}

#[test]
fn a_limit_late_in_a_file_keeps_the_findings_before_it() {
    let dir = temp();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n      securityContext:\n        privileged: true\n";
    write(
        dir.path(),
        "pod.yaml",
        format!("{pod}{}", "---\n".repeat(1001)),
    );
    let r = run(
        dir.path(),
        &[
            "check",
            "--fail-on",
            "error",
            "--format",
            "json",
            "pod.yaml",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    let codes = json_codes(&r.stdout);
    assert!(
        codes.contains(&"pod.yaml:10:21 KU009".to_string()),
        "{codes:?}"
    );
    assert!(codes.iter().any(|c| c.ends_with("PL003")), "{codes:?}");
}

#[test]
fn lone_carriage_returns_end_lines_as_for_the_parsers() {
    let dir = temp();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n";
    write(dir.path(), "lf/pod.yaml", pod);
    write(dir.path(), "cr/pod.yaml", pod.replace('\n', "\r"));
    let lf = run_ok(dir.path(), &["check", "--format", "json", "lf"]);
    let cr = run_ok(dir.path(), &["check", "--format", "json", "cr"]);
    let strip =
        |v: Vec<String>| -> Vec<String> { v.into_iter().map(|s| s[3..].to_string()).collect() };
    let lf = strip(json_codes(&lf.stdout));
    assert!(lf.len() >= 5, "{lf:?}");
    assert_eq!(strip(json_codes(&cr.stdout)), lf);
}

#[test]
fn jobs_far_out_of_range_are_clamped() {
    let dir = temp();
    write(dir.path(), "Dockerfile", DOCKERFILE);
    let r = run_with(
        dir.path(),
        &["check", "-j", "100000", "."],
        b"",
        Limits {
            memory_kib: Some(4_000_000),
            ..Limits::default()
        },
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
}

#[test]
fn a_configuration_of_endless_globs_is_refused_cheaply() {
    let dir = temp();
    write(dir.path(), "Dockerfile", DOCKERFILE);
    let globs: Vec<String> = (0..50_000)
        .map(|i| format!("\"**/d{i}/**/*.py\""))
        .collect();
    write(
        dir.path(),
        "prodlint.toml",
        format!("exclude = [{}]\n", globs.join(",")),
    );
    let r = run_with(
        dir.path(),
        &["check", "."],
        b"",
        Limits {
            memory_kib: Some(1_000_000),
            ..Limits::default()
        },
    );
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert!(
        r.stderr.contains("`exclude` has 50000 patterns"),
        "{}",
        r.stderr
    );
}

/// Within the size limit, memory follows the file: a compose file of one
/// repeated key and an env file of half a million entries (near 5 MB
/// each) once took more than a gigabyte each.
#[test]
fn memory_stays_proportional_to_large_files() {
    let dir = temp();
    let compose = format!(
        "services:\n  web:\n    image: x\n    environment:\n{}",
        "      A: b\n".repeat(440_000)
    );
    write(dir.path(), "compose/docker-compose.yml", compose);
    let env: String = (0..460_000).map(|i| format!("K=v{i}\n")).collect();
    write(dir.path(), "env/.env", env);
    for folder in ["compose", "env"] {
        let r = run_with(
            dir.path(),
            &["check", "--no-config", "--format", "json", folder],
            b"",
            Limits {
                memory_kib: Some(1_200_000),
                ..Limits::default()
            },
        );
        assert_eq!(r.code, Some(1), "{folder}: {}", r.stderr);
        assert!(r.out().contains("more"), "{folder}: the rest is counted");
    }
}

/// Python whose syntax tree is as deep as the depth guard lets through
/// (a chain of 49,000 operators, 30,000 `not`s, 20,000 nested lambdas,
/// 199 brackets) is parsed, walked and dropped on the run's workers
/// (which have a parser's stack where the address space is not limited)
/// and, under `ulimit -v`, on the parser thread they hand it to: the
/// same findings either way, the call before the deep line found. One
/// operator more and the module is not parsed: PL003 says so.
#[test]
fn deep_python_parses_on_the_workers_and_under_an_address_space_limit() {
    let dir = temp();
    let head = "import requests\nrequests.get(\"http://x\")\n";
    let bodies = [
        (
            "chain.py",
            format!("v = \"x\" {}\n", "+ \"a\" ".repeat(49_000)),
        ),
        ("nots.py", format!("v = {}y\n", "not ".repeat(30_000))),
        (
            "lambdas.py",
            format!("v = {}1\n", "lambda: ".repeat(20_000)),
        ),
        (
            "brackets.py",
            format!("v = {}1{}\n", "(".repeat(199), ")".repeat(199)),
        ),
        // Past the guard: not parsed, and said so.
        ("over.py", format!("v = 1 {}\n", "+ 1 ".repeat(50_001))),
    ];
    for (name, body) in &bodies {
        write(dir.path(), name, format!("{head}{body}"));
    }
    let mut want: Vec<String> = ["brackets.py", "chain.py", "lambdas.py", "nots.py"]
        .iter()
        .map(|n| format!("{n}:2:1 PY010"))
        .collect();
    want.push("over.py:1:1 PL003".to_string());
    for limits in [
        Limits::default(),
        Limits {
            memory_kib: Some(4_000_000),
            ..Limits::default()
        },
    ] {
        let r = run_with(
            dir.path(),
            &[
                "check",
                "--no-config",
                "--select",
                "PY010,PL",
                "--format",
                "json",
                ".",
            ],
            b"",
            limits,
        );
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert_eq!(json_codes(&r.stdout), want, "{}{}", r.stderr, r.out());
    }
}
