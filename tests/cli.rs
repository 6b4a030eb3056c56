//! The binary end to end: formats, exit codes, configuration, stdin,
//! fixes, discovery, determinism.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn prodlint() -> Command {
    let mut c = Command::cargo_bin("prodlint").unwrap_or_else(|e| panic!("binary: {e}"));
    c.env_remove("PRODLINT_TEST_PANIC").env("NO_COLOR", "1");
    c
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_default();
    }
    std::fs::write(p, text).unwrap_or_else(|e| panic!("write {rel}: {e}"));
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", String::from_utf8_lossy(out)))
}

const ROOT_DOCKERFILE: &str =
    "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nCMD [\"python\", \"-m\", \"app\"]\n";

#[test]
fn demo_fails_with_exit_1_and_a_summary() {
    prodlint()
        .current_dir(common::root())
        .args(["check", "fixtures/demo"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DF001 final-stage-runs-as-root"))
        .stdout(predicate::str::contains("fixtures/demo/Dockerfile:16:5"))
        .stdout(predicate::str::contains(
            "75 findings: 18 errors, 32 warnings, 25 info in 11 files (14 checked)",
        ));
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempdir();
    write(dir.path(), "Dockerfile", ROOT_DOCKERFILE);
    let run = |level: &str| {
        prodlint()
            .current_dir(dir.path())
            .args(["check", "--fail-on", level])
            .assert()
    };
    run("error").code(1);
    run("never").code(0);
    prodlint()
        .current_dir(dir.path())
        .args(["check", "--ignore", "DF001"])
        .assert()
        .code(0);
}

#[test]
fn usage_config_and_io_errors_exit_2() {
    prodlint()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
    prodlint()
        .args(["check", "/no/such/path"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("no such file"));
    prodlint()
        .args(["check", "--select", "DF99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown rule code, prefix or name `DF99`",
        ));
    let dir = tempdir();
    write(
        dir.path(),
        "prodlint.toml",
        "select = [\"DF\"]\nfail_on = \"error\"\n",
    );
    write(dir.path(), "Dockerfile", ROOT_DOCKERFILE);
    prodlint()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "prodlint.toml:2:1: unknown key `fail_on`; did you mean `fail-on`?",
        ));
}

#[test]
fn config_is_found_upward_and_in_pyproject() {
    let dir = tempdir();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.prodlint]\nignore = [\"DF001\"]\n",
    );
    write(dir.path(), "svc/Dockerfile", ROOT_DOCKERFILE);
    prodlint()
        .current_dir(dir.path().join("svc"))
        .args(["check", "."])
        .assert()
        .code(0);
    prodlint()
        .current_dir(dir.path().join("svc"))
        .args(["check", "--no-config", "."])
        .assert()
        .code(1);
    write(dir.path(), "other.toml", "[severity]\nDF001 = \"info\"\n");
    prodlint()
        .current_dir(dir.path())
        .args(["check", "--config", "other.toml", "--format", "json", "svc"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"severity\": \"info\""));
}

#[test]
fn per_file_ignores_and_exclude() {
    let dir = tempdir();
    write(
        dir.path(),
        "prodlint.toml",
        "exclude = [\"vendor/**\"]\n[per-file-ignores]\n\"dev/*\" = [\"DF001\"]\n",
    );
    write(dir.path(), "dev/Dockerfile", ROOT_DOCKERFILE);
    write(dir.path(), "vendor/x/Dockerfile", ROOT_DOCKERFILE);
    prodlint()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(0);
    write(dir.path(), "prod/Dockerfile", ROOT_DOCKERFILE);
    prodlint()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("prod/Dockerfile"));
}

#[test]
fn discovery_respects_gitignore_and_reads_hidden_folders() {
    let dir = tempdir();
    write(dir.path(), ".gitignore", "ignored/\n");
    write(dir.path(), "ignored/Dockerfile", ROOT_DOCKERFILE);
    write(dir.path(), ".hidden/Dockerfile", ROOT_DOCKERFILE);
    write(dir.path(), "node_modules/pkg/Dockerfile", ROOT_DOCKERFILE);
    write(dir.path(), ".venv/pyvenv.cfg", "home = /usr\n");
    write(dir.path(), ".venv/Dockerfile", ROOT_DOCKERFILE);
    write(dir.path(), "api.Dockerfile", ROOT_DOCKERFILE);
    let out = prodlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output();
    let out = out.unwrap_or_else(|e| panic!("{e}"));
    let v = json_of(&out.stdout);
    let mut files: Vec<String> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["file"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    files.dedup();
    assert_eq!(files, vec![".hidden/Dockerfile", "api.Dockerfile"]);
    // A file named on the command line is linted even when ignored.
    prodlint()
        .current_dir(dir.path())
        .args(["check", "ignored/Dockerfile"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("ignored/Dockerfile"));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let run = |jobs: &str| {
            prodlint()
                .current_dir(common::root())
                .args(["check", "fixtures", "--format", format, "--jobs", jobs])
                .output()
                .map(|o| o.stdout)
                .unwrap_or_default()
        };
        let one = run("1");
        assert!(!one.is_empty());
        assert_eq!(
            one,
            run("4"),
            "{format} output differs between --jobs 1 and 4"
        );
        assert_eq!(one, run("4"), "{format} output differs between two runs");
    }
}

#[test]
fn stdin_is_linted_as_the_named_file() {
    prodlint()
        .args([
            "check",
            "--stdin-filename",
            "services/api/Dockerfile",
            "--format",
            "json",
        ])
        .write_stdin(ROOT_DOCKERFILE)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "\"file\": \"services/api/Dockerfile\"",
        ))
        .stdout(predicate::str::contains("\"code\": \"DF001\""));
    prodlint()
        .args(["check", "--stdin-filename", "Dockerfile", "--fix"])
        .write_stdin("FROM debian:bookworm-slim\nRUN apt-get install curl\n")
        .assert()
        .code(0)
        .stdout("FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends curl\n");
    prodlint()
        .args(["check", "--stdin-filename", "notes.txt"])
        .write_stdin("hello")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PL003 file-skipped"));
}

#[test]
fn diff_shows_and_fix_applies() {
    let dir = tempdir();
    let text = "FROM python:3.12-slim\nRUN pip install flask\nUSER 10001\nCMD gunicorn -b 0.0.0.0:8000 app:app\n";
    write(dir.path(), "Dockerfile", text);
    prodlint()
        .current_dir(dir.path())
        .args(["check", "--diff"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "-RUN pip install flask\n+RUN pip install --no-cache-dir flask",
        ))
        .stdout(predicate::str::contains("CMD [").not());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap_or_default(),
        text
    );
    prodlint()
        .current_dir(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "--fail-on", "error"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("fixed 2 findings in Dockerfile"));
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap_or_default();
    assert_eq!(
        fixed,
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nUSER 10001\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n"
    );
    prodlint()
        .current_dir(dir.path())
        .args(["check", "--diff"])
        .assert()
        .code(0)
        .stdout("");
}

/// The project's findings in a file (here GH007's, judged with the
/// caller) were found in the text the run read: after `--fix` rewrites the
/// file, the report shows them where they are in the fixed text, as a
/// fresh check of it does (two lines and a column moved here).
#[test]
fn project_findings_in_a_fixed_file_point_into_the_fixed_text() {
    let dir = tempdir();
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: pull_request\npermissions: {}\njobs:\n  call:\n    uses: ./.github/workflows/reuse.yml\n    with:\n      title: ${{ github.event.pull_request.title }}\n",
    );
    write(
        dir.path(),
        ".github/workflows/reuse.yml",
        "on:\n  workflow_call:\n    inputs:\n      title:\n        type: string\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: echo \"::set-output name=x::1\"\n      - run: echo \"${{ inputs.title }}\"\n      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2\n        with:\n          path: .\n",
    );
    let args = ["check", "--select", "GH007,GH012,GH020", "--format", "json"];
    let before = prodlint().current_dir(dir.path()).args(args).output();
    let before = before.unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(
        common::json_rows(&before.stdout),
        [
            ".github/workflows/reuse.yml:12:15 GH012",
            ".github/workflows/reuse.yml:13:20 GH020",
            ".github/workflows/reuse.yml:14:20 GH007 -> .github/workflows/ci.yml:7:14",
        ]
    );
    let fixed = prodlint()
        .current_dir(dir.path())
        .args(args)
        .args(["--fix", "--unsafe-fixes"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let again = prodlint().current_dir(dir.path()).args(args).output();
    let again = again.unwrap_or_else(|e| panic!("run: {e}"));
    let moved = [".github/workflows/reuse.yml:16:20 GH007 -> .github/workflows/ci.yml:7:14"];
    assert_eq!(common::json_rows(&fixed.stdout), moved);
    assert_eq!(common::json_rows(&again.stdout), moved);
}

#[test]
fn select_by_prefix_name_and_extend() {
    let dir = tempdir();
    write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.12\nUSER 10001\nCMD [\"python\", \"worker.py\"]\n",
    );
    let codes = |args: &[&str]| -> Vec<String> {
        let out = prodlint()
            .current_dir(dir.path())
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default();
        let v = json_of(&out);
        v["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["code"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(codes(&[]), vec!["DF028", "DF004"]);
    assert_eq!(codes(&["--select", "full-base-image"]), vec!["DF004"]);
    assert_eq!(
        codes(&["--select", "DF00", "--extend-select", "DF003"]),
        vec!["DF003", "DF004"]
    );
    assert_eq!(
        codes(&["--ignore", "DF0", "--select", "DF028"]),
        vec!["DF028"]
    );
}

#[test]
fn skipped_files_are_reported_and_the_run_goes_on() {
    let dir = tempdir();
    write(dir.path(), "prodlint.toml", "max-file-size = 100\n");
    write(
        dir.path(),
        "a/Dockerfile",
        &format!("FROM python:3.12-slim\n{}", "# padding\n".repeat(20)),
    );
    std::fs::create_dir_all(dir.path().join("b")).unwrap_or_default();
    std::fs::write(dir.path().join("b/Dockerfile"), b"FROM x\0\x01\x02").unwrap_or_default();
    write(dir.path(), "c/Dockerfile", ROOT_DOCKERFILE);
    let out = prodlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output();
    let v = json_of(&out.map(|o| o.stdout).unwrap_or_default());
    let rows: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["file"].as_str().unwrap_or("").to_string(),
                        f["code"].as_str().unwrap_or("").to_string(),
                        f["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(rows[0].1, "PL003");
    assert!(
        rows[0].2.contains("over the 100-byte limit"),
        "{:?}",
        rows[0]
    );
    assert_eq!(
        (rows[1].0.as_str(), rows[1].1.as_str()),
        ("b/Dockerfile", "PL003")
    );
    assert!(rows[1].2.contains("binary"));
    assert_eq!(
        (rows[2].0.as_str(), rows[2].1.as_str()),
        ("c/Dockerfile", "DF001")
    );
}

#[test]
fn a_crash_in_one_file_is_contained() {
    let dir = tempdir();
    write(
        dir.path(),
        "a/Dockerfile",
        "# prodlint-test: panic\nFROM x\n",
    );
    write(dir.path(), "b/Dockerfile", ROOT_DOCKERFILE);
    prodlint()
        .current_dir(dir.path())
        .env("PRODLINT_TEST_PANIC", "1")
        .args(["check", "--format", "github"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("::error file=a/Dockerfile,line=1,endLine=1,col=1,endColumn=1,title=PL004 internal-error::"))
        .stdout(predicate::str::contains("file=b/Dockerfile,line=1"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn github_annotations_errors_first_with_escaping() {
    let out = prodlint()
        .current_dir(common::root())
        .args([
            "check",
            "--format",
            "github",
            "fixtures/dockerfile/DF025.bad.Dockerfile",
        ])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "::error file=fixtures/dockerfile/DF025.bad.Dockerfile,line=3,endLine=3,col=8,endColumn=13,title=DF025 invalid-exposed-port::port 80000 is outside 1–65535%0Ahttps://github.com/prodlint/prodlint/blob/main/rules/DF025.md"
    );
    assert!(lines[2].starts_with("::warning "), "{}", lines[2]);
    assert!(lines[3].starts_with("::notice "), "{}", lines[3]);
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("prodlint: 5 findings"))
    );
}

#[test]
fn secrets_are_never_printed() {
    let cases = [
        (
            "fixtures/dockerfile/DF014.bad.Dockerfile",
            "Xk9vQ2mN7pL4wR8tY3zA",
            "Xk9v",
        ),
        (
            "fixtures/env/EN021.bad.env",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "aaaa",
        ),
    ];
    for (file, secret, shown) in cases {
        for format in ["human", "json", "sarif", "github", "markdown"] {
            let out = prodlint()
                .current_dir(common::root())
                .args(["check", "--format", format, file])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
                .unwrap_or_default();
            assert!(
                out.contains(shown),
                "{format}: the redacted form is missing:\n{out}"
            );
            assert!(
                !out.contains(secret),
                "{format} printed the secret of {file}:\n{out}"
            );
            assert!(
                !out.contains(&secret[2..10]),
                "{format} printed part of the secret of {file}:\n{out}"
            );
        }
    }
}

/// A message that quotes the file (an unknown instruction, an action's
/// reference) quotes a secret masked, as the excerpt shows it; a secret
/// that reads as a word (a weak password that is also the service's
/// name) is left in the messages that name the service.
#[test]
fn a_secret_a_message_quotes_is_masked_there_too() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let token = "ghp_Q7wErTy9UiOp2AsDfGh4JkLz8XcVbNm6Qw1E";
    // Letters only, but no word of the file: masked like any secret.
    let letters = "hKjQwPzXmRtLvBnYcDfGsWqE";
    common::write(
        root,
        "Dockerfile",
        format!(
            "{token}\nPASSWORD={letters}\nFROM python:3.12-slim\nUSER app\nCMD [\"python\", \"app.py\"]\n"
        ),
    );
    common::write(
        root,
        ".github/workflows/ci.yml",
        format!(
            "on: push\npermissions: {{}}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - uses: someone/tool@{token}\n"
        ),
    );
    common::write(
        root,
        "compose.yaml",
        "services:\n  gitea:\n    image: gitea/gitea:1.21.0\n    environment:\n      - DB_PASSWD=gitea\n",
    );
    let out = prodlint()
        .current_dir(root)
        .args(["check", "--no-config", "--format", "json"])
        .args(["--select", "PL001,GH001,DC014", "."])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let report = json_of(&out.stdout);
    let found: Vec<(String, String, u64, u64, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["code"].as_str().unwrap_or_default().to_string(),
                f["start"]["line"].as_u64().unwrap_or_default(),
                f["start"]["column"].as_u64().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let row = |file: &str, code: &str, line, column, message: &str| {
        (
            file.to_string(),
            code.to_string(),
            line,
            column,
            message.to_string(),
        )
    };
    assert_eq!(
        found,
        [
            row(
                ".github/workflows/ci.yml",
                "GH001",
                8,
                15,
                "`someone/tool@ghp_************` is pinned to `ghp_************`, which can be moved to other code"
            ),
            row(
                "Dockerfile",
                "PL001",
                1,
                1,
                "unknown instruction `ghp_************`"
            ),
            row(
                "Dockerfile",
                "PL001",
                2,
                1,
                "unknown instruction `PASSWORD=hKjQ************`"
            ),
            row(
                "compose.yaml",
                "DC014",
                5,
                9,
                "`DB_PASSWD` is set to a literal secret (`g****`) in service `gitea`"
            ),
        ]
    );
    for args in [
        vec![
            "check",
            "--select",
            "ALL",
            "--format",
            "human",
            "--no-color",
        ],
        vec!["check", "--select", "ALL", "--format", "json"],
        vec!["check", "--select", "ALL", "--format", "sarif"],
        vec!["check", "--select", "ALL", "--format", "github"],
        vec!["check", "--select", "ALL", "--format", "markdown"],
        vec!["audit"],
        vec!["audit", "--format", "json"],
    ] {
        let out = prodlint()
            .current_dir(root)
            .arg(args[0])
            .arg("--no-config")
            .args(&args[1..])
            .arg(".")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains(&token[4..12]),
            "{args:?} printed the token:\n{text}"
        );
        assert!(
            !text.contains(&letters[4..12]),
            "{args:?} printed the password:\n{text}"
        );
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema_text =
        std::fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json"))
            .unwrap_or_default();
    let schema: Value =
        serde_json::from_str(&schema_text).unwrap_or_else(|e| panic!("schema: {e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"));
    let out = prodlint()
        .current_dir(common::root())
        .env("PRODLINT_TEST_PANIC", "1")
        .args(["check", "--format", "sarif", "fixtures"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(2),
        "PL004 in the fixtures makes the run exit 2"
    );
    let sarif = json_of(&out.stdout);
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );

    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["automationDetails"]["id"], "prodlint/");
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("file:///") && u.ends_with('/'))
    );
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "prodlint");
    assert!(driver["informationUri"].as_str().is_some());
    let rules = driver["rules"].as_array().cloned().unwrap_or_default();
    assert_eq!(rules.len(), prodlint::rules::all().len());
    let df001 = rules
        .iter()
        .find(|r| r["id"] == "DF001")
        .cloned()
        .unwrap_or_default();
    assert_eq!(df001["properties"]["security-severity"], "7.0");
    assert_eq!(df001["defaultConfiguration"]["level"], "error");
    assert!(
        df001["help"]["markdown"]
            .as_str()
            .is_some_and(|m| m.contains("## Why it matters in production"))
    );
    assert_eq!(
        df001["helpUri"],
        "https://github.com/prodlint/prodlint/blob/main/rules/DF001.md"
    );

    let results = run["results"].as_array().cloned().unwrap_or_default();
    for r in &results {
        let idx = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(
            rules[idx]["id"], r["ruleId"],
            "ruleIndex must point at the result's rule"
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("fixtures/"))
        );
        assert!(
            r["partialFingerprints"]["prodlintFingerprint/v1"]
                .as_str()
                .is_some()
        );
    }
    let df006 = results
        .iter()
        .find(|r| {
            r["ruleId"] == "DF006"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "fixtures/dockerfile/DF006.bad.Dockerfile"
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        df006["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    assert_eq!(
        df006["locations"][0]["physicalLocation"]["region"]["startColumn"],
        5
    );
    assert_eq!(
        df006["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        " --no-cache-dir"
    );
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(notes.iter().any(|n| {
        n["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("PL003.bad.Dockerfile was not linted"))
    }));
}

#[test]
fn fingerprints_survive_lines_moving() {
    let fp = |text: &str| -> String {
        let out = prodlint()
            .args([
                "check",
                "--format",
                "sarif",
                "--stdin-filename",
                "Dockerfile",
                "--select",
                "DF006",
            ])
            .write_stdin(text)
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default();
        json_of(&out)["runs"][0]["results"][0]["partialFingerprints"]["prodlintFingerprint/v1"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let a = fp("FROM python:3.12-slim\nRUN pip install flask\n");
    let b = fp("FROM python:3.12-slim\n\n# a comment\nRUN pip install flask\n");
    let c = fp("FROM python:3.12-slim\nRUN pip install django\n");
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn json_report_has_the_documented_shape() {
    let out = prodlint()
        .current_dir(common::root())
        .args([
            "check",
            "--format",
            "json",
            "fixtures/dockerfile/DF019.bad.Dockerfile",
        ])
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    let v = json_of(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "DF019");
    assert_eq!(f["name"], "repeated-instruction");
    assert_eq!(f["start"], serde_json::json!({"line": 4, "column": 1}));
    assert_eq!(f["end"], serde_json::json!({"line": 4, "column": 4}));
    assert_eq!(f["related"][0]["start"]["line"], 5);
    assert_eq!(f["fix"], Value::Null);
}

#[test]
fn statistics_rules_and_explain() {
    prodlint()
        .current_dir(common::root())
        .args(["check", "--statistics", "fixtures/demo"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "    1  DF005  warning  build-tools-in-final-stage",
        ));
    prodlint()
        .args(["rules", "--family", "df", "--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"code\": \"DF028\""))
        .stdout(predicate::str::contains("PL001").not());
    prodlint()
        .args(["explain", "shell-form-entrypoint"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# DF012 shell-form-entrypoint"));
    prodlint()
        .args(["explain", "DF0012"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean"));
}

#[test]
fn suppressions_cover_the_next_instruction() {
    let text = "FROM python:3.12-slim\n# prodlint: ignore[DF006,DF007] reviewed\nRUN apt-get install -y curl \\\n && pip install flask\nUSER 10001\n";
    prodlint()
        .args([
            "check",
            "--stdin-filename",
            "Dockerfile",
            "--select",
            "DF006,DF007,PL",
        ])
        .write_stdin(text)
        .assert()
        .code(0);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_io_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    write(dir.path(), "a/Dockerfile", ROOT_DOCKERFILE);
    write(dir.path(), "b/Dockerfile", ROOT_DOCKERFILE);
    let locked = dir.path().join("a/Dockerfile");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap_or_default();
    if std::fs::read(&locked).is_ok() {
        eprintln!("SKIPPED: running as a user that reads any file (root)");
        return;
    }
    prodlint()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("not linted: cannot read the file"))
        .stdout(predicate::str::contains("b/Dockerfile"));
}

#[test]
fn workflows_and_actions_are_found_and_yaml_problems_located() {
    let dir = tempdir();
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: push\non: pull_request\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - run: echo hi # prodlint: ignore[GH018]\n",
    );
    write(
        dir.path(),
        "action.yml",
        "name: greet\ninputs:\n  who: {required: true}\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ inputs.who }}\n      shell: bash\n",
    );
    let mut bomb = String::from("on: push\nx: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
    for (i, prev) in ["a", "b", "c", "d", "e", "f"].iter().enumerate() {
        bomb.push_str(&format!(
            "x{i}: &{} [{}]\n",
            ["b", "c", "d", "e", "f", "g"][i],
            vec![format!("*{prev}"); 10].join(", ")
        ));
    }
    write(dir.path(), ".github/workflows/bomb.yaml", &bomb);
    let out = prodlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output();
    let v = json_of(&out.map(|o| o.stdout).unwrap_or_default());
    let rows: Vec<String> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    format!(
                        "{} {}:{} {}",
                        f["file"].as_str().unwrap_or(""),
                        f["start"]["line"],
                        f["start"]["column"],
                        f["code"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        rows,
        vec![
            ".github/workflows/bomb.yaml 6:37 PL003",
            ".github/workflows/ci.yml 2:1 PL001",
            ".github/workflows/ci.yml 9:41 PL002",
            "action.yml 7:17 GH007",
        ]
    );
}

#[test]
fn an_invalid_workflow_gives_one_parse_error_and_the_run_goes_on() {
    let dir = tempdir();
    write(
        dir.path(),
        ".github/workflows/broken.yml",
        "on: push\njobs:\n  t:\n    steps: [\n",
    );
    write(
        dir.path(),
        ".github/workflows/ok.yml",
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@main\n",
    );
    let out = prodlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output();
    let v = json_of(&out.map(|o| o.stdout).unwrap_or_default());
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    let broken: Vec<&Value> = findings
        .iter()
        .filter(|f| f["file"] == ".github/workflows/broken.yml")
        .collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0]["code"], "PL001");
    assert_eq!(
        broken[0]["start"],
        serde_json::json!({"line": 5, "column": 1})
    );
    assert!(
        findings
            .iter()
            .any(|f| f["file"] == ".github/workflows/ok.yml" && f["code"] == "GH002")
    );
}

#[test]
fn suppressions_work_on_yaml_lines() {
    let dir = tempdir();
    let text = "on: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      # prodlint: ignore[GH002] our own action, released from main\n      - uses: acme/tool@main\n      - uses: acme/other@main # prodlint: ignore[action-on-branch]\n      - uses: acme/third@main\n";
    write(dir.path(), ".github/workflows/ci.yml", text);
    let out = prodlint()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--select", "GH002,PL"])
        .output();
    let v = json_of(&out.map(|o| o.stdout).unwrap_or_default());
    let lines: Vec<u64> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["start"]["line"].as_u64())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(lines, vec![12]);
}

#[test]
fn committed_and_unignored_env_files() {
    let codes = |dir: &Path| -> Vec<String> {
        let out = prodlint()
            .current_dir(dir)
            .args([
                "check",
                "--format",
                "json",
                "--select",
                "EN024,EN025",
                ".env",
            ])
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default();
        json_of(&out)["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["code"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let dir = tempdir();
    write(dir.path(), ".env", "DB_PASSWORD=Tr0ub4dor-and-3-horses\n");
    // Outside git: not ignored means exposed, reported once (EN024 says
    // nothing ignores it).
    assert_eq!(codes(dir.path()), vec!["EN024"]);
    write(dir.path(), ".gitignore", ".env\n");
    assert!(codes(dir.path()).is_empty());
    // Inside git, a tracked file is committed even when ignored.
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .output()
    };
    if git(&["init", "-q"]).is_err() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    // Inside git, untracked and not ignored: the next `git add .` commits it.
    let _ = std::fs::remove_file(dir.path().join(".gitignore"));
    assert_eq!(codes(dir.path()), vec!["EN025"]);
    write(dir.path(), ".gitignore", ".env\n");
    let _ = git(&["add", "-f", ".env"]);
    assert_eq!(codes(dir.path()), vec!["EN024"]);
}

#[test]
fn every_detected_secret_stays_hidden_in_every_format() {
    let mut checked = 0;
    for code in ["SE001", "SE002", "SE003", "SE004"] {
        let rel = format!("fixtures/secrets/{code}.bad.env");
        let text = std::fs::read_to_string(common::root().join(&rel)).unwrap_or_default();
        let out = prodlint()
            .current_dir(common::root())
            .args(["check", "--format", "json", &rel])
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default();
        let secrets: Vec<String> = json_of(&out)["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("SE")))
                    .filter_map(|f| {
                        let (s, e) = (
                            f["byte_range"]["start"].as_u64()? as usize,
                            f["byte_range"]["end"].as_u64()? as usize,
                        );
                        text.get(s..e).map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert!(!secrets.is_empty(), "{code}: nothing detected");
        let mut secrets = secrets;
        if code == "SE002" {
            // The key material, not only the header, must stay hidden.
            secrets.push("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUA".to_string());
        }
        // A copy with trailing blanks, so that --diff has lines with secrets to show.
        let dir = tempdir();
        let padded: String = text.lines().map(|l| format!("{l}  \n")).collect();
        write(dir.path(), "app.env", &padded);
        let mut outputs: Vec<(String, String)> = ["human", "json", "sarif", "github", "markdown"]
            .iter()
            .map(|format| {
                let o = prodlint()
                    .current_dir(common::root())
                    .args(["check", "--format", format, &rel])
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
                    .unwrap_or_default();
                (format.to_string(), o)
            })
            .collect();
        let diff = prodlint()
            .current_dir(dir.path())
            .args(["check", "--diff", "--unsafe-fixes", "app.env"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default();
        assert!(diff.contains("+++ b/app.env"), "{code}: no diff:\n{diff}");
        outputs.push(("diff".to_string(), diff));
        for (format, output) in &outputs {
            for secret in &secrets {
                let probe = &secret[..secret.len().min(24)];
                assert!(
                    !output.contains(probe),
                    "{code}: {format} shows a secret:\n{output}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 40);
}

#[test]
fn the_readme_shows_the_demo_as_it_is() {
    let out = prodlint()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "fixtures/demo", "--statistics"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let stats = String::from_utf8_lossy(&out.stdout).to_string();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_default();
    assert!(
        readme.contains(&stats),
        "README.md's demo output is stale; it should read:\n{stats}"
    );
}

#[test]
fn markdown_report_of_the_demo() {
    let out = prodlint()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA")
        .args(["check", "fixtures/demo", "--format", "markdown"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    // 75 findings: the first 50 in tables, the other 25 folded.
    assert!(
        text.contains("<details>\n<summary>25 more findings</summary>"),
        "{text}"
    );
    let rows = text
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("/rules/"))
        .count();
    assert_eq!(rows, 75, "{text}");
    insta::assert_snapshot!("markdown_demo", text);
}

#[test]
fn markdown_links_lines_to_the_commit_in_a_workflow() {
    let dir = tempdir();
    write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.12-slim\nUSER 10001\nEXPOSE 8000\nCMD [\"app\"]\n",
    );
    let out = prodlint()
        .current_dir(dir.path())
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/api")
        .env("GITHUB_SHA", "0123abc")
        .args(["check", "--format", "markdown", "--select", "DF028"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("| [1](https://github.com/acme/api/blob/0123abc/Dockerfile#L1) | [DF028](https://github.com/prodlint/prodlint/blob/main/rules/DF028.md) python-output-buffered | 🔵 info | Python buffers stdout here: logs arrive late and the last ones are lost on a crash |"),
        "{text}"
    );
}

#[test]
fn completions_and_manual_pages_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let out = prodlint()
            .args(["completions", shell])
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            text.contains("select") && text.contains("fail-on"),
            "{shell}: {text}"
        );
    }
    // The bash script is valid bash.
    let dir = tempdir();
    let script = dir.path().join("prodlint.bash");
    let out = prodlint()
        .args(["completions", "bash"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    std::fs::write(&script, &out.stdout).unwrap_or_else(|e| panic!("write: {e}"));
    if let Ok(status) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
    {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    let man = prodlint()
        .args(["man"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let page = String::from_utf8_lossy(&man.stdout).to_string();
    assert!(page.contains(".TH prodlint 1"), "{page}");
    let check = prodlint()
        .args(["man", "check"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let page = String::from_utf8_lossy(&check.stdout).to_string();
    assert!(page.contains(".TH prodlint-check 1"), "{page}");
    assert!(page.contains("\\-\\-fail\\-on"), "{page}");
    prodlint().args(["man", "nope"]).assert().code(2);
}

/// What pre-commit does: name a few files. Findings are reported for
/// those files only, while rules that look across files still read the
/// neighbours (here the gunicorn configuration the Dockerfile names).
#[test]
fn named_files_get_findings_and_their_neighbours_are_read() {
    let dir = tempdir();
    let d = dir.path();
    write(
        d,
        "Dockerfile",
        "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nUSER 10001\nHEALTHCHECK CMD [\"python\", \"-c\", \"print(1)\"]\nCMD [\"gunicorn\", \"-c\", \"gunicorn.conf.py\", \"app:app\"]\n",
    );
    write(d, "requirements.txt", "fastapi\ngunicorn\n");
    write(
        d,
        "gunicorn.conf.py",
        "bind = \"127.0.0.1:8000\"\nworker_class = \"sync\"\nkeepalive = 1\n",
    );
    // Only the Dockerfile is named, as pre-commit names files.
    let check_dockerfile = || {
        let out = prodlint()
            .current_dir(d)
            .args(["check", "--no-config", "--format", "json", "Dockerfile"])
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        common::json_rows(&out.stdout)
    };
    // The configuration's own findings (PM001, PM007, PM011) stay out.
    assert_eq!(
        check_dockerfile(),
        ["Dockerfile:5:6 PM006", "Dockerfile:5:6 PM010"]
    );
    // The Dockerfile's findings come from the configuration's content.
    write(
        d,
        "gunicorn.conf.py",
        "bind = \"0.0.0.0:8000\"\nworker_class = \"uvicorn_worker.UvicornWorker\"\nworkers = 4\naccesslog = \"-\"\nkeepalive = 75\n",
    );
    assert_eq!(check_dockerfile(), Vec::<String>::new());
}
