//! Every rule against its bad and good fixture, with snapshots of the
//! exact findings (code, severity, line:column range, message).

mod common;

use common::{fixture_pairs, lint, render};
use prodlint::rules;

fn set_panic_env() {
    // SAFETY: set once, before any thread of this test reads the environment.
    unsafe { std::env::set_var("PRODLINT_TEST_PANIC", "1") };
    prodlint::panics::install_hook();
}

#[test]
fn every_rule_has_a_fixture_pair() {
    let pairs = fixture_pairs();
    for rule in rules::all() {
        // A cross-file rule's fixtures are small projects: its `.bad`
        // project reports it, its `.good` project does not (their
        // `expected.txt`, checked exactly by `tests/projects.rs`).
        if rule.code.starts_with("XR") {
            let project = common::root().join("fixtures/project");
            let expected = |kind: &str| {
                std::fs::read_to_string(project.join(format!("{}.{kind}/expected.txt", rule.code)))
                    .unwrap_or_else(|e| panic!("{}: no {kind} project fixture: {e}", rule.code))
            };
            let tagged = format!(" {}", rule.code);
            assert!(
                expected("bad").lines().any(|l| l.contains(&tagged)),
                "{}: its bad project reports nothing",
                rule.code
            );
            assert!(
                !expected("good").lines().any(|l| l.contains(&tagged)),
                "{}: its good project reports it",
                rule.code
            );
            continue;
        }
        let found = pairs.iter().find(|(c, _, _)| c == rule.code);
        let Some((_, bad, good)) = found else {
            panic!(
                "{} has no fixtures/<family>/{}.bad.* file",
                rule.code, rule.code
            );
        };
        assert!(
            bad.is_file() && good.is_file(),
            "{}: missing {}",
            rule.code,
            good.display()
        );
    }
}

#[test]
fn bad_fixtures_trigger_and_good_fixtures_do_not() {
    set_panic_env();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/rules");
    settings.set_prepend_module_to_snapshot(false);
    let _guard = settings.bind_to_scope();
    for (code, bad, good) in fixture_pairs() {
        let b = lint(&bad, &[&code]);
        assert!(
            b.findings.iter().any(|f| f.code() == code),
            "{code}: the bad fixture {} reports no {code}:\n{}",
            bad.display(),
            render(&b)
        );
        insta::assert_snapshot!(format!("{code}.bad"), render(&b));
        let g = lint(&good, &[&code]);
        assert!(
            !g.findings.iter().any(|f| f.code() == code),
            "{code}: the good fixture {} reports {code}:\n{}",
            good.display(),
            render(&g)
        );
        insta::assert_snapshot!(format!("{code}.good"), render(&g));
    }
}

#[test]
fn demo_project_snapshot() {
    let s = common::settings(&[]);
    let (cands, errors) =
        prodlint::discover::discover(&[common::root().join("fixtures/demo")], &s.config);
    assert!(errors.is_empty());
    let reports = prodlint::engine::lint_files(&cands, &s);
    let mut out = String::new();
    for r in &reports {
        let name = r
            .source
            .path
            .strip_prefix(common::root())
            .unwrap_or(&r.source.path)
            .display()
            .to_string();
        for f in &r.findings {
            out.push_str(&format!("{name}:{}\n", common::line(r, f)));
        }
    }
    insta::assert_snapshot!("demo", out);
}
