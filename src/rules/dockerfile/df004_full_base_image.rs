use super::*;
use crate::paths::FastPath;
use crate::registry::{OptionKind, RuleOption};

declare_rule! {
    /// ## What it checks
    /// The final stage is built on a full distribution image where a slim
    /// variant exists: `python:3.12`, `python:3.12-bookworm`, `node:20`,
    /// `ruby:3.3`. Debian's own `debian:bookworm` is not reported: it has no
    /// compilers, and `-slim` only drops documentation and locales. Nor is
    /// the full flavor of a family whose slim flavor sits beside it, built
    /// on the slim tag (`python3.12.dockerfile` beside
    /// `python3.12-slim.dockerfile`, `Dockerfile` beside
    /// `Dockerfile.slim`): the repository publishes both, the full one for
    /// users who need its compilers.
    ///
    /// ## Why it matters in production
    /// `python:3.12` is about 1 GB with compilers, headers and tools the app
    /// never uses at run time; `python:3.12-slim` is about 150 MB. The full
    /// image is slower to pull on every deploy and scale-out, and every
    /// extra package is attack surface that scanners will report.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    /// Build wheels in a full builder stage if you need compilers, and copy
    /// only the result into the slim final stage.
    ///
    /// ## Options
    /// - `allowed-images`: image references (`name:tag`) to accept.
    ///
    /// ## Fix
    /// None: a slim image may lack a system library the app needs.
    ///
    /// ## References
    /// - [Docker Official Image `python`: image variants](https://hub.docker.com/_/python)
    pub struct FullBaseImage {
        code: "DF004",
        name: "full-base-image",
        severity: Warning,
        fix: None,
        summary: "the final stage uses a full distribution image where a slim one exists",
        options: [RuleOption {
            name: "allowed-images",
            kind: OptionKind::StringList,
            description: "image references (`name:tag`) to accept",
        }],
    }
}

/// Language images whose full variant is built on `buildpack-deps`
/// (compilers, headers). Debian's own full image carries none: `-slim`
/// saves its documentation and locales only, tens of megabytes.
const WITH_SLIM: &[&str] = &["python", "node", "ruby", "perl", "pypy"];
const DEBIAN_RELEASES: &[&str] = &["bookworm", "bullseye", "buster", "trixie", "stretch"];

/// The slim tag for a full one, or `None` when the tag is already small.
fn slim_tag(image: &str, tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    if ["slim", "alpine", "windows", "nanoserver", "distroless"]
        .iter()
        .any(|s| lower.contains(s))
    {
        return None;
    }
    if image == "debian" {
        return Some(if tag == "latest" {
            "stable-slim".to_string()
        } else {
            format!("{tag}-slim")
        });
    }
    if tag == "latest" {
        return Some("slim".to_string());
    }
    let (version, release) = match tag.rsplit_once('-') {
        Some((v, r)) if DEBIAN_RELEASES.contains(&r) => (v, Some(r)),
        _ => (tag, None),
    };
    if !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some(match release {
        Some(r) => format!("{version}-slim-{r}"),
        None => format!("{version}-slim"),
    })
}

/// A Dockerfile beside this one, named as its slim flavor
/// (`python3.12.dockerfile` and `python3.12-slim.dockerfile`,
/// `Dockerfile` and `Dockerfile.slim`), is built on `name:slim`: the
/// repository publishes both flavors of a family of images, the full one
/// for users who need its compilers.
fn slim_flavor_beside(cx: &DockerContext<'_>, name: &str, slim: &str) -> bool {
    let path = &cx.file.path;
    let Some(file) = path.fast_file_name().and_then(|f| f.to_str()) else {
        return false;
    };
    let mut siblings = vec![format!("{file}-slim"), format!("{file}.slim")];
    if let Some((stem, ext)) = file.rsplit_once('.') {
        siblings.push(format!("{stem}-slim.{ext}"));
    }
    siblings.iter().any(|sibling| {
        cx.project
            .dockerfile(&path.with_file_name(sibling))
            .is_some_and(|b| {
                b.dockerfile.final_chain().first().is_some_and(|st| {
                    st.image.short_name() == name && st.image.tag.as_deref() == Some(slim)
                })
            })
    })
}

impl Rule for FullBaseImage {
    impl_meta!();

    fn dockerfile(&self, cx: &DockerContext<'_>, out: &mut Findings) {
        let Some(root) = cx.dockerfile.final_chain().first().copied() else {
            return;
        };
        let image = &root.image;
        if image.unresolved || root.parent.is_some() {
            return;
        }
        let name = image.short_name();
        if !WITH_SLIM.contains(&name) {
            return;
        }
        let allowed = cx.config.option(Self::META.code, "allowed-images");
        if allowed.iter().any(|a| *a == image.text || *a == name) {
            return;
        }
        let tag = image.tag.as_deref().unwrap_or("latest");
        if let Some(slim) = slim_tag(name, tag) {
            if slim_flavor_beside(cx, name, &slim) {
                return;
            }
            out.report(
                &Self::META,
                image.span,
                format!("the final image is built on the full `{name}:{tag}` image"),
            )
            .help(format!(
                "use `{name}:{slim}`; compile in a builder stage if you need build tools"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::slim_tag;

    #[test]
    fn slim_variants() {
        assert_eq!(slim_tag("python", "3.12").as_deref(), Some("3.12-slim"));
        assert_eq!(
            slim_tag("python", "3.12-bookworm").as_deref(),
            Some("3.12-slim-bookworm")
        );
        assert_eq!(slim_tag("python", "3.12-slim"), None);
        assert_eq!(slim_tag("python", "3.12-alpine3.20"), None);
        assert_eq!(
            slim_tag("debian", "bookworm").as_deref(),
            Some("bookworm-slim")
        );
        assert_eq!(slim_tag("python", "3.12-rc-windowsservercore"), None);
    }
}
