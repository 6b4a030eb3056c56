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
    file: std::borrow::Cow<'a, str>,
    message: &'a str,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
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
    path: &'a str,
    f: &'a Finding,
    secrets: &super::SecretTexts,
) -> JsonFinding<'a> {
    JsonFinding {
        file: path,
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
                        Some(e) => std::borrow::Cow::Owned(super::report_path(&e.0.path)),
                        None => std::borrow::Cow::Borrowed(path),
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
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_to(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report to `out` (the bytes of [`render`]), a batch of
/// files at a time.
pub fn write_to(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    let (errors, warnings, info) = crate::engine::counts(input.reports);
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
    // The document with no findings, serialized by serde; the findings,
    // when there are some, go where its empty list ends.
    let mut head = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    let tail: &[u8] = b"\"findings\": []\n}";
    let cut = head
        .len()
        .checked_sub(tail.len())
        .filter(|at| head.get(*at..) == Some(tail));
    let with_findings: Vec<&crate::engine::FileReport> = input
        .reports
        .iter()
        .filter(|r| !r.findings.is_empty())
        .collect();
    let (Some(at), false) = (cut, with_findings.is_empty()) else {
        head.push(b'\n');
        return out.write_all(&head);
    };
    head.truncate(at);
    head.extend_from_slice(b"\"findings\": [\n");
    out.write_all(&head)?;
    for (n, batch) in with_findings.chunks(super::FILES_PER_BATCH).enumerate() {
        // Each file's findings are rendered on their own, in parallel, at
        // the indentation they have in the document; the bytes are what
        // one pretty serialisation of the whole document gives.
        let items: Vec<Vec<u8>> = batch
            .par_iter()
            .map(|r| {
                let path = report_path(&r.source.path);
                let secrets = super::secret_texts(&r.source, &r.findings);
                let mut item = Vec::new();
                for (i, f) in r.findings.iter().enumerate() {
                    if i > 0 {
                        item.extend_from_slice(b",\n");
                    }
                    item.extend_from_slice(b"    ");
                    write_finding(&mut item, &finding(&r.source, &path, f, &secrets));
                }
                item
            })
            .collect();
        for (i, item) in items.iter().enumerate() {
            if n > 0 || i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(item)?;
        }
    }
    out.write_all(b"\n  ]\n}\n")
}

/// A finding written as serde_json's two-space pretty layout would write
/// it inside the `findings` array (two levels deep), byte for byte, by
/// hand: the report is a large share of a run over many small files, and
/// serde's generic path escaped every string a byte at a time.
fn write_finding(out: &mut Vec<u8>, f: &JsonFinding<'_>) {
    let mut w = Pretty { out, depth: 2 };
    w.open(b'{');
    w.key(true, "file");
    w.string(f.file);
    w.key(false, "code");
    w.string(f.code);
    w.key(false, "name");
    w.string(f.name);
    w.key(false, "severity");
    w.string(f.severity.as_str());
    w.key(false, "message");
    w.string(f.message);
    w.key(false, "help");
    match f.help {
        Some(h) => w.string(h),
        None => w.raw(b"null"),
    }
    w.key(false, "url");
    w.string(&f.url);
    w.key(false, "start");
    w.position(&f.start);
    w.key(false, "end");
    w.position(&f.end);
    w.key(false, "byte_range");
    w.range(&f.byte_range);
    w.key(false, "related");
    w.open(b'[');
    for (i, r) in f.related.iter().enumerate() {
        w.element(i == 0);
        w.open(b'{');
        w.key(true, "file");
        w.string(&r.file);
        w.key(false, "message");
        w.string(r.message);
        w.key(false, "start");
        w.position(&r.start);
        w.key(false, "end");
        w.position(&r.end);
        w.close(b'}', true);
    }
    w.close(b']', !f.related.is_empty());
    w.key(false, "fix");
    match &f.fix {
        None => w.raw(b"null"),
        Some(fix) => {
            w.open(b'{');
            w.key(true, "message");
            w.string(fix.message);
            w.key(false, "applicability");
            w.string(match fix.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
            });
            w.key(false, "edits");
            w.open(b'[');
            for (i, e) in fix.edits.iter().enumerate() {
                w.element(i == 0);
                w.open(b'{');
                w.key(true, "start");
                w.position(&e.start);
                w.key(false, "end");
                w.position(&e.end);
                w.key(false, "byte_range");
                w.range(&e.byte_range);
                w.key(false, "replacement");
                w.string(&e.replacement);
                w.close(b'}', true);
            }
            w.close(b']', !fix.edits.is_empty());
            w.close(b'}', true);
        }
    }
    w.close(b'}', true);
}

/// serde_json's pretty layout: two spaces per level, `"key": value`, a
/// comma at the end of every line but an object's or array's last, and
/// `[]` for an empty array.
struct Pretty<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
}

impl Pretty<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn newline(&mut self) {
        // A newline and the indentation of the deepest level a finding
        // reaches (seven), cut to this one's.
        const INDENT: &[u8] = b"\n                ";
        let n = (1 + 2 * self.depth).min(INDENT.len());
        self.out.extend_from_slice(&INDENT[..n]);
        for _ in INDENT.len()..1 + 2 * self.depth {
            self.out.push(b' ');
        }
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.depth += 1;
    }

    fn close(&mut self, bracket: u8, had_values: bool) {
        self.depth -= 1;
        if had_values {
            self.newline();
        }
        self.out.push(bracket);
    }

    fn element(&mut self, first: bool) {
        if !first {
            self.out.push(b',');
        }
        self.newline();
    }

    /// `key` is one of the schema's names: nothing to escape.
    fn key(&mut self, first: bool, key: &str) {
        self.element(first);
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    fn number(&mut self, n: usize) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = n;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    fn position(&mut self, p: &Position) {
        self.pair(("line", p.line), ("column", p.column));
    }

    fn range(&mut self, r: &ByteRange) {
        self.pair(("start", r.start), ("end", r.end));
    }

    /// An object of two numbers (`{"line": 3, "column": 7}`).
    fn pair(&mut self, (k1, v1): (&str, usize), (k2, v2): (&str, usize)) {
        self.open(b'{');
        self.key(true, k1);
        self.number(v1);
        self.key(false, k2);
        self.number(v2);
        self.close(b'}', true);
    }

    /// A JSON string escaped as serde_json escapes it: `"` and `\\`,
    /// the control characters with a short form (`\n`, `\t`, …), the
    /// other ones below 0x20 as `\u00xx`; everything else as it is.
    fn string(&mut self, s: &str) {
        let bytes = s.as_bytes();
        self.out.reserve(bytes.len() + 2);
        self.out.push(b'"');
        let mut start = 0;
        let mut at = 0;
        while at < bytes.len() {
            // Whole chunks without a byte to escape are copied at once
            // (the test over a chunk has no branch to mispredict).
            if let Some(chunk) = bytes.get(at..at + 16)
                && !chunk.iter().fold(false, |any, &b| any | needs_escape(b))
            {
                at += 16;
                continue;
            }
            let b = bytes[at];
            if needs_escape(b) {
                self.out.extend_from_slice(&bytes[start..at]);
                match b {
                    b'"' => self.out.extend_from_slice(b"\\\""),
                    b'\\' => self.out.extend_from_slice(b"\\\\"),
                    b'\n' => self.out.extend_from_slice(b"\\n"),
                    b'\r' => self.out.extend_from_slice(b"\\r"),
                    b'\t' => self.out.extend_from_slice(b"\\t"),
                    0x08 => self.out.extend_from_slice(b"\\b"),
                    0x0c => self.out.extend_from_slice(b"\\f"),
                    _ => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        self.out.extend_from_slice(b"\\u00");
                        self.out.push(HEX[usize::from(b >> 4)]);
                        self.out.push(HEX[usize::from(b & 0xf)]);
                    }
                }
                start = at + 1;
            }
            at += 1;
        }
        self.out.extend_from_slice(&bytes[start..]);
        self.out.push(b'"');
    }
}

/// Bytes JSON strings cannot hold as they are.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_json's own pretty output of the same finding, indented as the
    /// report nests it: what `write_finding` must give, byte for byte.
    fn by_serde(f: &JsonFinding<'_>) -> Vec<u8> {
        let pretty = serde_json::to_string_pretty(f).unwrap_or_default();
        pretty.replace('\n', "\n    ").into_bytes()
    }

    fn sample<'a>(
        message: &'a str,
        related: Vec<Related<'a>>,
        fix: Option<Fix<'a>>,
    ) -> JsonFinding<'a> {
        let at = |line, column| Position { line, column };
        JsonFinding {
            file: "a dir/Dockerfile",
            code: "DF001",
            name: "final-stage-runs-as-root",
            severity: Severity::Error,
            message,
            help: if fix.is_some() {
                None
            } else {
                Some("add a `USER`")
            },
            url: "https://example.com/DF001.md".to_string(),
            start: at(1, 1),
            end: at(12, 340),
            byte_range: ByteRange {
                start: 0,
                end: 18_446_744,
            },
            related,
            fix,
        }
    }

    #[test]
    fn findings_are_written_as_serde_json_writes_them() {
        let tricky = "quote \" back \\ nl \n cr \r tab \t bell \u{7} bs \u{8} ff \u{c} esc \u{1b} del \u{7f} é ✓ 𝄞 and a long run of plain text past sixteen bytes \"";
        let at = |line, column| Position { line, column };
        let cases = vec![
            sample("plain", Vec::new(), None),
            sample(tricky, Vec::new(), None),
            sample(
                "with related",
                vec![
                    Related {
                        file: "x".into(),
                        message: tricky,
                        start: at(2, 3),
                        end: at(2, 9),
                    },
                    Related {
                        file: String::from("other/\"file\"").into(),
                        message: "",
                        start: at(0, 0),
                        end: at(1, 1),
                    },
                ],
                Some(Fix {
                    message: "fix it",
                    applicability: Applicability::Unsafe,
                    edits: vec![
                        Edit {
                            start: at(1, 1),
                            end: at(1, 2),
                            byte_range: ByteRange { start: 0, end: 1 },
                            replacement: "\n  user: \"1000\"\n".into(),
                        },
                        Edit {
                            start: at(3, 1),
                            end: at(3, 1),
                            byte_range: ByteRange { start: 9, end: 9 },
                            replacement: "".into(),
                        },
                    ],
                }),
            ),
            sample(
                "no edits",
                Vec::new(),
                Some(Fix {
                    message: "m",
                    applicability: Applicability::Safe,
                    edits: Vec::new(),
                }),
            ),
        ];
        for f in &cases {
            let mut mine = Vec::new();
            write_finding(&mut mine, f);
            assert_eq!(
                String::from_utf8_lossy(&mine),
                String::from_utf8_lossy(&by_serde(f))
            );
        }
    }

    /// More files than one batch holds, some without findings: one
    /// document, every finding once, in the files' order.
    #[test]
    fn a_report_of_many_batches_is_one_document() {
        let reports = super::super::reports_over_batches();
        let text = render(&ReportInput {
            reports: &reports,
            errors: &[],
        });
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let messages: Vec<&str> = doc["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["message"].as_str())
            .collect();
        let want = super::super::messages_over_batches();
        assert_eq!(messages, want);
        assert_eq!(doc["summary"]["findings"], want.len());
        assert!(text.ends_with("\n  ]\n}\n"));
    }
}
