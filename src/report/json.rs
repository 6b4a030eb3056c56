//! The JSON report. Its schema is versioned (`version`) and documented in
//! the README; fields are only ever added within a version.

use super::{ReportInput, report_path};
use crate::source::SourceFile;
use serde_json::{Value, json};

pub const SCHEMA_VERSION: u32 = 1;

fn position(source: &SourceFile, offset: usize) -> Value {
    let p = source.lines.position(&source.text, offset);
    json!({ "line": p.line, "column": p.column })
}

pub fn render(input: &ReportInput<'_>) -> String {
    let (errors, warnings, info) = crate::engine::counts(input.reports);
    let findings: Vec<Value> = input
        .findings()
        .map(|(r, f)| {
            let src = &r.source;
            let fix = f.fix.as_ref().map(|fix| {
                json!({
                    "message": fix.message,
                    "applicability": fix.applicability,
                    "edits": fix.edits.iter().map(|e| json!({
                        "start": position(src, e.span.start),
                        "end": position(src, e.span.end),
                        "byte_range": { "start": e.span.start, "end": e.span.end },
                        "replacement": e.replacement,
                    })).collect::<Vec<_>>(),
                })
            });
            json!({
                "file": report_path(&src.path),
                "code": f.code(),
                "name": f.rule.name,
                "severity": f.severity,
                "message": f.message,
                "help": f.help,
                "url": f.rule.help_uri(),
                "start": position(src, f.span.start),
                "end": position(src, f.span.end),
                "byte_range": { "start": f.span.start, "end": f.span.end },
                "related": f.related.iter().map(|rel| json!({
                    "message": rel.message,
                    "start": position(src, rel.span.start),
                    "end": position(src, rel.span.end),
                })).collect::<Vec<_>>(),
                "fix": fix,
            })
        })
        .collect();
    let doc = json!({
        "version": SCHEMA_VERSION,
        "tool": { "name": "prodlint", "version": env!("CARGO_PKG_VERSION") },
        "summary": {
            "files_checked": input.reports.len(),
            "findings": errors + warnings + info,
            "errors": errors,
            "warnings": warnings,
            "info": info,
        },
        "errors": input.errors,
        "findings": findings,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
