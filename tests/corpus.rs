//! The whole check over the real-world corpus in `../shared/corpus`: no
//! internal error, and every parse error is one Docker itself would report.
//! Skips itself, loudly, when the corpus is absent.

mod common;

use prodlint::discover;

#[test]
fn corpus_has_no_internal_errors_and_no_unexpected_parse_errors() {
    let corpus = common::root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: ../shared/corpus is absent, the corpus check did not run");
        return;
    }
    let s = common::settings(&["ALL"]);
    let (cands, errors) = discover::discover(&[corpus], &s.config);
    assert!(errors.is_empty(), "{errors:?}");
    let reports = prodlint::engine::lint_files(&cands, &s);
    let mut internal = Vec::new();
    let mut parse_errors = Vec::new();
    for r in &reports {
        for f in &r.findings {
            match f.code() {
                "PL004" => internal.push(format!("{}: {}", r.source.path.display(), f.message)),
                "PL001" => parse_errors.push(format!(
                    "{}: {}",
                    r.source.path.display(),
                    common::line(r, f)
                )),
                _ => {}
            }
        }
    }
    eprintln!(
        "corpus: {} files linted, {} PL001: {parse_errors:#?}",
        reports.len(),
        parse_errors.len()
    );
    assert!(internal.is_empty(), "internal errors: {internal:#?}");
    // The corpus holds Dockerfiles that build: none should fail to parse.
    assert!(parse_errors.is_empty(), "parse errors: {parse_errors:#?}");
}
