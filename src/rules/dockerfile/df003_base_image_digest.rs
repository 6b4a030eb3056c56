use super::*;

declare_rule! {
    /// ## What it checks
    /// A `FROM` of the final image has no `@sha256:` digest. Off by default:
    /// enable it with `extend-select = ["DF003"]` when you keep digests up
    /// to date with a bot (Dependabot, Renovate). An image written with no
    /// tag or the `latest` tag is DF002's to report (pinning it starts with
    /// a version tag), and a `Dockerfile.latest` tracks `latest` on
    /// purpose; a tag an `ARG` gives is still reported here.
    ///
    /// ## Why it matters in production
    /// Tags are mutable: `python:3.12-slim` is rebuilt every few weeks and a
    /// registry compromise can repoint it. A digest names exactly one image,
    /// so the build is reproducible and tamper-evident.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:<digest>
    /// ```
    ///
    /// ## Fix
    /// None: resolving a digest needs the registry.
    ///
    /// ## References
    /// - [Docker: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    pub struct BaseImageNotDigestPinned {
        code: "DF003",
        name: "base-image-not-digest-pinned",
        severity: Info,
        enabled: false,
        fix: None,
        summary: "a base image is not pinned by digest",
    }
}

impl Rule for BaseImageNotDigestPinned {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let tracks_latest = super::df002_base_image_unpinned::names_latest(&cx.file.path);
        for stage in pinnable_final_stages(cx.dockerfile) {
            let image = &stage.image;
            // No tag or `latest`, written as is: DF002 says so, once; in a
            // file named for `latest` (`Dockerfile.latest`), tracking it is
            // the file's purpose. (A tag from an `ARG` is still reported.)
            let left = matches!(image.tag.as_deref(), None | Some("latest"))
                && (stage.args.is_empty() || tracks_latest);
            if image.digest.is_some() || left {
                continue;
            }
            out.report(
                &Self::META,
                image.span,
                format!("`{}` is not pinned by digest", image.text),
            )
            .help("append `@sha256:…` and let a bot keep it current");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::dockerfile::check_text;

    #[test]
    fn untagged_and_latest_images_are_left_to_df002() {
        let count = |t: &str| check_text(&BaseImageNotDigestPinned, t).len();
        assert_eq!(count("FROM python:3.12-slim\n"), 1);
        assert_eq!(count("FROM python:3.12-slim@sha256:0123\n"), 0);
        assert_eq!(count("FROM alpine\n"), 0);
        assert_eq!(count("FROM alpine:latest\n"), 0);
        // A tag from an argument: DF002 may leave it to the builds.
        assert_eq!(count("ARG TAG=latest\nFROM alpine:${TAG}\n"), 1);
    }
}
