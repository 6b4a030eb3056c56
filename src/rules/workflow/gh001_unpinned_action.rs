use super::*;
use crate::registry::{OptionKind, RuleOption};

declare_rule! {
    /// ## What it checks
    /// A `uses:` (a step's action or a job's reusable workflow) that is not
    /// pinned to a full 40-character commit SHA. Owners listed in
    /// `trusted-owners` are not reported; by default that is GitHub's own
    /// organisations (`actions`, `github`), whose tags GitHub itself
    /// maintains. Branch refs are GH002's. Actions
    /// of the same repository (`./path` after a checkout, or the
    /// self-repository form `$/path`, which runs the workflow's own commit)
    /// are not reported.
    ///
    /// ## Why it matters in production
    /// A tag is a movable pointer: whoever controls the action's repository
    /// (or steals its maintainer's token) can move `v4` to new code that
    /// runs in your pipeline with your secrets and your deploy rights, as
    /// happened with `tj-actions/changed-files` in 2025.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: docker/login-action@v3
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772 # v3.4.0
    /// ```
    /// and let Dependabot or Renovate update the SHA and the comment.
    ///
    /// ## Options
    /// - `trusted-owners`: owners whose actions may use tags. Default
    ///   `["actions", "github"]`; set `[]` to require SHAs everywhere, or
    ///   `["actions", "github", "my-org"]` to add your own organisation.
    ///
    /// ## Differences from zizmor
    /// zizmor's `unpinned-uses` default policy also lets `actions/*` and
    /// `github/*` be pinned by tag; prodlint's default matches it. zizmor
    /// reports a ref-less `uses:` of those owners too; so does prodlint
    /// (a missing ref is not a tag anyone maintains).
    ///
    /// ## Fix
    /// None: resolving a tag to a SHA needs the network.
    ///
    /// ## References
    /// - [GitHub: security hardening, using third-party actions](https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions)
    pub struct UnpinnedAction {
        code: "GH001",
        name: "unpinned-action",
        severity: Warning,
        tags: ["security"],
        security_severity: "6.0",
        fix: None,
        summary: "an action or reusable workflow is not pinned to a commit SHA",
        options: [RuleOption {
            name: "trusted-owners",
            kind: OptionKind::StringList,
            description: "owners whose actions may be pinned by tag",
        }],
    }
}

/// The owners whose tags are trusted when the configuration says nothing:
/// GitHub's own organisations, as in zizmor's default policy.
const DEFAULT_TRUSTED: &[&str] = &["actions", "github"];

pub(super) fn is_sha(r: &str) -> bool {
    r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit())
}

impl Rule for UnpinnedAction {
    impl_meta!();

    fn workflow(&self, cx: &WorkflowContext<'_>, out: &mut Findings) {
        let configured = cx.config.option_set(Self::META.code, "trusted-owners");
        let trusted = |owner: &str| match configured {
            Some(set) => set.iter().any(|t| t.eq_ignore_ascii_case(owner)),
            None => DEFAULT_TRUSTED
                .iter()
                .any(|t| t.eq_ignore_ascii_case(owner)),
        };
        for uses in all_uses(cx) {
            let Uses::Remote { owner, git_ref, .. } = parse_uses(&uses.text) else {
                continue;
            };
            if git_ref.is_some() && trusted(owner) {
                continue;
            }
            let message = match git_ref {
                Some(r) if is_sha(r) => continue,
                Some(r) if BRANCH_REFS.contains(&r) => continue,
                Some(r) => format!(
                    "`{}` is pinned to `{r}`, which can be moved to other code",
                    uses.text
                ),
                None => format!("`{}` names no ref at all", uses.text),
            };
            out.report(&Self::META, uses.span, message)
                .help("pin the full commit SHA and keep the tag in a comment");
        }
    }
}
