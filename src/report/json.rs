//! The JSON report. Its schema is versioned (`version`) and documented in
//! the README; fields are only ever added within a version. Serialized
//! from borrowed structs, streaming, without an intermediate value tree.

use super::{ReportInput, report_path};
use crate::diagnostic::{Applicability, Finding, Severity};
use crate::source::{SourceFile, Span};
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct ByteRange {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct Edit<'a> {
    start: Position,
    end: Position,
    byte_range: ByteRange,
    replacement: &'a str,
}

#[derive(Serialize)]
struct Fix<'a> {
    message: &'a str,
    applicability: Applicability,
    edits: Vec<Edit<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: String,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    url: String,
    start: Position,
    end: Position,
    byte_range: ByteRange,
    related: Vec<Related<'a>>,
    fix: Option<Fix<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files_checked: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    info: usize,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    errors: &'a [String],
    findings: Vec<JsonFinding<'a>>,
}

fn position(source: &SourceFile, offset: usize) -> Position {
    let p = source.lines.position(&source.text, offset);
    Position {
        line: p.line,
        column: p.column,
    }
}

fn range(span: Span) -> ByteRange {
    ByteRange {
        start: span.start,
        end: span.end,
    }
}

fn finding<'a>(src: &SourceFile, path: &str, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        file: path.to_string(),
        code: f.code(),
        name: f.rule.name,
        severity: f.severity,
        message: &f.message,
        help: f.help.as_deref(),
        url: f.rule.help_uri(),
        start: position(src, f.span.start),
        end: position(src, f.span.end),
        byte_range: range(f.span),
        related: f
            .related
            .iter()
            .map(|r| Related {
                message: &r.message,
                start: position(src, r.span.start),
                end: position(src, r.span.end),
            })
            .collect(),
        fix: f.fix.as_ref().map(|fix| Fix {
            message: &fix.message,
            applicability: fix.applicability,
            edits: fix
                .edits
                .iter()
                .map(|e| Edit {
                    start: position(src, e.span.start),
                    end: position(src, e.span.end),
                    byte_range: range(e.span),
                    replacement: &e.replacement,
                })
                .collect(),
        }),
    }
}

pub fn render(input: &ReportInput<'_>) -> String {
    use rayon::prelude::*;
    let (errors, warnings, info) = crate::engine::counts(input.reports);
    // Each finding is rendered on its own, in parallel, at the indentation
    // it has in the document; the bytes are what one pretty serialisation
    // of the whole document gives.
    let items: Vec<String> = input
        .reports
        .par_iter()
        .flat_map_iter(|r| {
            let path = report_path(&r.source.path);
            r.findings
                .iter()
                .map(|f| {
                    indent(
                        &serde_json::to_string_pretty(&finding(&r.source, &path, f))
                            .unwrap_or_default(),
                    )
                })
                .collect::<Vec<String>>()
        })
        .collect();
    let findings: Vec<JsonFinding<'_>> = Vec::new();
    let doc = Document {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "prodlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files_checked: input.reports.len(),
            findings: errors + warnings + info,
            errors,
            warnings,
            info,
        },
        errors: input.errors,
        findings,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    if !items.is_empty() {
        let tail = "\"findings\": []\n}";
        if let Some(at) = s.rfind(tail) {
            s.truncate(at);
            s.push_str("\"findings\": [\n");
            s.push_str(&items.join(",\n"));
            s.push_str("\n  ]\n}");
        }
    }
    s.push('\n');
    s
}

/// A finding's JSON at the depth of the `findings` array.
fn indent(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    for (i, line) in json.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    out
}
