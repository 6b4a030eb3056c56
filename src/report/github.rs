//! GitHub Actions workflow commands: one annotation per finding.

use super::{ReportInput, report_path, summary_line};
use crate::diagnostic::Severity;

/// Escapes a command's message: `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value: the data escapes plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(input: &ReportInput<'_>) -> String {
    let mut rows: Vec<_> = input.findings().collect();
    // Errors first: GitHub shows a limited number of annotations per step.
    rows.sort_by_key(|(r, f)| {
        (
            std::cmp::Reverse(f.severity),
            r.source.path.clone(),
            f.span.start,
            f.code(),
        )
    });
    let mut out = String::new();
    for e in input.errors {
        out.push_str(&format!("::error title=prodlint::{}\n", escape_data(e)));
    }
    for (r, f) in rows {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let reg = r.source.region(f.span);
        let title = format!("{} {}", f.code(), f.rule.name);
        let mut msg = f.message.clone();
        if let Some(h) = &f.help {
            msg.push_str(&format!("\nhelp: {h}"));
        }
        for also in super::see_also(f) {
            msg.push_str(&format!("\nsee also {also}"));
        }
        msg.push_str(&format!("\n{}", f.rule.help_uri()));
        out.push_str(&format!(
            "::{level} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
            escape_property(&report_path(&r.source.path)),
            reg.start.line,
            reg.end.line,
            reg.start.column,
            reg.end.column,
            escape_property(&title),
            escape_data(&msg),
        ));
    }
    out.push_str(&format!("prodlint: {}\n", summary_line(input)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
