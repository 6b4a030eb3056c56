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
    /// Secrets of the file are masked here too: a report is no place for
    /// them, even inside a fix.
    replacement: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
struct Fix<'a> {
    message: &'a str,
    applicability: Applicability,
    edits: Vec<Edit<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    /// The file the location is in (the finding's own, or another).
    file: String,
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

fn finding<'a>(
    src: &SourceFile,
    path: &str,
    f: &'a Finding,
    secrets: &super::SecretTexts,
) -> JsonFinding<'a> {
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
            .map(|r| {
                let at = r.source(src);
                Related {
                    file: match &r.file {
                        Some(e) => super::report_path(&e.0.path),
                        None => path.to_string(),
                    },
                    message: &r.message,
                    start: position(at, r.span.start),
                    end: position(at, r.span.end),
                }
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
                    replacement: super::mask_secrets(&e.replacement, secrets),
                })
                .collect(),
        }),
    }
}

pub fn render(input: &ReportInput<'_>) -> String {
    String::from_utf8(render_chunks(input).concat()).unwrap_or_default()
}

/// The report as consecutive pieces (the document's head, each file's
/// findings, its tail): written one after the other they are `render`'s
/// bytes, without a copy of the whole document in memory.
pub fn render_chunks(input: &ReportInput<'_>) -> Vec<Vec<u8>> {
    use rayon::prelude::*;
    let (errors, warnings, info) = crate::engine::counts(input.reports);
    // Each file's findings are rendered on their own, in parallel, at the
    // indentation they have in the document; the bytes are what one pretty
    // serialisation of the whole document gives.
    let items: Vec<Vec<u8>> = input
        .reports
        .par_iter()
        .filter(|r| !r.findings.is_empty())
        .map(|r| {
            let path = report_path(&r.source.path);
            let secrets = super::secret_texts(&r.source, &r.findings);
            let mut out = Vec::new();
            for (i, f) in r.findings.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b",\n");
                }
                out.extend_from_slice(b"    ");
                let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested::at(2));
                let _ =
                    serde::Serialize::serialize(&finding(&r.source, &path, f, &secrets), &mut ser);
            }
            out
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
    let mut head = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    let tail: &[u8] = b"\"findings\": []\n}";
    let cut = head
        .len()
        .checked_sub(tail.len())
        .filter(|at| head.get(*at..) == Some(tail));
    let (Some(at), false) = (cut, items.is_empty()) else {
        head.push(b'\n');
        return vec![head];
    };
    head.truncate(at);
    head.extend_from_slice(b"\"findings\": [\n");
    let mut chunks = Vec::with_capacity(2 * items.len() + 1);
    chunks.push(head);
    for (i, chunk) in items.into_iter().enumerate() {
        if i > 0 {
            chunks.push(b",\n".to_vec());
        }
        chunks.push(chunk);
    }
    chunks.push(b"\n  ]\n}\n".to_vec());
    chunks
}

/// serde_json's two-space pretty layout, starting `depth` levels deep:
/// a finding written inside the `findings` array without a second pass
/// to indent it.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(depth: usize) -> Self {
        Self {
            depth,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
