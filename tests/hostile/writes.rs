//! `--fix` never loses a byte of the user's file, whatever fails.

use crate::harness::{Limits, run, run_with, temp, write};

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn a_failing_write_leaves_the_original_intact() {
    let dir = temp();
    // Large enough that the fixed copy cannot be written under the limit;
    // EN007 (missing final newline) has a safe fix.
    let original = format!("{}LAST=1", "# padding line\n".repeat(2000));
    write(dir.path(), ".env", &original);
    let r = run_with(
        dir.path(),
        &["check", "--fix", "--select", "EN007", ".env"],
        b"",
        Limits {
            file_blocks: Some(8),
            ..Limits::default()
        },
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.all().contains("the file is unchanged"), "{}", r.all());
    assert_eq!(read(&dir.path().join(".env")), original.as_bytes());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from(".env")],
        "no temporary file is left"
    );
}

#[test]
fn fixes_use_the_files_own_line_ending() {
    let dir = temp();
    write(dir.path(), "crlf/.env", "A=1\r\nB=2");
    write(dir.path(), "cr/.env", "A=1\rB=2");
    write(dir.path(), "lf/.env", "A=1\nB=2");
    let r = run(
        dir.path(),
        &["check", "--fix", "--select", "EN007", "crlf", "cr", "lf"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(read(&dir.path().join("crlf/.env")), b"A=1\r\nB=2\r\n");
    assert_eq!(read(&dir.path().join("cr/.env")), b"A=1\rB=2\r");
    assert_eq!(read(&dir.path().join("lf/.env")), b"A=1\nB=2\n");
}

#[test]
fn fixing_keeps_the_mode_and_the_symbolic_link() {
    let dir = temp();
    write(dir.path(), "real/.env", "A=1");
    std::fs::create_dir_all(dir.path().join("link")).unwrap_or_default();
    let linked = dir.path().join("link/.env");
    std::os::unix::fs::symlink("../real/.env", &linked).unwrap_or_else(|e| panic!("{e}"));
    use std::os::unix::fs::PermissionsExt;
    let real = dir.path().join("real/.env");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640))
        .unwrap_or_else(|e| panic!("{e}"));
    // The same file named through three paths is fixed once.
    let r = run(
        dir.path(),
        &[
            "check",
            "--fix",
            "--select",
            "EN007",
            "real/.env",
            "./real/.env",
            "link/.env",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stderr.matches("prodlint: fixed").count(),
        1,
        "{}",
        r.stderr
    );
    assert_eq!(read(&real), b"A=1\n");
    let meta = std::fs::symlink_metadata(&linked).unwrap_or_else(|e| panic!("{e}"));
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    let mode = std::fs::metadata(&real).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o640));
}

#[test]
fn stdin_fix_hands_back_text_it_cannot_lint() {
    let dir = temp();
    let inputs: [&[u8]; 2] = [
        b"FROM python\0\x01\x02binary",
        b"FROM python:3.12\n\xff\xfe\n",
    ];
    for input in inputs {
        let r = run_with(
            dir.path(),
            &["check", "--fix", "--stdin-filename", "Dockerfile"],
            input,
            Limits::default(),
        );
        assert_eq!(r.stdout, input, "stdout is the text, unchanged");
        assert!(r.stderr.contains("not linted"), "{}", r.stderr);
        assert_eq!(r.code, Some(0));
    }
}
