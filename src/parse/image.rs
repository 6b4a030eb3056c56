//! Image references, one type for Dockerfiles, compose files, manifests
//! and workflows: `python:3.12-slim`, `ghcr.io/org/app:1.2@sha256:…`,
//! `localhost:5000/app`. Also how two references name the same image
//! (the project links a manifest that runs `myapp:latest` to the workflow
//! that builds `myapp` and the Dockerfile it builds from).

use crate::source::Span;

/// An image reference as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// As written after substitution: `python:3.12-slim@sha256:...`.
    pub text: String,
    /// Registry and repository: `python`, `ghcr.io/org/app`.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// A variable without a value stays in the reference: nothing is known.
    pub unresolved: bool,
    pub span: Span,
}

impl ImageRef {
    pub fn parse(text: &str, span: Span, unresolved: bool) -> ImageRef {
        let (rest, digest) = match text.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (text, None),
        };
        // A colon after the last slash separates the tag; one before it is a registry port.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (
                rest[..last_slash + i].to_string(),
                Some(rest[last_slash + i + 1..].to_string()),
            ),
            None => (rest.to_string(), None),
        };
        ImageRef {
            text: text.to_string(),
            name,
            tag,
            digest,
            unresolved,
            span,
        }
    }

    /// The repository without registry and `library/`: `python` for
    /// `docker.io/library/python`.
    pub fn short_name(&self) -> &str {
        let n = self.name.strip_prefix("docker.io/").unwrap_or(&self.name);
        n.strip_prefix("library/").unwrap_or(n)
    }

    pub fn is_scratch(&self) -> bool {
        self.name.eq_ignore_ascii_case("scratch")
    }

    /// The repository as the registry knows it: `docker.io/library/` and
    /// `docker.io/` dropped, lower case (`Python` and
    /// `docker.io/library/python` are one image).
    pub fn repository(&self) -> String {
        self.short_name().to_ascii_lowercase()
    }

    /// The tag, `latest` when none is written.
    pub fn tag_or_latest(&self) -> &str {
        self.tag.as_deref().unwrap_or("latest")
    }

    /// Whether `self` and `other` name the same image: same repository,
    /// and the same tag when both say one (a reference without a tag
    /// matches any tag of its repository: `docker build -t app` builds
    /// what `app:latest` runs, and a workflow that tags `app:${{ sha }}`
    /// builds what a manifest runs as `app:1.4`). Unresolved references
    /// match nothing.
    pub fn same_image(&self, other: &ImageRef) -> bool {
        if self.unresolved || other.unresolved || self.name.is_empty() {
            return false;
        }
        if self.repository() != other.repository() {
            return false;
        }
        match (&self.tag, &other.tag) {
            // A tag only known at run time (`${{ github.sha }}`) may be any.
            (Some(a), Some(b)) => a == b || a.contains('$') || b.contains('$'),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(text: &str) -> ImageRef {
        ImageRef::parse(text, Span::default(), false)
    }

    #[test]
    fn same_images() {
        assert!(image("myapp:latest").same_image(&image("myapp")));
        assert!(image("docker.io/library/python:3.12").same_image(&image("python:3.12")));
        assert!(image("ghcr.io/org/app:1.4").same_image(&image("ghcr.io/org/app")));
        assert!(!image("ghcr.io/org/app:1.4").same_image(&image("ghcr.io/org/app:1.5")));
        assert!(!image("ghcr.io/org/app").same_image(&image("ghcr.io/org/api")));
        assert!(!image("localhost:5000/app").same_image(&image("app")));
        assert!(!ImageRef::parse("${IMAGE}", Span::default(), true).same_image(&image("app")));
    }
}
