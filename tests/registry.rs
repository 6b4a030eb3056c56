//! Invariants of the rule table: unique codes and names, complete docs,
//! fix kinds that match what the docs say.

use prodlint::registry::FixKind;
use prodlint::rules;
use std::collections::HashSet;

const SECTIONS: &[&str] = &[
    "What it checks",
    "Why it matters in production",
    "Example",
    "Use instead",
    "Fix",
    "References",
];

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in rules::all() {
        assert!(codes.insert(r.code), "duplicate code {}", r.code);
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        let (family, digits) = r.code.split_at(2);
        assert!(
            // The rule index lists families from this table: a family
            // missing here would vanish from rules/README.md.
            prodlint::docs::FAMILIES.iter().any(|(f, _)| *f == family),
            "{}: family missing from docs::FAMILIES",
            r.code
        );
        assert!(
            digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()),
            "{}",
            r.code
        );
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name `{}` is not kebab-case",
            r.code,
            r.name
        );
        assert!(
            !r.summary.ends_with('.'),
            "{}: summaries have no final period",
            r.code
        );
    }
}

#[test]
fn every_rule_documents_every_section() {
    for r in rules::all() {
        for s in SECTIONS {
            let body = r.doc_section(s);
            assert!(
                body.as_deref().is_some_and(|b| !b.is_empty()),
                "{}: missing or empty `## {s}`",
                r.code
            );
        }
        let fix = r.doc_section("Fix").unwrap_or_default();
        let expected = match r.fix {
            FixKind::None => "None",
            FixKind::Safe => "Safe",
            FixKind::Unsafe => "Unsafe",
        };
        assert!(
            fix.starts_with(expected),
            "{}: `## Fix` should start with `{expected}`: {fix}",
            r.code
        );
        if r.is_security() {
            assert!(
                r.security_severity.is_some(),
                "{}: security rules need a security-severity",
                r.code
            );
        }
        for o in r.options {
            assert!(
                r.doc.contains(o.name),
                "{}: option `{}` is not documented",
                r.code,
                o.name
            );
        }
    }
}

#[test]
fn find_accepts_codes_in_any_case_and_names() {
    assert_eq!(rules::find("df001").map(|r| r.code), Some("DF001"));
    assert_eq!(rules::find("pip-cache-kept").map(|r| r.code), Some("DF006"));
    assert!(rules::find("DF999").is_none());
}
