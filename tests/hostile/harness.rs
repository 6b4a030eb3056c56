//! Running prodlint as a child process under a watchdog and limits.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far above any normal run: reaching it means a hang.
pub const WATCHDOG: Duration = Duration::from_secs(120);

pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Every byte the run printed, for "no secret anywhere" checks.
    pub fn all(&self) -> String {
        format!("{}{}", self.out(), self.stderr)
    }
}

/// Limits set on the child with the shell's `ulimit` before it starts.
#[derive(Default, Clone, Copy)]
pub struct Limits {
    /// Address space, in KiB (`ulimit -v`).
    pub memory_kib: Option<u64>,
    /// Largest file the child may write, in 512-byte blocks (`ulimit -f`).
    pub file_blocks: Option<u64>,
}

/// Runs `prodlint <args>` in `dir` with `stdin` as its input.
pub fn run_with(dir: &Path, args: &[&str], stdin: &[u8], limits: Limits) -> Run {
    let mut script = String::new();
    if let Some(m) = limits.memory_kib {
        script.push_str(&format!("ulimit -v {m}; "));
    }
    if let Some(f) = limits.file_blocks {
        // A write past the limit fails with EFBIG instead of killing.
        script.push_str(&format!("trap '' XFSZ; ulimit -f {f}; "));
    }
    script.push_str("exec \"$0\" \"$@\"");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_prodlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start prodlint: {e}"));
    let input = stdin.to_vec();
    let mut child_in = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(w) = child_in.as_mut() {
            let _ = w.write_all(&input);
        }
    });
    let mut out_pipe = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(o) = out_pipe.as_mut() {
            let _ = o.read_to_end(&mut v);
        }
        v
    });
    let mut err_pipe = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(o) = err_pipe.as_mut() {
            let _ = o.read_to_end(&mut v);
        }
        v
    });
    let deadline = Instant::now() + WATCHDOG;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                panic!("prodlint {args:?} hung (killed by the watchdog)");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("wait: {e}"),
        }
    };
    let _ = writer.join();
    let stdout = reader.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Run {
        code: status.code(),
        stdout,
        stderr,
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, b"", Limits::default())
}

/// A run that must end normally (0 or 1), never by a signal or a crash.
pub fn run_ok(dir: &Path, args: &[&str]) -> Run {
    let r = run(dir, args);
    assert!(
        matches!(r.code, Some(0 | 1)),
        "prodlint {args:?} ended with {:?}: {}",
        r.code,
        r.stderr
    );
    r
}

pub use crate::common::write;

pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// The findings of a JSON report as `file:line:column CODE`.
pub fn json_codes(report: &[u8]) -> Vec<String> {
    crate::common::json_rows(report)
}

/// Makes a FIFO at `path` with `mkfifo`.
pub fn fifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}
