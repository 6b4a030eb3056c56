//! `$NAME` references replaced by values the project knows: a workflow's
//! `env:`, an image's `ENV`, the variables set beside a launch. One
//! reader for every place that needs it; a reference with no known value
//! stays as written, so that what is unknown still looks unknown.

/// `$NAME`, `${NAME}` (and `${NAME:-default}`, `${NAME:?message}`, whose
/// name is read up to the `:`), and `${{ env.NAME }}` replaced by what
/// `lookup` knows of `NAME`.
pub fn expand<'v>(text: &str, lookup: impl Fn(&str) -> Option<&'v str>) -> String {
    if !text.contains('$') {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, used) = if let Some(inner) = after.strip_prefix("{{") {
            match inner.find("}}") {
                Some(end) => (
                    inner[..end].trim().strip_prefix("env.").map(str::trim),
                    end + 4,
                ),
                None => (None, after.len()),
            }
        } else if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => {
                    let body = &inner[..end];
                    (Some(body.split(':').next().unwrap_or(body)), end + 2)
                }
                None => (None, after.len()),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (Some(&after[..end]), end)
        };
        let used = used.min(after.len());
        match name.filter(|n| !n.is_empty()).and_then(&lookup) {
            Some(v) => out.push_str(v),
            None => {
                out.push('$');
                out.push_str(&after[..used]);
            }
        }
        rest = &after[used..];
    }
    out.push_str(rest);
    out
}

/// The names of the references in `text`, in order (`${TAG}`, `$TAG`,
/// `${TAG:-latest}` all name `TAG`).
pub fn names(text: &str) -> Vec<String> {
    let found = std::cell::RefCell::new(Vec::new());
    expand(text, |n| -> Option<&str> {
        found.borrow_mut().push(n.to_string());
        None
    });
    found.into_inner()
}

#[cfg(test)]
mod tests {
    use super::{expand, names};

    #[test]
    fn references_are_named() {
        assert_eq!(names("app:${TAG:-latest}-$FLAVOUR"), ["TAG", "FLAVOUR"]);
        assert!(names("python:3.12").is_empty());
    }

    #[test]
    fn references_take_known_values() {
        let look = |n: &str| (n == "PORT").then_some("8080");
        assert_eq!(expand("0.0.0.0:$PORT", look), "0.0.0.0:8080");
        assert_eq!(expand("0.0.0.0:${PORT:-8000}", look), "0.0.0.0:8080");
        assert_eq!(expand("${{ env.PORT }}/x", look), "8080/x");
        assert_eq!(expand("$OTHER and ${OTHER}", look), "$OTHER and ${OTHER}");
        assert_eq!(expand("cost: 5$", look), "cost: 5$");
    }
}
