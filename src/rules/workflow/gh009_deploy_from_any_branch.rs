use super::*;

declare_rule! {
    /// ## What it checks
    /// A deploy job (see GH008 for what counts) in a workflow that runs on
    /// `pull_request` or on pushes to any branch, when neither the job nor
    /// a job it needs has an `if:` on the ref or event, and the job has no
    /// `environment:` whose protection rules could stop it.
    ///
    /// A push runs for any branch with no filter, with `branches-ignore:`
    /// or `paths:` alone, or with a `branches:` pattern that matches
    /// feature branches (`*`, `**`, `feature/*`). A pattern that only
    /// widens a release line, its first part being `main`, `master`,
    /// `release`, `releases`, `prod`, `production`, `stable`, `hotfix` or
    /// `hotfixes` (`release/*`, `release-v*`, `hotfix/**`), is that line;
    /// a negated one (`!release/old*`) only removes branches; `tags:`
    /// alone runs for tags only.
    ///
    /// ## Why it matters in production
    /// Every feature branch, or every pull request, deploys to production.
    ///
    /// ## Example
    /// ```yaml
    /// on: push
    /// jobs:
    ///   deploy:
    ///     runs-on: ubuntu-24.04
    ///     steps: [{run: helm upgrade app ./chart}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// on:
    ///   push:
    ///     branches: [main]
    /// ```
    /// or `if: github.ref == 'refs/heads/main'` on the job, or an
    /// `environment:` with required reviewers or branch rules.
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [GitHub: deployment environments](https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment)
    pub struct DeployFromAnyBranch {
        code: "GH009",
        name: "deploy-from-any-branch",
        severity: Warning,
        fix: None,
        summary: "a deploy job runs for any branch or pull request",
    }
}

/// Branch lines a team deploys from: a pattern that only widens one of
/// these (`release/*`, `main-*`) follows the release process, not every
/// feature branch.
const RELEASE_LINES: &[&str] = &[
    "main",
    "master",
    "release",
    "releases",
    "prod",
    "production",
    "stable",
    "hotfix",
    "hotfixes",
];

/// Does a `branches:` pattern match feature branches: a wildcard that is
/// not the widening of a release line (`*`, `**`, `feature/*`, `*-deploy`)?
/// A negated pattern (`!release/old*`) only removes branches.
fn matches_any_branch(pattern: &str) -> bool {
    let pattern = pattern.strip_prefix("refs/heads/").unwrap_or(pattern);
    if pattern.starts_with('!') {
        return false;
    }
    let Some(wild) = pattern.find(['*', '?', '[', '+']) else {
        return false;
    };
    // The branch line is the name's first part: `release/v*`,
    // `release-v*`, `main-*`.
    let line = pattern[..wild]
        .split(['/', '-', '_', '.'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    !RELEASE_LINES.contains(&line.as_str())
}

/// Does a `push:` trigger run for feature branches: no filter, a
/// `branches:` pattern (one or a list) that matches them, or, with no
/// `branches:`, filters other than `tags:` alone (`branches-ignore:`,
/// `paths:`)?
fn push_any_branch(filters: Option<&Node>) -> bool {
    let Some(f) = filters else { return true };
    match f.get("branches") {
        Some(b) => match b.as_seq() {
            Some(list) => list
                .iter()
                .any(|x| x.as_str().is_some_and(matches_any_branch)),
            None => b.as_str().is_some_and(matches_any_branch),
        },
        None => f.get("tags").is_none() || f.get("branches-ignore").is_some(),
    }
}

/// Triggers that run for code not yet merged to the main branch.
fn any_branch_trigger<'a>(w: &'a Workflow<'a>) -> Option<&'a Spanned> {
    w.triggers
        .iter()
        .map(|t| &t.event)
        .find(|e| e.text == "pull_request" || e.text == "pull_request_target")
        .or_else(|| {
            w.triggers
                .iter()
                .find(|t| t.event.text == "push" && push_any_branch(t.filters))
                .map(|t| &t.event)
        })
}

impl Rule for DeployFromAnyBranch {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let Some(w) = cx.workflow else { return };
        let Some(trigger) = any_branch_trigger(w) else {
            return;
        };
        let guards = |n: Option<&Node>| {
            n.is_some_and(|n| {
                let t = cx.file.slice(n.span);
                t.contains("github.ref")
                    || t.contains("github.event_name")
                    || t.contains("github.base_ref")
            })
        };
        // One pass over the `needs` graph answers every job.
        let guarded_before = w.needs_graph().any_ancestor(&w.jobs, |a| guards(a.if_));
        for (job, guarded_before) in w.jobs.iter().zip(guarded_before) {
            let Some(Deploy { why, .. }) = deploy_evidence(job) else {
                continue;
            };
            if job.environment.is_some() || guards(job.if_) || guarded_before {
                continue;
            }
            out.report(&Self::META, job.id.span, format!("job `{}` deploys ({why}) on every `{}`", job.id.text, trigger.text))
                .related(trigger.span, "runs for any branch")
                .help("limit the trigger to main or tags, add an `if:` on `github.ref`, or use a protected `environment:`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_line_patterns_are_not_any_branch() {
        for p in [
            "release/*",
            "releases/**",
            "main-*",
            "hotfix/*",
            "Release/v*",
            "release-v*",
            "release_2024*",
            "stable-v1.*",
            "refs/heads/release/*",
            "!feature/*",
            "main",
        ] {
            assert!(!matches_any_branch(p), "{p}");
        }
        for p in ["*", "**", "feature/*", "*-deploy", "rel*", "refs/heads/*"] {
            assert!(matches_any_branch(p), "{p}");
        }
    }

    fn found(triggers: &str) -> usize {
        let text = format!(
            "on:\n{triggers}\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: fly deploy\n"
        );
        super::super::check_text(&DeployFromAnyBranch, &text).len()
    }

    #[test]
    fn branch_filters_decide_whether_any_branch_deploys() {
        assert_eq!(found("  push:\n    branches: [main, 'release/*']"), 0);
        assert_eq!(found("  push:\n    branches: ['feature/*']"), 1);
        assert_eq!(found("  push:\n    branches: [main, '!release/old*']"), 0);
        assert_eq!(found("  push:\n    branches: '**'"), 1);
        assert_eq!(found("  push:\n    branches: ['**']\n    tags: ['v*']"), 1);
        assert_eq!(found("  push:\n    tags: ['v*']"), 0);
        assert_eq!(found("  push:\n    branches-ignore: [main]"), 1);
        assert_eq!(found("  push:\n    paths: ['src/**']"), 1);
    }
}
