//! `prodlint audit`: each folder of `fixtures/audit/` (and the demo) is
//! audited from inside, as `prodlint audit --format json` (with its own
//! `prodlint.toml` when it has one); the level, score, coverage, every
//! item's state with its evidence locations and the next steps must be
//! exactly those of its `expected.txt`. `UPDATE_EXPECT=1` rewrites them.
//! Then the gates, the configuration's waivers, the Markdown limit and
//! determinism across thread counts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn audit(dir: &Path, extra: &[&str]) -> Output {
    let config: Vec<&str> = if dir.join("prodlint.toml").is_file() {
        vec!["--config", "prodlint.toml"]
    } else {
        vec!["--no-config"]
    };
    Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .current_dir(dir)
        // The repository is named by the folder, not a workflow's variable.
        .env_remove("GITHUB_REPOSITORY")
        .arg("audit")
        .args(config)
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"))
}

fn json(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let out = audit(dir, &[&["--format", "json"], extra].concat());
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("json: {e}"))
}

/// The audit as lines: the headline, then `ID state file:line:col …`
/// per item (rule codes with the locations they decided), then the next
/// steps.
fn summary(v: &serde_json::Value) -> String {
    let mut out = format!(
        "level: {}\nscore: {}\ncoverage: {}\n",
        v["level"].as_str().unwrap_or_default(),
        v["score"],
        v["coverage"]
    );
    for s in v["sections"].as_array().into_iter().flatten() {
        for i in s["items"].as_array().into_iter().flatten() {
            let mut line = format!(
                "{} {}",
                i["id"].as_str().unwrap_or_default(),
                i["state"].as_str().unwrap_or_default()
            );
            if i["critical"].as_bool() == Some(true) {
                line.push_str(" critical");
            }
            for e in i["evidence"].as_array().into_iter().flatten() {
                line.push_str(&format!(
                    " {}:{}:{}",
                    e["file"].as_str().unwrap_or_default(),
                    e["line"],
                    e["column"]
                ));
                if let Some(r) = e["rule"].as_str() {
                    line.push_str(&format!("/{r}"));
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    let next: Vec<&str> = v["next_steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .collect();
    out.push_str(&format!("next: {}\n", next.join(" ")));
    out
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/audit"))
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.push(root().join("fixtures/demo"));
    dirs.sort();
    dirs
}

#[test]
fn every_case_gives_its_expected_audit() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut wrong = Vec::new();
    for dir in cases() {
        let got = summary(&json(&dir, &[]));
        let expected_path = if dir.ends_with("demo") {
            root().join("tests/data/demo-audit.txt")
        } else {
            dir.join("expected.txt")
        };
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            if update {
                std::fs::write(&expected_path, &got).unwrap_or_else(|e| panic!("write: {e}"));
            } else {
                wrong.push(format!(
                    "{}:\n--- expected\n{expected}--- got\n{got}",
                    dir.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_item_passes_or_fails_with_evidence() {
    for dir in cases() {
        let v = json(&dir, &[]);
        for s in v["sections"].as_array().into_iter().flatten() {
            for i in s["items"].as_array().into_iter().flatten() {
                let state = i["state"].as_str().unwrap_or_default();
                let evidence = i["evidence"].as_array().map_or(0, Vec::len);
                if matches!(state, "pass" | "fail") {
                    assert!(
                        evidence > 0,
                        "{}: {} {state} without evidence",
                        dir.display(),
                        i["id"]
                    );
                }
                assert!(
                    !i["reason"].as_str().unwrap_or_default().is_empty(),
                    "{}: {} has no reason",
                    dir.display(),
                    i["id"]
                );
            }
        }
    }
}

#[test]
fn gates_fail_below_the_level_or_the_score() {
    let guide = root().join("fixtures/audit/guide-style");
    let code = |extra: &[&str]| {
        audit(&guide, &[&["--format", "json"], extra].concat())
            .status
            .code()
    };
    // The guide's project is not ready (its secret default) at 67.6%.
    assert_eq!(code(&[]), Some(0));
    assert_eq!(code(&["--min-level", "bronze"]), Some(1));
    assert_eq!(code(&["--min-score", "60"]), Some(0));
    assert_eq!(code(&["--min-score", "70"]), Some(1));
    assert_eq!(code(&["--min-score", "101"]), Some(2));
    let bronze = root().join("fixtures/audit/bronze");
    assert_eq!(
        audit(&bronze, &["--min-level", "bronze"]).status.code(),
        Some(0)
    );
    assert_eq!(
        audit(&bronze, &["--min-level", "silver"]).status.code(),
        Some(1)
    );
}

#[test]
fn a_waiver_needs_a_known_item_and_a_reason() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (toml, message) in [
        (
            "[audit.waive]\nSEC-HTTPS = \"\"\n",
            "prodlint.toml:2:13: the waiver of SEC-HTTPS needs a reason",
        ),
        (
            "[audit.waive]\nSEC-HTTP = \"TLS ends at the load balancer\"\n",
            "prodlint.toml:2:1: no checklist item `SEC-HTTP`; did you mean `SEC-HTTPS`?",
        ),
        (
            "[audit.waiver]\nSEC-HTTPS = \"x\"\n",
            "unknown key `audit.waiver`",
        ),
    ] {
        std::fs::write(dir.path().join("prodlint.toml"), toml).unwrap_or_else(|e| panic!("{e}"));
        let out = Command::new(env!("CARGO_BIN_EXE_prodlint"))
            .current_dir(dir.path())
            .args(["audit", "--config", "prodlint.toml"])
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{toml}");
        assert!(err.contains(message), "{toml}: {err}");
    }
}

#[test]
fn the_markdown_starts_with_its_marker_and_fits_a_comment() {
    let demo = root().join("fixtures/demo");
    let out = audit(&demo, &["--format", "markdown"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("<!-- prodlint-audit -->\n"), "{text}");
    assert!(text.chars().count() <= 65_536);
    // Every folded block is whole.
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
}

#[test]
fn the_audit_is_the_same_for_any_thread_count() {
    let demo = root().join("fixtures/demo");
    let one = audit(&demo, &["--format", "json", "-j", "1"]).stdout;
    for j in ["2", "4"] {
        assert_eq!(
            one,
            audit(&demo, &["--format", "json", "-j", j]).stdout,
            "-j {j}"
        );
    }
}

#[test]
fn compare_reports_what_changed_since_a_previous_audit() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let previous = dir.path().join("previous.json");
    let demo = json(&root().join("fixtures/demo"), &[]);
    std::fs::write(&previous, demo.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let prev = previous.display().to_string();
    let now = json(&root().join("fixtures/audit/bronze"), &["--compare", &prev]);
    let c = &now["compare"];
    assert_eq!(c["level"], "not ready");
    assert_eq!(c["score"], demo["score"]);
    let changes: Vec<String> = c["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| {
            format!(
                "{} {}>{}",
                x["id"].as_str().unwrap_or_default(),
                x["before"].as_str().unwrap_or_default(),
                x["after"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        changes.contains(&"SEC-NON-ROOT fail>pass".to_string()),
        "{changes:?}"
    );
    assert!(
        changes.contains(&"REL-RETRIES pass>fail".to_string()),
        "{changes:?}"
    );
    // Every format says it.
    for (format, needle) in [
        (
            "human",
            "Since the previous audit:\n  level not ready → bronze",
        ),
        ("markdown", "**Since the previous audit:**"),
        ("html", "<h2>Since the previous audit</h2>"),
    ] {
        let out = audit(
            &root().join("fixtures/audit/bronze"),
            &["--format", format, "--compare", &prev],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(needle), "{format}: {text}");
        // Markdown escapes the punctuation of what it did not write.
        let change = if format == "markdown" {
            "SEC\\-NON\\-ROOT\\: fail → pass"
        } else {
            "SEC-NON-ROOT: fail → pass"
        };
        assert!(text.contains(change), "{format}: {text}");
    }
    // Not an audit: a clear error.
    std::fs::write(&previous, "{}").unwrap_or_else(|e| panic!("{e}"));
    let out = audit(&root().join("fixtures/audit/bronze"), &["--compare", &prev]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an audit's JSON"));
}

#[test]
fn merge_makes_one_row_per_repository() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut files = Vec::new();
    for case in ["bronze", "guide-style"] {
        let p = dir.path().join(format!("{case}.json"));
        let v = json(&root().join("fixtures/audit").join(case), &[]);
        std::fs::write(&p, v.to_string()).unwrap_or_else(|e| panic!("{e}"));
        files.push(p);
    }
    let merge = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_prodlint"))
            .args(["audit", "merge", "--format", format])
            .args(&files)
            .output()
            .unwrap_or_else(|e| panic!("run: {e}"));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let v: serde_json::Value =
        serde_json::from_str(&merge("json")).unwrap_or_else(|e| panic!("{e}"));
    let rows = v["repositories"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["repository"], "bronze");
    assert_eq!(rows[0]["level"], "bronze");
    assert_eq!(rows[1]["repository"], "guide-style");
    assert_eq!(rows[1]["level"], "not ready");
    assert!(
        rows[1]["failing"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == "SEC-SECRETS-FROM-ENV"))
    );
    let md = merge("markdown");
    assert!(md.starts_with("<!-- prodlint-audit-fleet -->"));
    assert!(md.contains("| guide\\-style | not ready | 67.6% |"), "{md}");
    assert!(merge("html").contains("<td>guide-style</td><td>not ready</td><td>67.6%</td>"));
    assert!(merge("human").contains("guide-style"));
}

#[test]
fn the_readme_shows_the_demos_audit() {
    let out = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .current_dir(root())
        .env_remove("GITHUB_REPOSITORY")
        .args(["audit", "--no-config", "fixtures/demo"])
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap_or_default();
    assert!(
        readme.contains(&format!("```\n{text}```")),
        "README.md does not show the demo's audit as it is now:\n{text}"
    );
}
