//! GitHub Actions expressions: every `${{ … }}` in a piece of YAML source,
//! with its span and the context paths it reads.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    /// From `${{` to `}}` inclusive.
    pub span: Span,
    /// The text between the braces, trimmed.
    pub inner: String,
    /// Context paths read, lower-cased: `github.event.issue.title`,
    /// `inputs.name`, `steps.build.outputs.tag`. Index access with a
    /// string (`github.event['issue']`) is folded into the path.
    pub contexts: Vec<String>,
}

const CONTEXTS: &[&str] = &[
    "github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix",
    "needs", "inputs",
];

/// Expressions in `source[span]`, with spans into `source`.
pub fn find(source: &str, span: Span) -> Vec<Expression> {
    let text = source.get(span.start..span.end).unwrap_or("");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("${{") {
        let start = from + open;
        let body_start = start + 3;
        let Some(close) = closing(&text[body_start..]) else {
            break;
        };
        let body_end = body_start + close;
        let inner = text[body_start..body_end].trim().to_string();
        out.push(Expression {
            span: Span::new(span.start + start, span.start + body_end + 2),
            contexts: contexts(&inner),
            inner,
        });
        from = body_end + 2;
    }
    out
}

/// Offset of the `}}` that closes an expression, skipping string literals.
fn closing(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                // `''` inside a string is an escaped quote.
                if in_string && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                in_string = !in_string;
            }
            b'}' if !in_string && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The context paths an expression reads.
pub fn contexts(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // Skip string literals.
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        let starts_ident = c.is_ascii_alphabetic() || c == '_';
        let after_dot = i > 0 && chars[i - 1] == '.';
        if !starts_ident
            || after_dot
            || (i > 0 && (chars[i - 1].is_ascii_alphanumeric() || chars[i - 1] == '_'))
        {
            i += 1;
            continue;
        }
        let mut path = String::new();
        let mut j = i;
        loop {
            let seg_start = j;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || matches!(chars[j], '_' | '-' | '*'))
            {
                j += 1;
            }
            if j == seg_start {
                break;
            }
            if !path.is_empty() {
                path.push('.');
            }
            path.extend(chars[seg_start..j].iter().map(|c| c.to_ascii_lowercase()));
            if chars.get(j) == Some(&'.') {
                j += 1;
                continue;
            }
            // `['name']` index access continues the path, any number of times.
            while chars.get(j) == Some(&'[') && chars.get(j + 1) == Some(&'\'') {
                let end = chars[j + 2..]
                    .iter()
                    .position(|c| *c == '\'')
                    .map(|p| j + 2 + p);
                let Some(end) = end.filter(|e| chars.get(e + 1) == Some(&']')) else {
                    break;
                };
                path.push('.');
                path.extend(chars[j + 2..end].iter().map(|c| c.to_ascii_lowercase()));
                j = end + 2;
            }
            if chars.get(j) == Some(&'.') {
                j += 1;
                continue;
            }
            break;
        }
        // A function call (`contains(`) is not a context.
        let is_call = chars.get(j) == Some(&'(');
        let root = path.split('.').next().unwrap_or("");
        if !is_call && CONTEXTS.contains(&root) {
            out.push(path);
        }
        i = j.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_expressions_with_spans() {
        let src =
            "run: echo \"${{ github.event.issue.title }}\" && echo ${{ steps.meta.outputs.tag }}";
        let e = find(src, Span::new(0, src.len()));
        assert_eq!(e.len(), 2);
        assert_eq!(
            &src[e[0].span.start..e[0].span.end],
            "${{ github.event.issue.title }}"
        );
        assert_eq!(e[0].contexts, vec!["github.event.issue.title"]);
        assert_eq!(e[1].contexts, vec!["steps.meta.outputs.tag"]);
    }

    #[test]
    fn contexts_in_functions_operators_and_indexes() {
        assert_eq!(
            contexts("contains(github.event.pull_request.labels.*.name, 'x') && inputs.Deploy"),
            vec!["github.event.pull_request.labels.*.name", "inputs.deploy"]
        );
        assert_eq!(
            contexts("github.event['comment']['body']"),
            vec!["github.event.comment.body"]
        );
        assert_eq!(
            contexts("'github.event.issue.title' == format('{0}', matrix.os)"),
            vec!["matrix.os"]
        );
        assert!(contexts("true || false").is_empty());
    }

    #[test]
    fn braces_in_strings_do_not_close() {
        let src = "${{ format('}}{0}', github.head_ref) }}";
        let e = find(src, Span::new(0, src.len()));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].span, Span::new(0, src.len()));
        assert_eq!(e[0].contexts, vec!["github.head_ref"]);
    }

    #[test]
    fn unclosed_expression_is_ignored() {
        assert!(find("${{ github.sha", Span::new(0, 14)).is_empty());
    }
}
