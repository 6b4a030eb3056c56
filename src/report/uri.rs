//! Paths inside URIs (SARIF artifact locations, Markdown links): every
//! byte outside RFC 3986's unreserved characters and `/` is
//! percent-encoded, so that `#`, `?`, `%`, spaces, line breaks and
//! non-ASCII names in a scanned repository stay part of the path.

/// `path` (with `/` separators) as the path part of a URI.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_non_ascii_bytes_are_encoded() {
        assert_eq!(encode_path("a b/c#d?e%f"), "a%20b/c%23d%3Fe%25f");
        assert_eq!(encode_path("x\r\ny/é"), "x%0D%0Ay/%C3%A9");
        assert_eq!(encode_path("deploy/k8s.yaml"), "deploy/k8s.yaml");
    }
}
