//! The container images a workflow runs that no digest pins, with the
//! part each plays in its job: GH003 and GH026 split them by what a
//! republished tag can change.

use super::helpers::{Uses, all_uses, parse_uses, runs_tests, ships};
use crate::parse::image::ImageRef;
use crate::rules::WorkflowContext;
use crate::source::Span;

/// What the image does in the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A `docker://` step: its code runs with the job's token.
    Step,
    /// The `container:` every step of a job runs in, where the job runs
    /// no tests or ships something (deploys, pushes, publishes, or runs
    /// only for releases).
    JobContainer,
    /// A `services:` image of a job that ships something: what the job
    /// builds or publishes may depend on it.
    ShippingService,
    /// A `services:` image, or the `container:` of a job that runs tests,
    /// in a job that ships nothing: it decides only what the tests run
    /// against.
    TestImage,
}

/// An image without a digest. `tag` is `None` for no tag or `latest`;
/// any other tag counts as a version (`16`, `3.12-slim`, `alpine`).
#[derive(Debug, Clone)]
pub struct UnpinnedImage {
    pub text: String,
    pub span: Span,
    pub role: Role,
    pub tag: Option<String>,
}

/// Every image the workflow runs without a digest; images computed by an
/// expression are unknown and left out.
pub fn unpinned_images(cx: &WorkflowContext<'_>) -> Vec<UnpinnedImage> {
    let mut images: Vec<(String, Span, Role)> = Vec::new();
    for uses in all_uses(cx) {
        if let Uses::Docker(image) = parse_uses(&uses.text) {
            images.push((image.to_string(), uses.span, Role::Step));
        }
    }
    if let Some(w) = cx.workflow {
        for job in w.jobs.iter().filter(|j| j.containers().next().is_some()) {
            let shipping = ships(w, job);
            let container = if !shipping && runs_tests(job) {
                Role::TestImage
            } else {
                Role::JobContainer
            };
            let service = if shipping {
                Role::ShippingService
            } else {
                Role::TestImage
            };
            let roles = job
                .container
                .iter()
                .map(|c| (c, container))
                .chain(job.services.iter().map(|(_, c)| (c, service)));
            images.extend(
                roles.filter_map(|(c, role)| {
                    c.image.as_ref().map(|i| (i.text.clone(), i.span, role))
                }),
            );
        }
    }
    images
        .into_iter()
        .filter(|(text, _, _)| !text.is_empty() && !text.contains("${{"))
        .filter_map(|(text, span, role)| {
            let image = ImageRef::parse(&text, span, false);
            if image.digest.is_some() {
                return None;
            }
            let tag = image.tag.filter(|t| t != "latest");
            Some(UnpinnedImage {
                text,
                span,
                role,
                tag,
            })
        })
        .collect()
}
