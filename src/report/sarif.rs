//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

use super::{ReportInput, masked_text, report_path};
use crate::diagnostic::{Finding, Severity};
use crate::hashing::FastMap;
use crate::registry::RuleMeta;
use crate::rules;
use crate::source::{SourceFile, Span};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Invocation, Location, Message,
    MultiformatMessageString, Notification, PhysicalLocation, PropertyBag, Region, Replacement,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;

const SRCROOT: &str = "%SRCROOT%";
pub const INFORMATION_URI: &str = "https://github.com/prodlint/prodlint";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result_level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn descriptor(rule: &RuleMeta) -> ReportingDescriptor {
    let md = rule.doc_markdown();
    let full = rule
        .doc_section("What it checks")
        .unwrap_or_else(|| rule.summary.to_string());
    let mut extra = BTreeMap::new();
    if let Some(ss) = rule.security_severity {
        extra.insert("security-severity".to_string(), json!(ss));
    }
    extra.insert("precision".to_string(), json!("high"));
    let mut tags: Vec<String> = rule.tags.iter().map(|t| t.to_string()).collect();
    tags.push(rule.family().to_ascii_lowercase());
    ReportingDescriptor::builder()
        .id(rule.code)
        .name(rule.name)
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.summary)
                .build(),
        )
        .full_description(MultiformatMessageString::builder().text(full).build())
        .help(
            MultiformatMessageString::builder()
                .text(md.clone())
                .markdown(md)
                .build(),
        )
        .help_uri(rule.help_uri())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level(rule.severity)))
                .enabled(rule.enabled_by_default)
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .build()
}

fn region(source: &SourceFile, span: Span) -> Region {
    let r = source.region(span);
    Region::builder()
        .start_line(r.start.line as i64)
        .start_column(r.start.column as i64)
        .end_line(r.end.line as i64)
        .end_column(r.end.column as i64)
        .build()
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation::builder()
        .uri(super::uri::encode_path(path))
        .uri_base_id(SRCROOT)
        .build()
}

fn location(path: &str, source: &SourceFile, span: Span, message: Option<&str>) -> Location {
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact(path))
        .region(region(source, span))
        .build();
    match message {
        Some(m) => Location::builder()
            .physical_location(physical)
            .message(Message::builder().text(m).build())
            .build(),
        None => Location::builder().physical_location(physical).build(),
    }
}

/// FNV-1a: stable across platforms and versions, unlike `DefaultHasher`.
fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A fingerprint from the rule, the file and the (masked, trimmed) text
/// of the finding's lines, plus an occurrence counter: it survives lines
/// moving, and changes when the flagged code changes.
fn fingerprint(
    code: &str,
    path: &str,
    masked: &str,
    source: &SourceFile,
    f: &Finding,
    seen: &mut FastMap<u64, u32>,
) -> String {
    let a = source.lines.line_of(f.span.start);
    let b = source.lines.line_of(f.span.end.max(f.span.start));
    let mut text = String::new();
    for l in a..=b.min(a + 20) {
        let s = source.lines.line_span(l, masked);
        text.push_str(masked.get(s.start..s.end).unwrap_or("").trim());
        text.push('\n');
    }
    let base = fnv1a(format!("{code}\0{path}\0{text}").as_bytes());
    let n = seen.entry(base).or_insert(0);
    *n += 1;
    format!("{base:016x}:{n}")
}

fn fix(path: &str, source: &SourceFile, f: &Finding, secrets: &super::SecretTexts) -> Option<Fix> {
    let fix = f.fix.as_ref()?;
    let replacements = fix
        .edits
        .iter()
        .map(|e| {
            Replacement::builder()
                .deleted_region(region(source, e.span))
                .inserted_content(
                    ArtifactContent::builder()
                        .text(super::mask_secrets(&e.replacement, secrets).into_owned())
                        .build(),
                )
                .build()
        })
        .collect::<Vec<_>>();
    Some(
        Fix::builder()
            .description(Message::builder().text(fix.message.clone()).build())
            .artifact_changes(vec![
                ArtifactChange::builder()
                    .artifact_location(artifact(path))
                    .replacements(replacements)
                    .build(),
            ])
            .build(),
    )
}

/// The report as one string (the bytes [`write_to`] writes).
pub fn render(input: &ReportInput<'_>, srcroot: &str) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_to(input, srcroot, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Where the run's results go in the document serde writes with none
/// (its keys in order: the invocations come before the results).
const RESULTS_AT: &str = "\n      \"results\": []";

/// How deep a result sits in the document: each of its lines is
/// indented by this much more than when it is serialised alone.
const RESULT_INDENT: &str = "        ";

/// Writes the report to `out`: the document without its results, as
/// serde writes it, with the results put where its empty list is, a
/// batch of files at a time, each file's results made and serialised on
/// every core. The bytes are those of one pretty serialisation of the
/// whole document: serde's pretty layout indents a value by its depth
/// only, and a string holds no raw line break.
pub fn write_to(
    input: &ReportInput<'_>,
    srcroot: &str,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let index = rule_index();
    let mut doc =
        serde_json::to_string_pretty(&document(input, srcroot, Vec::new())).unwrap_or_default();
    doc.push('\n');
    let with_findings: Vec<&crate::engine::FileReport> = input
        .reports
        .iter()
        .filter(|r| !r.findings.is_empty())
        .collect();
    let (Some(at), false) = (doc.find(RESULTS_AT), with_findings.is_empty()) else {
        return out.write_all(doc.as_bytes());
    };
    let (head, tail) = doc.split_at(at);
    out.write_all(head.as_bytes())?;
    out.write_all(b"\n      \"results\": [\n")?;
    let mut first = true;
    for batch in with_findings.chunks(super::FILES_PER_BATCH) {
        let items: Vec<Vec<u8>> = batch
            .par_iter()
            .map(|report| {
                let mut item = Vec::new();
                for (i, result) in results_of(report, &index).iter().enumerate() {
                    if i > 0 {
                        item.extend_from_slice(b",\n");
                    }
                    let alone = serde_json::to_string_pretty(result).unwrap_or_default();
                    item.extend_from_slice(RESULT_INDENT.as_bytes());
                    for (n, line) in alone.split('\n').enumerate() {
                        if n > 0 {
                            item.push(b'\n');
                            item.extend_from_slice(RESULT_INDENT.as_bytes());
                        }
                        item.extend_from_slice(line.as_bytes());
                    }
                }
                item
            })
            .collect();
        for item in items {
            if !first {
                out.write_all(b",\n")?;
            }
            first = false;
            out.write_all(&item)?;
        }
    }
    out.write_all(b"\n      ]")?;
    out.write_all(tail.get(RESULTS_AT.len()..).unwrap_or("").as_bytes())
}

/// Each rule's place in the driver's list (a result's `ruleIndex`).
fn rule_index() -> FastMap<&'static str, usize> {
    rules::all()
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code, i))
        .collect()
}

/// The document of the run with `results` (the invocation's outcome and
/// notifications read from every report).
fn document(input: &ReportInput<'_>, srcroot: &str, results: Vec<SarifResult>) -> Sarif {
    let mut notifications = Vec::new();
    let mut successful = input.errors.is_empty();
    for e in input.errors {
        notifications.push(
            Notification::builder()
                .level(json!("error"))
                .message(Message::builder().text(e.clone()).build())
                .build(),
        );
    }
    for report in input.reports {
        if report.unreadable || report.findings.iter().any(|f| f.code() == "PL004") {
            successful = false;
        }
        if let Some(why) = &report.skipped {
            let path = report_path(&report.source.path);
            notifications.push(
                Notification::builder()
                    .level(json!("warning"))
                    .message(
                        Message::builder()
                            .text(format!("{path} was not linted: {why}"))
                            .build(),
                    )
                    .locations(vec![
                        Location::builder()
                            .physical_location(
                                PhysicalLocation::builder()
                                    .artifact_location(artifact(&path))
                                    .build(),
                            )
                            .build(),
                    ])
                    .build(),
            );
        }
    }
    let driver = ToolComponent::builder()
        .name("prodlint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(
            rules::all()
                .iter()
                .map(|r| descriptor(r))
                .collect::<Vec<_>>(),
        )
        .build();
    let mut invocation = Invocation::builder()
        .execution_successful(successful)
        .build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    let mut bases = BTreeMap::new();
    bases.insert(
        SRCROOT.to_string(),
        ArtifactLocation::builder().uri(srcroot).build(),
    );
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .automation_details(RunAutomationDetails::builder().id("prodlint/").build())
        .original_uri_base_ids(bases)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The results of one file's findings, in order (occurrences of one
/// fingerprint are counted within the file).
fn results_of(
    report: &crate::engine::FileReport,
    index: &FastMap<&str, usize>,
) -> Vec<SarifResult> {
    let path = report_path(&report.source.path);
    let secrets = super::secret_texts(&report.source, &report.findings);
    let masked = masked_text(&report.source, &report.findings, &secrets);
    let mut seen = FastMap::default();
    let mut results = Vec::with_capacity(report.findings.len());
    for f in &report.findings {
        let mut fp = BTreeMap::new();
        fp.insert(
            "prodlintFingerprint/v1".to_string(),
            fingerprint(f.code(), &path, &masked, &report.source, f, &mut seen),
        );
        let related: Vec<Location> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut l = match &r.file {
                    Some(e) => location(
                        &super::report_path(&e.0.path),
                        &e.0,
                        r.span,
                        Some(&r.message),
                    ),
                    None => location(&path, &report.source, r.span, Some(&r.message)),
                };
                l.id = Some(i as i64);
                l
            })
            .collect();
        let mut message = f.message.clone();
        if let Some(h) = &f.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let mut result = SarifResult::builder()
            .rule_id(f.code())
            .rule_index(index.get(f.code()).copied().unwrap_or(0) as i64)
            .level(result_level(f.severity))
            .message(Message::builder().text(message).build())
            .locations(vec![location(&path, &report.source, f.span, None)])
            .partial_fingerprints(fp)
            .build();
        if !related.is_empty() {
            result.related_locations = Some(related);
        }
        result.fixes = fix(&path, &report.source, f, &secrets).map(|x| vec![x]);
        results.push(result);
    }
    results
}

/// `file:///…/` for the working directory, the base of every result URI.
pub fn srcroot_uri() -> String {
    let cwd = crate::paths::working_dir().unwrap_or(std::path::Path::new(""));
    let mut s = cwd.to_string_lossy().replace('\\', "/");
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    format!("file://{}", super::uri::encode_path(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// More files than one batch holds, some without findings, one not
    /// linted: one document (the same bytes serde gives for it whole),
    /// every finding once, in the files' order.
    #[test]
    fn a_report_of_many_batches_is_one_document() {
        let mut reports = super::super::reports_over_batches();
        if let Some(r) = reports.get_mut(5) {
            r.skipped = Some("too large".to_string());
        }
        let text = render(
            &ReportInput {
                reports: &reports,
                errors: &[],
            },
            "file:///here/",
        );
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let messages: Vec<&str> = doc["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["message"]["text"].as_str())
            .collect();
        let want = super::super::messages_over_batches();
        assert_eq!(messages, want);
        // The internal error's findings make the run unsuccessful, and
        // the file not linted is noted.
        assert_eq!(
            doc["runs"][0]["invocations"][0]["executionSuccessful"],
            false
        );
        assert_eq!(
            doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
            "f0005 was not linted: too large"
        );
        let input = ReportInput {
            reports: &reports,
            errors: &[],
        };
        let index = rule_index();
        let results = reports.iter().flat_map(|r| results_of(r, &index)).collect();
        let whole = serde_json::to_string_pretty(&document(&input, "file:///here/", results))
            .unwrap_or_default();
        assert_eq!(whole + "\n", text);
    }
}
