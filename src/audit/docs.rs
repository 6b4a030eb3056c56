//! The checklist items' pages (`checklist/<ID>.md`) and their index,
//! generated from the catalogue like the rule pages.

use super::{ItemDef, Section, items};
use std::fmt::Write;

pub fn page(i: &ItemDef) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", i.id, i.title);
    let _ = writeln!(
        out,
        "Section: {} · Level: {} · Weight: {}\n",
        i.section.title(),
        i.level
            .map_or("none (counts toward the score only)", |l| l.name()),
        i.weight
    );
    let _ = writeln!(out, "## Why it matters in production\n\n{}\n", i.why);
    let _ = writeln!(out, "## How it is decided\n\n{}\n", i.how);
    if !i.rules.is_empty() {
        let _ = writeln!(out, "## Rules that fail it\n");
        for r in i.rules {
            let critical = if i.critical.contains(r) {
                " (critical: caps the level at not ready)"
            } else {
                ""
            };
            let _ = writeln!(out, "- [{r}](../rules/{r}.md){critical}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Waiving it\n\nWhere the repository cannot show it (done by another team, outside the repository), waive it with the reason in `prodlint.toml`:\n\n```toml\n[audit.waive]\n{} = \"why it does not apply here\"\n```",
        i.id
    );
    out
}

pub fn index() -> String {
    let mut out = String::from(
        "# The audit's checklist\n\n`prodlint audit` answers each item with pass, fail, n/a, unknown or waived, with the evidence behind the answer. Bronze needs every bronze item; silver every bronze and silver item; gold all of them. Items with no level count toward the score only.\n\n",
    );
    for s in Section::ALL {
        let _ = writeln!(
            out,
            "## {}\n\n| item | title | level | weight |\n|---|---|---|---|",
            s.title()
        );
        for i in items::ALL.iter().filter(|i| i.section == s) {
            let _ = writeln!(
                out,
                "| [{}]({}.md) | {} | {} | {} |",
                i.id,
                i.id,
                i.title,
                i.level.map_or("-", |l| l.name()),
                i.weight
            );
        }
        out.push('\n');
    }
    out
}

/// (path relative to the repository, contents).
pub fn generated_files() -> Vec<(String, String)> {
    let mut files = vec![("checklist/README.md".to_string(), index())];
    for i in items::ALL {
        files.push((format!("checklist/{}.md", i.id), page(i)));
    }
    files
}
