//! A Markdown report for GitHub job summaries and pull-request comments:
//! counts per severity, then one table per file. Past the first 50
//! findings the tables are folded in a `<details>` block, so that a large
//! report stays readable and under GitHub's size limits.

use super::{ReportInput, report_path, summary_line};
use crate::diagnostic::{Finding, Severity};
use crate::engine::FileReport;

/// Findings shown before the rest is folded.
pub const SHOWN: usize = 50;

/// Where `path` at `line` can be opened on GitHub, when the run is in a
/// workflow (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_SHA`).
pub struct Links {
    base: Option<String>,
}

impl Links {
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let base = match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_SHA"),
        ) {
            (Some(server), Some(repo), Some(sha)) => Some(format!(
                "{}/{repo}/blob/{sha}",
                server.trim_end_matches('/')
            )),
            _ => None,
        };
        Self { base }
    }

    pub fn none() -> Self {
        Self { base: None }
    }

    fn line(&self, path: &str, line: usize) -> String {
        match &self.base {
            Some(b) => format!(
                "[{line}]({b}/{}#L{line})",
                super::uri::encode_path(path.trim_start_matches("./"))
            ),
            None => line.to_string(),
        }
    }
}

/// Text safe inside a table cell: no pipes, no line breaks, no HTML.
fn cell(text: &str) -> String {
    super::excerpt::terminal_safe(text)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

/// A path as inline code in a heading: a fence longer than any run of
/// backticks in it, no line break (it would end the heading), no
/// control character.
fn code(text: &str) -> String {
    let safe = super::excerpt::terminal_safe(text).replace(['\r', '\n'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in safe.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if safe.starts_with('`') || safe.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{safe}{pad}{fence}")
}

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "🔴 error",
        Severity::Warning => "🟠 warning",
        Severity::Info => "🔵 info",
    }
}

fn row(report: &FileReport, path: &str, f: &Finding, links: &Links) -> String {
    let line = report.source.region(f.span).start.line;
    let mut message = cell(&f.message);
    for also in super::see_also(f) {
        message.push_str(&format!("<br>see also {}", cell(&also)));
    }
    format!(
        "| {} | [{}]({}) {} | {} | {} |\n",
        links.line(path, line),
        f.code(),
        f.rule.help_uri(),
        f.rule.name,
        icon(f.severity),
        message,
    )
}

pub fn render(input: &ReportInput<'_>, links: &Links) -> String {
    let (errors, warnings, info) = crate::engine::counts(input.reports);
    let mut out = String::from("## prodlint\n\n");
    out.push_str(&format!("**{}**\n\n", summary_line(input)));
    if let Some(line) = super::purposes_line(input) {
        out.push_str(&format!("{line}\n\n"));
    }
    out.push_str("| Severity | Findings |\n|---|---:|\n");
    out.push_str(&format!("| {} | {errors} |\n", icon(Severity::Error)));
    out.push_str(&format!("| {} | {warnings} |\n", icon(Severity::Warning)));
    out.push_str(&format!("| {} | {info} |\n\n", icon(Severity::Info)));
    for e in input.errors {
        out.push_str(&format!("> [!WARNING]\n> {}\n\n", cell(e)));
    }
    let mut shown = 0;
    let mut folded = false;
    let total = input.finding_count();
    for r in input.reports.iter().filter(|r| !r.findings.is_empty()) {
        let path = report_path(&r.source.path);
        let mut rest = r.findings.as_slice();
        while !rest.is_empty() {
            if shown >= SHOWN && !folded {
                folded = true;
                out.push_str(&format!(
                    "<details>\n<summary>{} more findings</summary>\n\n",
                    total - shown
                ));
            }
            // Up to the fold, or the whole remainder once folded.
            let take = if folded {
                rest.len()
            } else {
                rest.len().min(SHOWN - shown)
            };
            let (now, later) = rest.split_at(take);
            out.push_str(&format!(
                "### {}\n\n| Line | Rule | Severity | Message |\n|---:|---|---|---|\n",
                code(&path)
            ));
            for f in now {
                out.push_str(&row(r, &path, f, links));
            }
            out.push('\n');
            shown += take;
            rest = later;
        }
    }
    if folded {
        out.push_str("</details>\n");
    }
    if total == 0 && input.errors.is_empty() {
        out.push_str("No findings.\n");
    }
    out
}
