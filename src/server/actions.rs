//! Code actions (a finding's fix, "ignore this rule here") and hover.

use super::diagnostics::diagnostic;
use super::text::Lines;
use crate::diagnostic::{Applicability, Finding};
use crate::source::Span;
use crate::suppress;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Hover, HoverContents, MarkupContent,
    MarkupKind, Range, TextEdit, Url, WorkspaceEdit,
};
use std::collections::HashMap;

/// The kind of the action that applies every safe fix, which editors run
/// on save (`source.fixAll`).
pub const FIX_ALL: &str = "source.fixAll.prodlint";

/// The document with every safe fix applied, as one edit.
pub fn fix_all(uri: &Url, lines: &Lines, len: usize, fixed: String) -> CodeActionOrCommand {
    let whole = lines.range(Span::new(0, len));
    CodeActionOrCommand::CodeAction(CodeAction {
        title: "Apply every safe prodlint fix".to_string(),
        kind: Some(CodeActionKind::from(FIX_ALL)),
        edit: Some(workspace_edit(uri, vec![TextEdit::new(whole, fixed)])),
        ..CodeAction::default()
    })
}

/// Whether a finding's span touches the editor's range (an empty span or
/// range counts when it sits at the other's edge).
fn touches(span: Span, range: Span) -> bool {
    span.start <= range.end && range.start <= span.end
}

pub fn code_actions(
    findings: &[Finding],
    text: &str,
    uri: &Url,
    lines: &Lines,
    range: Range,
) -> Vec<CodeActionOrCommand> {
    // A cursor (an empty range) asks about its line: widen to whole lines,
    // as editors show a line's fixes wherever the cursor sits on it.
    let asked = lines.span(range);
    let wanted = Span::new(
        lines.line_at(asked.start).start,
        lines.line_at(asked.end).end,
    );
    let mut fixes = Vec::new();
    let mut ignores = Vec::new();
    for f in findings.iter().filter(|f| touches(f.span, wanted)) {
        let diag = diagnostic(f, uri, lines);
        if let Some(fix) = &f.fix {
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit::new(lines.range(e.span), e.replacement.clone()))
                .collect();
            let safe = fix.applicability == Applicability::Safe;
            fixes.push(CodeAction {
                title: format!(
                    "{} ({}{})",
                    fix.message,
                    f.code(),
                    if safe { "" } else { ", unsafe" }
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag.clone()]),
                edit: Some(workspace_edit(uri, edits)),
                is_preferred: Some(safe),
                ..CodeAction::default()
            });
        }
        // Suppressions of prodlint's own findings about suppressions would
        // only hide a mistake in the comment itself.
        if f.code().starts_with("PL") {
            continue;
        }
        let edit = ignore_edit(text, lines, f);
        let title = format!("Ignore {} on this line", f.code());
        if ignores.iter().any(|a: &CodeAction| a.title == title) {
            continue;
        }
        ignores.push(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diag]),
            edit: Some(workspace_edit(uri, vec![edit])),
            ..CodeAction::default()
        });
    }
    fixes
        .into_iter()
        .chain(ignores)
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

fn workspace_edit(uri: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The suppression comment for `finding`: its code added to the
/// `prodlint: ignore[...]` comment on the line above when there is one,
/// else a new comment line above the finding's line, indented like it.
fn ignore_edit(text: &str, lines: &Lines, finding: &Finding) -> TextEdit {
    let line = lines.line_at(finding.span.start);
    if line.start > 0 {
        let above = lines.line_at(line.start - 1);
        if let Some(close) = suppress::own_line_list_end(&text[above.start..above.end]) {
            let at = Span::empty(above.start + close);
            return TextEdit::new(lines.range(at), format!(",{}", finding.code()));
        }
    }
    let content = &text[line.start..line.end];
    let indent = &content[..content.len() - content.trim_start().len()];
    let at = Span::empty(line.start);
    TextEdit::new(
        lines.range(at),
        format!("{indent}{}\n", suppress::comment_for(finding.code())),
    )
}

/// The documentation of the rules whose findings lie under the cursor.
pub fn hover(findings: &[Finding], lines: &Lines, at: lsp_types::Position) -> Option<Hover> {
    let offset = lines.offset(at);
    let mut rules: Vec<_> = findings
        .iter()
        .filter(|f| f.span.start <= offset && offset <= f.span.end)
        .map(|f| f.rule)
        .collect();
    rules.sort_by_key(|r| r.code);
    rules.dedup_by_key(|r| r.code);
    if rules.is_empty() {
        return None;
    }
    let value = rules
        .iter()
        .map(|r| crate::docs::page(r))
        .collect::<Vec<_>>()
        .join("\n---\n\n");
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    })
}
