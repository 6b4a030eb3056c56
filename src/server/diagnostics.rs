//! Findings as LSP diagnostics.

use super::text::Lines;
use crate::diagnostic::{Finding, Severity};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Url,
};

pub const SOURCE: &str = "prodlint";

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

pub fn diagnostic(finding: &Finding, uri: &Url, lines: &Lines) -> Diagnostic {
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .map(|r| {
            // Another file: its own URI, and its own lines for the range.
            let location = match &r.file {
                Some(e) => {
                    let other = Lines::new(&e.0.text, lines.encoding());
                    let path =
                        std::path::absolute(&e.0.path).unwrap_or_else(|_| e.0.path.to_path_buf());
                    match Url::from_file_path(&path) {
                        Ok(u) => Location::new(u, other.range(r.span)),
                        Err(()) => {
                            Location::new(uri.clone(), lines.range(crate::source::Span::empty(0)))
                        }
                    }
                }
                None => Location::new(uri.clone(), lines.range(r.span)),
            };
            DiagnosticRelatedInformation {
                location,
                message: r.message.clone(),
            }
        })
        .collect();
    Diagnostic {
        range: lines.range(finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code().to_string())),
        code_description: Url::parse(&finding.rule.help_uri())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
