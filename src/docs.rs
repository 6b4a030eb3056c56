//! Rule documentation generated from the rules' doc comments: the index
//! (`rules/README.md`) and one page per rule (`rules/<CODE>.md`).

use crate::registry::RuleMeta;
use crate::rules;

/// Family prefixes and titles, in index order.
pub const FAMILIES: &[(&str, &str)] = &[
    ("PL", "prodlint itself"),
    ("DF", "Dockerfiles"),
    ("GH", "GitHub Actions workflows and actions"),
    ("EN", "environment files"),
    ("SE", "secrets, in every file"),
    ("PM", "servers and process managers"),
    ("DC", "docker-compose files"),
    ("KU", "Kubernetes manifests"),
    ("PY", "the app's Python code"),
    ("XR", "cross-file: the files of a deployable agree"),
];

fn severity_cell(rule: &RuleMeta) -> String {
    let mut s = rule.severity.as_str().to_string();
    if !rule.enabled_by_default {
        s.push_str(" (off by default)");
    }
    s
}

/// The page for one rule.
pub fn page(rule: &RuleMeta) -> String {
    let mut out = format!("# {} {}\n\n", rule.code, rule.name);
    out.push_str(&format!("{}.\n\n", capitalize(rule.summary)));
    out.push_str("| | |\n|---|---|\n");
    out.push_str(&format!("| Default severity | {} |\n", severity_cell(rule)));
    let tags = if rule.tags.is_empty() {
        "—".to_string()
    } else {
        rule.tags.join(", ")
    };
    out.push_str(&format!("| Tags | {tags} |\n"));
    if let Some(ss) = rule.security_severity {
        out.push_str(&format!("| Security severity | {ss} |\n"));
    }
    let purposes: Vec<&str> = rule.purposes.iter().map(|p| p.as_str()).collect();
    out.push_str(&format!(
        "| Files checked | {} (see [purposes](../README.md#file-purposes)) |\n",
        purposes.join(", ")
    ));
    out.push_str(&format!("| Fix | {} |\n\n", rule.fix.as_str()));
    out.push_str(&rule.doc_markdown());
    if !rule.options.is_empty() && !rule.doc.contains("## Options") {
        out.push_str("\n## Options\n\n");
        for o in rule.options {
            out.push_str(&format!("- `{}`: {}\n", o.name, o.description));
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The rule index, one table per family.
pub fn index() -> String {
    let mut out = String::from(
        "# prodlint rules\n\nGenerated from the rules' doc comments by `UPDATE_DOCS=1 cargo test --test docs`; do not edit by hand.\n\n",
    );
    for (family, title) in FAMILIES {
        let rules: Vec<&RuleMeta> = rules::all()
            .iter()
            .copied()
            .filter(|r| r.family() == *family)
            .collect();
        if rules.is_empty() {
            continue;
        }
        out.push_str(&format!("## {family}: {title}\n\n"));
        out.push_str("| Code | Name | Default | Summary | Fix |\n|---|---|---|---|---|\n");
        for r in rules {
            out.push_str(&format!(
                "| [{code}]({code}.md) | {name} | {sev} | {summary} | {fix} |\n",
                code = r.code,
                name = r.name,
                sev = severity_cell(r),
                summary = r.summary.replace('|', "\\|"),
                fix = r.fix.as_str(),
            ));
        }
        out.push('\n');
    }
    out
}

/// Every generated file: (path relative to the repository, contents).
pub fn generated_files() -> Vec<(String, String)> {
    let mut files = vec![("rules/README.md".to_string(), index())];
    for r in rules::all() {
        files.push((format!("rules/{}.md", r.code), page(r)));
    }
    files.extend(crate::audit::docs::generated_files());
    files
}
