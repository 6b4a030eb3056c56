//! The project hook's pass: rules whose facts span files run once per
//! project, after every file is read, and report into any file. Their
//! findings join the lint of the file they are in, so selection,
//! purposes, suppressions, severity overrides, the per-rule cap and
//! secret masking apply at the primary location as for any finding.

use super::rule::Rule;
use crate::config::Config;
use crate::diagnostic::{Finding, FindingBuilder, Findings};
use crate::project::Project;
use crate::project::facts::Loc;
use crate::registry::RuleMeta;
use crate::select::Selection;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a project rule can see: every fact of every file.
pub struct ProjectContext<'a> {
    pub project: &'a Project,
    pub config: &'a Config,
}

impl ProjectContext<'_> {
    /// Adds a related location at `at`, in whichever file it is (the
    /// project holds the text of every file it read facts from).
    pub fn related<'b>(
        &self,
        b: FindingBuilder<'b>,
        at: &Loc,
        message: &str,
    ) -> FindingBuilder<'b> {
        match self.project.source_of(&at.file) {
            Some(file) => b.related_in(&file, at.span, message),
            None => b,
        }
    }
}

/// Findings of the project pass, by the project key of their file.
#[derive(Default)]
pub struct ProjectFindings {
    by_file: BTreeMap<PathBuf, Findings>,
}

impl ProjectFindings {
    /// Reports a finding at `at` (its file is where the fix belongs).
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        at: &Loc,
        message: impl Into<String>,
    ) -> FindingBuilder<'_> {
        self.by_file
            .entry(crate::project::key(&at.file))
            .or_default()
            .report(rule, at.span, message)
    }

    fn into_map(self) -> BTreeMap<PathBuf, Vec<Finding>> {
        self.by_file
            .into_iter()
            .map(|(k, f)| (k, f.into_vec()))
            .collect()
    }
}

/// Every rule with a project hook: GH004's and GH007's callers, and the
/// cross-file rules (XR).
pub static PROJECT_RULES: std::sync::LazyLock<Vec<&'static dyn Rule>> =
    std::sync::LazyLock::new(|| {
        let mut v: Vec<&'static dyn Rule> = vec![
            crate::rules::workflow::PERMISSIONS_MISSING,
            crate::rules::workflow::SCRIPT_INJECTION,
            crate::rules::workflow::SECRETS_INHERIT,
        ];
        v.extend(crate::rules::cross::RULES.iter().copied());
        v
    });

/// Runs the project hook of each rule `selection` enables anywhere (each
/// file's own selection filters its findings later). A rule that panics
/// loses its findings, not the run's: the message says which one.
pub fn run(
    rules: &[&dyn Rule],
    project: &Project,
    config: &Config,
    selection: &Selection,
) -> (BTreeMap<PathBuf, Vec<Finding>>, Vec<String>) {
    let cx = ProjectContext { project, config };
    let mut all = ProjectFindings::default();
    let mut errors = Vec::new();
    for rule in rules {
        if !selection.is_enabled(rule.meta().code) {
            continue;
        }
        let mut own = ProjectFindings::default();
        let ran = crate::panics::catching(|| rule.project(&cx, &mut own));
        match ran {
            Ok(()) => {
                for (file, findings) in own.by_file {
                    let into = all.by_file.entry(file).or_default();
                    for f in findings.into_vec() {
                        into.push(f);
                    }
                }
            }
            Err(_) => errors.push(format!(
                "prodlint crashed while checking the project for {}; its findings are missing (please report it)",
                rule.meta().code
            )),
        }
    }
    (all.into_map(), errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    /// Reports in two files, each finding pointing at the other file.
    struct Pair;

    impl Rule for Pair {
        fn meta(&self) -> &'static RuleMeta {
            &crate::rules::meta::InternalError::META
        }

        fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
            let a = Loc {
                file: std::path::Path::new("/p/a.py").into(),
                span: Span::new(0, 1),
            };
            let b = Loc {
                file: std::path::Path::new("/p/./b.py").into(),
                span: Span::new(2, 3),
            };
            let f = out.report(&crate::rules::meta::InternalError::META, &a, "in a");
            cx.related(f, &b, "b says");
            out.report(&crate::rules::meta::InternalError::META, &b, "in b");
        }
    }

    struct Crash;

    impl Rule for Crash {
        fn meta(&self) -> &'static RuleMeta {
            &crate::rules::meta::InternalError::META
        }

        fn project(&self, _cx: &ProjectContext<'_>, _out: &mut ProjectFindings) {
            panic!("crash requested by the test");
        }
    }

    #[test]
    fn findings_are_filed_under_their_file_key() {
        let project = Project::default();
        let (map, errors) = run(
            &[&Pair],
            &project,
            &Config::default(),
            &Selection::every_rule(),
        );
        assert!(errors.is_empty());
        let files: Vec<_> = map.keys().cloned().collect();
        assert_eq!(
            files,
            vec![PathBuf::from("/p/a.py"), PathBuf::from("/p/b.py")]
        );
        let a = &map[&PathBuf::from("/p/a.py")];
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].span, Span::new(0, 1));
        // The project read no such file: no related location is invented.
        assert!(a[0].related.is_empty());
    }

    #[test]
    fn a_crashing_rule_loses_only_its_own_findings() {
        let project = Project::default();
        let (map, errors) = run(
            &[&Crash, &Pair],
            &project,
            &Config::default(),
            &Selection::every_rule(),
        );
        assert_eq!(map.len(), 2);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("PL004"), "{errors:?}");
    }
}
