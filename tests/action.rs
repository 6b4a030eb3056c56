//! The GitHub Action (`action.yml`), run step by step as the runner would,
//! in a simulated environment: a temporary `RUNNER_TEMP`, `GITHUB_OUTPUT`
//! per step and `GITHUB_STEP_SUMMARY`, the demo project as the workspace.
//! `uses:` steps (the build cache) are skipped, as on a cache miss.

mod common;

use prodlint::parse::workflow::Action;
use prodlint::parse::yaml::{self, Node};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

struct Simulation {
    temp: tempfile::TempDir,
    summary: PathBuf,
    /// `steps.<id>.outputs.<name>`
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// What the check step printed (workflow commands become annotations).
    stdout: String,
    exit_code: Option<i32>,
    /// More environment for every step (pip's settings, say).
    env: Vec<(String, String)>,
}

impl Simulation {
    fn new() -> Simulation {
        let temp = tempfile::tempdir().expect("tempdir");
        let summary = temp.path().join("step-summary.md");
        Simulation {
            temp,
            summary,
            outputs: BTreeMap::new(),
            stdout: String::new(),
            exit_code: None,
            env: Vec::new(),
        }
    }
}

fn text(node: Option<&Node>) -> String {
    node.and_then(Node::as_str).unwrap_or_default().to_string()
}

fn action_source() -> String {
    std::fs::read_to_string(Path::new(REPO).join("action.yml")).expect("read action.yml")
}

/// Replaces `${{ inputs.NAME }}` by the input's value and `${{
/// github.token }}` by a stand-in (the only expressions the action's
/// `env:` values may hold).
fn substitute(value: &str, inputs: &BTreeMap<String, String>) -> String {
    let value = &value.replace("${{ github.token }}", "simulated-token");
    let re = regex::Regex::new(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}").expect("regex");
    let out = re.replace_all(value, |c: &regex::Captures| {
        inputs.get(&c[1]).cloned().unwrap_or_default()
    });
    assert!(!out.contains("${{"), "unexpected expression in `{value}`");
    out.into_owned()
}

/// Evaluates the conditions the action uses: `a == 'x'`, `a != 'x'`,
/// joined by `&&`, over `inputs.*` and `steps.*.outputs.*`.
fn condition(expr: &str, sim: &Simulation, inputs: &BTreeMap<String, String>) -> bool {
    expr.split("&&").all(|part| {
        let (lhs, rhs, equal) = if let Some((l, r)) = part.split_once("!=") {
            (l, r, false)
        } else if let Some((l, r)) = part.split_once("==") {
            (l, r, true)
        } else {
            panic!("condition not understood by the simulation: {part}");
        };
        let rhs = rhs.trim().trim_matches('\'');
        let lhs = lhs.trim();
        let value = if let Some(name) = lhs.strip_prefix("inputs.") {
            inputs.get(name).cloned().unwrap_or_default()
        } else if let Some(rest) = lhs.strip_prefix("steps.") {
            let (id, name) = rest.split_once(".outputs.").expect("steps.ID.outputs.NAME");
            sim.outputs
                .get(id)
                .and_then(|o| o.get(name))
                .cloned()
                .unwrap_or_default()
        } else {
            panic!("condition not understood by the simulation: {part}");
        };
        (value == rhs) == equal
    })
}

fn parse_outputs(file: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The tests build in `target/hooks` (cargo install, maturin): one build
/// at a time, or one build's files vanish under the other's copy.
static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs the action with `given` inputs (the rest take their defaults).
fn run_action(given: &[(&str, &str)], sim: Option<Simulation>) -> Simulation {
    let source = action_source();
    let file = yaml::parse(&source);
    let root = file.documents[0].as_ref().expect("a document");
    let action = Action::from_root(root).expect("an action");
    let mut inputs: BTreeMap<String, String> = BTreeMap::new();
    if let Some(entries) = root.get("inputs").and_then(Node::as_map) {
        for e in entries {
            let name = text(Some(&e.key));
            inputs.insert(name, text(e.value.get("default")));
        }
    }
    for (k, v) in given {
        assert!(inputs.contains_key(*k), "no input `{k}`");
        inputs.insert(k.to_string(), v.to_string());
    }
    let mut sim = sim.unwrap_or_else(Simulation::new);
    sim.outputs.clear();
    std::fs::write(&sim.summary, "").expect("summary");
    let workspace = Path::new(REPO).join("fixtures/demo");
    for (i, step) in action.steps.iter().enumerate() {
        if let Some(cond) = step.if_.and_then(Node::as_str)
            && !condition(cond, &sim, &inputs)
        {
            continue;
        }
        if step.uses.is_some() {
            continue; // the cache: a miss
        }
        let script = text(step.run);
        let output = sim.temp.path().join(format!("output-{i}"));
        std::fs::write(&output, "").expect("output file");
        let mut cmd = Command::new("bash");
        cmd.arg("-e")
            .arg("-c")
            .arg(&script)
            .current_dir(&workspace)
            .env("GITHUB_ACTION_PATH", REPO)
            .env("GITHUB_WORKSPACE", &workspace)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &sim.summary)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "acme/shop")
            .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
            .env("RUNNER_TEMP", sim.temp.path())
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("NO_COLOR", "1")
            // The pre-commit and wheel tests build the release binary here
            // too: `cargo install` reuses it.
            .env("CARGO_TARGET_DIR", common::RELEASE_TARGET);
        cmd.envs(sim.env.iter().map(|(k, v)| (k, v)));
        if let Some(env) = step.env.and_then(Node::as_map) {
            for e in env {
                cmd.env(
                    text(Some(&e.key)),
                    substitute(&text(Some(&e.value)), &inputs),
                );
            }
        }
        let out = cmd.output().expect("bash");
        let id = step.id.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        if id == "check" {
            sim.stdout = String::from_utf8_lossy(&out.stdout).to_string();
            sim.exit_code = out.status.code();
        } else {
            assert!(out.status.success(), "step {i} failed:\n{stderr}");
        }
        if !id.is_empty() {
            sim.outputs.insert(id, parse_outputs(&output));
        }
    }
    sim
}

fn annotations(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| {
            l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")
        })
        .collect()
}

#[test]
fn the_action_is_injection_safe_and_pinned() {
    let source = action_source();
    let file = yaml::parse(&source);
    let root = file.documents[0].as_ref().expect("a document");
    let action = Action::from_root(root).expect("an action");
    assert_eq!(
        action.using.as_ref().map(|u| u.text.as_str()),
        Some("composite")
    );
    let names = |key: &str| -> Vec<String> {
        root.get(key)
            .and_then(Node::as_map)
            .map(|m| m.iter().map(|e| text(Some(&e.key))).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        names("inputs"),
        [
            "paths",
            "args",
            "fail-on",
            "annotations",
            "sarif-file",
            "summary",
            "audit",
            "audit-comment",
            "audit-min-level",
            "version"
        ]
    );
    assert_eq!(
        names("outputs"),
        [
            "sarif-file",
            "findings",
            "exit-code",
            "audit-level",
            "audit-score",
            "audit-json",
            "audit-html"
        ]
    );
    let sha = regex::Regex::new(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$").expect("regex");
    for step in &action.steps {
        if let Some(run) = step.run {
            assert!(
                !text(Some(run)).contains("${{"),
                "an expression inside run:"
            );
        }
        if let Some(uses) = &step.uses {
            assert!(
                sha.is_match(&uses.text),
                "not pinned to a commit: {}",
                uses.text
            );
        }
    }
}

#[test]
#[cfg_attr(not(unix), ignore = "simulates a Linux runner, with bash")]
fn the_action_reports_annotations_sarif_summary_and_outputs() {
    let _one_build = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("results.sarif");
    let sarif_arg = sarif.to_string_lossy().to_string();
    let sim = run_action(&[("sarif-file", &sarif_arg)], None);

    // The demo has findings at the default fail-on (warning): the step fails.
    assert_eq!(sim.exit_code, Some(1), "{}", sim.stdout);
    let outputs = &sim.outputs["check"];
    assert_eq!(outputs.get("findings").map(String::as_str), Some("75"));
    assert_eq!(outputs.get("exit-code").map(String::as_str), Some("1"));
    assert_eq!(outputs.get("sarif-file"), Some(&sarif_arg));

    let notes = annotations(&sim.stdout);
    assert_eq!(notes.len(), 75);
    assert_eq!(
        notes.iter().filter(|l| l.starts_with("::error ")).count(),
        18
    );
    assert_eq!(
        notes.iter().filter(|l| l.starts_with("::warning ")).count(),
        32
    );
    assert_eq!(
        notes.iter().filter(|l| l.starts_with("::notice ")).count(),
        25
    );
    assert!(
        notes.iter().any(
            |l| l.starts_with("::warning file=Dockerfile,line=16,endLine=16,col=5,")
                && l.contains("title=DF012 shell-form-entrypoint::")
        ),
        "{notes:#?}"
    );

    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif written"))
            .expect("SARIF is JSON");
    assert_eq!(report["version"], "2.1.0");
    assert_eq!(
        report["runs"][0]["results"].as_array().map(Vec::len),
        Some(75)
    );

    let summary = std::fs::read_to_string(&sim.summary).expect("summary");
    // 18 errors: more than the 10 annotations GitHub shows of a level.
    assert!(
        summary.starts_with("> GitHub shows 10 annotations of each level per step"),
        "{summary}"
    );
    assert!(
        summary.contains("75 findings: 18 errors, 32 warnings, 25 info"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "[16](https://github.com/acme/shop/blob/0123456789abcdef0123456789abcdef01234567/Dockerfile#L16)"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("<details>"),
        "more than 50 findings fold: {summary}"
    );

    // Only what the inputs ask for: no annotations, no summary, never fail.
    let sim = run_action(
        &[
            ("annotations", "false"),
            ("summary", "false"),
            ("fail-on", "never"),
            ("paths", "Dockerfile\n  docker-compose.yml"),
            ("args", "--select DF012,DC008 --no-config"),
        ],
        Some(sim),
    );
    assert_eq!(sim.exit_code, Some(0));
    let outputs = &sim.outputs["check"];
    assert_eq!(
        outputs.get("findings").map(String::as_str),
        Some("2"),
        "{outputs:?}"
    );
    assert_eq!(outputs.get("exit-code").map(String::as_str), Some("0"));
    assert_eq!(outputs.get("sarif-file"), None);
    assert_eq!(annotations(&sim.stdout), Vec::<&str>::new());
    assert_eq!(std::fs::read_to_string(&sim.summary).expect("summary"), "");

    // An argument that looks like a command is a word, never run.
    let marker = sim.temp.path().join("pwned");
    let hostile = format!("$(touch {}) ;touch {}", marker.display(), marker.display());
    let sim = run_action(&[("args", &hostile), ("summary", "false")], Some(sim));
    assert_eq!(
        sim.exit_code,
        Some(2),
        "an unknown argument is a usage error"
    );
    assert!(!marker.exists(), "an input was evaluated");

    // A bad boolean input is an error with a message, not a silent default.
    let sim = run_action(&[("annotations", "yes")], Some(sim));
    assert_eq!(sim.exit_code, Some(2));
    assert!(
        sim.stdout.contains(
            "::error title=prodlint action::input ANNOTATIONS must be true or false, not 'yes'"
        ),
        "{}",
        sim.stdout
    );
}

/// With `version`, the action installs that release with pip (here from a
/// wheel built for the test: pip is told to look nowhere else) instead of
/// building with cargo. Needs maturin: skipped loudly without it, a
/// failure in CI.
#[test]
#[cfg_attr(not(unix), ignore = "simulates a Linux runner, with bash")]
fn the_action_installs_a_released_version_with_pip() {
    let _one_build = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let Some(maturin) = common::client_program("MATURIN", "maturin") else {
        return;
    };
    let mut sim = Simulation::new();
    let wheels = sim.temp.path().join("wheels");
    let out = Command::new(&maturin)
        .args(["build", "--release", "--out"])
        .arg(&wheels)
        .current_dir(REPO)
        .env("CARGO_TARGET_DIR", common::RELEASE_TARGET)
        .output()
        .expect("maturin");
    assert!(
        out.status.success(),
        "maturin build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    sim.env = vec![
        ("PIP_NO_INDEX".into(), "1".into()),
        (
            "PIP_FIND_LINKS".into(),
            wheels.to_string_lossy().into_owned(),
        ),
    ];
    let sim = run_action(
        &[("version", env!("CARGO_PKG_VERSION")), ("fail-on", "never")],
        Some(sim),
    );
    assert_eq!(sim.exit_code, Some(0), "{}", sim.stdout);
    assert_eq!(
        sim.outputs["check"].get("findings").map(String::as_str),
        Some("75")
    );
    // The cargo steps did not run: the binary is the virtualenv's.
    assert!(!sim.outputs.contains_key("key"));
    let installed = sim.temp.path().join("prodlint-install/bin");
    let target = std::fs::canonicalize(&installed).expect("installed");
    assert_eq!(
        target,
        std::fs::canonicalize(sim.temp.path().join("prodlint-venv/bin")).expect("venv")
    );
}

/// A stand-in `gh` on the PATH: it logs each call and answers the
/// comment listing with the id of the comment it "posted" before.
fn fake_gh(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let gh = bin.join("gh");
    std::fs::write(
        &gh,
        format!(
            r#"#!/usr/bin/env bash
log="{log}"
printf '%s\n' "$*" >>"$log"
[ "$GH_TOKEN" = simulated-token ] || exit 3
case "$*" in
  *"--method POST"*) touch "{state}"; cat "${{@: -1}}" >/dev/null 2>&1 ;;
  *"--method PATCH"*) ;;
  *) [ -f "{state}" ] && echo 4242 ;;
esac
exit 0
"#,
            log = dir.join("gh.log").display(),
            state = dir.join("posted").display()
        ),
    )
    .expect("gh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    bin
}

/// With `audit`, the scorecard goes to the job summary and the JSON and
/// HTML audits to files; with `audit-comment` on a pull request, one
/// comment is posted, then updated in place; `audit-min-level` fails the
/// step below it.
#[test]
#[cfg_attr(not(unix), ignore = "simulates a Linux runner, with bash")]
fn the_action_audits_and_keeps_one_comment() {
    let _one_build = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let mut sim = Simulation::new();
    let bin = fake_gh(sim.temp.path());
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    sim.env = vec![
        ("PATH".to_string(), path),
        ("GITHUB_REF".to_string(), "refs/pull/7/merge".to_string()),
    ];
    let inputs = [
        ("audit", "true"),
        ("audit-comment", "true"),
        ("fail-on", "never"),
        ("annotations", "false"),
    ];
    let sim = run_action(&inputs, Some(sim));
    assert_eq!(sim.exit_code, Some(0), "{}", sim.stdout);
    let outputs = &sim.outputs["check"];
    assert_eq!(
        outputs.get("audit-level").map(String::as_str),
        Some("not ready")
    );
    assert_eq!(outputs.get("audit-score").map(String::as_str), Some("7.0"));
    let json = outputs.get("audit-json").cloned().unwrap_or_default();
    let html = outputs.get("audit-html").cloned().unwrap_or_default();
    let audit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("audit json")).expect("json");
    assert_eq!(audit["repository"], "acme/shop");
    assert!(std::fs::read_to_string(&html).expect("html").contains(
        "https://github.com/acme/shop/blob/0123456789abcdef0123456789abcdef01234567/Dockerfile#L1"
    ));
    let summary = std::fs::read_to_string(&sim.summary).expect("summary");
    assert!(
        summary.contains("<!-- prodlint-audit -->\n## prodlint audit: not ready"),
        "{summary}"
    );
    let log = std::fs::read_to_string(sim.temp.path().join("gh.log")).expect("gh ran");
    let calls: Vec<&str> = log.lines().collect();
    assert_eq!(calls.len(), 2, "{log}");
    assert!(
        calls[0].starts_with("api --paginate repos/acme/shop/issues/7/comments --jq"),
        "{log}"
    );
    assert!(
        calls[1].starts_with("api --method POST repos/acme/shop/issues/7/comments -F body=@"),
        "{log}"
    );

    // The next run updates the same comment.
    let sim = run_action(&inputs, Some(sim));
    let log = std::fs::read_to_string(sim.temp.path().join("gh.log")).expect("gh ran");
    let last = log.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("api --method PATCH repos/acme/shop/issues/comments/4242 -F body=@"),
        "{log}"
    );

    // Below the level asked for, the step fails; a bad input is an error.
    let sim = run_action(
        &[
            ("audit", "true"),
            ("audit-min-level", "bronze"),
            ("fail-on", "never"),
            ("annotations", "false"),
        ],
        Some(sim),
    );
    assert_eq!(sim.exit_code, Some(1), "{}", sim.stdout);
    let sim = run_action(
        &[
            ("audit", "true"),
            ("audit-comment", "maybe"),
            ("annotations", "false"),
        ],
        Some(sim),
    );
    assert_eq!(sim.exit_code, Some(2));
    assert!(
        sim.stdout
            .contains("input AUDIT-COMMENT must be true or false, not 'maybe'"),
        "{}",
        sim.stdout
    );
}
