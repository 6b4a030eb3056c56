//! The generated rule docs in `rules/` must match the doc comments.
//! Regenerate them with `UPDATE_DOCS=1 cargo test --test docs`.

use prodlint::docs::generated_files;
use std::path::PathBuf;

#[test]
fn rule_docs_are_fresh() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let files = generated_files();
    let mut stale = Vec::new();
    for (rel, content) in &files {
        let path = root.join(rel);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != *content {
            if update {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).unwrap_or_default();
                }
                std::fs::write(&path, content)
                    .unwrap_or_else(|e| panic!("cannot write {rel}: {e}"));
            } else {
                stale.push(rel.clone());
            }
        }
    }
    // Pages of rules that no longer exist are stale too.
    let known: Vec<&String> = files.iter().map(|(r, _)| r).collect();
    for dir in ["rules", "checklist"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let rel = format!("{dir}/{}", e.file_name().to_string_lossy());
            if !known.iter().any(|k| **k == rel) {
                if update {
                    let _ = std::fs::remove_file(e.path());
                } else {
                    stale.push(rel);
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule docs: {stale:?}\nrun `UPDATE_DOCS=1 cargo test --test docs` and commit the result"
    );
}
