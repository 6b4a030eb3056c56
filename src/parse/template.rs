//! Template syntax (`{{ … }}`, `{% … %}`: Helm, Jinja, cookiecutter) that
//! makes a file something other than what it will be once rendered. Only
//! syntax outside quoted strings counts, and, in YAML, outside block
//! scalars: a chat template in a ConfigMap's `|` block or a
//! `--format '{{.State}}'` argument leaves the file what it is. GitHub's
//! `${{ … }}` expressions are not templates.

/// Where the first template directive of `text` starts, if any.
pub fn first_directive(text: &str, yaml: bool) -> Option<usize> {
    if !text.contains("{{") && !text.contains("{%") {
        return None;
    }
    let mut offset = 0;
    // The indentation a block scalar's lines must exceed, while in one.
    let mut block_parent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        if let Some(parent) = block_parent {
            if trimmed.is_empty() || indent > parent {
                continue;
            }
            block_parent = None;
        }
        // A comment is not template syntax (`# {{ x }}` in a Dockerfile).
        if trimmed.starts_with('#') {
            continue;
        }
        if let Some(at) = directive_in_line(body) {
            return Some(start + at);
        }
        if yaml && opens_block_scalar(trimmed) {
            // A list item's scalar belongs to the item's key, further in.
            let key = trimmed.trim_start_matches(['-', ' ']);
            block_parent = Some(indent + (trimmed.len() - key.len()));
        }
    }
    None
}

/// `key: |`, `- >-`, `key: |2+`: the line opens a block scalar.
fn opens_block_scalar(trimmed: &str) -> bool {
    let t = trimmed.split(" #").next().unwrap_or(trimmed).trim_end();
    let Some(last) = t.rsplit([' ', ':']).next() else {
        return false;
    };
    let mut chars = last.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
        && (t.ends_with(&format!(": {last}")) || t == last || t.ends_with(&format!("- {last}")))
}

/// The offset of a directive outside quotes on one line.
fn directive_in_line(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(b'"') if b == b'\\' => i += 1,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            // A comment after the content ends what can be a directive.
            None if b == b'#' && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') => {
                return None;
            }
            None if b == b'{'
                && matches!(bytes.get(i + 1), Some(b'{' | b'%'))
                && (i == 0 || bytes[i - 1] != b'$') =>
            {
                return Some(i);
            }
            None => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_outside_quotes_and_block_scalars() {
        assert_eq!(first_directive("FROM python:{{ v }}\n", false), Some(12));
        assert_eq!(first_directive("{% if x %}\nFROM a\n", false), Some(0));
        let quoted = "HEALTHCHECK CMD docker inspect --format '{{.State}}' x\n";
        assert_eq!(first_directive(quoted, false), None);
        let block = "data:\n  prompt: |\n    {{ user }} says\n  other: x\n";
        assert_eq!(first_directive(block, true), None);
        let after = "data:\n  prompt: |\n    {{ user }}\nkind: {{ .Values.kind }}\n";
        assert_eq!(first_directive(after, true), Some(39));
        assert_eq!(first_directive("run: echo ${{ github.sha }}\n", true), None);
        assert_eq!(
            first_directive("image: {{ .Values.image }}\n", true),
            Some(7)
        );
        assert_eq!(
            first_directive("# {{ x }}\nFROM a # {{ y }}\n", false),
            None
        );
        let item = "args:\n    - run: |\n        {{ ok }}\n      image: {{ .Values.i }}\n";
        assert_eq!(first_directive(item, true), Some(49));
    }
}
