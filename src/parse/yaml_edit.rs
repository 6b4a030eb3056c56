//! Text edits to YAML that keep the user's formatting and comments: fixes
//! insert lines at the indentation the file already uses.

use crate::diagnostic::Edit;
use crate::parse::yaml::{Entry, Node};
use crate::source::SourceFile;

fn column(file: &SourceFile, offset: usize) -> usize {
    file.lines.position(&file.text, offset).column - 1
}

/// Inserts `line` (`key: value`) as the first entry of the block mapping
/// held by `entry` (a `with:` or `env:`). `None` for a flow mapping
/// (`with: {a: 1}`) or an empty one.
pub fn insert_first_entry(file: &SourceFile, entry: &Entry, line: &str) -> Option<Edit> {
    let first = entry.value.as_map()?.first()?;
    let first_line = file.lines.line_of(first.key.span.start);
    if first_line == file.lines.line_of(entry.key.span.start) {
        return None;
    }
    let indent = " ".repeat(column(file, first.key.span.start));
    Some(Edit::insert(
        file.lines.line_start(first_line, &file.text),
        format!("{indent}{line}\n"),
    ))
}

/// Adds `key:` holding the one entry `nested` (`name: value`) at the end of
/// the block mapping `mapping`, indented like its entry `sibling`. `None`
/// for a flow mapping.
pub fn append_block(
    file: &SourceFile,
    mapping: &Node,
    sibling: &Entry,
    key: &str,
    nested: &str,
) -> Option<Edit> {
    if file.slice(mapping.span).starts_with('{') {
        return None;
    }
    let indent = " ".repeat(column(file, sibling.key.span.start));
    // After the line the mapping's last entry ends on (its trailing
    // comment stays with it), not at the mapping's end, which may reach
    // past comment lines that introduce what follows.
    let last = mapping
        .as_map()
        .and_then(|m| {
            m.iter()
                .filter(|e| !e.merged)
                .map(|e| e.value.span.end.max(e.key.span.end))
                .max()
        })
        .unwrap_or(mapping.span.end)
        .min(mapping.span.end);
    // Before the line's terminator, LF or CRLF.
    let end_of_line = file
        .lines
        .line_span(file.lines.line_of(last), &file.text)
        .end;
    let at = end_of_line.min(mapping.span.end).max(last);
    Some(Edit::insert(
        at,
        format!("\n{indent}{key}:\n{indent}  {nested}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block goes after the mapping's last entry, its trailing comment
    /// kept on its line, and before comment lines about what follows.
    #[test]
    fn a_block_is_appended_after_the_last_entry_line() {
        let text = "steps:\n  - uses: actions/checkout@v4 # pinned\n  # Next: the tests.\n  - run: pytest\n";
        let file = SourceFile::new(std::path::Path::new("w.yml"), text.to_string());
        let tree = crate::parse::yaml::parse(text);
        let root = tree.documents.first().and_then(Option::as_ref);
        let step = root
            .and_then(|r| r.get("steps"))
            .and_then(Node::as_seq)
            .and_then(|s| s.first());
        let edit = step.and_then(|s| {
            let uses = s.entry("uses")?;
            append_block(&file, s, uses, "with", "persist-credentials: false")
        });
        let Some(edit) = edit else {
            panic!("an edit for a block mapping");
        };
        let mut out = text.to_string();
        out.replace_range(edit.span.start..edit.span.end, &edit.replacement);
        assert_eq!(
            out,
            "steps:\n  - uses: actions/checkout@v4 # pinned\n    with:\n      persist-credentials: false\n  # Next: the tests.\n  - run: pytest\n"
        );
        // A CRLF file: before the whole line ending, not between its bytes.
        let crlf = text.replace('\n', "\r\n");
        let file = SourceFile::new(std::path::Path::new("w.yml"), crlf.clone());
        let tree = crate::parse::yaml::parse(&crlf);
        let step = tree
            .documents
            .first()
            .and_then(Option::as_ref)
            .and_then(|r| r.get("steps"))
            .and_then(Node::as_seq)
            .and_then(|s| s.first());
        let at = step.and_then(|s| {
            let uses = s.entry("uses")?;
            append_block(&file, s, uses, "with", "persist-credentials: false")
        });
        let end = crlf.find(" # pinned").map(|i| i + " # pinned".len());
        assert_eq!(at.map(|e| e.span.start), end);
    }
}
