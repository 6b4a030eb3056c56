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
    Some(Edit::insert(
        mapping.span.end,
        format!("\n{indent}{key}:\n{indent}  {nested}"),
    ))
}
