//! Secrets in Python are read through its parse: only literals and
//! comments hold values, and a generic secret is a literal written under
//! a secret name. Exact codes, lines and columns.

mod common;

use common::lint;

fn rows(path: &str) -> Vec<String> {
    let report = lint(&common::root().join(path), &["SE"]);
    report
        .findings
        .iter()
        .filter(|f| f.code().starts_with("SE"))
        .map(|f| {
            let r = report.source.region(f.span);
            format!("{} {}:{}", f.code(), r.start.line, r.start.column)
        })
        .collect()
}

#[test]
fn literals_under_secret_names_provider_tokens_and_commented_out_code_are_reported() {
    assert_eq!(
        rows("fixtures/secrets/python/leaks.py"),
        [
            "SE004 5:26",
            "SE004 6:25",
            "SE004 9:29",
            "SE004 13:31",
            "SE004 14:26",
            "SE004 15:20",
            "SE003 16:39",
            "SE001 17:48",
        ]
    );
}

#[test]
fn calls_names_parameters_annotations_labels_and_placeholders_are_not_secrets() {
    assert_eq!(
        rows("fixtures/secrets/python/references.py"),
        Vec::<String>::new()
    );
}
