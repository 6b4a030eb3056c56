//! Output that a file cannot turn against its reader: terminal control
//! sequences, URIs, Markdown structure, output amplification.

use crate::harness::{run, temp, write};

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = temp();
    // An OSC title, a screen clear, a lone CR and a bidirectional override.
    let evil = "\x1b]0;owned\x07\x1b[2J\rhidden\u{202e}";
    write(
        dir.path(),
        "Dockerfile",
        format!("FROM python:3.12-slim\nLABEL x=\"{evil}\"\nCMD python app.py\n"),
    );
    let r = run(dir.path(), &["check", "--no-color", "--select", "ALL", "."]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    let out = r.out();
    assert!(out.contains("DF001"), "{out}");
    for bad in ['\x1b', '\x07', '\r', '\u{202e}'] {
        assert!(!out.contains(bad), "{:?} reached the terminal", bad);
    }
    assert!(out.contains("\\x1b]0;owned"), "{out}");
}

#[test]
fn sarif_uris_are_percent_encoded() {
    let dir = temp();
    write(
        dir.path(),
        "we#ird ?dir%/Dockerfile",
        "FROM python:3.12-slim\n",
    );
    let r = run(dir.path(), &["check", "--format", "sarif", "."]);
    let sarif: serde_json::Value =
        serde_json::from_slice(&r.stdout).unwrap_or(serde_json::Value::Null);
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "we%23ird%20%3Fdir%25/Dockerfile", "{}", r.out());
}

#[test]
fn markdown_paths_cannot_break_the_report() {
    let dir = temp();
    write(dir.path(), "a|b`c<d>/Dockerfile", "FROM python:3.12-slim\n");
    let r = run(dir.path(), &["check", "--format", "markdown", "."]);
    let out = r.out();
    assert!(out.contains("### ``a|b`c<d>/Dockerfile``"), "{out}");
    let table_rows: Vec<&str> = out.lines().filter(|l| l.contains("DF001")).collect();
    assert_eq!(table_rows.len(), 1);
    assert_eq!(table_rows[0].matches(" | ").count(), 3, "{}", table_rows[0]);
}

#[test]
fn statistics_with_a_machine_format_is_an_error() {
    let dir = temp();
    write(dir.path(), "Dockerfile", "FROM python:3.12-slim\n");
    for format in ["json", "sarif", "github", "markdown"] {
        let r = run(dir.path(), &["check", "--statistics", "--format", format]);
        assert_eq!(r.code, Some(2), "{format}");
        assert!(r.stderr.contains("--statistics"), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn a_huge_line_is_shown_as_a_window() {
    let dir = temp();
    // One 2 MB line with many findings on it.
    let line = format!("X={}\n", "http://a.example/ ".repeat(2_000_000 / 18));
    write(dir.path(), ".env", format!("{line}DEBUG=true\n"));
    let r = run(dir.path(), &["check", "--select", "ALL", "."]);
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    assert!(
        r.stdout.len() < 200_000,
        "{} bytes of output",
        r.stdout.len()
    );
    assert!(r.out().contains('…'), "{}", r.out());
}
