use super::*;
use crate::parse::image::ImageRef;
use crate::paths::FastPath;
use crate::project::facts::images::Build;
use std::collections::BTreeSet;
use std::path::PathBuf;

declare_rule! {
    /// ## What it checks
    /// The images the repository deploys (a Kubernetes container's
    /// `image:`, a compose service's `image:` that it does not build
    /// itself) against the images its workflows build and push
    /// (`docker/build-push-action` with `push:`, `docker build` followed
    /// by `docker push`, `docker buildx build --push`; the pushes of build
    /// scripts inside a repository whose workflows push count too):
    ///
    /// - an image of the same registry and owner as a pushed one
    ///   (`ghcr.io/acme/…`) whose name no workflow pushes
    ///   (`ghcr.io/acme/api-server` deployed, `ghcr.io/acme/api` pushed);
    /// - an image the workflows push only as `latest` while the deploy
    ///   pins another tag, or push only with pinned tags while the deploy
    ///   pulls `latest`.
    ///
    /// Different pinned tags (a commit SHA pushed, a version deployed, a
    /// tag set by `kubectl set image` at deploy time) are not a mismatch.
    /// Images of other owners (`postgres`, `redis`, a vendor's) are not
    /// judged. Silent when the repository has no workflow that pushes an
    /// image, or when a pushed name or tag is only known at run time
    /// (`${{ steps.meta.outputs.tags }}`).
    ///
    /// ## Why it matters in production
    /// What CI builds never reaches the deploy: the cluster keeps running
    /// an old image (or fails to pull one that does not exist), and every
    /// fix merged since is silently not in production.
    ///
    /// ## Example
    /// The workflow pushes `ghcr.io/acme/api:${{ github.sha }}`; the
    /// Deployment runs `ghcr.io/acme/api-server:1.4.0`.
    ///
    /// ## Use instead
    /// Deploy the name the workflow pushes, with a tag it pushes (and
    /// update it from the pipeline: `kubectl set image`, a kustomize
    /// `images:` edit, Argo CD Image Updater).
    ///
    /// ## Fix
    /// None.
    ///
    /// ## References
    /// - [docker/build-push-action](https://github.com/docker/build-push-action)
    /// - [Kubernetes: updating a Deployment's image](https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#updating-a-deployment)
    pub struct DeployedImageNotBuilt {
        code: "XR006",
        name: "deployed-image-not-built",
        severity: Warning,
        fix: None,
        summary: "the image a manifest or compose file deploys is not one the workflows push",
    }
}

/// `ghcr.io/acme` of `ghcr.io/acme/api`: the registry and owner, empty
/// for a Docker Hub library image.
fn owner(image: &ImageRef) -> String {
    let repo = image.repository();
    match repo.rsplit_once('/') {
        Some((head, _)) => head.to_string(),
        None => String::new(),
    }
}

fn tag_is_literal(tag: &str) -> bool {
    !tag.contains('$') && !tag.contains("{{")
}

impl Rule for DeployedImageNotBuilt {
    impl_meta!();

    fn project(&self, cx: &ProjectContext<'_>, out: &mut ProjectFindings) {
        // Pushed builds by repository root.
        let mut pushed: std::collections::BTreeMap<PathBuf, Vec<&Build>> = Default::default();
        // Workflows decide which repositories are judged (a compose build
        // is never `pushed`); a build script's pushes count in the
        // repositories it is part of.
        let from_workflow = |b: &Build| {
            b.at.file
                .fast_parent()
                .is_some_and(|d| d.ends_with(".github/workflows"))
        };
        for b in cx.project.builds().filter(|b| b.pushed && from_workflow(b)) {
            pushed
                .entry(crate::project::facts::images::workflow_root(&b.at.file))
                .or_default()
                .push(b);
        }
        if pushed.is_empty() {
            return;
        }
        for b in cx
            .project
            .builds()
            // A script's push of a name only known at run time tells
            // nothing (and must not make every pushed name unknown).
            .filter(|b| {
                b.pushed && !from_workflow(b) && b.image.as_ref().is_some_and(|i| !i.unresolved)
            })
        {
            // The repositories holding the script are its folders that
            // are roots (looked up, not every root tried).
            let file = crate::project::key(&b.at.file);
            for folder in file.ancestors().skip(1) {
                if let Some(builds) = pushed.get_mut(folder) {
                    builds.push(b);
                }
            }
        }
        // Each run's file as a project key, once, in the keys' byte order:
        // the runs under a root are then one stretch of the list.
        let mut runs: Vec<(PathBuf, &Run)> = cx
            .project
            .runs()
            .map(|r| (crate::project::key(&r.at.file), r))
            .collect();
        runs.sort_by(|a, b| crate::paths::path_bytes(&a.0).cmp(crate::paths::path_bytes(&b.0)));
        let mut seen = BTreeSet::new();
        for (root, builds) in &pushed {
            // A pushed name known only at run time: what is pushed is unknown.
            if builds
                .iter()
                .any(|b| b.image.as_ref().is_none_or(|i| i.unresolved))
            {
                continue;
            }
            let images: Vec<&ImageRef> = builds.iter().filter_map(|b| b.image.as_ref()).collect();
            let owners: BTreeSet<String> = images
                .iter()
                .map(|i| owner(i))
                .filter(|o| !o.is_empty())
                .collect();
            let mut by_repo: crate::hashing::FastMap<String, Vec<&Build>> = Default::default();
            for b in builds {
                if let Some(i) = &b.image {
                    by_repo.entry(i.repository()).or_default().push(b);
                }
            }
            for (_, run) in
                crate::paths::within_folder(&runs, root, |(f, _)| crate::paths::path_bytes(f))
            {
                let run = *run;
                if run.image.unresolved || run.builds_itself {
                    continue;
                }
                let repo = run.image.repository();
                let same: &[&Build] = by_repo.get(&repo).map_or(&[], Vec::as_slice);
                let at = Loc {
                    file: run.at.file.clone(),
                    span: run.image.span,
                };
                if same.is_empty() {
                    if !owners.contains(&owner(&run.image)) || !seen.insert(at.clone()) {
                        continue;
                    }
                    let names: BTreeSet<&String> = by_repo.keys().take(8).collect();
                    let names: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
                    let mut b = out
                        .report(
                            &Self::META,
                            &at,
                            format!(
                                "{} deploys `{repo}`, which no workflow of the repository pushes (they push {}): what CI builds never reaches this deploy",
                                run_name(run),
                                names.join(", ")
                            ),
                        )
                        .help("deploy the image the workflow pushes, or push this name");
                    for build in builds.iter().take(3) {
                        b = cx.related(b, &build.at, "pushed here");
                    }
                    continue;
                }
                // Tags: only `latest` against a pinned tag, or the reverse.
                let tags: Vec<String> = same
                    .iter()
                    .filter_map(|b| b.image.as_ref())
                    .map(|i| i.tag_or_latest().to_string())
                    .collect();
                let only_latest = tags.iter().all(|t| t == "latest");
                let has_latest = tags.iter().any(|t| t == "latest");
                let deployed = run.image.tag_or_latest();
                if run.image.digest.is_some() || !tag_is_literal(deployed) {
                    continue;
                }
                let message = if only_latest && deployed != "latest" {
                    format!(
                        "{} deploys `{repo}:{deployed}`, but the workflows push only `latest`: this tag is never updated by CI",
                        run_name(run)
                    )
                } else if !has_latest && deployed == "latest" {
                    format!(
                        "{} deploys `{repo}:latest`, but the workflows never push `latest` (only pinned tags): what CI builds never reaches this deploy",
                        run_name(run)
                    )
                } else {
                    continue;
                };
                if !seen.insert(at.clone()) {
                    continue;
                }
                let mut b = out
                    .report(&Self::META, &at, message)
                    .help("deploy a tag the workflow pushes, and move it from the pipeline");
                for build in same.iter().take(3) {
                    b = cx.related(b, &build.at, "pushed here");
                }
            }
        }
    }
}
