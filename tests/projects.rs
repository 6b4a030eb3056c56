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

/// `prodlint check --no-config` in `dir`, reporting JSON, never failing.
fn prodlint_json(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_prodlint"));
    c.current_dir(dir).args([
        "check",
        "--no-config",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    c
}

/// Runs `prodlint check` in `dir` on `text` given as standard input under
/// `name`; the findings as `json_rows`.
fn check_stdin(dir: &Path, name: &str, text: &[u8]) -> Vec<String> {
    let mut child = prodlint_json(dir)
        .args(["--stdin-filename", name])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(text)
            .unwrap_or_else(|e| panic!("stdin: {e}"));
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("run: {e}"));
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

/// Past the parse budget every file is parsed again where its parse is
/// needed (the links between files, its own lint): the findings, their
/// related locations and messages are the same byte for byte.
#[test]
fn parses_made_again_past_the_budget_find_the_same() {
    let root = common::root().join("fixtures");
    let mut cases: Vec<_> = std::fs::read_dir(root.join("project"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    cases.sort();
    cases.push(root.join("demo"));
    for dir in cases {
        let case = dir.display();
        let run = |budget: Option<&str>| {
            let mut c = prodlint_json(&dir);
            c.args(["--select", "ALL", "."]);
            if let Some(b) = budget {
                c.env("PRODLINT_PARSE_BUDGET", b);
            }
            let out = c.output().unwrap_or_else(|e| panic!("run: {e}"));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let kept = run(None);
        assert!(kept.contains("\"findings\""), "{case}: {kept}");
        assert_eq!(run(Some("0")), kept, "{case}");
    }
}

/// A configuration named with `-c` is a gunicorn configuration whether
/// the whole folder is checked, the file alone, or its text on standard
/// input; its findings name the launch in the Dockerfile.
#[test]
fn a_named_configuration_is_one_however_it_is_read() {
    let dir = common::root().join("fixtures/project/linked");
    let want = vec![
        "conf/prod.py:4:16 PM001 -> Dockerfile:4:6".to_string(),
        "conf/prod.py:5:11 PM004 -> Dockerfile:4:6".to_string(),
    ];
    assert_eq!(check(&dir, &[]).split_off(8), want);
    let alone = prodlint_json(&dir)
        .arg("conf/prod.py")
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(common::json_rows(&alone.stdout), want);
    let text = std::fs::read(dir.join("conf/prod.py")).unwrap_or_default();
    assert_eq!(check_stdin(&dir, "conf/prod.py", &text), want);
}

/// Companions come from the project however the file is read: a
/// Dockerfile named on its own, or read on standard input, still reads its
/// own `api.Dockerfile.dockerignore` (which wins over `.dockerignore`),
/// and an env file its own template (`.env.production.example`, which
/// wins over `.env.example`).
#[test]
fn companions_are_read_however_the_file_is_read() {
    let dir = common::root().join("fixtures/project/companions");
    let messages = |out: &[u8]| -> Vec<String> {
        let report: serde_json::Value = serde_json::from_slice(out).unwrap_or_default();
        report["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|f| matches!(f["code"].as_str(), Some("DF016" | "EN026")))
                    .map(|f| f["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let alone = prodlint_json(&dir)
        .args([
            "--extend-select",
            "EN026",
            "api.Dockerfile",
            ".env.production",
        ])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let want = vec![
        "`.env.production.example` lists keys this file does not set: `DATABASE_URL`".to_string(),
        "`FEATURE_X` is not in `.env.production.example`".to_string(),
        "the whole build context is copied and `api.Dockerfile.dockerignore` does not exclude `.env`"
            .to_string(),
    ];
    assert_eq!(messages(&alone.stdout), want);
    let text = std::fs::read(dir.join("api.Dockerfile")).unwrap_or_default();
    let stdin = {
        let mut child = prodlint_json(&dir)
            .args(["--stdin-filename", "api.Dockerfile"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("run: {e}"));
        if let Some(mut i) = child.stdin.take() {
            use std::io::Write;
            i.write_all(&text).unwrap_or_else(|e| panic!("stdin: {e}"));
        }
        child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("run: {e}"))
    };
    assert_eq!(messages(&stdin.stdout), want[2..].to_vec());
}

/// A manifest read on standard input sees the gunicorn configuration its
/// container's command reads from the folder above, as a run of the
/// whole folder does (PM011 comes from that file's keep-alive).
#[test]
fn a_manifest_alone_reads_the_configuration_above_it() {
    let dir = common::root().join("fixtures/demo");
    let text = std::fs::read(dir.join("k8s/deployment.yaml")).unwrap_or_default();
    let alone = check_stdin(&dir, "k8s/deployment.yaml", &text);
    let whole = check(&dir, &[]);
    // Cross-file findings need the files beside the manifest's folder
    // (the Dockerfile, the app): a manifest read alone sees its folder
    // and the configuration above it only.
    let in_whole: Vec<String> = whole
        .iter()
        .filter(|r| r.starts_with("k8s/deployment.yaml:") && !r.contains(" XR0"))
        .cloned()
        .collect();
    assert!(
        alone
            .iter()
            .any(|r| r.starts_with("k8s/deployment.yaml:15:")),
        "{alone:?}"
    );
    assert_eq!(alone, in_whole);
}

#[test]
fn the_git_folder_matters_only_in_a_context_that_holds_one() {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let root = d.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("write: {e}"));
    };
    // The repository root holds `.git`; `svc/` is a context without one.
    std::fs::create_dir_all(root.join(".git")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let dockerfile = "FROM python:3.12-slim\nCOPY . /app\nUSER 10001\n";
    write("Dockerfile", dockerfile);
    write(".dockerignore", ".env\n");
    write("svc/Dockerfile", dockerfile);
    write("svc/.dockerignore", ".env\n");
    let out = prodlint_json(root)
        .args(["--select", "DF016", "."])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("json: {e}"));
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["file"].as_str().unwrap_or("").to_string(),
                        f["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        found,
        vec![(
            "Dockerfile".to_string(),
            "the whole build context is copied and `.dockerignore` does not exclude `.git`"
                .to_string()
        )],
        "{found:?}"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("mkdir {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
    {
        let entry = entry.unwrap_or_else(|e| panic!("entry: {e}"));
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("copy: {e}"));
        }
    }
}

/// Copies of one project side by side in a tree (a monorepo of similar
/// services): each copy finds exactly what the project finds alone. The
/// links of one copy (its image's runs, the Services selecting its pods,
/// the module its launch serves) take the nearest candidates, not every
/// copy's: before, the demo's probe finding was lost in a tree of copies
/// (its launch in `k8s/` answered to every copy's `app/main.py`), and
/// each unit held every copy's Service ports (memory quadratic in the
/// copies).
#[test]
fn copies_of_a_project_each_find_what_it_finds_alone() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let demo = common::root().join("fixtures/demo");
    // Names that sort between a folder and what it holds (`svc-2`,
    // `svc.old` come after `svc` and before `svc/…`).
    let names = ["svc", "svc-2", "svc.old"];
    for name in names {
        copy_tree(&demo, &tmp.path().join(name));
    }
    let alone = check(&tmp.path().join("svc"), &["--select", "ALL"]);
    assert!(alone.iter().any(|r| r.contains(" XR002")), "{alone:#?}");
    let together = check(tmp.path(), &["--select", "ALL"]);
    each_copy_finds(&together, &names, &alone);
    assert_eq!(together.len(), 3 * alone.len());
}

/// Services of one settings prefix in one tree (copies of the XR008
/// fixture beside another service whose settings read `APP_` too) each
/// find what they find alone: a variable is judged against the settings
/// class nearest it, and counts as read elsewhere only when another file
/// of that class's repository names it. Before, every finding named the
/// first class of the prefix in the tree (another service's), a variable
/// another service's files named was taken as read, and past a few
/// hundred variables in the tree none was checked at all.
#[test]
fn services_of_one_settings_prefix_each_find_what_they_find_alone() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let project = common::root().join("fixtures/project");
    let names = ["svc", "svc-2", "svc.old"];
    for name in names {
        copy_tree(&project.join("XR008.bad"), &tmp.path().join(name));
    }
    // Sorts before the copies: its class was the one every copy named.
    copy_tree(&project.join("XR007.bad"), &tmp.path().join("other"));
    for dir in names.iter().chain(&["other"]) {
        let _ = std::fs::remove_file(tmp.path().join(dir).join("prodlint.toml"));
    }
    let alone = check(&tmp.path().join("svc"), &["--select", "XR008"]);
    assert_eq!(
        alone,
        expected(&project.join("XR008.bad/expected.txt")).unwrap_or_default()
    );
    let together = check(tmp.path(), &["--select", "XR008"]);
    each_copy_finds(&together, &names, &alone);
    // The other service has no such variable of its own.
    assert_eq!(together.len(), 3 * alone.len(), "{together:#?}");
}

/// The rows of `together` (a check of the tree holding the copies
/// `names`) in each copy are `alone`'s (a check of one copy).
fn each_copy_finds(together: &[String], names: &[&str], alone: &[String]) {
    for name in names {
        let prefix = format!("{name}/");
        let copy: Vec<String> = together
            .iter()
            .filter_map(|r| r.strip_prefix(&prefix))
            // Related places are named from the tree's root too.
            .map(|r| r.replace(&format!(" -> {prefix}"), " -> "))
            .collect();
        assert_eq!(copy, alone, "{name}");
    }
}

/// GH013 on a call to a workflow of the repository says what that
/// workflow needs (the secrets it reads or declares required), and the
/// workflows it passes every secret on to: none, the names, or (the
/// whole context read, a deployment environment's job, the workflow not
/// in the tree) the general note.
#[test]
fn inherited_secrets_name_what_the_called_workflows_read() {
    let dir = common::root().join("fixtures/project/inherited-secrets");
    let out = prodlint_json(&dir)
        .args(["--select", "GH013", "."])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})"));
    let rows: Vec<String> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["file"].as_str().unwrap_or_default(),
                f["start"]["line"],
                f["severity"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let general = "passes every secret to a workflow of this repository: no third party reads them, but naming the ones it needs keeps it from reading the rest";
    assert_eq!(
        rows,
        [
            ".github/workflows/ci.yml:11 info job `lint` passes every secret to `lint.yml`, which needs none".to_string(),
            ".github/workflows/ci.yml:16 info job `deploy` passes every secret to `deploy.yml`, which needs only `DEPLOY_KEY`, `SENTRY_DSN` and `SLACK_WEBHOOK`".to_string(),
            format!(".github/workflows/ci.yml:20 info job `report` {general}"),
            format!(".github/workflows/ci.yml:24 info job `publish` {general}"),
            format!(".github/workflows/ci.yml:29 info job `release` {general}"),
            ".github/workflows/deploy.yml:22 info job `tell` passes every secret to `notify.yml`, which needs only `SENTRY_DSN` and `SLACK_WEBHOOK`".to_string(),
        ]
    );
}
