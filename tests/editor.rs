//! A real editor: Neovim, headless, attaches `prodlint server` to a bad
//! Dockerfile and reports the diagnostics it received. Skipped, loudly,
//! when Neovim is not installed; CI installs it and sets
//! `PRODLINT_REQUIRE_CLIENTS`, which turns the skip into a failure.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn neovim_shows_the_servers_diagnostics() {
    let Some(nvim) = common::client_program("NVIM", "nvim") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let file = dir.path().join("Dockerfile");
    std::fs::write(
        &file,
        "FROM python:3.12\nRUN pip install flask\nCMD python app.py\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let out = dir.path().join("diagnostics.txt");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/nvim/attach.lua");
    let mut child = Command::new(&nvim)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {script}"))
        .current_dir(dir.path())
        .env("PRODLINT", env!("CARGO_BIN_EXE_prodlint"))
        .env("PRODLINT_FILE", &file)
        .env("PRODLINT_OUT", &out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{nvim}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Neovim did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "nvim exited with {status}");
    let got = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("no output from nvim: {e}"));
    // Lines and columns are 0-based, as Neovim keeps them; severity 1 is
    // an error, 2 a warning, 3 information.
    assert_eq!(
        got,
        "DF001 0:0-0:16 severity=1 source=prodlint\n\
         DF004 0:5-0:16 severity=2 source=prodlint\n\
         DF006 1:4-1:15 severity=2 source=prodlint\n\
         DF012 2:4-2:17 severity=2 source=prodlint\n\
         DF028 0:0-0:16 severity=3 source=prodlint\n\
         stopped=true\n"
    );
}
