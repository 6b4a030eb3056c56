use super::*;

declare_rule! {
    /// ## What it checks
    /// A `FROM` of the final image has no `@sha256:` digest. Off by default:
    /// enable it with `extend-select = ["DF003"]` when you keep digests up
    /// to date with a bot (Dependabot, Renovate).
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
        for image in pinnable_final_images(cx.dockerfile) {
            if image.digest.is_some() {
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
