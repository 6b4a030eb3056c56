//! What the walk reads: files git tracks even when an ignore file matches
//! them, and never a patch as an env file.

mod common;

use std::process::Command;

fn git(dir: &std::path::Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn tracked_files_are_read_even_when_ignored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    if !git(dir.path(), &["init", "-q"]) {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let secret = format!("SECRET_KEY={}\n", "hX7pQ2vN9kLm4RtZ8wYc3BfD6gJs1A");
    common::write(dir.path(), ".env", &secret);
    common::write(dir.path(), "deploy/prod/.env", &secret);
    common::write(dir.path(), "scratch/.env", &secret);
    assert!(git(dir.path(), &["add", ".env", "deploy/prod/.env"]));
    // Ignored after the fact: the committed files are the leaked ones.
    common::write(dir.path(), ".gitignore", ".env\ndeploy/\nscratch/\n");
    let found = common::findings(dir.path(), "EN024");
    assert_eq!(found, [".env:1:1 EN024", "deploy/prod/.env:1:1 EN024"]);
}

#[test]
fn patches_and_merge_leftovers_are_not_env_files() {
    use prodlint::discover::FileKind;
    use std::path::Path;
    for name in [".env.patch", ".env.diff", ".env.rej"] {
        assert_eq!(FileKind::detect(Path::new(name)), None, "{name}");
    }
    assert_eq!(
        FileKind::detect(Path::new(".env.orig")),
        Some(FileKind::Text)
    );
}
