//! The HTML audit in a real browser: headless Chromium (Debian's
//! `chromium`; `PRODLINT_CHROMIUM` names another) loads the demo's page
//! from a file, with no network; the DOM it builds must hold the level,
//! the gauge, a bar per section and every item, and its screenshot must
//! not be blank. Skipped without Chromium, except where
//! `PRODLINT_REQUIRE_CLIENTS` is set (CI), where it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|p| {
            let var = std::env::var("PRODLINT_CHROMIUM").unwrap_or_default();
            let program = if var.is_empty() { *p } else { var.as_str() };
            Command::new(program)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
                .then(|| program.to_string())
        })
        .or_else(|| common::client_program("PRODLINT_CHROMIUM", "chromium"))
}

fn headless(browser: &str, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--allow-file-access-from-files",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn the_html_audit_renders_in_a_browser() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let page = dir.path().join("audit.html");
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let out = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .current_dir(&demo)
        .args(["audit", "--no-config", "--format", "html", "--output"])
        .arg(&page)
        .env_remove("GITHUB_REPOSITORY")
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{e}"));
    // Self-contained: nothing is fetched.
    for external in [
        "<script src",
        "<link",
        "http://",
        "https://",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(external), "the page refers to `{external}`");
    }
    let url = format!("file://{}", page.display());

    let dom = headless(&browser, &dir.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("run {browser}: {e}"));
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<div class=\"level\" id=\"level\">not ready</div>"),
        "{dom}"
    );
    assert!(dom.contains("<svg id=\"gauge\""), "no gauge");
    assert_eq!(
        dom.matches("<svg class=\"bar\"").count(),
        5,
        "a bar per section"
    );
    assert_eq!(
        dom.matches("<details class=\"item ").count(),
        27,
        "every item"
    );
    assert!(dom.contains("id=\"SEC-NON-ROOT\" data-state=\"fail\""));
    assert!(dom.contains("<a href=\"Dockerfile\"><code>Dockerfile:1:1</code></a>"));

    let shot = dir.path().join("shot.png");
    let status = headless(&browser, &dir.path().join("profile-shot"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1000,1200")
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("run {browser}: {e}"));
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let decoder = png::Decoder::new(std::fs::File::open(&shot).unwrap_or_else(|e| panic!("{e}")));
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("png: {e}"));
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut buf)
        .unwrap_or_else(|e| panic!("png: {e}"));
    let pixels = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    // Not blank: many distinct colours (text, the red and green of the
    // marks and bars), not one background.
    let mut colours = std::collections::HashSet::new();
    for px in pixels.chunks(channels) {
        colours.insert(px.to_vec());
        if colours.len() > 50 {
            break;
        }
    }
    assert!(
        colours.len() > 50,
        "the screenshot is nearly blank: {} colours",
        colours.len()
    );
}
