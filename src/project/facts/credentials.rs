//! Package-manager credential files (`.npmrc`, `.pypirc`, `.netrc`): a
//! Dockerfile that copies one ships what it holds. Many hold no secret at
//! all: a registry URL, or a token read from the environment when the
//! tool runs (`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`). What
//! matters is whether a line holds a literal credential; this reads the
//! file for that and nothing else.

use crate::source::Span;

/// Names of the files read for credential lines.
pub const FILES: &[&str] = &[".npmrc", ".pypirc", ".netrc", "_netrc"];

/// Is this file name one of [`FILES`]?
pub fn is_credential_file(name: &str) -> bool {
    FILES.contains(&name)
}

/// A value that is not a credential: empty, or a reference the tool or a
/// template fills in (`${NPM_TOKEN}`, `$TOKEN`, `%(token)s`, `<token>`).
fn placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    v.is_empty()
        || v.starts_with('$')
        || v.contains("${")
        || v.starts_with("%(")
        || (v.starts_with('<') && v.ends_with('>'))
}

/// The first line of the file `name` that holds a literal credential
/// (`None`: it holds none).
pub fn literal_line(name: &str, text: &str) -> Option<Span> {
    let mut offset = 0;
    let mut found = None;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let holds = match name {
            // `key=value`; the auth keys may be scoped to a registry
            // (`//host/:_authToken=…`).
            ".npmrc" => trimmed.split_once('=').is_some_and(|(k, v)| {
                let k = k.trim();
                let key = k.rsplit(':').next().unwrap_or(k);
                matches!(key, "_authToken" | "_auth" | "_password" | "password") && !placeholder(v)
            }),
            // INI: `password = …` or `password: …` in a server section.
            ".pypirc" => trimmed
                .split_once(['=', ':'])
                .is_some_and(|(k, v)| k.trim() == "password" && !placeholder(v)),
            // Whitespace-separated tokens: `… password <value> …`.
            _ => {
                let words: Vec<&str> = trimmed.split_whitespace().collect();
                words
                    .windows(2)
                    .any(|w| w[0] == "password" && !placeholder(w[1]))
            }
        };
        if holds {
            let lead = line.len() - line.trim_start().len();
            found = Some(Span::new(start + lead, start + lead + trimmed.len()));
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::literal_line;

    #[test]
    fn credential_lines_are_told_from_references() {
        assert!(
            literal_line(".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n").is_none()
        );
        assert!(
            literal_line(
                ".npmrc",
                "registry=https://npm.acme.dev/\nsave-exact=true\n"
            )
            .is_none()
        );
        assert_eq!(
            literal_line(
                ".npmrc",
                "registry=https://r/\n//r/:_authToken=npm_abcdef0123456789\n"
            )
            .map(|s| s.start),
            Some(20)
        );
        assert!(literal_line(".pypirc", "[pypi]\nusername = __token__\n").is_none());
        assert!(
            literal_line(
                ".pypirc",
                "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n"
            )
            .is_some()
        );
        assert!(
            literal_line(".netrc", "machine github.com login x password $GH_TOKEN\n").is_none()
        );
        assert!(
            literal_line(
                ".netrc",
                "machine github.com\n  login bot\n  password hunter2\n"
            )
            .is_some()
        );
    }
}
