use super::*;

declare_rule! {
    /// ## What it checks
    /// An `image:` with no tag or the `latest` tag and no digest, on a
    /// service that does not also `build:` it (then `image:` names the
    /// result). Images given by a variable (`${IMAGE}`) are skipped.
    ///
    /// ## Why it matters in production
    /// `latest` is whatever was pushed last: two hosts, or two `up`s a day
    /// apart, run different code, a rollback has nothing to roll back to,
    /// and a breaking major version arrives unannounced.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4.1-alpine
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is a decision.
    ///
    /// ## References
    /// - [Docker: image tags and digests](https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier)
    pub struct ImageUnpinned {
        code: "DC004",
        name: "compose-image-unpinned",
        severity: Warning,
        fix: None,
        summary: "a service's image is `latest` or has no tag",
    }
}

/// `name`, `name:latest`, `registry:5000/name` have no pinned tag.
pub fn unpinned_tag(image: &str) -> Option<&'static str> {
    if image.contains('@') || image.contains('$') || image.is_empty() {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Some("no tag"),
        Some((_, "latest")) => Some("the `latest` tag"),
        Some(_) => None,
    }
}

impl Rule for ImageUnpinned {
    impl_meta!();

    fn compose(&self, cx: &ComposeContext<'_>, out: &mut Findings) {
        for (s, _, _) in cx.services() {
            if s.get("build").is_some() {
                continue;
            }
            let Some(image) = s.image() else { continue };
            if let Some(why) = unpinned_tag(&image.text) {
                out.report(
                    &Self::META,
                    image.span,
                    format!(
                        "`{}` has {why}: every pull may bring a different image",
                        image.text
                    ),
                )
                .help("pin a version tag, or a digest (`@sha256:…`)");
            }
        }
    }
}
