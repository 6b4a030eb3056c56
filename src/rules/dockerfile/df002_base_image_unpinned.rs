use super::*;
use crate::paths::FastPath;

declare_rule! {
    /// ## What it checks
    /// A `FROM` of the final image names a base image without a tag or with
    /// `latest`, after `ARG` substitution. `scratch`, earlier stages and
    /// images whose reference comes from an `ARG` without a default are
    /// left alone, and so is a reference made of `ARG`s that every build of
    /// the Dockerfile in the repository passes (`--build-arg`,
    /// `docker/build-push-action`'s `build-args:`, compose `build.args`):
    /// their defaults reach only builds by hand. A Dockerfile named for
    /// tracking the newest release (`Dockerfile.latest`,
    /// `latest.Dockerfile`, `Dockerfile-latest`) is not reported: `latest`
    /// is what its name promises.
    ///
    /// ## Why it matters in production
    /// `latest` moves. The same commit builds a different image next week:
    /// a new Python minor, a new Debian release, a rebuild that breaks on
    /// the day of an incident. Rollbacks no longer give back what ran.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim-bookworm
    /// ```
    ///
    /// ## Fix
    /// None: prodlint cannot know which version you test against.
    ///
    /// ## References
    /// - [Docker: image tags](https://docs.docker.com/reference/cli/docker/image/tag/)
    pub struct BaseImageUnpinned {
        code: "DF002",
        name: "base-image-unpinned",
        severity: Warning,
        fix: None,
        summary: "a base image has no tag or uses `latest`",
    }
}

impl Rule for BaseImageUnpinned {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        // `Dockerfile.latest`, `latest.Dockerfile`: the variant named for
        // tracking the newest release, beside the pinned one.
        if names_latest(&cx.file.path) {
            return;
        }
        let passed = std::sync::OnceLock::new();
        for stage in pinnable_final_stages(cx.dockerfile) {
            let image = &stage.image;
            if image.digest.is_some() {
                continue;
            }
            // `FROM app:${TAG}` with `ARG TAG=latest`: where every build
            // in the repository passes `TAG`, the default is never used.
            if !stage.args.is_empty() {
                let passed =
                    passed.get_or_init(|| cx.project.args_every_build_passes(&cx.file.path));
                if stage.args.iter().all(|n| passed.iter().any(|p| p == n)) {
                    continue;
                }
            }
            match image.tag.as_deref() {
                None => {
                    out.report(
                        &Self::META,
                        image.span,
                        format!(
                            "`{}` has no tag: it means `latest`, which moves",
                            image.text
                        ),
                    )
                    .help("pin a version tag such as `python:3.12-slim`");
                }
                Some("latest") => {
                    out.report(
                        &Self::META,
                        image.span,
                        format!("`{}` uses the moving `latest` tag", image.text),
                    )
                    .help("pin a version tag such as `python:3.12-slim`");
                }
                Some(_) => {}
            }
        }
    }
}

/// The file's name has a `latest` part (`Dockerfile.latest`,
/// `latest.Dockerfile`, `Dockerfile-latest`).
pub(super) fn names_latest(path: &std::path::Path) -> bool {
    path.fast_file_name()
        .and_then(|f| f.to_str())
        .is_some_and(|f| {
            f.split(['.', '-', '_'])
                .any(|part| part.eq_ignore_ascii_case("latest"))
        })
}
