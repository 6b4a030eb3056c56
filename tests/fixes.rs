//! Every fixable rule's fix, applied to its bad fixture: the result still
//! parses, the finding is gone, and a second pass changes nothing.

mod common;

use common::{fixture_pairs, settings};
use prodlint::discover::FileKind;
use prodlint::engine::{lint_source, load};
use prodlint::fix::fix_source;
use prodlint::project::Project;
use prodlint::registry::FixKind;
use prodlint::rules;
use prodlint::source::SourceFile;

#[test]
fn fixes_converge_and_remove_their_findings() {
    let mut checked = 0;
    for (code, bad, _) in fixture_pairs() {
        let Some(rule) = rules::find(&code) else {
            continue;
        };
        if rule.fix == FixKind::None {
            continue;
        }
        let s = settings(&[&code]);
        let kind = common::fixture_kind(&bad).unwrap_or(FileKind::Dockerfile);
        let text = load(&bad, u64::MAX).unwrap_or_default();
        let source = SourceFile::new(bad.as_path(), text);
        let before = lint_source(&source, kind, &s, &Project::default());
        let parse_errors_before = before.iter().filter(|f| f.code() == "PL001").count();
        assert!(
            before.iter().any(|f| f.code() == code && f.fix.is_some()),
            "{code}: no fixable finding"
        );

        let (fixed, n) = fix_source(&source, kind, &s, &Project::default(), true);
        assert!(n > 0, "{code}: no fix applied");
        let after = lint_source(
            &SourceFile::new(bad.as_path(), fixed.clone()),
            kind,
            &s,
            &Project::default(),
        );
        // Every fixable finding is gone; findings without a fix may remain.
        let count =
            |v: &[prodlint::diagnostic::Finding]| v.iter().filter(|f| f.code() == code).count();
        let fixable = before
            .iter()
            .filter(|f| f.code() == code && f.fix.is_some())
            .count();
        assert_eq!(
            count(&after),
            count(&before) - fixable,
            "{code}: still reported after the fix:\n{fixed}"
        );
        assert!(
            !after.iter().any(|f| f.code() == code && f.fix.is_some()),
            "{code}: a fix is still offered:\n{fixed}"
        );
        assert_eq!(
            after.iter().filter(|f| f.code() == "PL001").count(),
            parse_errors_before,
            "{code}: the fix broke the syntax:\n{fixed}"
        );
        let (again, n2) = fix_source(
            &SourceFile::new(bad.as_path(), fixed.clone()),
            kind,
            &s,
            &Project::default(),
            true,
        );
        assert_eq!(
            (n2, &again),
            (0, &fixed),
            "{code}: a second pass changed the file"
        );
        insta::with_settings!({snapshot_path => "snapshots/fixes", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("{code}.fixed"), fixed);
        });
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} fixable rules were checked");
}

#[test]
fn safe_mode_leaves_unsafe_fixes_alone() {
    let path = common::root().join("fixtures/dockerfile/DF012.bad.Dockerfile");
    let s = settings(&[]);
    let source = SourceFile::new(path.as_path(), load(&path, u64::MAX).unwrap_or_default());
    let (fixed, _) = fix_source(
        &source,
        FileKind::Dockerfile,
        &s,
        &Project::default(),
        false,
    );
    assert!(
        fixed.contains("CMD gunicorn app.main:app --bind 0.0.0.0:8000"),
        "{fixed}"
    );
    let (fixed, _) = fix_source(&source, FileKind::Dockerfile, &s, &Project::default(), true);
    assert!(
        fixed.contains(r#"CMD ["gunicorn", "app.main:app", "--bind", "0.0.0.0:8000"]"#),
        "{fixed}"
    );
}
