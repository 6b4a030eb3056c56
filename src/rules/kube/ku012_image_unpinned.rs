use super::*;
use crate::rules::compose::unpinned_tag;

declare_rule! {
    /// ## What it checks
    /// A container image with no tag or the `latest` tag and no digest.
    /// Images a kustomization's `images:` or a skaffold config's
    /// `build.artifacts` in the repository rewrite at deploy time are not
    /// reported: the manifest's reference is a placeholder.
    ///
    /// ## Why it matters in production
    /// Nodes pull the image when a pod lands on them: with `latest`, pods
    /// of one Deployment run different code depending on when their node
    /// pulled, a rollback restores nothing, and `imagePullPolicy` defaults
    /// to `Always`, so a registry outage stops pods from starting.
    ///
    /// ## Example
    /// ```yaml
    /// image: ghcr.io/acme/api:latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// image: ghcr.io/acme/api:1.4.2@sha256:…
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Differences from kube-linter and Polaris
    /// kube-linter's `latest-tag` and Polaris' `tagNotSpecified` report the
    /// reference as written; prodlint stays silent where the repository's
    /// kustomization or skaffold config replaces it at deploy time.
    ///
    /// ## References
    /// - [Kubernetes: images, updating images](https://kubernetes.io/docs/concepts/containers/images/#updating-images)
    pub struct ImageUnpinned {
        code: "KU012",
        name: "container-image-unpinned",
        severity: Warning,
        fix: None,
        summary: "a container image is `latest` or has no tag",
    }
}

impl Rule for ImageUnpinned {
    impl_meta!();

    fn kube(&self, cx: &KubeContext<'_>, out: &mut Findings) {
        for (w, c) in cx.every_container() {
            let Some(image) = c.get("image") else {
                continue;
            };
            let Some(text) = image.as_str() else { continue };
            // Kustomize or skaffold sets the real reference at deploy time.
            if cx.rewrites_image(text) {
                continue;
            }
            if let Some(why) = unpinned_tag(text) {
                out.report(
                    &Self::META,
                    image.span,
                    format!("the image of {} has {why}", describe(w, &c)),
                )
                .help("pin a version tag, or a digest (`@sha256:…`)");
            }
        }
    }
}
