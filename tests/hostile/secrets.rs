//! No byte of a planted secret in any report format, in `--diff`, or in a
//! fix's replacement text, whichever rule shows the line.

use crate::harness::{run, temp, write};

// Built from parts so that no scanner flags this source file.
fn stripe() -> String {
    format!("sk_{}_{}", "live", "Q7vT2mXk9LpR4sWz8NbY3cHd")
}
fn slack() -> String {
    format!("xo{}-{}-{}", "xb", "1234567890", "Zp4Kq8Vn2Rt6Wm")
}
const SPACED: &str = "Zq8f xW3k pL9d mK2s vB7q nR4t";
const ENV_KEY: &str = "hX7pQ2vN9kLm4RtZ8wYc3BfD6gJs1A";

/// The part of a secret no report may show (redaction keeps a prefix).
fn tail(secret: &str) -> &str {
    &secret[secret.len() / 3..]
}

fn plant(dir: &std::path::Path) {
    write(
        dir,
        "Dockerfile",
        format!(
            "FROM python:3.12-slim\nUSER app\nCMD gunicorn app:app --env STRIPE_KEY={}\n",
            stripe()
        ),
    );
    write(
        dir,
        ".github/workflows/ci.yml",
        format!(
            "on: push\npermissions: {{}}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - run: echo \"::set-output name=tok::{}\"\n",
            slack()
        ),
    );
    write(dir, "app/.env", format!("DB_PASSWORD={SPACED}\n"));
    write(dir, "web/.env", format!("SECRET_KEY={ENV_KEY}\n"));
}

fn assert_clean(what: &str, text: &str) {
    for secret in [stripe(), slack(), SPACED.to_string(), ENV_KEY.to_string()] {
        assert!(
            !text.contains(tail(&secret)),
            "{what} shows a secret ({}…):\n{text}",
            &secret[..4]
        );
    }
}

#[test]
fn no_format_shows_a_planted_secret() {
    let dir = temp();
    plant(dir.path());
    for format in ["human", "json", "sarif", "github", "markdown"] {
        for select in ["ALL", "EN,DF012,GH020"] {
            let r = run(
                dir.path(),
                &["check", "--select", select, "--format", format, "."],
            );
            assert!(matches!(r.code, Some(0 | 1)), "{format}: {}", r.stderr);
            assert_clean(&format!("--format {format} --select {select}"), &r.all());
        }
    }
    let stats = run(dir.path(), &["check", "--select", "ALL", "--statistics"]);
    assert_clean("--statistics", &stats.all());
}

#[test]
fn fix_replacements_and_diffs_are_masked() {
    let dir = temp();
    plant(dir.path());
    let args = ["check", "--select", "ALL", "--unsafe-fixes"];
    let json = run(dir.path(), &[&args[..], &["--format", "json"]].concat());
    let report: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or(serde_json::Value::Null);
    let replacements: Vec<String> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["fix"].is_object())
        .flat_map(|f| f["fix"]["edits"].as_array().cloned().unwrap_or_default())
        .map(|e| e["replacement"].as_str().unwrap_or_default().to_string())
        .collect();
    // The rules that rewrite a secret's line do offer their fixes.
    assert!(
        replacements.iter().any(|r| r.contains("STRIPE_KEY=sk_l")),
        "{replacements:?}"
    );
    assert_clean("JSON", &json.all());
    let sarif = run(dir.path(), &[&args[..], &["--format", "sarif"]].concat());
    assert!(sarif.out().contains("insertedContent"));
    assert_clean("SARIF", &sarif.all());
    let diff = run(dir.path(), &[&args[..], &["--diff"]].concat());
    assert_eq!(diff.code, Some(1), "{}", diff.stderr);
    assert!(diff.out().contains("+++ b/"), "{}", diff.out());
    assert_clean("--diff", &diff.all());
}

#[test]
fn an_env_rule_showing_a_secret_line_masks_it_with_the_secret_rules_off() {
    let dir = temp();
    write(
        dir.path(),
        ".env",
        format!("SECRET_KEY={ENV_KEY}\nDEBUG=1\n"),
    );
    // EN025 speaks inside a git repository only (outside, EN024 reports
    // the unignored file): it is checked last, after `git init`.
    for select in ["EN024", "EN010", "EN", "EN025"] {
        if select == "EN025" {
            let init = std::process::Command::new("git")
                .current_dir(dir.path())
                .args(["init", "-q"])
                .output();
            if init.is_err() {
                eprintln!("SKIPPED: git is not installed");
                return;
            }
        }
        let r = run(dir.path(), &["check", "--select", select, "."]);
        assert!(matches!(r.code, Some(0 | 1)), "{select}: {}", r.all());
        assert!(
            r.out().contains("SECRET_KEY="),
            "{select} shows the line: {}",
            r.out()
        );
        assert_clean(select, &r.all());
    }
}

#[test]
fn passwords_on_command_lines_are_secrets() {
    let dir = temp();
    let pw = format!("Kp{}Vz", "9wQ3mX7r");
    write(
        dir.path(),
        "deploy.sh",
        format!(
            "#!/bin/sh\ncurl -fsS -u deploy:{pw} https://ci.example.com/hook\nwget --password={pw} https://a.example.com/f\necho {pw} | true; docker login -u bot -p {pw} registry.example.com\n\
             curl -u \"$USER:$TOKEN\" https://ok.example.com\ncurl -u deploy https://asks.example.com\ndocker login -u bot -p \"$REGISTRY_TOKEN\" r.example.com\n"
        ),
    );
    let r = run(
        dir.path(),
        &["check", "--select", "SE003", "--format", "json", "."],
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert_eq!(
        crate::harness::json_codes(&r.stdout),
        [
            "deploy.sh:2:21 SE003",
            "deploy.sh:3:17 SE003",
            "deploy.sh:4:50 SE003"
        ]
    );
    let human = run(dir.path(), &["check", "--select", "SE003", "."]);
    assert!(!human.all().contains(&pw[3..]), "{}", human.all());
}

#[test]
fn secrets_of_findings_past_the_caps_stay_masked() {
    let dir = temp();
    let tokens: Vec<String> = (0..1200)
        .map(|i| format!("xo{}-{}-{i:06}Zp4Kq8Vn2Rt6Wm", "xb", 1_234_567_890u64 + i))
        .collect();
    let text: String = tokens.iter().map(|t| format!("T={t}\n")).collect();
    write(dir.path(), "notes.env", &text);
    for format in ["human", "json", "sarif"] {
        let r = run(
            dir.path(),
            &["check", "--select", "SE", "--format", format, "."],
        );
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        let all = r.all();
        assert!(all.contains("more SE001 findings"), "{format}");
        for t in &tokens {
            assert!(
                !all.contains(&t[8..]),
                "{format} shows a token past the cap"
            );
        }
    }
}

#[test]
fn a_template_still_reports_a_live_token_and_a_comment_is_no_template() {
    let dir = temp();
    let token = format!("gh{}_{}", "p", "R8mQ2xK7vN4pL9wZ3tY6bC1dF5gH0jS2aE8k");
    write(
        dir.path(),
        "tpl/Dockerfile",
        format!("FROM python:{{{{ version }}}}-slim\nENV GITHUB_TOKEN={token}\n"),
    );
    write(
        dir.path(),
        "plain/Dockerfile",
        format!("# {{{{ not a template }}}}\nFROM python:3.12-slim\nENV GITHUB_TOKEN={token}\n"),
    );
    let r = run(
        dir.path(),
        &[
            "check",
            "--select",
            "PL006,SE001,DF001",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(
        crate::harness::json_codes(&r.stdout),
        [
            "plain/Dockerfile:2:1 DF001",
            "plain/Dockerfile:3:18 SE001",
            "tpl/Dockerfile:1:13 PL006",
            "tpl/Dockerfile:2:18 SE001"
        ]
    );
    let human = run(dir.path(), &["check", "."]);
    assert!(!human.all().contains(&token[8..]), "{}", human.all());
}
